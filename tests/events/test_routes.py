"""免申即享: an external system reports a data event; every bundle listening starts, exactly once."""

import httpx

from tests.people import Cast


def test_an_event_no_bundle_listens_to_is_accepted_and_recorded_with_no_instances(
    client: httpx.Client, cast: Cast
) -> None:
    response = client.post(
        "/api/events", json={"type": "nobody.listens", "data": {"x": 1}, "region": "330100"}, headers=cast.system
    )
    assert response.status_code == 202
    assert response.json()["instances"] == []
    assert response.json()["event_id"] > 0


def test_the_same_idempotency_key_never_starts_twice(client: httpx.Client, cast: Cast) -> None:
    body = {"type": "nobody.listens", "data": {}, "region": "330100", "idempotency_key": "birth-0001"}
    first = client.post("/api/events", json=body, headers=cast.system).json()
    second = client.post("/api/events", json=body, headers=cast.system).json()
    assert second["event_id"] == first["event_id"] and second["duplicate"] is True


def test_events_come_from_systems_not_clerks_and_need_a_known_region(client: httpx.Client, cast: Cast) -> None:
    body = {"type": "nobody.listens", "data": {}, "region": "330100"}
    assert client.post("/api/events", json=body, headers=cast.market_hz.headers).status_code == 403
    assert client.post("/api/events", json={**body, "region": "999999"}, headers=cast.system).status_code == 422
    assert client.post("/api/events", json={**body, "type": "Bad Type"}, headers=cast.system).status_code == 422
