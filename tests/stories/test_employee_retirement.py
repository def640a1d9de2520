"""企业职工退休一件事: one signed application, the pension decided by the insured place, then medical
insurance, housing fund and the family-planning reward in parallel, and the pension paid to the card."""

from tests.people import HANGZHOU, SHANGHAI
from tests.stories.applications import EARLY_RETIREMENT, RETIREMENT, RETIREMENT_TASKS, fresh
from tests.stories.town import Town, ready, states

BUNDLE = "employee-retirement"
T = RETIREMENT_TASKS


def test_a_worker_retiring_in_hangzhou_is_paid_his_pension_after_four_departments_act_on_one_form(
    town: Town,
) -> None:
    town.open(BUNDLE)
    instance = town.apply(BUNDLE, fresh(RETIREMENT))
    iid = instance["id"]
    rsj = town.clerk(BUNDLE, "window")
    assert town.holders(iid, "window_intake") == ["rsj_hz"]

    view = town.work(rsj, iid, "window_intake", T["window_intake"])
    assert ready(view) == ["pension_normal"], "local: no remote acceptance, normal retirement: no archive review"
    view = town.work(town.clerk(BUNDLE, "hrss"), iid, "pension_normal", T["pension_normal"])
    assert ready(view) == ["fp_reward", "hf_freeze", "medical_retiree"], "inclusive gateway: account and only child"
    assert town.holders(iid, "medical_retiree") == ["ybj_hz"] and town.holders(iid, "hf_freeze") == ["gjj_hz"]
    assert town.holders(iid, "fp_reward") == ["wjw_hz"]

    view = town.work(town.clerk(BUNDLE, "housing_fund"), iid, "hf_freeze", T["hf_freeze"])
    assert "hf_withdraw" in ready(view), "the withdrawal follows the freeze in the same lane"
    for lane, name in (
        ("housing_fund", "hf_withdraw"),
        ("medical_insurance", "medical_retiree"),
        ("health", "fp_reward"),
    ):
        view = town.work(town.clerk(BUNDLE, lane), iid, name, T[name])
    assert ready(view) == ["pension_payment"]
    done = town.work(town.clerk(BUNDLE, "hrss"), iid, "pension_payment", T["pension_payment"])
    assert done["status"] == "completed" and town.ends(iid) == ["end_done"]
    data = done["data"]
    assert data["pension"]["monthly_amount"] == 4860.35 and data["medical"]["effective_from"] == "2027-03-01"
    assert data["hf_freeze"]["frozen_on"] == "2027-03-01" and data["hf_withdraw"]["amount"] == 86000
    assert data["fp_reward"]["amount"] == 3000 and data["payment_result"]["paid_to_ss_card"] is True
    assert "remote_accept" not in states(done) and "archive_review" not in states(done)


def test_an_application_taken_in_shanghai_is_returned_when_the_hangzhou_fund_finds_it_incomplete(town: Town) -> None:
    town.open(BUNDLE, HANGZHOU, SHANGHAI)
    instance = town.apply(BUNDLE, fresh(RETIREMENT), receiving_region=SHANGHAI, handling_region=HANGZHOU)
    iid = instance["id"]
    assert town.holders(iid, "window_intake") == ["rsj_sh"], "the 上海 window takes it in for 杭州"
    view = town.work(town.department("rsj", SHANGHAI), iid, "window_intake", T["window_intake"])
    assert ready(view) == ["remote_accept"]
    assert town.holders(iid, "remote_accept") == ["rsj_hz"], "same department, the other region"

    returned = {"remote_acceptance": {"accepted": False, "materials_received": False, "opinion": "缺少参保缴费证明"}}
    done = town.work(town.department("rsj", HANGZHOU), iid, "remote_accept", returned)
    assert done["status"] == "completed" and ready(done) == [] and town.ends(iid) == ["end_returned"]
    assert "pension_normal" not in states(done), "returned to the receiving place: nothing was decided"
    assert done["data"]["remote_acceptance"]["opinion"] == "缺少参保缴费证明"
    assert done["receiving_region_name"] == "上海市" and done["handling_region_name"] == "杭州市"


def test_an_early_retirement_is_decided_only_after_five_working_days_of_public_notice(town: Town) -> None:
    town.open(BUNDLE)
    instance = town.apply(BUNDLE, fresh(EARLY_RETIREMENT))
    iid = instance["id"]
    town.work(town.clerk(BUNDLE, "window"), iid, "window_intake", T["window_intake"])
    view = town.work(town.clerk(BUNDLE, "hrss"), iid, "archive_review", T["archive_review"])
    assert ready(view) == [] and view["status"] == "running", "the notice is up: nobody can decide yet"

    moved = town.advance(advance_working_days=3)
    assert not [f for f in moved["fired"] if f["kind"] == "bpmn"], "three days are not five"
    assert ready(town.show(iid)) == []

    moved = town.advance(advance_working_days=3)
    assert [f["instance_id"] for f in moved["fired"] if f["kind"] == "bpmn"] == [iid]
    view = town.show(iid)
    assert ready(view) == ["pension_early"] and town.holders(iid, "pension_early") == ["rsj_hz"]
    view = town.work(town.clerk(BUNDLE, "hrss"), iid, "pension_early", T["pension_early"])
    assert ready(view) == ["medical_retiree"], "no housing fund account, no only-child reward"
    view = town.work(town.clerk(BUNDLE, "medical_insurance"), iid, "medical_retiree", T["medical_retiree"])
    done = town.work(town.clerk(BUNDLE, "hrss"), iid, "pension_payment", T["pension_payment"])
    assert done["status"] == "completed" and done["data"]["pension"]["monthly_amount"] == 4120.0
