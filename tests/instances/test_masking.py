"""Resident ID numbers are shown masked; a clerk handling the case may reveal them, and that is audited."""

import httpx
from sqlalchemy.engine import Engine

from tests.instances.flow import apply, deploy_mini, task_named
from tests.people import Cast, enrol

ID = "11010519491231002X"
MASKED = "110105********002X"


def test_ids_are_masked_for_clerks_and_revealed_only_to_those_handling_the_case(
    client: httpx.Client, cast: Cast
) -> None:
    deploy_mini(client, cast)
    data = {"company": {"name": "杭州味道餐饮有限公司", "uscc": "91350100M000100Y43"}, "owner_id": ID}
    instance = apply(client, cast.applicant.headers, data=data).json()
    assert instance["data"]["owner_id"] == ID, "applicants see their own data whole"

    accept = task_named(client, cast.window_hz, "accept", instance["id"])
    assert client.get(f"/api/tasks/{accept['id']}", headers=cast.window_hz.headers).json()["data"]["owner_id"] == MASKED
    url = f"/api/instances/{instance['id']}"
    assert client.get(url, headers=cast.window_hz.headers).json()["data"]["owner_id"] == MASKED
    revealed = client.get(url, params={"reveal": "ids"}, headers=cast.window_hz.headers)
    assert revealed.status_code == 200 and revealed.json()["data"]["owner_id"] == ID

    auditor_view = client.get(url, headers=cast.admin.headers).json()
    assert auditor_view["data"]["owner_id"] == MASKED
    assert [e["actor"] for e in auditor_view["timeline"] if e["action"] == "data.revealed"] == ["window_hz"]
    assert client.get(url, params={"reveal": "ids"}, headers=cast.applicant.headers).json()["data"]["owner_id"] == ID
    assert client.get(url, headers=cast.system).json()["data"]["owner_id"] == ID, "external systems get data whole"


def test_an_auditor_sees_the_case_but_cannot_reveal_ids(client: httpx.Client, cast: Cast, db: Engine) -> None:
    deploy_mini(client, cast)
    auditor = enrol(db, client, "jiancha", "auditor")
    data = {"company": {"name": "杭州味道餐饮有限公司", "uscc": "91350100M000100Y43"}, "owner_id": ID}
    instance = apply(client, cast.window_hz.headers, data=data).json()
    url = f"/api/instances/{instance['id']}"
    assert client.get(url, headers=auditor.headers).json()["data"]["owner_id"] == MASKED
    assert client.get(url, params={"reveal": "ids"}, headers=auditor.headers).status_code == 403
