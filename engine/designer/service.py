"""The low-code designer: drafts of bundles, checks before deploy, deploy and rollback, version history.

A draft is a designer's private copy of a bundle's files (one per bundle and author). It is checked with the very
checks ``POST /api/bundles`` runs plus the designer lint, and deployed through ``engine.bundles.service.deploy``,
so a bundle built in the browser is held to the same rules as one deployed from the repository.
"""

import json
import re
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from engine.audit import service as audit
from engine.auth.schemas import Principal
from engine.bundles import service as bundles
from engine.bundles.models import Bundle, BundleVersion
from engine.bundles.validation import MANIFEST, is_process_file
from engine.config import get_settings
from engine.designer import diff as diffing
from engine.designer.lint import lint
from engine.designer.models import BundleDraft
from engine.errors import Conflict, ErrorItem, Invalid, NotFound, TooLarge, invalid
from engine.instances.models import ProcessInstance

_COMMON = re.compile(r"common/[A-Za-z0-9_.-]+\.json")
_NAME = re.compile(r"^(?!/)(?!.*\.\.)(?!.*\\)[^\x00-\x1f]{1,255}$")
_KINDS = (".bpmn", ".bpmn20.xml", ".dmn", ".json")


# --- files --------------------------------------------------------------------------------------------


def fragments_dir() -> Path:
    return get_settings().forms_dir / "common"


def with_fragments(files: Mapping[str, bytes]) -> dict[str, bytes]:
    """The files plus every ``common/…`` form fragment they name (transitively, with its ui schema) from the
    repository's ``forms/common/``, as a deploy from the repository gets them. The draft's own copies win, so a
    draft started from a version deploys that version's fragments unchanged."""
    out = dict(files)
    root = fragments_dir().parent
    pending = [m for content in out.values() for m in _COMMON.findall(content.decode("utf-8", "replace"))]
    while pending:
        name = pending.pop()
        source = root / name
        if name in out or not source.is_file():
            continue  # a missing fragment is reported by the deploy checks, naming the file that wants it
        out[name] = source.read_bytes()
        pending += _COMMON.findall(out[name].decode("utf-8", "replace"))
        ui_name = name.replace(".schema.json", ".uischema.json")
        if ui_name != name and (root / ui_name).is_file():
            out.setdefault(ui_name, (root / ui_name).read_bytes())
    return out


def encoded_files(files: Mapping[str, str]) -> dict[str, bytes]:
    problems = []
    for name in files:
        if not _NAME.match(name):
            problems.append(([name], "文件名须为相对路径，不含 .. 或反斜杠 / file names are relative paths"))
        elif name != MANIFEST and not name.endswith(_KINDS):
            problems.append(([name], "只能包含 bundle.json、BPMN、DMN 和 JSON 表单文件 / unsupported file type"))
    if problems:
        raise invalid("草稿文件名有误 / bad file names in the draft", problems)
    encoded = {name: text.encode("utf-8") for name, text in files.items()}
    limit = get_settings().max_upload_bytes
    if sum(len(c) for c in encoded.values()) > limit:
        raise TooLarge(f"草稿超过 {limit} 字节 / draft exceeds {limit} bytes")
    return encoded


def _decoded(files: Mapping[str, bytes]) -> dict[str, str]:
    out = {}
    for name, content in files.items():
        try:
            out[name] = content.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise invalid("无法在设计器中编辑 / not editable", [([name], "文件不是 UTF-8 文本 / not UTF-8")]) from exc
    return out


def version_files(session: Session, bundle_id: str, number: int) -> dict[str, bytes]:
    version = bundles.get_version(session, bundle_id, number)
    return {
        name: bytes(bundles.get_file(session, bundle_id, number, name).content)
        for name in bundles.file_names(session, version.id)
    }


def read_manifest(files: Mapping[str, bytes]) -> dict[str, Any] | None:
    try:
        value = json.loads(files.get(MANIFEST, b""))
    except (ValueError, UnicodeDecodeError):
        return None
    return value if isinstance(value, dict) else None


# --- drafts -------------------------------------------------------------------------------------------


def find_draft(session: Session, who: Principal, bundle_id: str) -> BundleDraft | None:
    return session.exec(
        select(BundleDraft).where(BundleDraft.bundle_id == bundle_id, BundleDraft.author == who.name)
    ).first()


def get_draft(session: Session, who: Principal, bundle_id: str) -> BundleDraft:
    draft = find_draft(session, who, bundle_id)
    if draft is None:
        raise NotFound(f"{who.name} 没有 {bundle_id} 的草稿 / no draft of {bundle_id} by {who.name}")
    return draft


def start_draft(
    session: Session, who: Principal, bundle_id: str, *, version: int | None, replace: bool, now: datetime
) -> BundleDraft:
    """Copy a deployed version's files (the active version unless ``version`` is given) into the caller's draft."""
    draft = find_draft(session, who, bundle_id)
    if draft is not None and not replace:
        raise Conflict(f"已有草稿（第 {draft.revision} 次保存）/ a draft exists already; pass replace to discard it")
    number = version or bundles.get_bundle(session, bundle_id).active_version
    files = _decoded(version_files(session, bundle_id, number))
    if draft is None:
        draft = BundleDraft(bundle_id=bundle_id, author=who.name, created_at=now, updated_at=now, revision=0)
    draft.base_version, draft.files, draft.updated_at = number, files, now
    draft.revision += 1
    session.add(draft)
    session.flush()
    _audit_save(session, who, draft, now=now, detail={"started_from": number})
    return draft


def save_draft(
    session: Session,
    who: Principal,
    bundle_id: str,
    *,
    files: dict[str, str],
    base_version: int | None,
    revision: int | None,
    now: datetime,
) -> BundleDraft:
    """Store the whole file set; refuse (409) when ``revision`` is not the stored one (another tab saved since)."""
    encoded = encoded_files(files)
    draft = find_draft(session, who, bundle_id)
    if draft is not None and revision is not None and revision != draft.revision:
        raise Conflict(
            f"草稿已在别处保存（第 {draft.revision} 次），请刷新 / the draft was saved elsewhere "
            f"(revision {draft.revision}, you had {revision}); reload it"
        )
    if base_version is not None:
        bundles.get_version(session, bundle_id, base_version)
    if draft is None:
        bundle = session.get(Bundle, bundle_id)
        draft = BundleDraft(
            bundle_id=bundle_id,
            author=who.name,
            base_version=base_version or (bundle.active_version if bundle else None),
            created_at=now,
            updated_at=now,
            revision=0,
        )
    elif base_version is not None:
        draft.base_version = base_version
    changed = sorted(n for n in {*files, *draft.files} if files.get(n) != draft.files.get(n))
    draft.files = {name: files[name] for name in sorted(encoded)}
    draft.revision += 1
    draft.updated_at = now
    session.add(draft)
    session.flush()
    _audit_save(session, who, draft, now=now, detail={"changed": changed})
    return draft


def _audit_save(session: Session, who: Principal, draft: BundleDraft, *, now: datetime, detail: dict) -> None:
    audit.append(
        session,
        at=now,
        actor=who.name,
        action="draft.saved",
        bundle_id=draft.bundle_id,
        detail={"revision": draft.revision, "base_version": draft.base_version, **detail},
    )


def discard_draft(session: Session, who: Principal, bundle_id: str, *, now: datetime) -> None:
    draft = get_draft(session, who, bundle_id)
    session.delete(draft)
    audit.append(
        session,
        at=now,
        actor=who.name,
        action="draft.discarded",
        bundle_id=bundle_id,
        detail={"revision": draft.revision},
    )
    session.flush()


# --- checks -------------------------------------------------------------------------------------------


def problem_view(severity: str, rule: str, loc: list, message: str, files: Mapping[str, bytes]) -> dict[str, Any]:
    file = loc[0] if loc and isinstance(loc[0], str) else None
    element = loc[1] if file and is_process_file(file) and len(loc) > 1 and isinstance(loc[1], str) else None
    return {"severity": severity, "rule": rule, "loc": loc, "file": file, "element": element, "message": message}


def check_files(bundle_id: str, files: Mapping[str, bytes], *, now: datetime) -> dict[str, Any]:
    """The deploy checks and the designer lint on a file set: ``{valid, bundle_id, errors, warnings, problems}``.

    ``files`` must already include the ``common/…`` fragments (see :func:`with_fragments`)."""
    problems: list[dict[str, Any]] = []
    try:
        bundles.validate(dict(files))
    except Invalid as exc:
        problems += [problem_view("error", "deploy", list(e.loc), e.message, files) for e in exc.errors]
    manifest = read_manifest(files)
    if manifest is not None and manifest.get("id") != bundle_id:
        problems.append(
            problem_view(
                "error",
                "bundle-id",
                [MANIFEST, "id"],
                f"清单 id {manifest.get('id')!r} 与事项 {bundle_id} 不符 / the manifest id must be {bundle_id}",
                files,
            )
        )
    flagged = {(p["file"], p["element"]) for p in problems if p["element"]}
    for found in lint(files, manifest, now=now):
        if found.element and (found.file, found.element) in flagged and found.severity == "error":
            continue  # the deploy checks already flag this element; one red mark, their words
        problems.append(problem_view(found.severity, found.rule, found.loc, found.message, files))
    errors = sum(1 for p in problems if p["severity"] == "error")
    return {
        "valid": errors == 0,
        "bundle_id": bundle_id,
        "errors": errors,
        "warnings": len(problems) - errors,
        "problems": sorted(problems, key=lambda p: p["severity"] != "error"),
    }


def check_draft(
    session: Session, who: Principal, bundle_id: str, *, files: dict[str, str] | None, now: datetime
) -> dict[str, Any]:
    """Check unsaved ``files`` (live validation) or, without them, the stored draft."""
    text = files if files is not None else get_draft(session, who, bundle_id).files
    return check_files(bundle_id, with_fragments(encoded_files(text)), now=now)


def deploy_draft(session: Session, who: Principal, bundle_id: str, *, now: datetime) -> dict[str, Any]:
    """Deploy the caller's draft as a new version (refused while errors remain), then drop the draft.

    A draft identical to an existing version creates nothing; that version becomes the active one."""
    draft = get_draft(session, who, bundle_id)
    files = with_fragments(encoded_files(draft.files))
    report = check_files(bundle_id, files, now=now)
    errors = [p for p in report["problems"] if p["severity"] == "error"]
    if errors:
        raise Invalid(
            f"草稿有 {len(errors)} 个错误，未部署 / the draft has {len(errors)} error(s); nothing was deployed",
            [ErrorItem(tuple(p["loc"]), p["message"]) for p in errors],
        )
    version, created = bundles.deploy(session, who, files, now=now)
    bundle = bundles.activate(session, who, bundle_id, version.version, now=now)
    session.delete(draft)
    session.flush()
    return {
        "bundle_id": bundle_id,
        "version": version.version,
        "created": created,
        "active": bundle.active_version == version.version,
        "warnings": [p for p in report["problems"] if p["severity"] == "warning"],
    }


# --- versions -----------------------------------------------------------------------------------------


def _instance_counts(session: Session, bundle_id: str | None = None) -> dict[tuple[str, int], dict[str, int]]:
    query = select(ProcessInstance.bundle_id, ProcessInstance.version, ProcessInstance.status, func.count()).group_by(
        ProcessInstance.bundle_id, ProcessInstance.version, ProcessInstance.status
    )
    if bundle_id is not None:
        query = query.where(ProcessInstance.bundle_id == bundle_id)
    counts: dict[tuple[str, int], dict[str, int]] = {}
    for bid, number, status, count in session.exec(query):
        entry = counts.setdefault((bid, number), {"total": 0, "running": 0})
        entry["total"] += count
        if status == "running":
            entry["running"] += count
    return counts


def _draft_summary(draft: BundleDraft | None) -> dict[str, Any] | None:
    if draft is None:
        return None
    return {
        "author": draft.author,
        "base_version": draft.base_version,
        "revision": draft.revision,
        "updated_at": draft.updated_at,
    }


def list_bundles(session: Session, who: Principal) -> list[dict[str, Any]]:
    """Every deployed bundle, plus bundles the caller is drafting that were never deployed."""
    counts = _instance_counts(session)
    drafts = {d.bundle_id: d for d in session.exec(select(BundleDraft).where(BundleDraft.author == who.name))}
    version_counts = dict(
        session.exec(select(BundleVersion.bundle_id, func.count()).group_by(BundleVersion.bundle_id)).all()
    )
    out = []
    for bundle in session.exec(select(Bundle).order_by(Bundle.id)):
        totals = {"total": 0, "running": 0}
        for (bid, _), c in counts.items():
            if bid == bundle.id:
                totals = {k: totals[k] + c[k] for k in totals}
        out.append(
            {
                "id": bundle.id,
                "name": bundle.name,
                "deployed": True,
                "active_version": bundle.active_version,
                "versions": version_counts.get(bundle.id, 0),
                "instances": totals,
                "draft": _draft_summary(drafts.pop(bundle.id, None)),
            }
        )
    for bundle_id, draft in sorted(drafts.items()):
        manifest = read_manifest({MANIFEST: draft.files.get(MANIFEST, "").encode()}) or {}
        name = manifest.get("name") if isinstance(manifest.get("name"), str) else bundle_id
        out.append({"id": bundle_id, "name": name, "deployed": False, "draft": _draft_summary(draft)})
    return out


def bundle_versions(session: Session, who: Principal, bundle_id: str) -> dict[str, Any]:
    bundle = bundles.get_bundle(session, bundle_id)
    counts = _instance_counts(session, bundle_id)
    rows = [
        {
            "version": v.version,
            "content_hash": v.content_hash,
            "deployed_by": v.deployed_by,
            "deployed_at": v.deployed_at,
            "active": v.version == bundle.active_version,
            "files": bundles.file_names(session, v.id),
            "instances": counts.get((bundle_id, v.version), {"total": 0, "running": 0}),
        }
        for v in reversed(bundles.list_versions(session, bundle_id))
    ]
    return {
        "id": bundle.id,
        "name": bundle.name,
        "active_version": bundle.active_version,
        "versions": rows,
        "draft": _draft_summary(find_draft(session, who, bundle_id)),
    }


def rollback(session: Session, who: Principal, bundle_id: str, number: int, *, now: datetime) -> dict[str, Any]:
    """Make an older (or newer) version the one new instances start on; running instances keep theirs."""
    bundles.activate(session, who, bundle_id, number, now=now)
    return bundle_versions(session, who, bundle_id)


def version_diff(session: Session, bundle_id: str, number: int, *, against: int | None) -> dict[str, Any]:
    """Changes from ``against`` (default: the previous version; none for version 1) to version ``number``."""
    new = version_files(session, bundle_id, number)
    if against is None and number > 1:
        against = number - 1
    old = version_files(session, bundle_id, against) if against is not None else {}
    return {"bundle_id": bundle_id, "version": number, "against": against, **diffing.diff(old, new)}


def draft_diff(session: Session, who: Principal, bundle_id: str) -> dict[str, Any]:
    """Changes the caller's draft would deploy, against the version it started from."""
    draft = get_draft(session, who, bundle_id)
    old = version_files(session, bundle_id, draft.base_version) if draft.base_version else {}
    new = encoded_files(draft.files)
    return {"bundle_id": bundle_id, "version": 0, "against": draft.base_version, **diffing.diff(old, new)}
