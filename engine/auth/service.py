"""Users, bearer tokens and API keys.

Passwords are argon2-hashed. Tokens and API keys are 256-bit random secrets, so a plain SHA-256 of
them is enough to store (and lets every request find its row by an indexed equality lookup).
"""

import hashlib
import secrets
from datetime import datetime, timedelta
from functools import cache

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, select

from engine.auth.models import ApiKey, AuthToken, User
from engine.auth.schemas import Principal, UserCreate
from engine.config import get_settings
from engine.db import Direct
from engine.errors import Conflict, Unauthenticated, invalid
from engine.regions import divisions


@cache
def _hasher() -> PasswordHasher:
    settings = get_settings()
    return PasswordHasher(time_cost=settings.argon2_time_cost, memory_cost=settings.argon2_memory_kib)


@cache
def _dummy_hash() -> str:
    """Verified against when the username is unknown, so a login takes as long either way."""
    return _hasher().hash("not-a-real-password")


ROLES_NEEDING_POST = ("clerk",)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_user(session: Session, body: UserCreate, *, now: datetime) -> User:
    problems: list[tuple[list[str], str]] = []
    if body.role in ROLES_NEEDING_POST and not (body.department and body.region):
        problems.append((["department"], "a clerk belongs to one department and one region"))
    if body.region and not divisions.is_valid(body.region):
        problems.append((["region"], f"unknown administrative division code {body.region}"))
    if problems:
        raise invalid("invalid user", problems)
    if session.exec(select(User).where(User.username == body.username)).first():
        raise Conflict(f"user {body.username} exists already")
    user = User(
        username=body.username,
        display_name=body.display_name,
        password_hash=_hasher().hash(body.password),
        role=body.role,
        department=body.department,
        region=body.region,
        created_at=now,
    )
    session.add(user)
    session.flush()
    return user


def issue_token(
    session: Session, username: str, password: str, *, now: datetime, ttl: timedelta
) -> tuple[str, datetime]:
    user = session.exec(select(User).where(User.username == username)).first()
    try:
        _hasher().verify(user.password_hash if user else _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        user = None
    if user is None or not user.active:
        raise Unauthenticated("用户名或密码错误 / wrong username or password")
    token = secrets.token_urlsafe(32)
    row = AuthToken(token_hash=_digest(token), user_id=user.id, created_at=now, expires_at=now + ttl)
    session.add(row)
    session.flush()
    return token, row.expires_at


def revoke_token(session: Session, token: str) -> None:
    row = session.exec(select(AuthToken).where(AuthToken.token_hash == _digest(token))).first()
    if row is not None:
        session.delete(row)
        session.flush()


_users, _tokens = User.__table__.c, AuthToken.__table__.c
# Built once, on the tables: an ORM select of columns built per request cost 4x the lookup itself.
_BY_TOKEN = Direct(
    sa.select(
        _users.username,
        _users.role,
        _users.department,
        _users.region,
        _users.id,
        _users.display_name,
        _users.active,
        _tokens.expires_at,
    )
    .join_from(User.__table__, AuthToken.__table__, _tokens.user_id == _users.id)
    .where(_tokens.token_hash == sa.bindparam("token_hash"))
)


def principal_for_token(session: Session, token: str, *, now: datetime) -> Principal:
    """Every authenticated request passes here: one indexed lookup of plain columns."""
    row = _BY_TOKEN.first(session.connection(), {"token_hash": _digest(token)})
    if row is None:
        raise Unauthenticated("无效的登录凭证 / invalid token")
    if row.expires_at <= now or not row.active:
        raise Unauthenticated("登录已过期 / token expired")
    return Principal(row.username, row.role, row.department, row.region, row.id, row.display_name)


def create_api_key(session: Session, name: str, *, region: str | None, now: datetime) -> str:
    if session.exec(select(ApiKey).where(ApiKey.name == name)).first():
        raise Conflict(f"API key {name} exists already")
    if region and not divisions.is_valid(region):
        raise invalid("invalid API key", [(["region"], f"unknown administrative division code {region}")])
    key = "yj_" + secrets.token_urlsafe(32)
    session.add(ApiKey(name=name, prefix=key[:10], key_hash=_digest(key), region=region, created_at=now))
    session.flush()
    return key


def revoke_api_key(session: Session, name: str, *, now: datetime) -> None:
    row = session.exec(select(ApiKey).where(ApiKey.name == name)).first()
    if row is None:
        raise Conflict(f"no API key named {name}")
    row.revoked_at = now
    session.add(row)
    session.flush()


def principal_for_api_key(session: Session, key: str) -> Principal:
    row = session.exec(select(ApiKey).where(ApiKey.key_hash == _digest(key))).first()
    if row is None or row.revoked_at is not None:
        raise Unauthenticated("无效的 API key / invalid API key")
    return Principal(row.name, "system", None, row.region)


def list_users(session: Session) -> list[User]:
    return list(session.exec(select(User).order_by(User.username)))
