"""义务教育入学一件事 (免申即享 · 秒批): the data platform pushes a school-age child, two data services answer,
a decision table pre-approves, and only the school confirms — or a clerk of the education bureau reviews."""

from tests.people import HANGZHOU, SHANGHAI
from tests.stories.applications import (
    ID_PUPIL,
    ID_PUPIL_FATHER,
    SCHOOL_EVENT,
    SCHOOL_TASKS,
    fresh,
    school_household,
    school_property,
)
from tests.stories.town import Town, actions, ready, states, thrown

BUNDLE = "school-enrolment"
T = SCHOOL_TASKS


def _pushed(town: Town, key: str = "child-2027-0001") -> int:
    """The data platform reports a child reaching school age in 杭州; returns the one instance it started."""
    event = {
        "type": "child.school_age_reached",
        "data": fresh(SCHOOL_EVENT),
        "region": HANGZHOU,
        "idempotency_key": key,
    }
    response = town.client.post("/api/events", json=event, headers=town.system)
    assert response.status_code == 202, response.text
    [iid] = response.json()["instances"]
    return iid


def test_a_child_pushed_by_the_data_platform_starts_with_the_regions_at_top_level_as_any_application(
    town: Town,
) -> None:
    town.open(BUNDLE)
    view = town.show(_pushed(town))
    assert view["status"] == "running", view["error"]
    assert view["data"]["handling_region"] == HANGZHOU and view["data"]["missing_materials"] == []
    assert view["subject"] == "张小明", "the portal names the child although nobody applied"


def test_a_child_living_in_her_district_is_enrolled_with_no_application_and_no_human_step(
    town: Town,
) -> None:
    town.open(BUNDLE, HANGZHOU, SHANGHAI)
    iid = _pushed(town)
    view = town.show(iid)
    assert view["status"] == "running" and view["applicant"] is None and ready(view) == []
    assert view["data"]["enrolment_event"]["child"]["id_number"] == ID_PUPIL[:6] + "********" + ID_PUPIL[-4:]
    as_platform = town.client.get(f"/api/instances/{iid}", headers=town.system).json()
    assert as_platform["data"]["enrolment_event"]["child"]["id_number"] == ID_PUPIL, "the data platform sees it whole"
    assert "household.verify_requested" in thrown(view)

    assert town.send(iid, "property.verified", school_property(HANGZHOU)).status_code == 200
    assert town.send(iid, "household.verified", school_household(HANGZHOU)).status_code == 200
    view = town.show(iid)
    assert view["data"]["enrolment_decision"]["result"] == "eligible"
    assert view["data"]["enrolment_decision"]["category"] == "一类：房户一致"
    assert "enrolment.pre_approved" in thrown(view), "the parents are told at once (秒批)"
    assert view["status"] == "completed" and town.ends(iid) == ["end_done"]
    assert view["tasks"] == [], "免申即享 + 秒批: from the data event to the place, no human task at all"
    assert town.inbox(town.clerk(BUNDLE, "education")) == [] and town.inbox(town.clerk(BUNDLE, "school")) == []
    assert thrown(view)[-1] == "enrolment.admitted"
    assert view["data"]["admission"]["automatic"] is True

    again = {"type": "child.school_age_reached", "data": fresh(SCHOOL_EVENT), "region": HANGZHOU}
    repeat = town.client.post("/api/events", json={**again, "idempotency_key": "child-2027-0001"}, headers=town.system)
    assert repeat.status_code == 202 and repeat.json()["duplicate"] is True
    assert repeat.json()["instances"] == [iid], "the same push never enrols twice"


def test_a_child_whose_parents_own_no_home_in_the_district_goes_to_a_clerk_of_the_education_bureau(
    town: Town,
) -> None:
    town.open(BUNDLE, HANGZHOU, SHANGHAI)
    iid = _pushed(town)
    wrong_child = school_property(HANGZHOU, child_id_number=ID_PUPIL_FATHER)
    assert town.send(iid, "property.verified", wrong_child).status_code == 409, "correlated on the child's ID"
    assert town.send(iid, "property.verified", school_property(HANGZHOU, owned_by_guardian=False)).status_code == 200
    assert town.send(iid, "household.verified", school_household(HANGZHOU)).status_code == 200

    view = town.show(iid)
    assert view["data"]["enrolment_decision"] == {
        "result": "review",
        "category": "二类：有户无房",
        "reason": "户籍在本学区但本学区无监护人房产，需人工审核",
    }
    assert ready(view) == ["manual_review"] and "enrolment.pre_approved" not in thrown(view)
    assert town.holders(iid, "manual_review") == ["jyj_hz"], "杭州's education bureau, not 上海's, not the school"

    view = town.work(town.clerk(BUNDLE, "education"), iid, "manual_review", T["manual_review"])
    assert ready(view) == ["admission"]
    done = town.work(town.clerk(BUNDLE, "school"), iid, "admission", T["admission"])
    assert done["status"] == "completed" and done["data"]["review"]["category"] == "class_2"
    assert set(states(done)) == {"manual_review", "admission"}


def test_a_child_with_neither_home_nor_household_in_the_district_is_refused_and_the_parents_told(
    town: Town,
) -> None:
    town.open(BUNDLE)
    iid = _pushed(town)
    assert town.send(iid, "household.verified", school_household("330102")).status_code == 200
    assert town.send(iid, "property.verified", school_property(HANGZHOU, owned_by_guardian=False)).status_code == 200
    view = town.show(iid)
    assert view["data"]["enrolment_decision"]["category"] == "不符合学区条件"

    refusal = {"review": {"approved": False, "opinion": "户籍、房产均不在本学区，由教育局统筹安排"}}
    done = town.work(town.clerk(BUNDLE, "education"), iid, "manual_review", refusal)
    assert done["status"] == "completed" and "admission" not in states(done)
    assert town.ends(iid) == ["end_rejected"]
    assert thrown(done)[-1] == "enrolment.rejected"
    assert actions(done)[-1] == "instance.completed"
