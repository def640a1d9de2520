"""新生儿出生一件事: the hospital receives, certificates in parallel, the shared household check, registration,
then insurance, social security card and maternity benefits in parallel, and one issue by mail."""

from tests.people import HANGZHOU, SHANGHAI
from tests.stories.applications import HOUSEHOLD_OK, ID_NEWBORN, NEWBORN, NEWBORN_TASKS, fresh
from tests.stories.town import Town, actions, ready, states, thrown

BUNDLE = "newborn-birth"
T = NEWBORN_TASKS


def _certificates_issued(town: Town, instance: dict, region: str = HANGZHOU) -> dict:
    """The hospital accepts; the birth certificate (hospital) and the vaccination certificate (CDC) in parallel."""
    iid = instance["id"]
    view = town.work(town.clerk(BUNDLE, "hospital", region), iid, "hospital_intake", T["hospital_intake"])
    assert ready(view) == ["birth_cert", "vaccine_cert"], "parallel gateway: both certificates at once"
    town.work(town.clerk(BUNDLE, "hospital", region), iid, "birth_cert", T["birth_cert"])
    return town.work(town.clerk(BUNDLE, "cdc", region), iid, "vaccine_cert", T["vaccine_cert"])


def _benefits_and_issue(town: Town, iid: int) -> dict:
    for lane, name in (("medical_insurance", "medical_enrol"), ("medical_insurance", "maternity_reimb")):
        town.work(town.clerk(BUNDLE, lane), iid, name, T[name])
    view = town.work(town.clerk(BUNDLE, "social_security"), iid, "ss_card", T["ss_card"])
    assert ready(view) == ["unified_issue"]
    return town.work(town.clerk(BUNDLE, "issue"), iid, "unified_issue", T["unified_issue"])


def test_a_baby_born_in_hangzhou_is_registered_insured_and_gets_her_papers_by_mail(town: Town) -> None:
    town.open(BUNDLE)
    instance = town.apply(BUNDLE, fresh(NEWBORN))
    iid = instance["id"]
    assert instance["subject"] == "陈静" and ready(instance) == ["hospital_intake"]
    assert town.holders(iid, "hospital_intake") == ["zcjg_hz"]

    view = _certificates_issued(town, instance)
    assert ready(view) == [], "now waiting for the public security data service"
    assert "household.verify_requested" in thrown(view), "the shared sub-process asked for the household check"
    assert town.send(iid, "household.verified", HOUSEHOLD_OK).status_code == 200

    view = town.show(iid)
    assert ready(view) == ["register_birth"] and town.holders(iid, "register_birth") == ["gaj_hz"]
    view = town.work(town.clerk(BUNDLE, "police"), iid, "register_birth", T["register_birth"])
    assert ready(view) == ["maternity_reimb", "medical_enrol", "ss_card"], "inclusive gateway: all three apply"
    assert town.holders(iid, "maternity_reimb") == town.holders(iid, "medical_enrol") == ["ybj_hz"]
    assert town.holders(iid, "ss_card") == ["rsj_hz"]

    done = _benefits_and_issue(town, iid)
    assert done["status"] == "completed" and town.ends(iid) == ["end_done"]
    data = done["data"]
    assert data["household"]["household_head"] == "陈静", "the household check's answer is kept"
    assert data["police"]["child_id_number"] == ID_NEWBORN[:6] + "********" + ID_NEWBORN[-4:], "shown masked"
    police = town.clerk(BUNDLE, "police")
    revealed = town.client.get(f"/api/instances/{iid}", params={"reveal": "ids"}, headers=police.headers).json()
    assert revealed["data"]["police"]["child_id_number"] == ID_NEWBORN, "the police clerk of the case may reveal it"
    assert "data.revealed" in actions(town.show(iid))
    assert data["medical"]["insured_no"] and data["maternity_benefit"]["allowance_amount"] == 21000
    assert data["social_security"]["card_status"] == "in_production" and data["issue"]["delivery"] == "mail"
    assert "yrd_intake" not in states(done), "no cross-province intake for a local birth"
    assert actions(done)[-1] == "instance.completed"


def test_a_baby_born_in_shanghai_to_a_hangzhou_family_is_received_there_and_registered_here(town: Town) -> None:
    town.open(BUNDLE, HANGZHOU, SHANGHAI)
    instance = town.apply(BUNDLE, fresh(NEWBORN), receiving_region=SHANGHAI, handling_region=HANGZHOU)
    iid = instance["id"]
    assert instance["receiving_region_name"] == "上海市" and instance["handling_region_name"] == "杭州市"
    assert town.holders(iid, "hospital_intake") == ["zcjg_sh"], "the 上海 hospital receives"

    view = _certificates_issued(town, instance, SHANGHAI)
    assert ready(view) == ["yrd_intake"]
    assert town.holders(iid, "yrd_intake") == ["gaj_sh"], "the police of the place of residence take the intake"
    town.work(town.department("gaj", SHANGHAI), iid, "yrd_intake", T["yrd_intake"])
    assert town.send(iid, "household.verified", HOUSEHOLD_OK).status_code == 200
    assert town.holders(iid, "register_birth") == ["gaj_hz"], "the 杭州 police register, not the 上海 ones"
    assert [t["name"] for t in town.inbox(town.department("gaj", SHANGHAI))] == []
    # Nor can the 上海 police act on the 杭州 registration.
    task = town.task(town.department("gaj", HANGZHOU), iid, "register_birth")
    refused = town.client.post(
        f"/api/tasks/{task['id']}/complete",
        json={"data": T["register_birth"]},
        headers=town.department("gaj", SHANGHAI).headers,
    )
    assert refused.status_code == 403

    town.work(town.department("gaj", HANGZHOU), iid, "register_birth", T["register_birth"])
    assert town.holders(iid, "ss_card") == ["rsj_hz"] and town.holders(iid, "medical_enrol") == ["ybj_hz"]
    done = _benefits_and_issue(town, iid)
    assert done["status"] == "completed"
    regions = {t["name"]: t["region"] for t in done["tasks"]}
    assert regions["hospital_intake"] == regions["vaccine_cert"] == regions["yrd_intake"] == SHANGHAI
    assert regions["register_birth"] == regions["unified_issue"] == HANGZHOU
    for viewer in (town.department("zcjg", SHANGHAI), town.department("gaj", HANGZHOU)):
        seen = town.show(iid, viewer)
        assert (seen["receiving_region_name"], seen["handling_region_name"]) == ("上海市", "杭州市")

    rated = town.client.post(
        f"/api/instances/{iid}/rating", json={"score": 1, "comment": "医院窗口排队太久"}, headers=town.applicant.headers
    )
    assert rated.status_code == 201, rated.text
    assert town.holders(iid, "rectification") == ["zcjg_sh"], "the 上海 hospital that received her rectifies"


def test_when_the_household_service_stays_silent_for_a_working_day_the_police_check_by_hand(town: Town) -> None:
    town.open(BUNDLE)
    instance = town.apply(BUNDLE, fresh(NEWBORN))
    iid = instance["id"]
    _certificates_issued(town, instance)
    assert town.inbox(town.clerk(BUNDLE, "police")) == []

    moved = town.advance(advance_working_days=2)
    assert [f["instance_id"] for f in moved["fired"] if f["kind"] == "bpmn"] == [iid]
    view = town.show(iid)
    assert ready(view) == ["vh_manual"], "the boundary timer of the shared sub-process fired"
    assert town.holders(iid, "vh_manual") == ["gaj_hz"]
    late = town.send(iid, "household.verified", HOUSEHOLD_OK)
    assert late.status_code == 409, "the answer came too late: nothing waits for it any more"

    view = town.work(town.clerk(BUNDLE, "police"), iid, "vh_manual", T["vh_manual"])
    assert ready(view) == ["register_birth"]
    assert view["data"]["household"]["source"] == "manual"
