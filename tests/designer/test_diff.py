"""Comparing two versions the way a designer reviews a deploy (pure: two file sets in, a dict out)."""

import json

from engine.bundles.loader import load_folder
from engine.config import ROOT
from engine.designer.diff import diff

RESTAURANT = load_folder(ROOT / "processes" / "open-restaurant")


def changed(name: str, old: bytes, new: bytes) -> dict[str, bytes]:
    files = dict(RESTAURANT)
    assert old in files[name]
    files[name] = files[name].replace(old, new)
    return files


def test_identical_versions_differ_in_nothing() -> None:
    result = diff(RESTAURANT, dict(RESTAURANT))
    assert result["elements"] == {"added": [], "removed": [], "changed": []}
    assert result["forms"] == [] and result["files"] == {"added": [], "removed": [], "changed": []}


def test_moving_shapes_is_not_a_change_of_the_process() -> None:
    moved = changed("open_restaurant.bpmn", b'<dc:Bounds x="150" y="60"', b'<dc:Bounds x="170" y="80"')
    result = diff(RESTAURANT, moved)
    assert result["files"]["changed"] == ["open_restaurant.bpmn"]
    assert result["elements"]["changed"] == []


def test_a_renamed_task_and_a_new_condition_say_what_changed() -> None:
    new = changed("open_restaurant.bpmn", "食品从业人员健康证明核发".encode(), "健康证明核发".encode())
    new["open_restaurant.bpmn"] = new["open_restaurant.bpmn"].replace(
        b"len(missing_materials) &gt; 0", b"len(missing_materials) &gt; 1"
    )
    changes = {e["id"]: e for e in diff(RESTAURANT, new)["elements"]["changed"]}
    assert changes["health_review"]["changes"] == ["name"]
    assert changes["health_review"]["name_before"] == "食品从业人员健康证明核发"
    assert changes["flow_gw_split_to_supply_materials"]["changes"] == ["condition"]
    assert changes["flow_gw_split_to_supply_materials"]["type"] == "sequenceFlow"


def test_form_fields_and_manifest_entries_added_and_removed() -> None:
    new = dict(RESTAURANT)
    schema = json.loads(new["health-review.schema.json"])
    del schema["properties"]["health"]["properties"]["unqualified"]
    schema["properties"]["health"]["properties"]["clinic"] = {"type": "string", "title": "体检机构"}
    new["health-review.schema.json"] = json.dumps(schema).encode()
    manifest = json.loads(new["bundle.json"])
    manifest["time_limit_working_days"] = 10
    manifest["lanes"]["jkzx"] = {"department": "jkzx", "department_name": "疾控中心", "region": "handling"}
    manifest["materials"] = [m for m in manifest["materials"] if m["id"] != "owner_consent"]
    new["bundle.json"] = json.dumps(manifest, ensure_ascii=False).encode()

    result = diff(RESTAURANT, new)
    [form] = result["forms"]
    assert form == {
        "file": "health-review.schema.json",
        "status": "changed",
        "added_fields": ["health.clinic"],
        "removed_fields": ["health.unqualified"],
    }
    m = result["manifest"]
    assert m["settings"] == [{"field": "time_limit_working_days", "before": 13, "after": 10}]
    assert m["lanes"]["added"] == ["jkzx"] and m["materials"]["removed"] == ["owner_consent"]


def test_a_first_version_is_all_additions() -> None:
    result = diff({}, RESTAURANT)
    assert result["elements"]["removed"] == [] and len(result["elements"]["added"]) > 50
    assert "company.uscc" in result["application_form"]["added_fields"]
