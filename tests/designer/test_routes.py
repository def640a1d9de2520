"""A process designer changes the 开办餐饮店 bundle in the browser's API: draft, check, deploy, compare, roll back."""

import json

import httpx
from sqlalchemy.engine import Engine
from sqlmodel import select

from engine.audit.models import AuditEntry
from engine.db import transaction
from tests.designer.restaurant import BUNDLE, apply, deploy_restaurant
from tests.people import Cast

NEW_LANE = """      <bpmn:lane id="jkzx" name="疾控中心">
        <bpmn:flowNodeRef>cdc_review</bpmn:flowNodeRef>
      </bpmn:lane>
"""
NEW_TASK = """    <bpmn:userTask id="cdc_review" name="疾控卫生评估">
      <bpmn:extensionElements>
        <spiffworkflow:properties>
          <spiffworkflow:property name="formJsonSchemaFilename" value="cdc-review.schema.json" />
        </spiffworkflow:properties>
        <spiffworkflow:instructionsForEndUser>评估经营场所卫生条件。</spiffworkflow:instructionsForEndUser>
      </bpmn:extensionElements>
      <bpmn:incoming>flow_split_to_cdc</bpmn:incoming>
      <bpmn:outgoing>flow_cdc_to_join</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="flow_split_to_cdc" sourceRef="gw_split" targetRef="cdc_review">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">True</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="flow_cdc_to_join" sourceRef="cdc_review" targetRef="gw_join" />
"""
CDC_FORM = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "疾控卫生评估",
    "type": "object",
    "properties": {
        "cdc": {
            "type": "object",
            "title": "评估结果",
            "properties": {
                "hygiene_ok": {"type": "boolean", "title": "卫生条件合格"},
                "inspector_mobile": {"type": "string", "title": "评估人手机", "format": "cn-mobile"},
            },
            "required": ["hygiene_ok"],
        }
    },
    "required": ["cdc"],
}
CDC_LANE = {"department": "jkzx", "department_name": "疾病预防控制中心", "region": "handling"}


def start(client: httpx.Client, who: dict, **body: object) -> httpx.Response:
    return client.post(f"/api/designer/drafts/{BUNDLE}", json=body, headers=who)


def with_cdc_review(files: dict[str, str], *, lane: bool = True) -> dict[str, str]:
    """The designer's edit: a parallel 疾控中心 review in a new lane, its form, a tolerable material."""
    files = dict(files)
    bpmn = files["open_restaurant.bpmn"]
    bpmn = bpmn.replace("    </bpmn:laneSet>", NEW_LANE + "    </bpmn:laneSet>", 1)
    bpmn = bpmn.replace("    <bpmn:textAnnotation", NEW_TASK + "    <bpmn:textAnnotation", 1)
    split = "<bpmn:outgoing>flow_gw_split_to_supply_materials</bpmn:outgoing>"
    bpmn = bpmn.replace(split, split + "\n      <bpmn:outgoing>flow_split_to_cdc</bpmn:outgoing>")
    join = "<bpmn:incoming>flow_supply_materials_to_gw_join</bpmn:incoming>"
    bpmn = bpmn.replace(join, join + "\n      <bpmn:incoming>flow_cdc_to_join</bpmn:incoming>")
    files["open_restaurant.bpmn"] = bpmn
    files["cdc-review.schema.json"] = json.dumps(CDC_FORM, ensure_ascii=False, indent=2)
    manifest = json.loads(files["bundle.json"])
    if lane:
        manifest["lanes"]["jkzx"] = CDC_LANE
    material = next(m for m in manifest["materials"] if m["id"] == "food_safety_rules")
    material.update(tolerable=True, supply_within_working_days=10)
    files["bundle.json"] = json.dumps(manifest, ensure_ascii=False, indent=2)
    return files


def audit_actions(db: Engine) -> list[str]:
    with transaction(db) as session:
        return [e.action for e in session.exec(select(AuditEntry).order_by(AuditEntry.id))]


def test_a_designer_starts_a_draft_from_the_active_version_and_saves_it(
    client: httpx.Client, cast: Cast, db: Engine
) -> None:
    deploy_restaurant(client, cast.designer.headers)
    assert client.get(f"/api/designer/drafts/{BUNDLE}", headers=cast.designer.headers).status_code == 404

    started = start(client, cast.designer.headers)
    assert started.status_code == 201, started.text
    draft = started.json()
    assert draft["base_version"] == 1 and draft["author"] == "designer" and draft["revision"] == 1
    assert {"bundle.json", "open_restaurant.bpmn", "restaurant.schema.json", "common/company.schema.json"} <= set(
        draft["files"]
    )
    assert start(client, cast.designer.headers).status_code == 409, "a second start must not silently discard work"

    files = with_cdc_review(draft["files"])
    saved = client.put(
        f"/api/designer/drafts/{BUNDLE}", json={"files": files, "revision": 1}, headers=cast.designer.headers
    )
    assert saved.status_code == 200, saved.text
    assert saved.json()["revision"] == 2 and saved.json()["base_version"] == 1
    again = client.get(f"/api/designer/drafts/{BUNDLE}", headers=cast.designer.headers).json()
    assert again["files"]["cdc-review.schema.json"] == files["cdc-review.schema.json"]

    stale = client.put(
        f"/api/designer/drafts/{BUNDLE}", json={"files": files, "revision": 1}, headers=cast.designer.headers
    )
    assert stale.status_code == 409, "a stale tab must not overwrite newer work"
    assert audit_actions(db).count("draft.saved") == 2

    # drafts are per author: the administrator has none of their own
    assert client.get(f"/api/designer/drafts/{BUNDLE}", headers=cast.admin.headers).status_code == 404
    listed = {b["id"]: b for b in client.get("/api/designer/bundles", headers=cast.designer.headers).json()}
    assert listed[BUNDLE]["draft"]["revision"] == 2 and listed[BUNDLE]["versions"] == 1


def test_checks_list_errors_and_warnings_on_the_elements_and_deploy_is_refused_while_errors_remain(
    client: httpx.Client, cast: Cast
) -> None:
    deploy_restaurant(client, cast.designer.headers)
    files = start(client, cast.designer.headers).json()["files"]

    clean = client.post(f"/api/designer/drafts/{BUNDLE}/validate", json={}, headers=cast.designer.headers).json()
    assert clean["valid"] is True and clean["errors"] == 0, clean

    broken = with_cdc_review(files, lane=False)  # the new lane has no department yet
    broken["open_restaurant.bpmn"] = broken["open_restaurant.bpmn"].replace(
        '<spiffworkflow:property name="formJsonSchemaFilename" value="cdc-review.schema.json" />', ""
    )
    report = client.post(
        f"/api/designer/drafts/{BUNDLE}/validate", json={"files": broken}, headers=cast.designer.headers
    ).json()
    assert report["valid"] is False
    by_element = {(p["element"], p["severity"]) for p in report["problems"]}
    assert ("jkzx", "error") in by_element, report["problems"]
    assert ("cdc_review", "warning") in by_element, "a user task without a form is a warning"
    assert all(p["file"] for p in report["problems"])

    client.put(f"/api/designer/drafts/{BUNDLE}", json={"files": broken}, headers=cast.designer.headers)
    refused = client.post(f"/api/designer/drafts/{BUNDLE}/deploy", headers=cast.designer.headers)
    assert refused.status_code == 422
    assert ["open_restaurant.bpmn", "jkzx"] in [e["loc"] for e in refused.json()["errors"]]
    assert client.get(f"/api/bundles/{BUNDLE}").json()["active_version"] == 1


def test_a_timer_that_never_fires_is_an_error_and_one_that_fires_at_once_a_warning(
    client: httpx.Client, cast: Cast
) -> None:
    deploy_restaurant(client, cast.designer.headers)
    files = start(client, cast.designer.headers).json()["files"]
    files["open_restaurant.bpmn"] = files["open_restaurant.bpmn"].replace(
        '<bpmn:timeDate xsi:type="bpmn:tFormalExpression">working_days(10)</bpmn:timeDate>',
        '<bpmn:timeDate xsi:type="bpmn:tFormalExpression">working_days(0)</bpmn:timeDate>',
    )
    report = client.post(
        f"/api/designer/drafts/{BUNDLE}/validate", json={"files": files}, headers=cast.designer.headers
    ).json()
    timer = [p for p in report["problems"] if p["rule"] == "timer"]
    assert [(p["element"], p["severity"]) for p in timer] == [("market_overdue", "warning")]

    files["open_restaurant.bpmn"] = files["open_restaurant.bpmn"].replace(
        '<bpmn:timeDate xsi:type="bpmn:tFormalExpression">working_days(0)</bpmn:timeDate>',
        '<bpmn:timeCycle xsi:type="bpmn:tFormalExpression">"R0/P1D"</bpmn:timeCycle>',
    )
    report = client.post(
        f"/api/designer/drafts/{BUNDLE}/validate", json={"files": files}, headers=cast.designer.headers
    ).json()
    assert ("market_overdue", "error") in {(p["element"], p["severity"]) for p in report["problems"]}
    assert report["valid"] is False


def test_deploying_a_draft_makes_a_new_version_new_instances_use_and_running_ones_keep_theirs(
    client: httpx.Client, cast: Cast, db: Engine
) -> None:
    deploy_restaurant(client, cast.designer.headers)
    before = apply(client, cast.system)
    files = with_cdc_review(start(client, cast.designer.headers).json()["files"])
    client.put(f"/api/designer/drafts/{BUNDLE}", json={"files": files}, headers=cast.designer.headers)

    preview = client.get(f"/api/designer/drafts/{BUNDLE}/diff", headers=cast.designer.headers).json()
    assert {e["id"] for e in preview["elements"]["added"]} >= {"cdc_review", "jkzx", "flow_split_to_cdc"}

    deployed = client.post(f"/api/designer/drafts/{BUNDLE}/deploy", headers=cast.designer.headers)
    assert deployed.status_code == 201, deployed.text
    assert deployed.json()["version"] == 2 and deployed.json()["active"] is True
    assert client.get(f"/api/designer/drafts/{BUNDLE}", headers=cast.designer.headers).status_code == 404

    after = apply(client, cast.system)
    assert (before["version"], after["version"]) == (1, 2)

    history = client.get(f"/api/designer/bundles/{BUNDLE}", headers=cast.designer.headers).json()
    assert [(v["version"], v["active"], v["deployed_by"]) for v in history["versions"]] == [
        (2, True, "designer"),
        (1, False, "designer"),
    ]
    assert [v["instances"] for v in history["versions"]] == [{"total": 1, "running": 1}, {"total": 1, "running": 1}]

    diff = client.get(f"/api/designer/bundles/{BUNDLE}/versions/2/diff", headers=cast.designer.headers).json()
    assert diff["against"] == 1
    added = {e["id"]: e for e in diff["elements"]["added"]}
    assert added["cdc_review"]["type"] == "userTask" and added["cdc_review"]["name"] == "疾控卫生评估"
    assert added["jkzx"]["type"] == "lane"
    changed = {e["id"]: e["changes"] for e in diff["elements"]["changed"]}
    assert "flows" in changed["gw_split"]
    form = next(f for f in diff["forms"] if f["file"] == "cdc-review.schema.json")
    assert form["status"] == "added" and form["added_fields"] == ["cdc.hygiene_ok", "cdc.inspector_mobile"]
    assert diff["manifest"]["lanes"]["added"] == ["jkzx"]
    tolerable = next(m for m in diff["manifest"]["materials"]["changed"] if m["id"] == "food_safety_rules")
    assert {"field": "tolerable", "before": False, "after": True} in tolerable["changes"]

    rollback = client.post(f"/api/designer/bundles/{BUNDLE}/versions/1/activate", headers=cast.designer.headers)
    assert rollback.status_code == 200 and rollback.json()["active_version"] == 1
    assert apply(client, cast.system)["version"] == 1
    assert client.get(f"/api/instances/{after['id']}", headers=cast.admin.headers).json()["version"] == 2
    assert {"bundle.deployed", "bundle.activated", "draft.saved"} <= set(audit_actions(db))


def test_an_unchanged_draft_deploys_nothing_new_and_reactivates_its_version(client: httpx.Client, cast: Cast) -> None:
    deploy_restaurant(client, cast.designer.headers)
    files = with_cdc_review(start(client, cast.designer.headers).json()["files"])
    client.put(f"/api/designer/drafts/{BUNDLE}", json={"files": files}, headers=cast.designer.headers)
    assert client.post(f"/api/designer/drafts/{BUNDLE}/deploy", headers=cast.designer.headers).status_code == 201

    start(client, cast.designer.headers, version=1)
    same = client.post(f"/api/designer/drafts/{BUNDLE}/deploy", headers=cast.designer.headers)
    assert same.status_code == 200 and same.json() | {"warnings": []} == {
        "bundle_id": BUNDLE,
        "version": 1,
        "created": False,
        "active": True,
        "warnings": [],
    }


def test_a_designer_creates_a_new_bundle_from_scratch(client: httpx.Client, cast: Cast) -> None:
    files = {
        "bundle.json": json.dumps(
            {
                "id": "pet-licence",
                "name": "犬只登记",
                "process": "pet",
                "modes": [],
                "time_limit_working_days": 5,
                "application": ["apply.schema.json"],
                "lanes": {"police": {"department": "ga", "department_name": "公安局", "region": "handling"}},
                "materials": [],
            },
            ensure_ascii=False,
        ),
        "apply.schema.json": json.dumps({"type": "object", "properties": {"dog": {"type": "string"}}}),
        "pet.bpmn": PET_BPMN,
    }
    saved = client.put("/api/designer/drafts/pet-licence", json={"files": files}, headers=cast.designer.headers)
    assert saved.status_code == 200 and saved.json()["base_version"] is None
    listed = {b["id"]: b for b in client.get("/api/designer/bundles", headers=cast.designer.headers).json()}
    assert listed["pet-licence"]["deployed"] is False and listed["pet-licence"]["name"] == "犬只登记"

    departments = client.get("/api/designer/departments?bundle_id=pet-licence", headers=cast.designer.headers)
    assert "ga" in {d["department"] for d in departments.json()}

    deployed = client.post("/api/designer/drafts/pet-licence/deploy", headers=cast.designer.headers)
    assert deployed.status_code == 201, deployed.text
    assert client.get("/api/bundles/pet-licence").json()["active_version"] == 1

    wrong = dict(files, **{"bundle.json": files["bundle.json"].replace("pet-licence", "cat-licence")})
    client.put("/api/designer/drafts/pet-licence", json={"files": wrong}, headers=cast.designer.headers)
    report = client.post("/api/designer/drafts/pet-licence/validate", json={}, headers=cast.designer.headers).json()
    assert ["bundle.json", "id"] in [p["loc"] for p in report["problems"]]


NOPE = {"type": "object", "properties": {"a": {"$ref": "common/nope.schema.json"}}}

PET_BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="x">
  <bpmn:process id="pet" isExecutable="true">
    <bpmn:laneSet id="ls">
      <bpmn:lane id="police" name="公安"><bpmn:flowNodeRef>register</bpmn:flowNodeRef></bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="s"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="register" name="登记">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="e"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="register" />
    <bpmn:sequenceFlow id="f2" sourceRef="register" targetRef="e" />
  </bpmn:process>
</bpmn:definitions>
"""


def test_the_editor_gets_departments_fragments_form_previews_and_the_manifest_schema(
    client: httpx.Client, cast: Cast
) -> None:
    deploy_restaurant(client, cast.designer.headers)
    who = cast.designer.headers
    departments = {d["department"]: d for d in client.get("/api/designer/departments", headers=who).json()}
    assert departments["scjg"]["department_name"] == "市场监督管理局"
    assert departments["zwfw"]["regions"] == ["receiving"]
    assert {"bundle_id": BUNDLE, "lane": "market", "region": "handling"} in departments["scjg"]["lanes"]

    files = with_cdc_review(start(client, who).json()["files"])
    client.put(f"/api/designer/drafts/{BUNDLE}", json={"files": files}, headers=who)
    with_draft = client.get(f"/api/designer/departments?bundle_id={BUNDLE}", headers=who).json()
    assert "jkzx" in {d["department"] for d in with_draft}

    fragments = {f["name"]: f for f in client.get("/api/designer/fragments", headers=who).json()}
    company = fragments["common/company.schema.json"]
    assert company["ref"] == "common/company.schema.json#/properties/company" and company["title"]
    assert company["schema"]["properties"]["company"] and "company" in company["ui_schema"]

    form = {
        "type": "object",
        "properties": {"owner": {"$ref": company["ref"]}, "note": {"type": "string", "title": "备注"}},
    }
    preview = client.post(
        "/api/designer/forms/preview",
        json={"name": "owner.schema.json", "files": {"owner.schema.json": json.dumps(form)}},
        headers=who,
    ).json()
    assert "$ref" not in json.dumps(preview["schema"]), "the browser gets the fragment inlined"
    assert "owner.uscc" in preview["fields"] and preview["problems"] == []

    broken = client.post(
        "/api/designer/forms/preview",
        json={"name": "x.schema.json", "files": {"x.schema.json": json.dumps(NOPE)}},
        headers=who,
    ).json()
    assert broken["problems"] and broken["problems"][0]["file"] == "x.schema.json"

    schema = client.get("/api/designer/manifest-schema", headers=who).json()
    assert schema["title"].startswith("Yijian bundle manifest") and "lanes" in schema["properties"]


def test_only_designers_and_administrators_reach_the_designer(client: httpx.Client, cast: Cast) -> None:
    deploy_restaurant(client, cast.designer.headers)
    for path in ("/api/designer/bundles", f"/api/designer/drafts/{BUNDLE}", "/api/designer/departments"):
        assert client.get(path, headers=cast.market_hz.headers).status_code == 403
        assert client.get(path, headers=cast.applicant.headers).status_code == 403
        assert client.get(path).status_code == 401
    assert start(client, cast.market_hz.headers).status_code == 403
    assert start(client, cast.admin.headers).status_code == 201
    rollback = client.post(f"/api/designer/bundles/{BUNDLE}/versions/1/activate", headers=cast.window_hz.headers)
    assert rollback.status_code == 403


def test_bad_input_is_refused_naming_the_fault(client: httpx.Client, cast: Cast) -> None:
    who = cast.designer.headers
    bad_name = client.put("/api/designer/drafts/x-bundle", json={"files": {"../etc/passwd": "x"}}, headers=who)
    assert bad_name.status_code == 422 and bad_name.json()["errors"][0]["loc"] == ["../etc/passwd"]
    bad_kind = client.put("/api/designer/drafts/x-bundle", json={"files": {"run.sh": "x"}}, headers=who)
    assert bad_kind.status_code == 422
    assert client.put("/api/designer/drafts/Bad_Id", json={"files": {}}, headers=who).status_code == 422
    assert client.post("/api/designer/drafts/nothing-here", json={}, headers=who).status_code == 404
    assert client.get("/api/designer/bundles/nothing-here/versions/1/diff", headers=who).status_code == 404
    assert client.post("/api/designer/drafts/nothing-here/deploy", headers=who).status_code == 404
