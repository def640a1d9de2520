from datetime import datetime

from sqlmodel import Field, SQLModel

from engine.db import UTCDateTime


class User(SQLModel, table=True):
    __tablename__ = "user_account"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, sa_column_kwargs={"unique": True}, index=False)
    display_name: str = Field(default="", max_length=100)
    password_hash: str = Field(max_length=200)
    role: str = Field(max_length=16)
    department: str | None = Field(default=None, max_length=32)
    region: str | None = Field(default=None, max_length=6)
    active: bool = True
    created_at: datetime = Field(sa_type=UTCDateTime)


class AuthToken(SQLModel, table=True):
    """Opaque bearer tokens, stored hashed: revocable, and valid across every API process."""

    __tablename__ = "auth_token"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    user_id: int = Field(foreign_key="user_account.id", index=True)
    created_at: datetime = Field(sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)


class ApiKey(SQLModel, table=True):
    __tablename__ = "api_key"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    prefix: str = Field(max_length=12)
    key_hash: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    region: str | None = Field(default=None, max_length=6)
    created_at: datetime = Field(sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
