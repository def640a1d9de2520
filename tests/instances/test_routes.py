"""Instances through the HTTP API: a window clerk in 杭州 receives, departments review in parallel."""

import httpx
from sqlalchemy.engine import Engine

from tests.instances.flow import APPLICATION, apply, complete, deploy_mini, inbox, task_named
from tests.people import HANGZHOU, Cast, enrol


def test_a_window_clerk_receives_and_two_departments_review_in_parallel(client: httpx.Client, cast: Cast) -> None:
    deploy_mini(client, cast)
    started = apply(client, cast.window_hz.headers)
    assert started.status_code == 201, started.text
    instance = started.json()
    assert instance["status"] == "running" and instance["version"] == 1
    assert instance["receiving_region_name"] == "杭州市"
    assert [t["name"] for t in instance["tasks"]] == ["accept"]

    accept = task_named(client, cast.window_hz, "accept", instance["id"])
    assert accept["department"] == "zwfw" and accept["region"] == "330100"
    assert inbox(client, cast.window_sh) == [], "the 上海 window must not see a 杭州 task"

    done = complete(client, cast.window_hz, accept["id"], {"window": {"accepted": True}})
    assert done.status_code == 200, done.text
    market = task_named(client, cast.market_hz, "market_review", instance["id"])
    fire = task_named(client, cast.fire_hz, "fire_review", instance["id"])
    assert inbox(client, cast.market_sh) == []
    diagram = client.get(f"/api/instances/{instance['id']}/diagram", headers=cast.window_hz.headers).json()
    assert diagram["file"] == "mini.bpmn" and "<bpmn:process" in diagram["xml"]
    assert diagram["elements"]["accept"] == "completed"
    assert diagram["elements"]["market_review"] == "active" and diagram["elements"]["fire_review"] == "active"
    assert "end" not in diagram["elements"]

    assert complete(client, cast.market_hz, market["id"], {"market": {"approved": True}}).status_code == 200
    last = complete(client, cast.fire_hz, fire["id"], {"fire": {"approved": False, "opinion": "疏散通道不足"}})
    assert last.status_code == 200
    final = last.json()["instance"]
    assert final["status"] == "completed"
    assert final["data"]["market"]["approved"] is True and final["data"]["fire"]["approved"] is False
    assert final["data"]["approved"] is False, "the script task after the join saw both departments' results"
    actions = [e["action"] for e in final["timeline"]]
    assert actions[0] == "instance.started" and actions[-1] == "instance.completed"
    assert actions.count("task.completed") == 3


def test_application_data_failing_the_form_is_refused_naming_the_field(client: httpx.Client, cast: Cast) -> None:
    deploy_mini(client, cast)
    bad = {"company": {"name": "杭州味道餐饮有限公司", "uscc": "91350100M000100Y44"}, "seats": -1}
    response = apply(client, cast.window_hz.headers, data=bad)
    assert response.status_code == 422
    locs = [e["loc"] for e in response.json()["errors"]]
    assert ["data", "company", "uscc"] in locs and ["data", "seats"] in locs
    assert client.get("/api/instances", headers=cast.admin.headers).json()["items"] == []


def test_wrong_types_unknown_bundles_and_unknown_regions_are_clear_4xx(client: httpx.Client, cast: Cast) -> None:
    deploy_mini(client, cast)
    assert apply(client, cast.window_hz.headers, data="not an object").status_code == 422
    assert apply(client, cast.window_hz.headers, bundle_id="nope").status_code == 404
    unknown_region = apply(client, cast.window_hz.headers, receiving_region="999999")
    assert unknown_region.status_code == 422
    assert unknown_region.json()["errors"][0]["loc"] == ["receiving_region"]
    assert client.get("/api/instances/424242", headers=cast.admin.headers).status_code == 404
    assert (
        client.post("/api/tasks/424242/complete", json={"data": {}}, headers=cast.market_hz.headers).status_code == 404
    )


def test_a_clerk_of_another_department_or_region_can_neither_see_nor_complete(client: httpx.Client, cast: Cast) -> None:
    deploy_mini(client, cast)
    instance = apply(client, cast.window_hz.headers).json()
    accept = task_named(client, cast.window_hz, "accept", instance["id"])
    for outsider in (cast.market_hz, cast.window_sh):
        assert client.get(f"/api/tasks/{accept['id']}", headers=outsider.headers).status_code == 403
        assert complete(client, outsider, accept["id"], {"window": {"accepted": True}}).status_code == 403
    assert client.get(f"/api/instances/{instance['id']}", headers=cast.window_sh.headers).status_code == 403


def test_task_form_data_is_validated_and_a_completed_task_cannot_be_completed_again(
    client: httpx.Client, cast: Cast
) -> None:
    deploy_mini(client, cast)
    instance = apply(client, cast.window_hz.headers).json()
    accept = task_named(client, cast.window_hz, "accept", instance["id"])
    detail = client.get(f"/api/tasks/{accept['id']}", headers=cast.window_hz.headers).json()
    assert detail["form"]["schema"]["required"] == ["window"]
    assert detail["instructions"] == "核对申请材料后受理"
    assert detail["data"]["company"] == APPLICATION["company"]

    wrong = complete(client, cast.window_hz, accept["id"], {"window": {"accepted": "yes"}})
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["loc"] == ["data", "window", "accepted"]
    assert complete(client, cast.window_hz, accept["id"], {"window": {"accepted": True}}).status_code == 200
    again = complete(client, cast.window_hz, accept["id"], {"window": {"accepted": True}})
    assert again.status_code == 409


def test_a_claimed_task_belongs_to_its_claimer_until_unclaimed(client: httpx.Client, cast: Cast, db: Engine) -> None:
    deploy_mini(client, cast)
    colleague = enrol(db, client, "window_hz2", "clerk", "zwfw", HANGZHOU)
    instance = apply(client, cast.window_hz.headers).json()
    accept = task_named(client, cast.window_hz, "accept", instance["id"])
    claimed = client.post(f"/api/tasks/{accept['id']}/claim", headers=cast.window_hz.headers)
    assert claimed.status_code == 200 and claimed.json()["assignee"] == "window_hz"
    assert [t["id"] for t in inbox(client, cast.window_hz, claimed="me")] == [accept["id"]]
    assert inbox(client, colleague, claimed="none") == []

    stolen = complete(client, colleague, accept["id"], {"window": {"accepted": True}})
    assert stolen.status_code == 403 and "window_hz" in stolen.json()["detail"]
    assert client.post(f"/api/tasks/{accept['id']}/claim", headers=colleague.headers).status_code == 403
    assert client.post(f"/api/tasks/{accept['id']}/unclaim", headers=colleague.headers).status_code == 403

    released = client.post(f"/api/tasks/{accept['id']}/unclaim", headers=cast.window_hz.headers)
    assert released.json()["assignee"] is None
    assert complete(client, colleague, accept["id"], {"window": {"accepted": True}}).status_code == 200


def test_nothing_waits_for_an_unknown_message_and_a_cancelled_instance_closes_its_tasks(
    client: httpx.Client, cast: Cast
) -> None:
    deploy_mini(client, cast)
    instance = apply(client, cast.system).json()
    message = client.post(f"/api/instances/{instance['id']}/messages", json={"name": "x"}, headers=cast.system)
    assert message.status_code == 409
    cancelled = client.post(
        f"/api/instances/{instance['id']}/cancel", json={"reason": "申请人撤回"}, headers=cast.admin.headers
    )
    assert cancelled.status_code == 200, cancelled.text
    view = cancelled.json()
    assert view["status"] == "cancelled"
    assert {t["state"] for t in view["tasks"]} == {"cancelled"}
    assert inbox(client, cast.window_hz) == []


def test_the_instance_list_is_paged_and_scoped(client: httpx.Client, cast: Cast) -> None:
    deploy_mini(client, cast)
    ids = [apply(client, cast.window_hz.headers, business_key=f"BK-{i}").json()["id"] for i in range(5)]
    first = client.get("/api/instances", params={"limit": 2}, headers=cast.admin.headers).json()
    assert [i["id"] for i in first["items"]] == ids[::-1][:2]
    second = client.get(
        "/api/instances", params={"limit": 2, "cursor": first["next_cursor"]}, headers=cast.admin.headers
    )
    assert [i["id"] for i in second.json()["items"]] == ids[::-1][2:4]
    by_key = client.get("/api/instances", params={"business_key": "BK-3"}, headers=cast.admin.headers).json()
    assert [i["id"] for i in by_key["items"]] == [ids[3]]
    assert client.get("/api/instances", headers=cast.market_sh.headers).json()["items"] == []


def test_values_json_cannot_carry_are_refused_at_the_door(client: httpx.Client, cast: Cast) -> None:
    deploy_mini(client, cast)
    body = '{"bundle_id": "mini-permit", "receiving_region": "330100", "data": {"company": {"name": "杭州味道", '
    body += '"uscc": "91350100M000100Y43"}, "seats": NaN}}'
    response = client.post(
        "/api/instances", content=body, headers={**cast.window_hz.headers, "Content-Type": "application/json"}
    )
    assert response.status_code == 422, response.text
    assert client.get("/api/instances", headers=cast.admin.headers).json()["items"] == []


def test_a_cursor_the_api_did_not_return_is_a_422_not_a_crash(client: httpx.Client, cast: Cast) -> None:
    import base64

    for cursor in ("garbage", base64.urlsafe_b64encode(b"abc").decode(), base64.urlsafe_b64encode(b"x|y").decode()):
        for sort in ("due", "created"):
            response = client.get("/api/tasks", params={"cursor": cursor, "sort": sort}, headers=cast.market_hz.headers)
            assert response.status_code == 422, (cursor, sort, response.text)
        listed = client.get("/api/instances", params={"cursor": cursor}, headers=cast.admin.headers)
        assert listed.status_code == 422, (cursor, listed.text)


def test_an_id_too_large_for_the_database_is_a_422(client: httpx.Client, cast: Cast) -> None:
    huge = 2**70
    assert client.get(f"/api/instances/{huge}", headers=cast.admin.headers).status_code == 422
    assert client.get(f"/api/tasks/{huge}", headers=cast.admin.headers).status_code == 422
