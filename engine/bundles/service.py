"""Deploying bundles as immutable versions, activating them, and reading what was deployed."""

import hashlib
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import func
from sqlmodel import Session, select

from engine.audit import service as audit
from engine.auth.schemas import Principal
from engine.bundles import compiled as compiled_cache
from engine.bundles.compiled import VersionArtefacts
from engine.bundles.models import Bundle, BundleFile, BundleVersion
from engine.bundles.validation import CheckedBundle, check
from engine.errors import NotFound


def deploy(session: Session, who: Principal, files: dict[str, bytes], *, now: datetime) -> tuple[BundleVersion, bool]:
    """Store a new version (and make it active) unless an identical version exists already.

    Everything is validated first; the version, its files and the activation are written in the
    caller's one transaction, so a failed deploy leaves nothing behind.
    """
    checked = check(files)
    bundle_id = checked.manifest["id"]
    existing = session.exec(
        select(BundleVersion).where(
            BundleVersion.bundle_id == bundle_id, BundleVersion.content_hash == checked.content_hash
        )
    ).first()
    if existing is not None:
        return existing, False
    bundle = session.exec(select(Bundle).where(Bundle.id == bundle_id).with_for_update()).first()
    number = 1
    if bundle is None:
        bundle = Bundle(id=bundle_id, name=checked.manifest["name"], active_version=1, created_at=now)
        session.add(bundle)
        session.flush()
    else:
        number = (
            session.exec(select(func.max(BundleVersion.version)).where(BundleVersion.bundle_id == bundle_id)).one() or 0
        ) + 1
    version = _store(session, who, checked, number, now=now)
    bundle.active_version = number
    bundle.name = checked.manifest["name"]
    session.add(bundle)
    audit.append(
        session,
        at=now,
        actor=who.name,
        action="bundle.deployed",
        bundle_id=bundle_id,
        detail={"version": number, "content_hash": checked.content_hash, "files": sorted(files)},
    )
    session.flush()
    compiled_cache.remember(version, checked.files, checked.compiled)
    return version, True


def _store(session: Session, who: Principal, checked: CheckedBundle, number: int, *, now: datetime) -> BundleVersion:
    version = BundleVersion(
        bundle_id=checked.manifest["id"],
        version=number,
        content_hash=checked.content_hash,
        process_id=checked.manifest["process"],
        manifest=checked.manifest,
        deployed_by=who.name,
        deployed_at=now,
    )
    session.add(version)
    session.flush()
    for name, content in sorted(checked.files.items()):
        session.add(
            BundleFile(version_id=version.id, name=name, sha256=hashlib.sha256(content).hexdigest(), content=content)
        )
    session.flush()
    return version


def validate(files: dict[str, bytes]) -> CheckedBundle:
    return check(files)


def unknown_bundle(bundle_id: str) -> NotFound:
    return NotFound(f"未找到事项 {bundle_id} / unknown bundle {bundle_id}")


def get_bundle(session: Session, bundle_id: str) -> Bundle:
    bundle = session.get(Bundle, bundle_id)
    if bundle is None:
        raise unknown_bundle(bundle_id)
    return bundle


def get_version(session: Session, bundle_id: str, number: int) -> BundleVersion:
    version = session.exec(
        select(BundleVersion).where(BundleVersion.bundle_id == bundle_id, BundleVersion.version == number)
    ).first()
    if version is None:
        raise NotFound(f"bundle {bundle_id} has no version {number}")
    return version


_b, _v = Bundle.__table__, BundleVersion.__table__
_ACTIVE = (  # built once: every start runs it
    sa.select(_v.c.id, _v.c.content_hash)
    .join_from(_b, _v, (_b.c.id == _v.c.bundle_id) & (_b.c.active_version == _v.c.version))
    .where(_b.c.id == sa.bindparam("bundle_id"))
)


def active_artefacts(session: Session, bundle_id: str) -> VersionArtefacts:
    """What a new instance runs: one query for the active version's id and hash, then the cache."""
    row = session.execute(_ACTIVE, {"bundle_id": bundle_id}).first()
    if row is None:
        raise unknown_bundle(bundle_id)
    return version_artefacts(session, row[0], row[1])


def version_artefacts(session: Session, version_id: int, content_hash: str) -> VersionArtefacts:
    """Every engine step needs its version's artefacts: running instances carry the content hash, the
    cache's key, so a step reads no version row unless this process has not compiled it yet."""
    item = compiled_cache.cached(content_hash)
    if item is not None:
        return item
    version = session.get(BundleVersion, version_id)
    if version is None:
        raise NotFound(f"unknown bundle version {version_id}")
    return compiled_cache.artefacts(session, version)


def list_bundles(session: Session) -> list[tuple[Bundle, BundleVersion]]:
    rows = session.exec(
        select(Bundle, BundleVersion)
        .join(BundleVersion, (BundleVersion.bundle_id == Bundle.id) & (BundleVersion.version == Bundle.active_version))
        .order_by(Bundle.id)
    ).all()
    return [(b, v) for b, v in rows]


def list_versions(session: Session, bundle_id: str) -> list[BundleVersion]:
    get_bundle(session, bundle_id)
    return list(
        session.exec(select(BundleVersion).where(BundleVersion.bundle_id == bundle_id).order_by(BundleVersion.version))
    )


def file_names(session: Session, version_id: int) -> list[str]:
    return list(
        session.exec(select(BundleFile.name).where(BundleFile.version_id == version_id).order_by(BundleFile.name))
    )


def get_file(session: Session, bundle_id: str, number: int, name: str) -> BundleFile:
    version = get_version(session, bundle_id, number)
    row = session.exec(select(BundleFile).where(BundleFile.version_id == version.id, BundleFile.name == name)).first()
    if row is None:
        raise NotFound(f"version {number} of {bundle_id} has no file {name}")
    return row


def activate(session: Session, who: Principal, bundle_id: str, number: int, *, now: datetime) -> Bundle:
    """Make ``number`` the version new instances start on (rollback included); running ones keep theirs."""
    bundle = session.exec(select(Bundle).where(Bundle.id == bundle_id).with_for_update()).first()
    if bundle is None:
        raise NotFound(f"unknown bundle {bundle_id}")
    get_version(session, bundle_id, number)
    if bundle.active_version == number:
        return bundle
    previous = bundle.active_version
    bundle.active_version = number
    session.add(bundle)
    audit.append(
        session,
        at=now,
        actor=who.name,
        action="bundle.activated",
        bundle_id=bundle_id,
        detail={"version": number, "previous": previous},
    )
    session.flush()
    return bundle


def department_names(session: Session) -> dict[str, dict[str, str]]:
    """Department code → {"zh": name, "en": name} from the lanes of every active version. Lanes may
    qualify a department ("政务服务中心（统一出件窗口）"); the shortest name is the department's own."""
    names: dict[str, dict[str, str]] = {}
    for _, version in list_bundles(session):
        for lane in version.manifest["lanes"].values():
            known = names.get(lane["department"])
            if known is None or len(lane["department_name"]) < len(known["zh"]):
                entry = {"zh": lane["department_name"]}
                if lane.get("department_name_en"):
                    entry["en"] = lane["department_name_en"]
                names[lane["department"]] = entry
    return names
