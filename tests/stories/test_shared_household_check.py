"""户籍核验 is one sub-process (``common/verify_household.bpmn``) called by two bundles: whichever bundle asks,
a mismatch lands in the same police inbox of the handling region, and the answer goes back to its caller."""

from tests.people import HANGZHOU
from tests.stories.applications import NEWBORN, NEWBORN_TASKS, SCHOOL_EVENT, SCHOOL_TASKS, fresh, school_property
from tests.stories.town import Town, ready

MISMATCH = {"matched": False}


def test_a_hangzhou_police_clerk_checks_a_newborn_and_a_school_child_by_hand_from_one_inbox(town: Town) -> None:
    town.open("newborn-birth")
    town.open("school-enrolment")
    police = town.department("gaj", HANGZHOU)

    birth = town.apply("newborn-birth", fresh(NEWBORN))["id"]
    for lane, name in (("hospital", "hospital_intake"), ("hospital", "birth_cert"), ("cdc", "vaccine_cert")):
        town.work(town.clerk("newborn-birth", lane), birth, name, NEWBORN_TASKS[name])
    assert town.send(birth, "household.verified", MISMATCH).status_code == 200

    event = {"type": "child.school_age_reached", "data": fresh(SCHOOL_EVENT), "region": HANGZHOU}
    [pupil] = town.client.post("/api/events", json=event, headers=town.system).json()["instances"]
    assert town.send(pupil, "property.verified", school_property(HANGZHOU)).status_code == 200
    assert town.send(pupil, "household.verified", MISMATCH).status_code == 200

    checks = sorted((t["bundle_id"], t["instance_id"]) for t in town.inbox(police) if t["name"] == "vh_manual")
    assert checks == [("newborn-birth", birth), ("school-enrolment", pupil)]
    assert town.holders(birth, "vh_manual") == town.holders(pupil, "vh_manual") == ["gaj_hz"]

    after_birth = town.work(police, birth, "vh_manual", NEWBORN_TASKS["vh_manual"])
    assert ready(after_birth) == ["register_birth"], "back in the newborn bundle after the call"
    after_pupil = town.work(police, pupil, "vh_manual", SCHOOL_TASKS["vh_manual"])
    assert after_pupil["data"]["household"]["source"] == "manual", "back in the school bundle after the call"
    assert "enrolment_decision" in after_pupil["data"]
