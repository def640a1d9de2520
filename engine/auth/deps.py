"""Role checks as typed dependencies: a route states who may call it in its signature."""

from typing import Annotated

from fastapi import Depends
from fastapi.security import APIKeyHeader, OAuth2PasswordBearer

from engine import clock
from engine.auth import service
from engine.auth.schemas import Principal
from engine.db import SessionDep
from engine.errors import Forbidden, Unauthenticated

_bearer = OAuth2PasswordBearer(tokenUrl="/api/auth/token", auto_error=False)
_api_key = APIKeyHeader(name="X-API-Key", auto_error=False)


async def current_principal(
    session: SessionDep,
    token: Annotated[str | None, Depends(_bearer)],
    api_key: Annotated[str | None, Depends(_api_key)],
) -> Principal:
    if api_key:
        return service.principal_for_api_key(session, api_key)
    if token:
        # token lifetimes are security, not business time: always the system clock
        return service.principal_for_token(session, token, now=clock.system_now())
    raise Unauthenticated("需要登录 / not authenticated")


def _requires(*roles: str):
    async def check(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
        if principal.role not in roles:
            raise Forbidden(f"角色 {principal.role} 无权执行此操作 / role {principal.role} may not do this")
        return principal

    return check


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
Admin = Annotated[Principal, Depends(_requires("admin"))]
Designer = Annotated[Principal, Depends(_requires("designer", "admin"))]
Starter = Annotated[Principal, Depends(_requires("applicant", "clerk", "system", "admin"))]
System = Annotated[Principal, Depends(_requires("system", "admin"))]
