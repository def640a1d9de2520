from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response

from engine import clock
from engine.auth.deps import Designer
from engine.db import SessionDep
from engine.designer import catalogue, service
from engine.designer.schemas import (
    BundleVersionsView,
    DepartmentView,
    DeployView,
    DesignerBundleView,
    DiffView,
    DraftCheck,
    DraftSave,
    DraftStart,
    DraftView,
    FormPreviewRequest,
    FormPreviewView,
    FragmentView,
    ValidationView,
)

router = APIRouter(prefix="/api/designer", tags=["designer"])

BundleId = Annotated[str, Path(pattern=r"^[a-z][a-z0-9-]{1,62}$", description="bundle id (manifest id)")]


def _draft_view(draft) -> DraftView:
    return DraftView.model_validate(draft, from_attributes=True)


@router.get("/bundles", response_model=list[DesignerBundleView])
async def list_bundles(session: SessionDep, who: Designer) -> list[dict]:
    """Deployed bundles with version and instance counts, and the caller's drafts (also of new bundles)."""
    return service.list_bundles(session, who)


@router.get("/bundles/{bundle_id}", response_model=BundleVersionsView)
async def bundle_versions(bundle_id: BundleId, session: SessionDep, who: Designer) -> dict:
    """Versions, newest first: who deployed what and when, instance counts, the active one."""
    return service.bundle_versions(session, who, bundle_id)


@router.get("/bundles/{bundle_id}/versions/{number}/diff", response_model=DiffView)
async def version_diff(
    bundle_id: BundleId,
    number: int,
    session: SessionDep,
    who: Designer,
    against: Annotated[int | None, Query(ge=1, description="default: the previous version")] = None,
) -> dict:
    """BPMN elements, form fields, manifest entries and files that changed from ``against`` to ``number``."""
    return service.version_diff(session, bundle_id, number, against=against)


@router.post("/bundles/{bundle_id}/versions/{number}/activate", response_model=BundleVersionsView)
async def rollback(bundle_id: BundleId, number: int, session: SessionDep, who: Designer) -> dict:
    """Rollback (or roll forward): new instances start on ``number``; running instances keep their version."""
    return service.rollback(session, who, bundle_id, number, now=clock.now(session))


@router.get("/drafts/{bundle_id}", response_model=DraftView)
async def get_draft(bundle_id: BundleId, session: SessionDep, who: Designer) -> DraftView:
    """The caller's draft of the bundle: every file as text (404 when there is none)."""
    return _draft_view(service.get_draft(session, who, bundle_id))


@router.post("/drafts/{bundle_id}", response_model=DraftView, status_code=201)
async def start_draft(bundle_id: BundleId, body: DraftStart, session: SessionDep, who: Designer) -> DraftView:
    """Start a draft as a copy of a deployed version (the active one unless ``version`` is given)."""
    draft = service.start_draft(
        session, who, bundle_id, version=body.version, replace=body.replace, now=clock.now(session)
    )
    return _draft_view(draft)


@router.put("/drafts/{bundle_id}", response_model=DraftView)
async def save_draft(bundle_id: BundleId, body: DraftSave, session: SessionDep, who: Designer) -> DraftView:
    """Save the whole file set (creates the draft, also for a bundle never deployed); 409 on a stale revision."""
    draft = service.save_draft(
        session,
        who,
        bundle_id,
        files=body.files,
        base_version=body.base_version,
        revision=body.revision,
        now=clock.now(session),
    )
    return _draft_view(draft)


@router.delete("/drafts/{bundle_id}", status_code=204)
async def discard_draft(bundle_id: BundleId, session: SessionDep, who: Designer) -> Response:
    service.discard_draft(session, who, bundle_id, now=clock.now(session))
    return Response(status_code=204)


@router.post("/drafts/{bundle_id}/validate", response_model=ValidationView)
async def validate_draft(bundle_id: BundleId, body: DraftCheck, session: SessionDep, who: Designer) -> dict:
    """The deploy checks plus the designer lint, on the stored draft or on unsaved ``files``."""
    return service.check_draft(session, who, bundle_id, files=body.files, now=clock.now(session))


@router.get("/drafts/{bundle_id}/diff", response_model=DiffView)
async def draft_diff(bundle_id: BundleId, session: SessionDep, who: Designer) -> dict:
    """What deploying the draft would change, against the version it was started from."""
    return service.draft_diff(session, who, bundle_id)


@router.post("/drafts/{bundle_id}/deploy", response_model=DeployView, status_code=201)
async def deploy_draft(bundle_id: BundleId, session: SessionDep, who: Designer, response: Response) -> dict:
    """Deploy the draft as a new active version (422 listing the errors, nothing stored, while any remain)."""
    result = service.deploy_draft(session, who, bundle_id, now=clock.now(session))
    if not result["created"]:
        response.status_code = 200
    return result


@router.get("/departments", response_model=list[DepartmentView])
async def departments(
    session: SessionDep, who: Designer, bundle_id: Annotated[str | None, Query(max_length=64)] = None
) -> list[dict]:
    """Department directory from every deployed manifest's lanes, plus those of the caller's draft of ``bundle_id``."""
    return catalogue.departments(session, who, bundle_id)


@router.get("/fragments", response_model=list[FragmentView], response_model_by_alias=True)
async def fragments(who: Designer) -> list[dict]:
    """Shared form fragments (``forms/common/``) that a form can insert with ``$ref``."""
    return catalogue.fragments()


@router.post("/forms/preview", response_model=FormPreviewView, response_model_by_alias=True)
async def form_preview(body: FormPreviewRequest, who: Designer) -> dict:
    """A draft form made self-contained, as the applicant's browser gets it, with its fields and problems."""
    return catalogue.form_preview(body.name, body.files)


@router.get("/manifest-schema")
async def manifest_schema(who: Designer) -> dict[str, Any]:
    """The JSON schema of ``bundle.json`` (the manifest editor validates against it as the designer types)."""
    return catalogue.manifest_schema()
