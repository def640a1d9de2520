from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.security import OAuth2PasswordRequestForm

from engine import clock
from engine.auth import service
from engine.auth.deps import Admin, CurrentPrincipal
from engine.auth.schemas import ApiKeyCreate, ApiKeyView, MeView, TokenView, UserCreate, UserView
from engine.bundles import service as bundles
from engine.config import get_settings
from engine.db import SessionDep
from engine.regions import divisions

router = APIRouter(prefix="/api", tags=["auth"])


@router.post("/auth/token", response_model=TokenView)
async def login(form: Annotated[OAuth2PasswordRequestForm, Depends()], session: SessionDep) -> TokenView:
    """OAuth2 password flow: exchange username and password for a bearer token."""
    ttl = timedelta(minutes=get_settings().token_ttl_minutes)
    token, expires_at = service.issue_token(session, form.username, form.password, now=clock.system_now(), ttl=ttl)
    return TokenView(access_token=token, expires_at=clock.to_cst(expires_at))


@router.post("/auth/logout", status_code=204)
async def logout(request: Request, session: SessionDep, who: CurrentPrincipal) -> None:
    """Revoke the bearer token this request carries."""
    token = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
    service.revoke_token(session, token)


@router.get("/me", response_model=MeView)
async def me(who: CurrentPrincipal, session: SessionDep) -> MeView:
    """Who is calling, with the department's and region's names for page headers."""
    names = bundles.department_names(session).get(who.department, {}) if who.department else {}
    return MeView(
        username=who.name,
        role=who.role,
        department=who.department,
        region=who.region,
        display_name=who.display_name,
        department_name=names.get("zh"),
        department_name_en=names.get("en"),
        region_name=divisions.name_of(who.region) if who.region else None,
    )


@router.get("/admin/users", response_model=list[UserView])
async def list_users(session: SessionDep, who: Admin) -> list[UserView]:
    return [UserView.model_validate(u, from_attributes=True) for u in service.list_users(session)]


@router.post("/admin/users", response_model=UserView, status_code=201)
async def create_user(body: UserCreate, session: SessionDep, who: Admin) -> UserView:
    user = service.create_user(session, body, now=clock.now(session))
    return UserView.model_validate(user, from_attributes=True)


@router.post("/admin/apikeys", response_model=ApiKeyView, status_code=201)
async def create_api_key(body: ApiKeyCreate, session: SessionDep, who: Admin) -> ApiKeyView:
    """Create a key for an external system; the key is shown once and stored hashed."""
    key = service.create_api_key(session, body.name, region=body.region, now=clock.now(session))
    return ApiKeyView(name=body.name, prefix=key[:10], key=key)
