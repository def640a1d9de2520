"""开办餐饮店一件事: one application, one window, market / health / fire / urban review in parallel, one issue."""

from tests.people import HANGZHOU, SHANGHAI
from tests.stories.applications import MARKET_REFUSES, RESTAURANT, RESTAURANT_TASKS, fresh
from tests.stories.town import Town, actions, ready, states

BUNDLE = "open-restaurant"
DEPARTMENT_REVIEWS = ["fire_review", "health_review", "market_review", "urban_review"]


def _accepted(town: Town, data: dict | None = None, **body) -> dict:
    """张三 applies in 杭州 and the 杭州 window accepts: the reviews go out."""
    instance = town.apply(BUNDLE, data or fresh(RESTAURANT), **body)
    assert ready(instance) == ["accept"]
    return town.work(town.clerk(BUNDLE, "window"), instance["id"], "accept", RESTAURANT_TASKS["accept"])


def test_a_restaurant_in_hangzhou_opens_with_market_health_fire_and_urban_approving_in_parallel(town: Town) -> None:
    town.open(BUNDLE, HANGZHOU, SHANGHAI)
    instance = town.apply(BUNDLE, fresh(RESTAURANT))
    assert instance["status"] == "running" and instance["receiving_region_name"] == "杭州市"
    assert instance["subject"] == "杭州一件小馆餐饮有限公司"
    assert town.holders(instance["id"], "accept") == ["zwfw_hz"], "only the 杭州 window receives it"

    after_accept = town.work(town.clerk(BUNDLE, "window"), instance["id"], "accept", RESTAURANT_TASKS["accept"])
    assert ready(after_accept) == DEPARTMENT_REVIEWS, "80 ㎡, 40 seats and a signboard: all four at once"
    expected = {"market_review": "scjg_hz", "health_review": "wjw_hz", "fire_review": "xf_hz", "urban_review": "cgj_hz"}
    for name, clerk in expected.items():
        assert town.holders(instance["id"], name) == [clerk], f"{name} belongs to {clerk} alone"

    # Any order: each department works its own item while the others still review.
    for lane, name in (("urban", "urban_review"), ("market", "market_review"), ("fire", "fire_review")):
        view = town.work(town.clerk(BUNDLE, lane), instance["id"], name, RESTAURANT_TASKS[name])
        assert view["status"] == "running" and "unified_issue" not in ready(view)
    view = town.work(town.clerk(BUNDLE, "health"), instance["id"], "health_review", RESTAURANT_TASKS["health_review"])
    assert ready(view) == ["unified_issue"]
    assert town.holders(instance["id"], "unified_issue") == ["zwfw_hz"]

    done = town.work(town.clerk(BUNDLE, "issue"), instance["id"], "unified_issue", RESTAURANT_TASKS["unified_issue"])
    assert done["status"] == "completed" and done["completed_at"] is not None
    assert town.ends(instance["id"]) == ["end_done"]
    data = done["data"]
    assert data["market"]["licence_no"] == "JY13301060012345"
    assert data["health"]["certificates_issued"] == 3
    assert data["fire"]["permit_no"] == "杭西消营字〔2027〕第0012号"
    assert data["urban"]["approved"] is True
    assert data["issue"]["tracking_no"] == "EMS1234567890"
    assert data["company"]["uscc"] == RESTAURANT["company"]["uscc"], "the application is kept beside the results"
    assert ready(done) == [] and all(s == {"completed"} for s in states(done).values())
    timeline = actions(done)
    assert timeline[0] == "instance.started" and timeline[-1] == "instance.completed"
    assert timeline.count("task.completed") == 6 and "refusal_notice" not in states(done)
    assert town.inbox(town.department("zwfw", SHANGHAI)) == [] and town.inbox(town.department("scjg", SHANGHAI)) == []


def test_a_small_noodle_shop_without_a_signboard_needs_neither_a_fire_check_nor_an_urban_permit(town: Town) -> None:
    town.open(BUNDLE)
    small = fresh(RESTAURANT)
    small["premises"].update(area_sqm=30, seats=12)
    small["signboard"] = {"declared": False}
    del small["fire_safety"]
    view = _accepted(town, small)
    assert ready(view) == ["health_review", "market_review"], "the inclusive gateway took two of its four paths"
    assert town.inbox(town.clerk(BUNDLE, "fire")) == [] and town.inbox(town.clerk(BUNDLE, "urban")) == []

    town.work(town.clerk(BUNDLE, "market"), view["id"], "market_review", RESTAURANT_TASKS["market_review"])
    view = town.work(town.clerk(BUNDLE, "health"), view["id"], "health_review", RESTAURANT_TASKS["health_review"])
    done = town.work(town.clerk(BUNDLE, "issue"), view["id"], "unified_issue", RESTAURANT_TASKS["unified_issue"])
    assert done["status"] == "completed" and town.ends(view["id"]) == ["end_done"]
    assert "fire" not in done["data"] and "urban" not in done["data"]


def test_when_the_market_bureau_refuses_the_window_serves_a_refusal_notice_and_nothing_is_issued(town: Town) -> None:
    town.open(BUNDLE)
    view = _accepted(town)
    iid = view["id"]
    town.work(town.clerk(BUNDLE, "market"), iid, "market_review", MARKET_REFUSES)
    for lane, name in (("health", "health_review"), ("fire", "fire_review"), ("urban", "urban_review")):
        view = town.work(town.clerk(BUNDLE, lane), iid, name, RESTAURANT_TASKS[name])
    assert ready(view) == ["refusal_notice"], "one refusal is enough: no unified issue"
    assert town.holders(iid, "refusal_notice") == ["zwfw_hz"]

    done = town.work(town.clerk(BUNDLE, "issue"), iid, "refusal_notice", RESTAURANT_TASKS["refusal_notice"])
    assert done["status"] == "completed" and town.ends(iid) == ["end_refused"]
    assert "unified_issue" not in states(done) and "issue" not in done["data"]
    assert done["data"]["market"]["approved"] is False and done["data"]["fire"]["approved"] is True
    assert done["data"]["refusal"]["notice_no"] == "西一件事不许字〔2027〕2号"


def test_a_restaurant_that_never_supplies_its_signboard_design_has_its_licence_revoked_by_the_market_bureau(
    town: Town,
) -> None:
    town.open(BUNDLE)
    commitment = {"signed_by": "王一", "text": "招牌效果图于 2 个工作日内补齐，逾期同意撤销许可并记入信用记录。"}
    instance = town.apply(BUNDLE, fresh(RESTAURANT), missing_materials=["signboard_design"], commitment=commitment)
    iid = instance["id"]
    [promise] = instance["commitments"]
    assert promise["state"] == "open" and promise["signed_by"] == "王一"
    assert [m["id"] for m in promise["materials"]] == ["signboard_design"]
    assert instance["data"]["missing_materials"] == ["signboard_design"]

    view = town.work(town.clerk(BUNDLE, "window"), iid, "accept", RESTAURANT_TASKS["accept"])
    assert ready(view) == sorted([*DEPARTMENT_REVIEWS, "supply_materials"])
    supply = town.task(town.applicant, iid, "supply_materials")
    assert supply["kind"] == "commitment" and supply["department"] is None
    town.work(town.clerk(BUNDLE, "market"), iid, "market_review", RESTAURANT_TASKS["market_review"])

    moved = town.advance(advance_working_days=21)
    assert iid in [f["instance_id"] for f in moved["fired"] if f["kind"] == "commitment"]
    view = town.show(iid)
    assert view["commitments"][0]["state"] == "breached"
    assert view["sla"] == "red", "21 working days are past the promised 13"
    assert "commitment.breached" in actions(view)
    assert states(view)["supply_materials"] == {"cancelled"}, "the boundary timer interrupted the supply task"
    assert "revoke" in ready(view)
    assert town.holders(iid, "revoke") == ["scjg_hz"], "the consequence lands with the market bureau"
    assert town.inbox(town.applicant, iid) == []

    done = town.work(town.clerk(BUNDLE, "market"), iid, "revoke", RESTAURANT_TASKS["revoke"])
    assert done["status"] == "completed", "the revocation ends the whole bundle (terminate end event)"
    assert town.ends(iid) == ["end_revoked"]
    assert done["data"]["revocation"]["credit_recorded"] is True
    left = states(done)
    assert left["health_review"] == left["fire_review"] == left["urban_review"] == {"cancelled"}
    assert "unified_issue" not in left
    assert all(town.inbox(town.clerk(BUNDLE, lane)) == [] for lane in ("health", "fire", "urban", "issue"))


def test_an_unhappy_owner_rates_the_service_2_and_the_window_gets_a_rectification_task_once(town: Town) -> None:
    town.open(BUNDLE, HANGZHOU, SHANGHAI)
    view = _accepted(town)
    iid = view["id"]
    early = town.client.post(f"/api/instances/{iid}/rating", json={"score": 5}, headers=town.applicant.headers)
    assert early.status_code == 409, "only a completed application can be rated"
    for lane in ("market", "health", "fire", "urban"):
        town.work(town.clerk(BUNDLE, lane), iid, f"{lane}_review", RESTAURANT_TASKS[f"{lane}_review"])
    done = town.work(town.clerk(BUNDLE, "issue"), iid, "unified_issue", RESTAURANT_TASKS["unified_issue"])
    assert done["status"] == "completed"

    rating = {"score": 2, "comment": "窗口让我跑了两次才收齐材料"}
    rated = town.client.post(f"/api/instances/{iid}/rating", json=rating, headers=town.applicant.headers)
    assert rated.status_code == 201, rated.text
    assert rated.json()["department"] == "zwfw" and rated.json()["rectification_task_id"] is not None
    assert town.holders(iid, "rectification") == ["zwfw_hz"], "the 杭州 window that received it must rectify"
    task = town.task(town.clerk(BUNDLE, "window"), iid, "rectification")
    assert task["kind"] == "rectification" and task["id"] == rated.json()["rectification_task_id"]

    again = town.client.post(f"/api/instances/{iid}/rating", json={"score": 5}, headers=town.applicant.headers)
    assert again.status_code == 409
    assert town.show(iid)["rating"]["score"] == 2, "the first rating stands"

    answer = {"rectification": {"measures": "推行一次告知清单", "replied": True}}
    closed = town.client.post(
        f"/api/tasks/{task['id']}/complete", json={"data": answer}, headers=town.clerk(BUNDLE, "window").headers
    )
    assert closed.status_code == 200, closed.text
    assert town.inbox(town.clerk(BUNDLE, "window")) == []


def test_a_holiday_notice_moves_a_provisional_commitment_deadline_and_its_timer_with_it(town: Town) -> None:
    """Accepted on a Tuesday of a year nobody's calendar knows: the 2-working-day signboard promise counts
    weekends only. The notice then makes the rest of the week 春节: the promise, and the BPMN timer that
    would revoke the licence, both move to the new deadline instead of firing at the old one."""
    town.open(BUNDLE)
    town.advance(now="2031-01-28T09:00:00+08:00")
    instance = town.apply(BUNDLE, fresh(RESTAURANT), missing_materials=["signboard_design"])
    iid = instance["id"]
    [promise] = instance["commitments"]
    assert promise["provisional"] is True and promise["deadline"].startswith("2031-01-30T23:59:59")
    town.work(town.clerk(BUNDLE, "window"), iid, "accept", RESTAURANT_TASKS["accept"])

    notice = "date,type,name\n" + "".join(
        f"2031-{d},holiday,春节\n" for d in ("01-29", "01-30", "01-31", "02-03", "02-04", "02-05")
    )
    imported = town.client.post("/api/admin/holidays", json={"content": notice}, headers=town.admin.headers)
    assert imported.status_code == 200, imported.text
    [promise] = town.show(iid)["commitments"]
    assert promise["provisional"] is False and promise["deadline"].startswith("2031-02-07T23:59:59")

    town.advance(now="2031-02-01T09:00:00+08:00")  # past the old deadline
    view = town.show(iid)
    assert view["commitments"][0]["state"] == "open" and "revoke" not in ready(view)
    assert "supply_materials" in ready(view)

    town.advance(now="2031-02-08T09:00:00+08:00")  # past the new one
    view = town.show(iid)
    assert view["commitments"][0]["state"] == "breached" and "revoke" in ready(view)


def test_the_clock_stops_while_the_owner_corrects_the_application_and_the_recheck_is_due_on_the_moved_deadline(
    town: Town,
) -> None:
    """补正: the window asks for a correction once; the working days the owner takes are not the bureaus'."""
    town.open(BUNDLE)
    town.advance(now="2031-03-10T09:00:00+08:00")  # March 2031: no public holiday to count around
    instance = town.apply(BUNDLE, fresh(RESTAURANT))
    correction = {"decision": "correct", "business_licence_verified": True, "materials_checked": False}
    asked = town.work(
        town.clerk(BUNDLE, "window"),
        instance["id"],
        "accept",
        {"acceptance": correction | {"correction_items": "补交平面图"}},
    )
    assert ready(asked) == ["correct"] and asked["sla_paused"] is True
    assert "sla.paused" in actions(asked)

    town.advance(advance_working_days=3)
    corrected = town.work(town.applicant, instance["id"], "correct", {"correction": {"resubmitted": True}})
    assert ready(corrected) == ["recheck"] and corrected["sla_paused"] is False
    assert "sla.resumed" in actions(corrected)
    assert corrected["deadline"] > asked["deadline"], "the three working days of the correction are added"
    recheck = next(t for t in corrected["tasks"] if t["name"] == "recheck")
    assert recheck["due_at"] == corrected["deadline"], "the window's recheck follows the moved deadline at once"
    stored = next(t for t in town.show(instance["id"])["tasks"] if t["name"] == "recheck")
    assert stored["due_at"] == recheck["due_at"]
