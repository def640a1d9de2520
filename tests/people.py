"""The people in our stories: users created through the real auth service, logged in over HTTP."""

from dataclasses import dataclass, field

import httpx
from sqlalchemy.engine import Engine

from engine import clock
from engine.auth import service as auth
from engine.auth.schemas import UserCreate
from engine.db import transaction

HANGZHOU, SHANGHAI = "330100", "310100"
PASSWORD = "correct-horse-battery"


@dataclass
class Person:
    username: str
    role: str
    department: str | None = None
    region: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


def enrol(
    engine: Engine,
    client: httpx.Client,
    username: str,
    role: str,
    department: str | None = None,
    region: str | None = None,
) -> Person:
    """Create the user in the database, then log in through POST /api/auth/token."""
    with transaction(engine) as session:
        body = UserCreate(username=username, password=PASSWORD, role=role, department=department, region=region)
        auth.create_user(session, body, now=clock.now(session))
    response = client.post("/api/auth/token", data={"username": username, "password": PASSWORD})
    response.raise_for_status()
    token = response.json()["access_token"]
    return Person(username, role, department, region, {"Authorization": f"Bearer {token}"})


def api_client_key(engine: Engine, name: str = "province-portal", region: str | None = None) -> dict[str, str]:
    with transaction(engine) as session:
        key = auth.create_api_key(session, name, region=region, now=clock.now(session))
    return {"X-API-Key": key}


@dataclass
class Cast:
    admin: Person
    designer: Person
    window_hz: Person
    market_hz: Person
    fire_hz: Person
    market_sh: Person
    window_sh: Person
    applicant: Person
    system: dict[str, str]


def standard_cast(engine: Engine, client: httpx.Client) -> Cast:
    return Cast(
        admin=enrol(engine, client, "admin", "admin"),
        designer=enrol(engine, client, "designer", "designer"),
        window_hz=enrol(engine, client, "window_hz", "clerk", "zwfw", HANGZHOU),
        market_hz=enrol(engine, client, "market_hz", "clerk", "scjg", HANGZHOU),
        fire_hz=enrol(engine, client, "fire_hz", "clerk", "xf", HANGZHOU),
        market_sh=enrol(engine, client, "market_sh", "clerk", "scjg", SHANGHAI),
        window_sh=enrol(engine, client, "window_sh", "clerk", "zwfw", SHANGHAI),
        applicant=enrol(engine, client, "zhangsan", "applicant"),
        system=api_client_key(engine),
    )
