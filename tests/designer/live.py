"""Until ``engine/app.py`` includes the designer router, tests add it to the live server's app themselves."""

from fastapi import FastAPI

from engine.designer import models  # noqa: F401  (registers bundle_draft in SQLModel.metadata)
from engine.designer.routes import router


def with_designer(app: FastAPI) -> FastAPI:
    if not any(getattr(route, "path", "").startswith("/api/designer") for route in app.routes):
        app.include_router(router)
    return app
