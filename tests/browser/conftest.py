"""Browser fixtures: Playwright for Python driving Debian's Chromium (never `playwright install`).

- ``browser``: one headless Chromium per session. Without /usr/bin/chromium (or $CHROMIUM) the tests are skipped
  with a one-line reason, or fail when YIJIAN_REQUIRE_BROWSER=1 (CI sets it where Chromium is installed).
- ``page``: a fresh context + page per test. Every request that leaves 127.0.0.1 is aborted and recorded; console
  errors and uncaught page errors are recorded. After the test body, any of these fails the test. A test that
  expects a console error appends a regex to ``page.allowed_console_errors``.
- ``screenshot(page, name)``: saves ``test-artifacts/screenshots/<name>.png`` (full page) and returns the path.
- ``static_ui_url``: a local static server (127.0.0.1, free port) serving ``/ui/`` from tests/browser/pages
  overlaid on admin_ui/, so test pages reach the vendored files at ``vendor/...`` exactly as admin pages do.

Mark browser tests with ``@pytest.mark.browser``.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import unquote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = Path(__file__).resolve().parent / "pages"
ADMIN_UI = ROOT / "admin_ui"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # required when running as root (CI containers)
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ALLOWED_HOSTS = {"127.0.0.1"}
LOCAL_SCHEMES = {"data", "blob", "about"}


def _unavailable(reason: str) -> None:
    if os.environ.get("YIJIAN_REQUIRE_BROWSER") == "1":
        pytest.fail(f"YIJIAN_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        _unavailable(f"{CHROMIUM} not found (apt-get install chromium fonts-wqy-microhei)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - the test extra installs it
        _unavailable("the playwright Python package is not installed (pip install -e '.[test]')")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in LOCAL_SCHEMES or parts.hostname in ALLOWED_HOSTS


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN", timezone_id="Asia/Shanghai")
    external: list[str] = []

    def guard(route):
        url = route.request.url
        if _is_local(url):
            route.continue_()
        else:
            external.append(url)
            route.abort()

    context.route("**/*", guard)
    pg = context.new_page()
    pg.console_errors = []
    pg.allowed_console_errors = []
    pg.external_requests = external
    pg.on("console", lambda m: m.type == "error" and pg.console_errors.append(f"console: {m.text} @ {m.location}"))
    pg.on("pageerror", lambda e: pg.console_errors.append(f"pageerror: {e}"))
    try:
        yield pg
    finally:
        context.close()


def _page_problems(pg) -> list[str]:
    problems = [f"request leaving 127.0.0.1 was blocked: {u}" for u in pg.external_requests]
    for msg in pg.console_errors:
        if not any(re.search(p, msg) for p in pg.allowed_console_errors):
            problems.append(msg)
    return problems


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """After a passing test body, fail the test on console/page errors or blocked external requests."""
    result = yield
    pg = getattr(item, "funcargs", {}).get("page")
    if pg is not None and hasattr(pg, "console_errors"):
        problems = _page_problems(pg)
        if problems:
            pytest.fail("browser page problems:\n  " + "\n  ".join(problems), pytrace=False)
    return result


@pytest.fixture
def screenshot():
    def take(pg, name: str, *, full_page: bool = True) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', name)}.png"
        pg.screenshot(path=str(path), full_page=full_page)
        return path

    return take


class _OverlayHandler(SimpleHTTPRequestHandler):
    """Serves ``prefix`` + path from the first of ``roots`` that has the file."""

    roots: tuple[Path, ...] = ()
    prefix = "/ui/"
    extensions_map: ClassVar[dict[str, str]] = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".css": "text/css",
        ".json": "application/json",
        ".bpmn": "application/xml",
        ".svg": "image/svg+xml",
    }

    def translate_path(self, path: str) -> str:
        path = unquote(urlsplit(path).path)
        if not path.startswith(self.prefix):
            return str(self.roots[0] / "__not_found__")
        rel = Path(*[p for p in path[len(self.prefix) :].split("/") if p not in ("", ".", "..")])
        for root in self.roots:
            candidate = root / rel
            if candidate.exists():
                return str(candidate)
        return str(self.roots[0] / rel)

    def log_message(self, format, *args):  # keep pytest output clean
        pass


def serve_static(roots: list[Path], prefix: str = "/ui/") -> tuple[ThreadingHTTPServer, str]:
    handler = type("Handler", (_OverlayHandler,), {"roots": tuple(roots), "prefix": prefix})
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(roots[0])))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="static-ui", daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}{prefix}"


@pytest.fixture(scope="session")
def static_ui_url() -> Iterator[str]:
    server, url = serve_static([PAGES, ADMIN_UI])
    try:
        yield url
    finally:
        server.shutdown()
        server.server_close()
