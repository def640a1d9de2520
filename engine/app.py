"""The FastAPI application: routers, the one error handler, static admin pages.

Every route and dependency is ``async def`` and runs its blocking database work on the event loop:
a worker process serves one API request at a time, start to commit, and the service scales with
worker processes (``yijian serve --workers``), as a pre-forking server does. Sync routes would run
in FastAPI's thread pool, and on the 2-core benchmark machine those threads fighting over one GIL,
plus four thread hand-offs per request, cost 27 % more CPU per task completion and lost a third of
the throughput (bench/RESULTS.md). The price: a slow request (a deploy, a login's password hash) holds
up the other requests of its process, not of the service.
"""

import gc
import logging
import mimetypes
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from sqlmodel import Session
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from engine import __version__, clock, runtime
from engine.admin.routes import router as admin_router
from engine.auth.routes import router as auth_router
from engine.bundles.routes import router as bundles_router
from engine.config import Settings, get_settings
from engine.db import make_engine, read_only
from engine.designer.routes import router as designer_router
from engine.errors import DomainError
from engine.events.routes import router as events_router
from engine.holidays.routes import router as holidays_router
from engine.instances.routes import router as instances_router
from engine.ratings.routes import router as ratings_router
from engine.regions.routes import router as regions_router
from engine.tasks.routes import router as tasks_router
from engine.webhooks.routes import router as webhooks_router

log = logging.getLogger("yijian")


def _error(status: int, detail: str, errors: list[dict] | None = None) -> JSONResponse:
    return JSONResponse({"detail": detail, "errors": errors or []}, status_code=status)


def _request_validation(_: Request, exc: RequestValidationError) -> JSONResponse:
    errors = [{"loc": list(e["loc"]), "message": e["msg"]} for e in exc.errors()]
    where = ", ".join(".".join(str(p) for p in e["loc"]) for e in errors[:5])
    return _error(422, f"请求参数有误 / invalid request: {where}", errors)


def _domain(_: Request, exc: DomainError) -> JSONResponse:
    return _error(exc.status_code, exc.detail, [e.as_dict() for e in exc.errors])


def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
    return _error(exc.status_code, str(exc.detail))


def _invalid_data(_: Request, exc: runtime.InvalidData) -> JSONResponse:
    return _error(
        422, f"数据不是合法的 JSON 值 / data is not JSON-safe: {exc}", [{"loc": ["data"], "message": str(exc)}]
    )


def _integrity(_: Request, exc: IntegrityError) -> JSONResponse:
    log.info("integrity conflict: %s", exc.orig)
    return _error(409, "并发冲突，请重试 / conflicting concurrent change, retry")


def _out_of_range(_: Request, exc: Exception) -> JSONResponse:
    log.info("value out of range: %s", exc)
    return _error(422, "数值超出范围 / a number in the request is out of range")


def _operational(_: Request, exc: OperationalError) -> JSONResponse:
    log.warning("database unavailable: %s", exc.orig)
    return _error(503, "数据库暂不可用 / database unavailable, retry")


# Young-generation collections every 10,000 net allocations instead of 700: loading one workflow state
# allocates thousands of objects, and each collection of a busy server walked them a few times per request.
_GC_YOUNG_THRESHOLD = 10_000


@contextmanager
def _serving_gc() -> Iterator[None]:
    """Garbage collection tuned for serving, as long-running Python servers do.

    What exists once the app has started (modules, compiled bundles, caches) lives as long as the
    process, yet every full collection would walk it again: it is frozen out of the collector's view.
    Young collections run less often. Together they took GC from 0.48 to about 0.15 ms of CPU per
    request (bench/RESULTS.md). Undone at shutdown, so a process that starts many apps (the tests)
    collects what they left behind.
    """
    thresholds = gc.get_threshold()
    gc.collect()
    gc.freeze()
    gc.set_threshold(_GC_YOUNG_THRESHOLD, *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


class ServerTime:
    """``X-Server-Time`` on every API response: the service clock (manual in tests and demos), so pages
    count "days left" from the service's time rather than from an office PC's clock."""

    def __init__(self, app: ASGIApp, engine: Engine, manual: bool) -> None:
        self.app, self.engine, self.manual = app, engine, manual

    def _now(self) -> str:
        if not self.manual:
            return clock.to_cst(clock.system_now())
        with Session(read_only(self.engine)) as session:
            return clock.to_cst(clock.now(session))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return

        async def send_with_time(message: Message) -> None:
            if message["type"] == "http.response.start":
                now = self._now()
                message = {**message, "headers": [*message.get("headers", []), (b"x-server-time", now.encode())]}
            await send(message)

        await self.app(scope, receive, send_with_time)


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    settings = settings or get_settings()
    db = engine or make_engine(settings.database_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from engine import worker

        stop = worker.start_in_process(db) if settings.run_worker_in_process else None
        with _serving_gc():
            yield
        if stop is not None:
            stop()

    app = FastAPI(
        title="一件 Yijian",
        version=__version__,
        description="高效办成一件事 BPMN 流程引擎服务 / BPMN workflow engine for government service bundles",
        lifespan=lifespan,
    )
    app.state.engine = db
    app.state.settings = settings
    app.add_exception_handler(RequestValidationError, _request_validation)
    app.add_exception_handler(DomainError, _domain)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(runtime.InvalidData, _invalid_data)
    app.add_exception_handler(IntegrityError, _integrity)
    app.add_exception_handler(OperationalError, _operational)
    app.add_exception_handler(DataError, _out_of_range)
    app.add_exception_handler(OverflowError, _out_of_range)
    app.add_middleware(ServerTime, engine=db, manual=settings.clock == "manual")
    routers = (
        auth_router,
        regions_router,
        holidays_router,
        bundles_router,
        tasks_router,
        instances_router,
        events_router,
        ratings_router,
        webhooks_router,
        designer_router,
        admin_router,
    )
    for router in routers:
        app.include_router(router)

    @app.get("/api/health", tags=["health"])
    async def health() -> dict[str, str]:
        try:
            with db.connect() as conn:
                conn.execute(text("SELECT 1"))
            database = "ok"
        except OperationalError:
            database = "unavailable"
        return {"status": "ok" if database == "ok" else "degraded", "database": database, "version": __version__}

    mimetypes.add_type("text/javascript", ".js")
    if settings.admin_ui_dir.is_dir():
        # compressed: the vendored editor and viewer bundles are megabytes; API replies are a few KB and
        # skip the extra middleware on the hot path
        static = GZipMiddleware(StaticFiles(directory=settings.admin_ui_dir, html=True), minimum_size=1024)
        app.mount("/ui", static, name="ui")

        @app.get("/", include_in_schema=False)
        async def root() -> RedirectResponse:
            return RedirectResponse("/ui/")

    return app
