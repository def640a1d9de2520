"""Demo users for a first start: one per role, clerks for every department in 杭州 and 上海."""

import secrets

from sqlmodel import select

from engine import clock
from engine.auth import service as auth
from engine.auth.models import User
from engine.auth.schemas import UserCreate
from engine.bundles.models import BundleVersion
from engine.db import transaction

DEMO_REGIONS = ("330100", "310100")


def _clerks(session) -> list[tuple[str, str]]:
    departments: dict[str, str] = {}
    for manifest in session.exec(select(BundleVersion.manifest)):
        for lane in manifest["lanes"].values():
            departments.setdefault(lane["department"], lane["department_name"])
    return sorted(departments.items())


def create_users() -> list[dict]:
    """Create the demo users that do not exist yet; returns their credentials (shown once)."""
    created: list[dict] = []
    with transaction() as session:
        wanted = [
            UserCreate(username="admin", password="x" * 8, role="admin", display_name="系统管理员"),
            UserCreate(username="designer", password="x" * 8, role="designer", display_name="流程设计员"),
            UserCreate(username="auditor", password="x" * 8, role="auditor", display_name="效能监察"),
            UserCreate(username="zhangsan", password="x" * 8, role="applicant", display_name="张三"),
        ]
        for department, name in _clerks(session):
            for region in DEMO_REGIONS:
                city = "hz" if region == "330100" else "sh"
                wanted.append(
                    UserCreate(
                        username=f"{department}_{city}",
                        password="x" * 8,
                        role="clerk",
                        department=department,
                        region=region,
                        display_name=f"{name}（{'杭州' if city == 'hz' else '上海'}）",
                    )
                )
        existing = set(session.exec(select(User.username)))
        now = clock.now(session)
        for body in wanted:
            if body.username in existing:
                continue
            body.password = secrets.token_urlsafe(9)
            auth.create_user(session, body, now=now)
            created.append(body.model_dump(exclude={"display_name"}))
    return created
