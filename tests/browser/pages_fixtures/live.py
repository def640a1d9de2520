"""A live Yijian server for the workbench and portal browser tests: SQLite, the standard cast, the mini-permit bundle.

``site`` starts the real app (``tests.conftest.LiveServer``) on a fresh SQLite file, enrols the people of
``tests.people.standard_cast`` (plus a second 杭州 market clerk for races) and deploys tests/fixtures/mini-permit
through the API. The deployed BPMN is the fixture's own, with a diagram layout (``mini-diagram.xml``) spliced in so
the instance page has something to draw; the process itself is unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import Engine

from engine.bundles.loader import load_folder
from tests.conftest import LiveServer
from tests.people import HANGZHOU, PASSWORD, Cast, Person, enrol, standard_cast
from tests.uploads import deploy

HERE = Path(__file__).resolve().parent
MINI = HERE.parents[1] / "fixtures" / "mini-permit"
DI_NS = (
    'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" '
    'xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" '
    'xmlns:di="http://www.omg.org/spec/DD/20100524/DI" '
)
APPLICATION = {"company": {"name": "杭州味道餐饮有限公司", "uscc": "91350100M000100Y43"}, "seats": 40}
# Extra facts an application may carry (the mini form does not forbid them): a resident ID number to mask.
WITH_ID = {**APPLICATION, "contact": {"name": "李四", "id_number": "11010519491231002X"}}
ID_FULL, ID_MASKED = "11010519491231002X", "110105********002X"


def mini_files(with_diagram: bool = True) -> dict[str, bytes]:
    """The mini-permit bundle files; with a BPMNDiagram spliced into mini.bpmn."""
    files = load_folder(MINI)
    if with_diagram:
        xml = files["mini.bpmn"].decode("utf-8")
        xml = xml.replace("<bpmn:definitions ", "<bpmn:definitions " + DI_NS, 1)
        diagram = (HERE / "mini-diagram.xml").read_text(encoding="utf-8")
        xml = xml.replace("</bpmn:definitions>", diagram + "</bpmn:definitions>")
        files["mini.bpmn"] = xml.encode("utf-8")
    return files


@dataclass
class Site:
    url: str
    http: httpx.Client
    cast: Cast
    market_hz2: Person
    engine: Engine

    def ui(self, path: str = "") -> str:
        return f"{self.url}/ui/{path}"

    def has(self, method: str, path: str) -> bool:
        """Whether the server offers an endpoint (its OpenAPI document lists it)."""
        paths = self.http.get("/openapi.json").json()["paths"]

        def norm(p: str) -> str:
            return re.sub(r"\{[^}]*\}", "{}", p)

        return any(norm(p) == norm(path) and method.lower() in ops for p, ops in paths.items())

    def need(self, method: str, path: str) -> None:
        if not self.has(method, path):
            pytest.skip(f"needs {method} {path}")

    def apply(self, who: Person, **overrides: Any) -> dict:
        body = {"bundle_id": "mini-permit", "data": APPLICATION, "receiving_region": HANGZHOU, **overrides}
        response = self.http.post("/api/instances", json=body, headers=who.headers)
        assert response.status_code == 201, response.text
        return response.json()

    def tasks(self, who: Person, **params: Any) -> list[dict]:
        response = self.http.get("/api/tasks", params=params, headers=who.headers)
        assert response.status_code == 200, response.text
        return response.json()["items"]

    def task(self, who: Person, name: str, instance_id: int) -> dict:
        found = [t for t in self.tasks(who, instance_id=instance_id) if t["name"] == name]
        assert len(found) == 1, found
        return found[0]

    def complete(self, who: Person, task_id: int, data: dict) -> dict:
        response = self.http.post(f"/api/tasks/{task_id}/complete", json={"data": data}, headers=who.headers)
        assert response.status_code == 200, response.text
        return response.json()["instance"]

    def post(self, who: Person, path: str, body: dict | None = None) -> httpx.Response:
        return self.http.post(path, json=body, headers=who.headers)

    def clock(self, **body: Any) -> dict:
        response = self.http.post("/api/admin/clock", json=body, headers=self.cast.admin.headers)
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture
def site(sqlite_db: Engine) -> Iterator[Site]:
    with LiveServer(sqlite_db) as live, httpx.Client(base_url=live.url, timeout=30) as http:
        cast = standard_cast(sqlite_db, http)
        market_hz2 = enrol(sqlite_db, http, "market_hz2", "clerk", "scjg", HANGZHOU)
        response = deploy(http, cast.designer.headers, mini_files())
        assert response.status_code in (200, 201), response.text
        yield Site(live.url, http, cast, market_hz2, sqlite_db)


def login(page, site: Site, person: Person, next_path: str = "") -> None:
    """Sign in through the login page (admin_ui/index.html), like a person does; stays on it when already there."""
    if "/ui/index.html" not in page.url or next_path:
        page.goto(site.ui("index.html") + (f"?next={next_path}" if next_path else ""))
    page.wait_for_selector("#username")
    page.fill("#username", person.username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/ui/(workbench|portal)/"))


def sign_in(page, site: Site, person: Person) -> None:
    """Put the person's token into this tab's session without the login page (for tests about other pages)."""
    page.goto(site.ui("index.html"))
    token = person.headers["Authorization"].removeprefix("Bearer ")
    page.evaluate("t => { sessionStorage.clear(); sessionStorage.setItem('yijian.token', t); }", token)


def han(text: str) -> list[str]:
    """The runs of Chinese characters in a text."""
    return re.findall(r"[\u3400-\u9fff]+", text)


@pytest.fixture
def shot(screenshot):
    """``screenshot`` from the top of the page (a sticky header would otherwise show up mid-page)."""

    def take(page, name: str):
        page.evaluate("window.scrollTo(0, 0)")
        return screenshot(page, name)

    return take
