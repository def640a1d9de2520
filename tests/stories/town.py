"""The town our stories happen in: the sample bundles deployed, the clerks their lanes need in 杭州 (and 上海),
an applicant, an admin who moves the clock, and an external system — and the steps every story repeats."""

import json
import re
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy.engine import Engine

from engine.config import ROOT
from tests.people import HANGZHOU, SHANGHAI, Person, api_client_key, enrol
from tests.uploads import deploy_folder

CITY = {HANGZHOU: "hz", SHANGHAI: "sh"}


@dataclass
class Town:
    engine: Engine
    client: httpx.Client
    admin: Person
    designer: Person
    applicant: Person
    system: dict[str, str]
    clerks: dict[tuple[str, str], Person] = field(default_factory=dict)
    manifests: dict[str, dict[str, Any]] = field(default_factory=dict)

    def open(self, bundle_id: str, *regions: str) -> dict[str, Any]:
        """Deploy a sample bundle and enrol a clerk for each department of its lanes in each region."""
        response = deploy_folder(self.client, self.designer.headers, ROOT / "processes" / bundle_id)
        assert response.status_code in (200, 201), response.text
        manifest = json.loads((ROOT / "processes" / bundle_id / "bundle.json").read_text(encoding="utf-8"))
        self.manifests[bundle_id] = manifest
        for lane in manifest["lanes"].values():
            for region in regions or (HANGZHOU,):
                self.department(lane["department"], region)
        return manifest

    def department(self, code: str, region: str = HANGZHOU) -> Person:
        """The clerk of department ``code`` in ``region`` (``scjg_hz``), enrolled on first use."""
        key = (code, region)
        if key not in self.clerks:
            self.clerks[key] = enrol(self.engine, self.client, f"{code}_{CITY[region]}", "clerk", code, region)
        return self.clerks[key]

    def clerk(self, bundle_id: str, lane: str, region: str = HANGZHOU) -> Person:
        """The clerk who works ``lane`` of the bundle in ``region``."""
        return self.department(self.manifests[bundle_id]["lanes"][lane]["department"], region)

    # --- HTTP steps ---------------------------------------------------------------------------------------------

    def apply(self, bundle_id: str, data: dict[str, Any], who: Person | None = None, **body: Any) -> dict[str, Any]:
        """一表申请: the applicant (or a window clerk on their behalf) submits; returns the instance view."""
        request = {"bundle_id": bundle_id, "data": data, "receiving_region": HANGZHOU, **body}
        response = self.client.post("/api/instances", json=request, headers=(who or self.applicant).headers)
        assert response.status_code == 201, response.text
        return response.json()

    def show(self, instance_id: int, who: Person | None = None) -> dict[str, Any]:
        response = self.client.get(f"/api/instances/{instance_id}", headers=(who or self.admin).headers)
        assert response.status_code == 200, response.text
        return response.json()

    def inbox(self, person: Person, instance_id: int | None = None) -> list[dict[str, Any]]:
        params = {"instance_id": instance_id} if instance_id is not None else {}
        response = self.client.get("/api/tasks", params=params, headers=person.headers)
        assert response.status_code == 200, response.text
        return response.json()["items"]

    def task(self, person: Person, instance_id: int, name: str) -> dict[str, Any]:
        """The one ready task ``name`` of the instance in ``person``'s inbox."""
        matches = [t for t in self.inbox(person, instance_id) if t["name"] == name]
        assert len(matches) == 1, f"{person.username} should see exactly one {name}: {matches}"
        return matches[0]

    def holders(self, instance_id: int, name: str) -> list[str]:
        """Every enrolled clerk whose inbox holds the ready task ``name`` of the instance."""
        return sorted(
            p.username for p in self.clerks.values() if any(t["name"] == name for t in self.inbox(p, instance_id))
        )

    def work(self, person: Person, instance_id: int, name: str, data: dict[str, Any]) -> dict[str, Any]:
        """``person`` takes task ``name`` from their inbox and completes it; returns the instance view."""
        task = self.task(person, instance_id, name)
        response = self.client.post(f"/api/tasks/{task['id']}/complete", json={"data": data}, headers=person.headers)
        assert response.status_code == 200, response.text
        return response.json()["instance"]

    def ends(self, instance_id: int) -> list[str]:
        """The end events of the main process the instance has reached (from its highlighted diagram)."""
        response = self.client.get(f"/api/instances/{instance_id}/diagram", headers=self.admin.headers)
        assert response.status_code == 200, response.text
        diagram = response.json()
        end_events = set(re.findall(r'<bpmn:endEvent id="([^"]+)"', diagram["xml"]))
        return sorted(e for e in diagram["completed_counts"] if e in end_events)

    def send(self, instance_id: int, name: str, payload: dict[str, Any]) -> httpx.Response:
        """An external system delivers a message to the instance."""
        return self.client.post(
            f"/api/instances/{instance_id}/messages", json={"name": name, "payload": payload}, headers=self.system
        )

    def advance(self, **move: Any) -> dict[str, Any]:
        """The admin moves the manual clock (``advance_working_days=21``); returns what fired."""
        response = self.client.post("/api/admin/clock", json=move, headers=self.admin.headers)
        assert response.status_code == 200, response.text
        return response.json()


def ready(view: dict[str, Any]) -> list[str]:
    """Names of the instance's ready tasks, sorted."""
    return sorted(t["name"] for t in view["tasks"] if t["state"] == "ready")


def states(view: dict[str, Any]) -> dict[str, set[str]]:
    """Each task name with the states its rows are in (``{"market_review": {"completed"}}``)."""
    found: dict[str, set[str]] = {}
    for t in view["tasks"]:
        found.setdefault(t["name"], set()).add(t["state"])
    return found


def actions(view: dict[str, Any]) -> list[str]:
    return [e["action"] for e in view["timeline"]]


def thrown(view: dict[str, Any]) -> list[str]:
    """Names of the events the instance threw (messages to parents, requests to data services), in order."""
    return [e["detail"]["name"] for e in view["timeline"] if e["action"] == "event.thrown"]


def make_town(engine: Engine, client: httpx.Client) -> Town:
    return Town(
        engine=engine,
        client=client,
        admin=enrol(engine, client, "admin", "admin"),
        designer=enrol(engine, client, "designer", "designer"),
        applicant=enrol(engine, client, "zhangsan", "applicant"),
        system=api_client_key(engine, "province-data-platform"),
    )
