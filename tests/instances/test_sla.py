"""限时办结: every application has a working-day deadline; the light turns yellow on its last working day
(or at 80 % used), red when overdue; the clock stops while the applicant owes a correction (补正)."""

import httpx

from tests.instances.flow import apply, complete, deploy_mini, inbox, task_named
from tests.people import Cast


def _clock(client: httpx.Client, cast: Cast, **body: object) -> dict:
    response = client.post("/api/admin/clock", json=body, headers=cast.admin.headers)
    assert response.status_code == 200, response.text
    return response.json()


def _view(client: httpx.Client, cast: Cast, instance_id: int) -> dict:
    return client.get(f"/api/instances/{instance_id}", headers=cast.admin.headers).json()


def test_an_application_turns_yellow_on_its_last_working_day_and_red_when_overdue(
    client: httpx.Client, cast: Cast
) -> None:
    deploy_mini(client, cast)
    # March 2031: no public holiday whatever the calendar learns; limit 5 working days -> Mon 17 Mar
    _clock(client, cast, now="2031-03-10T09:00:00+08:00")
    instance = apply(client, cast.window_hz.headers).json()
    assert instance["deadline"] == "2031-03-17T23:59:59.999999+08:00"
    assert instance["sla"] == "green"

    fired = _clock(client, cast, now="2031-03-17T08:00:00+08:00")["fired"]
    assert [f["kind"] for f in fired] == ["sla_warning"]
    assert _view(client, cast, instance["id"])["sla"] == "yellow"
    assert inbox(client, cast.window_hz, sla="yellow")[0]["instance_id"] == instance["id"]
    assert inbox(client, cast.window_hz, sla="red") == []

    fired = _clock(client, cast, now="2031-03-18T09:00:00+08:00")["fired"]
    assert [f["kind"] for f in fired] == ["sla_overdue"]
    view = _view(client, cast, instance["id"])
    assert view["sla"] == "red"
    assert [e["action"] for e in view["timeline"]].count("sla.overdue") == 1
    red = client.get("/api/instances", params={"sla": "red"}, headers=cast.admin.headers).json()["items"]
    assert [i["id"] for i in red] == [instance["id"]]
    assert inbox(client, cast.window_hz, sla="red")[0]["sla"] == "red"


def test_a_completed_application_keeps_the_light_it_finished_with(client: httpx.Client, cast: Cast) -> None:
    deploy_mini(client, cast)
    _clock(client, cast, now="2031-03-10T09:00:00+08:00")
    instance = apply(client, cast.window_hz.headers).json()
    accept = task_named(client, cast.window_hz, "accept", instance["id"])
    complete(client, cast.window_hz, accept["id"], {"window": {"accepted": True}})
    for person, name, key in ((cast.market_hz, "market_review", "market"), (cast.fire_hz, "fire_review", "fire")):
        task = task_named(client, person, name, instance["id"])
        complete(client, person, task["id"], {key: {"approved": True}})
    _clock(client, cast, now="2031-04-10T09:00:00+08:00")
    view = _view(client, cast, instance["id"])
    assert view["status"] == "completed" and view["sla"] == "green"
    assert client.get("/api/instances", params={"sla": "red"}, headers=cast.admin.headers).json()["items"] == []


def test_a_department_task_with_its_own_limit_is_due_before_the_application(client: httpx.Client, cast: Cast) -> None:
    """The fire review promises 2 working days (dueWorkingDays), inside the application's 5."""
    deploy_mini(client, cast)
    _clock(client, cast, now="2031-03-10T09:00:00+08:00")
    instance = apply(client, cast.window_hz.headers).json()
    accept = task_named(client, cast.window_hz, "accept", instance["id"])
    _clock(client, cast, now="2031-03-11T09:00:00+08:00")
    complete(client, cast.window_hz, accept["id"], {"window": {"accepted": True}})
    fire = task_named(client, cast.fire_hz, "fire_review", instance["id"])
    market = task_named(client, cast.market_hz, "market_review", instance["id"])
    assert fire["due_at"] == "2031-03-13T23:59:59.999999+08:00"
    assert market["due_at"] == instance["deadline"]
    _clock(client, cast, now="2031-03-14T09:00:00+08:00")
    assert task_named(client, cast.fire_hz, "fire_review", instance["id"])["sla"] == "red"
    assert task_named(client, cast.market_hz, "market_review", instance["id"])["sla"] == "green"
