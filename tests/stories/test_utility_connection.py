"""水电气网联合报装一件事: one window, a joint survey, parallel connection plans, road permits, then the
construction company's message and parallel switch-on."""

from tests.stories.applications import CONSTRUCTION_DONE, PROJECT_CODE, UTILITY, UTILITY_TASKS, fresh
from tests.stories.town import Town, actions, ready, states

BUNDLE = "utility-connection"
T = UTILITY_TASKS


def _plans_out(town: Town, **body) -> dict:
    instance = town.apply(BUNDLE, fresh(UTILITY), **body)
    iid = instance["id"]
    town.work(town.clerk(BUNDLE, "window"), iid, "accept", T["accept"])
    return town.work(town.clerk(BUNDLE, "approval"), iid, "joint_survey", T["joint_survey"])


def test_a_factory_gets_power_water_and_network_after_one_survey_one_reply_and_one_switch_on(town: Town) -> None:
    town.open(BUNDLE)
    view = _plans_out(town)
    iid = view["id"]
    assert ready(view) == ["power_plan", "telecom_plan", "water_plan"], "only what was ticked: no gas"
    assert town.holders(iid, "power_plan") == ["gdgs_hz"] and town.holders(iid, "water_plan") == ["gsgs_hz"]
    assert town.holders(iid, "telecom_plan") == ["txyys_hz"] and town.inbox(town.clerk(BUNDLE, "gas")) == []

    for lane in ("power", "water", "telecom"):
        view = town.work(town.clerk(BUNDLE, lane), iid, f"{lane}_plan", T[f"{lane}_plan"])
    assert ready(view) == ["consolidate"] and town.holders(iid, "consolidate") == ["xzspj_hz"]
    view = town.work(town.clerk(BUNDLE, "approval"), iid, "consolidate", T["consolidate"])
    assert ready(view) == ["road_dig"], "the survey found a road to dig, no green space"
    view = town.work(town.clerk(BUNDLE, "urban"), iid, "road_dig", T["road_dig"])
    assert ready(view) == [] and view["status"] == "running", "construction time does not count"

    other_project = town.send(iid, "utility.construction_completed", {**CONSTRUCTION_DONE, "project_code": "X-1"})
    assert other_project.status_code == 409, "another project's completion does not reach this instance"
    done_building = town.send(iid, "utility.construction_completed", CONSTRUCTION_DONE)
    assert done_building.status_code == 200, done_building.text
    view = done_building.json()
    assert ready(view) == ["power_connect", "telecom_connect", "water_connect"]
    assert view["data"]["construction"]["project_code"] == PROJECT_CODE
    assert "message.received" in actions(view)
    assert town.send(iid, "utility.construction_completed", CONSTRUCTION_DONE).status_code == 409, "only once"

    for lane in ("power", "water", "telecom"):
        view = town.work(town.clerk(BUNDLE, lane), iid, f"{lane}_connect", T[f"{lane}_connect"])
    assert view["status"] == "completed" and town.ends(iid) == ["end_done"]
    data = view["data"]
    assert {data[k]["account_no"] for k in ("power_connection", "water_connection", "telecom_connection")} == {
        "POWER-0001",
        "WATER-0001",
        "TELECOM-0001",
    }
    assert data["power"]["capacity_kva"] == 250 and data["reply"]["reply_no"] == "西联装答〔2027〕18号"
    assert "gas_plan" not in states(view) and "green_occupy" not in states(view)


def test_a_factory_accepted_without_its_load_list_and_site_plan_supplies_both_and_its_promise_is_kept(
    town: Town,
) -> None:
    town.open(BUNDLE)
    view = _plans_out(town, missing_materials=["load_list", "site_plan"])
    iid = view["id"]
    assert "supply_materials" in ready(view)
    assert view["commitments"][0]["state"] == "open" and view["commitments"][0]["days_left"] >= 1
    assert town.task(town.applicant, iid, "supply_materials")["kind"] == "commitment"

    first = town.client.post(
        f"/api/instances/{iid}/materials",
        json={"material_id": "load_list", "reference": "用电设备清单.pdf"},
        headers=town.applicant.headers,
    )
    assert first.status_code == 200, first.text
    assert first.json()["commitments"][0]["state"] == "open", "one of two is not enough"
    assert "supply_materials" in ready(first.json())

    window = town.clerk(BUNDLE, "window")  # the window may take the paper in for the applicant
    last = town.client.post(
        f"/api/instances/{iid}/materials",
        json={"material_id": "site_plan", "reference": "规划总平面图 2027-01"},
        headers=window.headers,
    )
    assert last.status_code == 200, last.text
    view = last.json()
    assert view["commitments"][0]["state"] == "fulfilled"
    [supply] = [t for t in view["tasks"] if t["name"] == "supply_materials"]
    assert supply["state"] == "completed" and supply["completed_by"] == "engine", "it completed by itself"
    assert ready(view) == ["power_plan", "telecom_plan", "water_plan"]
    assert town.inbox(town.applicant, iid) == []
    timeline = actions(view)
    assert timeline.count("material.supplied") == 2 and "commitment.fulfilled" in timeline

    moved = town.advance(advance_working_days=21)
    assert not [f for f in moved["fired"] if f["kind"] == "commitment"], "a kept promise cannot be breached"
    assert "plan_withdraw" not in states(town.show(iid))


def test_a_factory_that_never_sends_its_load_list_has_the_connection_plans_withdrawn(town: Town) -> None:
    town.open(BUNDLE)
    view = _plans_out(town, missing_materials=["load_list"])
    iid = view["id"]
    town.work(town.clerk(BUNDLE, "power"), iid, "power_plan", T["power_plan"])

    town.advance(advance_working_days=21)
    view = town.show(iid)
    assert view["commitments"][0]["state"] == "breached" and view["sla"] == "red"
    assert ready(view) == ["plan_withdraw", "telecom_plan", "water_plan"]
    assert town.holders(iid, "plan_withdraw") == ["xzspj_hz"], "the approval bureau that organised the survey"
    supply = town.client.post(
        f"/api/instances/{iid}/materials", json={"material_id": "load_list"}, headers=town.admin.headers
    )
    assert supply.status_code == 409, "too late: the commitment is breached"

    done = town.work(town.clerk(BUNDLE, "approval"), iid, "plan_withdraw", T["plan_withdraw"])
    assert done["status"] == "completed" and town.ends(iid) == ["end_withdrawn"]
    assert states(done)["water_plan"] == states(done)["telecom_plan"] == {"cancelled"}
    assert "consolidate" not in states(done) and done["data"]["withdrawal"]["credit_recorded"] is True
