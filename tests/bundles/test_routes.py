"""A process designer deploys bundles as versions; bad bundles are refused whole, naming the fault."""

from pathlib import Path

import httpx

from engine.bundles.loader import load_folder
from tests.people import Cast
from tests.uploads import deploy

MINI = Path(__file__).parent.parent / "fixtures" / "mini-permit"


def mini_files() -> dict[str, bytes]:
    return load_folder(MINI)


def test_a_designer_deploys_a_bundle_and_an_unchanged_redeploy_creates_nothing(
    client: httpx.Client, cast: Cast
) -> None:
    first = deploy(client, cast.designer.headers, mini_files())
    assert first.status_code == 201, first.text
    assert first.json() == {"bundle_id": "mini-permit", "version": 1, "active": True, "created": True}

    again = deploy(client, cast.designer.headers, mini_files())
    assert again.status_code == 200
    assert again.json()["created"] is False and again.json()["version"] == 1

    detail = client.get("/api/bundles/mini-permit").json()
    assert [v["version"] for v in detail["versions"]] == [1]
    assert "mini.bpmn" in detail["versions"][0]["files"]


def test_a_changed_file_makes_a_new_version_and_an_old_one_can_be_reactivated(client: httpx.Client, cast: Cast) -> None:
    deploy(client, cast.designer.headers, mini_files())
    files = mini_files()
    files["mini.bpmn"] = files["mini.bpmn"].replace("食品经营许可审查".encode(), "食品经营许可审查（新）".encode())
    second = deploy(client, cast.designer.headers, files)
    assert second.status_code == 201 and second.json()["version"] == 2

    rollback = client.post("/api/bundles/mini-permit/versions/1/activate", headers=cast.designer.headers)
    assert rollback.status_code == 200 and rollback.json()["active_version"] == 1
    old = client.get("/api/bundles/mini-permit/versions/1/files/mini.bpmn")
    assert "食品经营许可审查（新）" not in old.text and "食品经营许可审查" in old.text


def test_a_clerk_cannot_deploy_and_an_anonymous_caller_is_asked_to_log_in(client: httpx.Client, cast: Cast) -> None:
    assert deploy(client, cast.market_hz.headers, mini_files()).status_code == 403
    assert deploy(client, {}, mini_files()).status_code == 401
    assert client.get("/api/bundles").json() == []


def _refused(client: httpx.Client, cast: Cast, files: dict[str, bytes]) -> list[dict]:
    response = deploy(client, cast.designer.headers, files)
    assert response.status_code == 422, response.text
    assert client.get("/api/bundles").json() == [], "a refused deploy must store nothing"
    return response.json()["errors"]


def test_malformed_xml_is_refused_naming_the_file(client: httpx.Client, cast: Cast) -> None:
    files = mini_files()
    files["mini.bpmn"] = files["mini.bpmn"][:-40]
    errors = _refused(client, cast, files)
    assert errors[0]["loc"][0] == "mini.bpmn"


def test_an_external_entity_is_refused(client: httpx.Client, cast: Cast) -> None:
    files = mini_files()
    evil = b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    files["mini.bpmn"] = evil + files["mini.bpmn"].split(b"?>", 1)[1]
    errors = _refused(client, cast, files)
    assert errors[0]["loc"][0] == "mini.bpmn"


def test_a_lane_missing_from_the_manifest_is_refused_naming_the_lane(client: httpx.Client, cast: Cast) -> None:
    files = mini_files()
    files["bundle.json"] = files["bundle.json"].replace(b'"fire": {', b'"xiaofang": {')
    errors = _refused(client, cast, files)
    assert ["mini.bpmn", "fire"] in [e["loc"] for e in errors]


def test_a_missing_task_form_and_a_form_that_is_not_json_are_both_reported(client: httpx.Client, cast: Cast) -> None:
    files = mini_files()
    del files["fire.schema.json"]
    files["market.schema.json"] = b"{not json"
    errors = _refused(client, cast, files)
    locs = [e["loc"] for e in errors]
    assert ["mini.bpmn", "fire_review"] in locs
    assert any(loc[0] == "market.schema.json" for loc in locs)


def test_an_unknown_manifest_key_is_an_error_not_ignored(client: httpx.Client, cast: Cast) -> None:
    files = mini_files()
    files["bundle.json"] = files["bundle.json"].replace(b'"process"', b'"colour": "red", "process"')
    errors = _refused(client, cast, files)
    assert errors[0]["loc"] == ["bundle.json"] and "colour" in errors[0]["message"]


def test_a_bpmn_spiffworkflow_rejects_is_refused_naming_the_element(client: httpx.Client, cast: Cast) -> None:
    files = mini_files()
    files["mini.bpmn"] = files["mini.bpmn"].replace(b'targetRef="fire_review"', b'targetRef="nowhere"')
    errors = _refused(client, cast, files)
    assert any(e["loc"][0] == "mini.bpmn" and len(e["loc"]) == 2 for e in errors), errors


def test_a_script_that_imports_is_refused_at_deploy(client: httpx.Client, cast: Cast) -> None:
    files = mini_files()
    files["mini.bpmn"] = files["mini.bpmn"].replace(
        b'approved = market["approved"] and fire["approved"]', b"__import__('os').system('id')"
    )
    errors = _refused(client, cast, files)
    assert ["mini.bpmn", "tally"] in [e["loc"] for e in errors]


def test_an_oversized_upload_is_refused(client: httpx.Client, cast: Cast) -> None:
    files = mini_files()
    files["huge.json"] = b" " * (6 * 1024 * 1024)
    response = deploy(client, cast.designer.headers, files)
    assert response.status_code == 413
    assert response.json()["detail"].startswith("upload exceeds")


def test_unknown_bundles_versions_and_files_are_404(client: httpx.Client, cast: Cast) -> None:
    deploy(client, cast.designer.headers, mini_files())
    assert client.get("/api/bundles/nope").status_code == 404
    assert client.get("/api/bundles/mini-permit/versions/9/files/mini.bpmn").status_code == 404
    assert client.get("/api/bundles/mini-permit/versions/1/files/nope.json").status_code == 404
    assert client.post("/api/bundles/mini-permit/versions/9/activate", headers=cast.designer.headers).status_code == 404


def test_the_merged_application_form_is_served(client: httpx.Client, cast: Cast) -> None:
    deploy(client, cast.designer.headers, mini_files())
    form = client.get("/api/bundles/mini-permit/application-form").json()
    assert form["schema"]["properties"]["company"]["properties"]["uscc"]["format"] == "cn-uscc"
    assert "ui_schema" in form
