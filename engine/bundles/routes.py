from typing import Annotated

from fastapi import APIRouter, File, Response, UploadFile

from engine import clock
from engine.auth.deps import Designer
from engine.bundles import guide as bundle_guide
from engine.bundles import service
from engine.bundles.schemas import (
    BundleDetail,
    BundleSummary,
    DeployResult,
    FormView,
    ValidationReport,
    VersionDetail,
    VersionView,
)
from engine.config import get_settings
from engine.db import SessionDep
from engine.errors import Invalid, TooLarge

router = APIRouter(prefix="/api/bundles", tags=["bundles"])

Uploads = Annotated[list[UploadFile], File(description="bundle.json, *.bpmn, *.dmn and JSON form files")]


async def read_uploads(uploads: list[UploadFile]) -> dict[str, bytes]:
    """Read the multipart files, refusing oversized uploads before they are parsed."""
    limit = get_settings().max_upload_bytes
    files: dict[str, bytes] = {}
    total = 0
    for upload in uploads:
        content = await upload.read(limit + 1)
        total += len(content)
        if len(content) > limit or total > limit:
            raise TooLarge(f"upload exceeds {limit} bytes", [])
        files[upload.filename or "unnamed"] = content
    return files


def _summary(bundle, version) -> dict:
    m = version.manifest
    return {
        "id": bundle.id,
        "name": m["name"],
        "name_en": m.get("name_en"),
        "description": m.get("description"),
        "active_version": bundle.active_version,
        "modes": m["modes"],
        "time_limit_working_days": m["time_limit_working_days"],
        "service_object": m.get("service_object"),
    }


@router.post("", response_model=DeployResult, status_code=201)
async def deploy(files: Uploads, session: SessionDep, who: Designer, response: Response) -> DeployResult:
    """Deploy a bundle: validated as a whole, stored as a new active version, or 200 if unchanged."""
    content = await read_uploads(files)
    version, created = service.deploy(session, who, content, now=clock.now(session))
    if not created:
        response.status_code = 200
    active = service.get_bundle(session, version.bundle_id).active_version == version.version
    return DeployResult(bundle_id=version.bundle_id, version=version.version, active=active, created=created)


@router.post("/validate", response_model=ValidationReport)
async def validate(files: Uploads, who: Designer) -> ValidationReport:
    """The deploy checks without storing anything (the designer's "validate" button)."""
    content = await read_uploads(files)
    try:
        checked = service.validate(content)
    except Invalid as exc:
        return ValidationReport(valid=False, errors=[e.as_dict() for e in exc.errors])
    return ValidationReport(valid=True, bundle_id=checked.manifest["id"], content_hash=checked.content_hash)


@router.get("", response_model=list[BundleSummary])
async def list_bundles(session: SessionDep) -> list[BundleSummary]:
    """The public catalogue: every bundle with its active version."""
    return [BundleSummary(**_summary(b, v)) for b, v in service.list_bundles(session)]


@router.get("/{bundle_id}", response_model=BundleDetail)
async def get_bundle(bundle_id: str, session: SessionDep) -> BundleDetail:
    bundle = service.get_bundle(session, bundle_id)
    versions = service.list_versions(session, bundle_id)
    active = next(v for v in versions if v.version == bundle.active_version)
    views = [
        VersionView(
            version=v.version,
            content_hash=v.content_hash,
            deployed_by=v.deployed_by,
            deployed_at=v.deployed_at,
            active=v.version == bundle.active_version,
            files=service.file_names(session, v.id),
        )
        for v in versions
    ]
    return BundleDetail(**_summary(bundle, active), manifest=active.manifest, versions=views)


@router.get("/{bundle_id}/versions/{number}", response_model=VersionDetail)
async def get_version(bundle_id: str, number: int, session: SessionDep) -> VersionDetail:
    """One version as deployed: its manifest and files (running instances may be on an older one)."""
    version = service.get_version(session, bundle_id, number)
    active = service.get_bundle(session, bundle_id).active_version == number
    return VersionDetail(
        version=version.version,
        content_hash=version.content_hash,
        deployed_by=version.deployed_by,
        deployed_at=version.deployed_at,
        active=active,
        files=service.file_names(session, version.id),
        manifest=version.manifest,
    )


@router.get("/{bundle_id}/versions/{number}/files/{name:path}")
async def get_file(bundle_id: str, number: int, name: str, session: SessionDep) -> Response:
    row = service.get_file(session, bundle_id, number, name)
    media = "application/json" if name.endswith(".json") else "application/xml"
    return Response(row.content, media_type=f"{media}; charset=utf-8")


@router.post("/{bundle_id}/versions/{number}/activate", response_model=BundleSummary)
async def activate(bundle_id: str, number: int, session: SessionDep, who: Designer) -> BundleSummary:
    """Make a version the one new instances use (also a rollback); running instances keep theirs."""
    bundle = service.activate(session, who, bundle_id, number, now=clock.now(session))
    return BundleSummary(**_summary(bundle, service.get_version(session, bundle_id, number)))


@router.get("/{bundle_id}/application-form", response_model=FormView, response_model_by_alias=True)
async def application_form(bundle_id: str, session: SessionDep) -> FormView:
    """The merged application form (一表申请) of the active version."""
    merged = service.active_artefacts(session, bundle_id).application_form()
    return FormView(schema=merged.schema, ui_schema=merged.ui_schema)


@router.get("/{bundle_id}/guide")
async def guide(bundle_id: str, session: SessionDep) -> dict:
    """办事指南 (一次告知): departments and items, materials (tolerable ones marked), steps, time limit, 四减."""
    return bundle_guide.guide(service.active_artefacts(session, bundle_id))
