"""Steps our stories repeat: deploy the mini bundle, apply, find a task in someone's inbox."""

from pathlib import Path

import httpx

from engine.bundles.loader import load_folder
from tests.people import HANGZHOU, Cast, Person
from tests.uploads import deploy

MINI = Path(__file__).parent.parent / "fixtures" / "mini-permit"
APPLICATION = {"company": {"name": "杭州味道餐饮有限公司", "uscc": "91350100M000100Y43"}, "seats": 40}


def deploy_mini(client: httpx.Client, cast: Cast) -> None:
    response = deploy(client, cast.designer.headers, load_folder(MINI))
    assert response.status_code in (200, 201), response.text


def apply(client: httpx.Client, who: dict[str, str], **overrides: object) -> httpx.Response:
    body = {"bundle_id": "mini-permit", "data": APPLICATION, "receiving_region": HANGZHOU, **overrides}
    return client.post("/api/instances", json=body, headers=who)


def inbox(client: httpx.Client, person: Person, **params: object) -> list[dict]:
    response = client.get("/api/tasks", params=params, headers=person.headers)
    assert response.status_code == 200, response.text
    return response.json()["items"]


def task_named(client: httpx.Client, person: Person, name: str, instance_id: int) -> dict:
    matches = [t for t in inbox(client, person, instance_id=instance_id) if t["name"] == name]
    assert len(matches) == 1, f"{person.username} should see exactly one {name}: {matches}"
    return matches[0]


def complete(client: httpx.Client, person: Person, task_id: int, data: dict) -> httpx.Response:
    return client.post(f"/api/tasks/{task_id}/complete", json={"data": data}, headers=person.headers)
