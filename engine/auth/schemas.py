from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, Field


@dataclass(frozen=True)
class Principal:
    """Who is calling: a user, or an external system holding an API key (role ``system``)."""

    name: str
    role: str
    department: str | None = None
    region: str | None = None
    user_id: int | None = None
    display_name: str = ""


class TokenView(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_at: str


class MeView(BaseModel):
    username: str
    role: str
    department: str | None
    region: str | None
    display_name: str = ""
    department_name: str | None = None
    department_name_en: str | None = None
    region_name: str | None = None


class UserCreate(BaseModel):
    username: str = Field(min_length=2, max_length=64, pattern=r"^[A-Za-z0-9_.@-]+$")
    password: str = Field(min_length=8, max_length=200)
    role: Literal["admin", "designer", "clerk", "auditor", "applicant"]
    department: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_-]{0,31}$")
    region: str | None = Field(default=None, pattern=r"^\d{6}$")
    display_name: str = Field(default="", max_length=100)


class UserView(BaseModel):
    id: int
    username: str
    role: str
    department: str | None
    region: str | None
    display_name: str
    active: bool


class ApiKeyCreate(BaseModel):
    name: str = Field(min_length=2, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    region: str | None = Field(default=None, pattern=r"^\d{6}$")


class ApiKeyView(BaseModel):
    name: str
    prefix: str
    key: str | None = None  # shown once, at creation
