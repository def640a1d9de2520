"""People log in with argon2-hashed passwords and get bearer tokens; external systems use hashed API keys
made by an admin on the command line."""

import os
import subprocess
import sys

import httpx
from sqlalchemy.engine import Engine
from sqlmodel import select

from engine.auth.models import ApiKey, User
from engine.db import transaction
from tests.people import PASSWORD, Cast


def _cli(db: Engine, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "YIJIAN_DATABASE_URL": db.url.render_as_string(hide_password=False)}
    return subprocess.run([sys.executable, "-m", "engine.cli", *args], env=env, capture_output=True, text=True)


def test_an_admin_creates_a_clerk_on_the_command_line_who_then_logs_in(client: httpx.Client, db: Engine) -> None:
    made = _cli(
        db,
        "users",
        "create",
        "li_hz",
        "--password",
        PASSWORD,
        "--role",
        "clerk",
        "--department",
        "scjg",
        "--region",
        "330100",
    )
    assert made.returncode == 0, made.stderr
    with transaction(db) as session:
        stored = session.exec(select(User).where(User.username == "li_hz")).one()
    assert stored.password_hash.startswith("$argon2id$") and PASSWORD not in stored.password_hash

    token = client.post("/api/auth/token", data={"username": "li_hz", "password": PASSWORD}).json()["access_token"]
    me = client.get("/api/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert me["username"] == "li_hz" and (me["role"], me["department"], me["region"]) == ("clerk", "scjg", "330100")


def test_a_clerk_needs_a_department_and_a_known_region(db: Engine) -> None:
    assert _cli(db, "users", "create", "x_hz", "--password", PASSWORD, "--role", "clerk").returncode == 1
    unknown = _cli(
        db,
        "users",
        "create",
        "y_hz",
        "--password",
        PASSWORD,
        "--role",
        "clerk",
        "--department",
        "scjg",
        "--region",
        "999999",
    )
    assert unknown.returncode == 1 and "999999" in unknown.stderr


def test_a_wrong_password_an_unknown_user_and_a_forged_token_are_401(client: httpx.Client, cast: Cast) -> None:
    assert client.post("/api/auth/token", data={"username": "admin", "password": "wrong-password"}).status_code == 401
    assert client.post("/api/auth/token", data={"username": "nobody", "password": PASSWORD}).status_code == 401
    assert client.get("/api/me", headers={"Authorization": "Bearer forged"}).status_code == 401
    assert client.get("/api/me").status_code == 401


def test_logging_out_revokes_the_token(client: httpx.Client, cast: Cast) -> None:
    assert client.post("/api/auth/logout", headers=cast.market_hz.headers).status_code == 204
    assert client.get("/api/me", headers=cast.market_hz.headers).status_code == 401


def test_an_api_key_from_the_cli_is_stored_hashed_and_lets_a_system_send_events(
    client: httpx.Client, db: Engine
) -> None:
    made = _cli(db, "apikeys", "create", "province-portal")
    assert made.returncode == 0, made.stderr
    key = made.stdout.strip()
    with transaction(db) as session:
        row = session.exec(select(ApiKey).where(ApiKey.name == "province-portal")).one()
    assert key not in row.key_hash
    event = {"type": "nobody.listens", "data": {}, "region": "330100"}
    assert client.post("/api/events", json=event, headers={"X-API-Key": key}).status_code == 202
    assert client.post("/api/events", json=event, headers={"X-API-Key": key + "x"}).status_code == 401
    assert client.get("/api/me", headers={"X-API-Key": key}).json()["role"] == "system"

    assert _cli(db, "apikeys", "revoke", "province-portal").returncode == 0
    assert client.post("/api/events", json=event, headers={"X-API-Key": key}).status_code == 401
    assert _cli(db, "apikeys", "revoke", "no-such-key").returncode == 1


def test_roles_are_checked_on_every_kind_of_endpoint(client: httpx.Client, cast: Cast) -> None:
    assert client.get("/api/admin/users", headers=cast.market_hz.headers).status_code == 403
    assert client.get("/api/admin/users", headers=cast.admin.headers).status_code == 200
    assert client.post("/api/admin/apikeys", json={"name": "x-sys"}, headers=cast.designer.headers).status_code == 403
    assert client.post("/api/webhooks", json={}, headers=cast.market_hz.headers).status_code == 403
    assert client.post("/api/admin/clock", json={"advance_days": 1}, headers=cast.designer.headers).status_code == 403
    assert (
        client.post("/api/instances/1/messages", json={"name": "x"}, headers=cast.market_hz.headers).status_code == 403
    )
    assert client.get("/api/ratings", headers=cast.applicant.headers).status_code == 403


def test_me_names_the_department_and_region_and_responses_carry_the_service_time(
    client: httpx.Client, cast: Cast
) -> None:
    from tests.instances.flow import deploy_mini

    deploy_mini(client, cast)
    client.post("/api/admin/clock", json={"now": "2031-03-10T09:00:00+08:00"}, headers=cast.admin.headers)
    response = client.get("/api/me", headers=cast.market_hz.headers)
    me = response.json()
    assert (me["department_name"], me["region_name"]) == ("市场监督管理局", "杭州市")
    assert response.headers["X-Server-Time"].startswith("2031-03-10T09:00:00")
    version = client.get("/api/bundles/mini-permit/versions/1").json()
    assert version["manifest"]["id"] == "mini-permit" and "mini.bpmn" in version["files"]
