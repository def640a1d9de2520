"""一表申请 and 一次告知 for each sample bundle, read through the API as a portal would: every fact asked once,
and a guide that names the departments, the materials one may hand in later, and the 四减 figures."""

from collections import Counter

import pytest

from engine.forms import field_paths, merge_application
from tests.stories.town import Town

BUNDLES = ["open-restaurant", "newborn-birth", "utility-connection", "employee-retirement", "school-enrolment"]


def _deployed_files(town: Town, bundle_id: str) -> dict[str, bytes]:
    """The files of the active version, downloaded one by one as deployed."""
    detail = town.client.get(f"/api/bundles/{bundle_id}").json()
    version = next(v for v in detail["versions"] if v["active"])
    return {
        name: town.client.get(f"/api/bundles/{bundle_id}/versions/{version['version']}/files/{name}").content
        for name in version["files"]
    }


@pytest.mark.parametrize("bundle_id", BUNDLES)
def test_the_one_application_form_asks_every_fact_exactly_once(town: Town, bundle_id: str) -> None:
    manifest = town.open(bundle_id)
    response = town.client.get(f"/api/bundles/{bundle_id}/application-form")
    assert response.status_code == 200, response.text
    merged = response.json()["schema"]
    asked = field_paths(merged)
    assert asked and [p for p, n in Counter(asked).items() if n > 1] == [], "a field the merged form asks twice"

    files = _deployed_files(town, bundle_id)
    per_part = {name: field_paths(merge_application([name], files).schema) for name in manifest["application"]}
    assert all(per_part.values()), "every part contributes fields"
    by_parts = Counter(p for paths in per_part.values() for p in paths)
    assert set(by_parts) == set(asked), "the merged form asks what its parts ask, nothing more or less"
    twice = [p for p, n in by_parts.items() if n > 1]
    assert twice == [], f"parts that would ask the same fact twice if filled in one by one: {twice}"
    order = response.json()["ui_schema"].get("ui:order", ["*"])
    listed = [p for p in order if p != "*"]
    assert len(listed) == len(set(listed)), "each part of the form is shown once"
    assert set(listed) <= set(merged["properties"]) and ("*" in order or set(listed) == set(merged["properties"]))


@pytest.mark.parametrize("bundle_id", BUNDLES)
def test_the_guide_names_the_departments_and_the_materials_that_may_come_later(town: Town, bundle_id: str) -> None:
    manifest = town.open(bundle_id)
    response = town.client.get(f"/api/bundles/{bundle_id}/guide")
    assert response.status_code == 200, response.text
    guide = response.json()
    assert guide["name"] == manifest["name"] and guide["time_limit_working_days"] == manifest["time_limit_working_days"]

    departments = {(d["lane"], d["department"], d["department_name"]) for d in guide["departments"]}
    assert departments == {(k, v["department"], v["department_name"]) for k, v in manifest["lanes"].items()}
    items = {i["id"] for d in guide["departments"] for i in d["items"]}
    assert items == {i["id"] for i in manifest["items"]}, "every 事项 under the department that handles it"

    tolerable = {m["id"]: m for m in guide["tolerable_materials"]}
    assert set(tolerable) == {m["id"] for m in manifest["materials"] if m["tolerable"]}
    assert all(m["supply_within_working_days"] >= 1 for m in tolerable.values())
    assert bool(tolerable) == ("commitment" in manifest["modes"]), "容缺 exactly where the bundle offers 承诺办"
    assert [m["id"] for m in guide["materials"]] == [m["id"] for m in manifest["materials"]]

    reduction = guide["reduction"]
    assert set(reduction) == {"steps", "materials", "trips", "working_days"}
    for key in ("materials", "trips", "working_days"):
        assert reduction[key]["before"] > reduction[key]["after"], f"{key}: {reduction[key]}"


@pytest.mark.parametrize("bundle_id", BUNDLES)
def test_the_guide_shows_fewer_steps_than_the_items_separately(town: Town, bundle_id: str) -> None:
    town.open(bundle_id)
    steps = town.client.get(f"/api/bundles/{bundle_id}/guide").json()["reduction"]["steps"]
    assert steps["before"] > steps["after"], steps


def test_the_household_check_is_one_sub_process_shared_by_the_newborn_and_the_school_bundles(town: Town) -> None:
    for bundle_id in ("newborn-birth", "school-enrolment"):
        town.open(bundle_id)
        guide = town.client.get(f"/api/bundles/{bundle_id}/guide").json()
        [check] = [s for s in guide["steps"] if s["id"] == "vh_manual"]
        assert check["process"] == "verify_household" and check["lane"] == "police"
        files = _deployed_files(town, bundle_id)
        assert "common/verify_household.bpmn" in files
    newborn, school = (
        _deployed_files(town, b)["common/verify_household.bpmn"] for b in ("newborn-birth", "school-enrolment")
    )
    assert newborn == school, "the same file, not a copy that drifts"
