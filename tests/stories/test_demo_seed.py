"""``yijian seed-demo`` on a fresh database: demo users, then demo cases in every state a first visitor should
see — and a second run adds nothing."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from engine import clock, demo
from engine.auth.schemas import Principal
from engine.bundles import loader
from engine.bundles import service as bundles
from engine.commitments.models import Commitment
from engine.config import ROOT
from engine.db import make_engine, transaction
from engine.events.models import EventRecord
from engine.instances.models import ProcessInstance
from engine.ratings.models import Rating
from engine.tables import metadata
from engine.tasks import service as tasks
from engine.tasks.models import Task
from tests.people import HANGZHOU, SHANGHAI

SAMPLES = ["open-restaurant", "newborn-birth", "utility-connection", "employee-retirement", "school-enrolment"]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, list[int], list[int]]]:
    """A fresh SQLite database with the sample bundles deployed and the demo seeded twice."""
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('demo') / 'yijian.db'}")
    metadata.create_all(engine)
    for bundle_id in SAMPLES:
        with transaction(engine) as session:
            files = loader.load_folder(Path(ROOT) / "processes" / bundle_id)
            bundles.deploy(session, Principal("cli", "admin"), files, now=clock.now(session))
    assert demo.create_users(engine), "the demo users come first"
    first = demo.seed_instances(engine)
    second = demo.seed_instances(engine)
    yield engine, first, second
    engine.dispose()


def _inbox(session: Session, username: str) -> list[Task]:
    department, city = username.rsplit("_", 1)
    region = {"hz": HANGZHOU, "sh": SHANGHAI}[city]
    rows, _ = tasks.inbox(session, Principal(username, "clerk", department, region), tasks.InboxQuery(limit=200))
    return list(rows)


def _instances(session: Session, bundle_id: str) -> list[ProcessInstance]:
    return list(session.exec(select(ProcessInstance).where(ProcessInstance.bundle_id == bundle_id)))


def _ready(session: Session, instance: ProcessInstance) -> set[str]:
    return {t.bpmn_id for t in tasks.open_tasks(session, instance.id)}


def test_seeding_twice_starts_the_demo_cases_once(seeded) -> None:
    engine, first, second = seeded
    assert len(first) >= 8 and second == []
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(ProcessInstance)).one() == len(first)
        assert {i.bundle_id for i in session.exec(select(ProcessInstance))} == set(SAMPLES)
    assert demo.create_users(engine) == [], "no new users either"


def test_the_hangzhou_window_has_applications_waiting_to_be_received(seeded) -> None:
    engine, *_ = seeded
    with Session(engine) as session:
        waiting = {(t.bundle_id, t.bpmn_id) for t in _inbox(session, "zwfw_hz")}
        assert {("open-restaurant", "accept"), ("utility-connection", "accept")} <= waiting


def test_departments_review_in_parallel_with_some_of_them_done(seeded) -> None:
    engine, *_ = seeded
    with Session(engine) as session:
        [busy] = [i for i in _instances(session, "open-restaurant") if i.business_key == "DEMO-CY-002"]
        done = {t.bpmn_id for t in tasks.instance_tasks(session, busy.id) if t.state == "completed"}
        assert {"accept", "market_review", "health_review"} <= done
        assert _ready(session, busy) == {"fire_review", "urban_review"}
        assert {t.instance_id for t in _inbox(session, "xf_hz")} >= {busy.id}
        [retiring] = _instances(session, "employee-retirement")
        assert {"hf_freeze", "fp_reward"} <= _ready(session, retiring)
        assert any(t.bpmn_id == "hf_freeze" for t in _inbox(session, "gjj_hz"))


def test_one_restaurant_was_accepted_on_a_commitment_that_is_still_open(seeded) -> None:
    engine, *_ = seeded
    with Session(engine) as session:
        [promise] = session.exec(select(Commitment)).all()
        assert promise.state == "open" and promise.signed_by == "周十"
        instance = session.get(ProcessInstance, promise.instance_id)
        assert instance.data["missing_materials"] == ["signboard_design"]
        assert "supply_materials" in _ready(session, instance) and "market_review" in _ready(session, instance)


def test_a_baby_born_in_shanghai_waits_for_the_hangzhou_police(seeded) -> None:
    engine, *_ = seeded
    with Session(engine) as session:
        [across] = [i for i in _instances(session, "newborn-birth") if i.receiving_region == SHANGHAI]
        assert across.handling_region == HANGZHOU and across.status == "running"
        assert _ready(session, across) == {"register_birth"}
        assert [t.instance_id for t in _inbox(session, "gaj_hz") if t.bpmn_id == "register_birth"] == [across.id]
        assert not [t for t in _inbox(session, "gaj_sh") if t.instance_id == across.id]


def test_completed_applications_were_rated_and_a_bad_rating_is_being_rectified(seeded) -> None:
    engine, *_ = seeded
    with Session(engine) as session:
        rated = {r.instance_id: r.score for r in session.exec(select(Rating))}
        assert sorted(rated.values()) == [2, 5]
        assert all(session.get(ProcessInstance, i).status == "completed" for i in rated)
        assert [t.bpmn_id for t in _inbox(session, "zcjg_hz") if t.kind == "rectification"] == ["rectification"]


def test_school_enrolments_were_started_by_the_data_platform_without_an_application(seeded) -> None:
    engine, *_ = seeded
    with Session(engine) as session:
        pupils = _instances(session, "school-enrolment")
        assert len(pupils) == 2 and all(p.applicant is None for p in pupils)
        started = [i for e in session.exec(select(EventRecord)) for i in e.instance_ids]
        assert sorted(started) == sorted(p.id for p in pupils)


def test_one_pushed_child_is_enrolled_automatically_and_the_other_waits_for_the_bureau(seeded) -> None:
    engine, *_ = seeded
    with Session(engine) as session:
        statuses = sorted(p.status for p in _instances(session, "school-enrolment"))
        assert statuses == ["completed", "running"], "秒批: the eligible child needed nobody"
        assert _inbox(session, "xx_hz") == []
        assert [t.bpmn_id for t in _inbox(session, "jyj_hz")] == ["manual_review"], "有户无房: a clerk reviews"
