"""BPMN scripts run in a restricted environment: a hostile script fails its own instance with a recorded
error, and the server and every other instance carry on."""

import httpx

from engine.bundles.loader import load_folder
from tests.instances.flow import MINI, apply, complete, deploy_mini, task_named
from tests.people import Cast
from tests.uploads import deploy

TALLY = b'approved = market["approved"] and fire["approved"]'


def _deploy_variant(client: httpx.Client, cast: Cast, bundle_id: str, script: bytes) -> None:
    files = load_folder(MINI)
    files["bundle.json"] = files["bundle.json"].replace(b'"mini-permit"', f'"{bundle_id}"'.encode())
    files["mini.bpmn"] = files["mini.bpmn"].replace(TALLY, script)
    response = deploy(client, cast.designer.headers, files)
    assert response.status_code == 201, response.text


def _run_to_tally(client: httpx.Client, cast: Cast, bundle_id: str) -> dict:
    instance = apply(client, cast.window_hz.headers, bundle_id=bundle_id).json()
    accept = task_named(client, cast.window_hz, "accept", instance["id"])
    complete(client, cast.window_hz, accept["id"], {"window": {"accepted": True}})
    market = task_named(client, cast.market_hz, "market_review", instance["id"])
    fire = task_named(client, cast.fire_hz, "fire_review", instance["id"])
    complete(client, cast.market_hz, market["id"], {"market": {"approved": True}})
    response = complete(client, cast.fire_hz, fire["id"], {"fire": {"approved": True}})
    assert response.status_code == 200, response.text
    return response.json()["instance"]


def test_a_script_reaching_for_dunders_at_run_time_fails_only_its_instance(client: httpx.Client, cast: Cast) -> None:
    deploy_mini(client, cast)
    _deploy_variant(client, cast, "mini-hostile", b"leak = getattr(market, '__cla' + 'ss__')")
    healthy = apply(client, cast.window_hz.headers).json()

    failed = _run_to_tally(client, cast, "mini-hostile")
    assert failed["status"] == "failed"
    assert failed["error_element"] == "tally"
    assert failed["error"]
    assert [e for e in failed["timeline"] if e["action"] == "instance.failed"]

    assert client.get("/api/health").json()["status"] == "ok"
    accept = task_named(client, cast.window_hz, "accept", healthy["id"])
    assert complete(client, cast.window_hz, accept["id"], {"window": {"accepted": True}}).status_code == 200


def test_a_script_that_never_ends_is_stopped_and_fails_its_instance(client: httpx.Client, cast: Cast) -> None:
    _deploy_variant(client, cast, "mini-endless", b"while True:\n    approved = False")
    failed = _run_to_tally(client, cast, "mini-endless")
    assert failed["status"] == "failed" and failed["error_element"] == "tally"
    assert client.get("/api/health").json()["status"] == "ok"
