"""Demo users and demo cases for a first start: one user per role, clerks for every department in 杭州 and 上海,
and a handful of applications of the sample bundles in different states, so that inboxes and the portal are not
empty. ``yijian seed-demo`` runs it after deploying the sample bundles; both steps only add what is missing.
"""

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from engine import clock
from engine.auth import service as auth
from engine.auth.models import User
from engine.auth.schemas import Principal, UserCreate
from engine.bundles import service as bundles
from engine.db import transaction
from engine.events import service as events
from engine.events.schemas import EventIn
from engine.forms import id_card_check_char, uscc_check_char
from engine.instances import service as instances
from engine.instances.models import ProcessInstance
from engine.instances.schemas import CommitmentSign, InstanceStart
from engine.ratings import service as ratings
from engine.tasks import service as tasks

HANGZHOU, SHANGHAI = "330100", "310100"
DEMO_REGIONS = (HANGZHOU, SHANGHAI)
CITY = {HANGZHOU: ("hz", "杭州"), SHANGHAI: ("sh", "上海")}
APPLICANT = "zhangsan"
DATA_PLATFORM = Principal("demo-data-platform", "system")  # the province's data platform, sending events and results


def _clerks(session) -> list[tuple[str, str]]:
    return sorted((code, names["zh"]) for code, names in bundles.department_names(session).items())


def clerk_name(department: str, region: str) -> str:
    """The demo clerk of a department in a demo region: ``scjg_hz``."""
    return f"{department}_{CITY[region][0]}"


def create_users(engine: Engine | None = None) -> list[dict]:
    """Create the demo users that do not exist yet; returns their credentials (shown once)."""
    created: list[dict] = []
    with transaction(engine) as session:
        wanted = [
            UserCreate(username="admin", password="x" * 8, role="admin", display_name="系统管理员"),
            UserCreate(username="designer", password="x" * 8, role="designer", display_name="流程设计员"),
            UserCreate(username="auditor", password="x" * 8, role="auditor", display_name="效能监察"),
            UserCreate(username=APPLICANT, password="x" * 8, role="applicant", display_name="张三"),
        ]
        for department, name in _clerks(session):
            for region in DEMO_REGIONS:
                wanted.append(
                    UserCreate(
                        username=clerk_name(department, region),
                        password="x" * 8,
                        role="clerk",
                        department=department,
                        region=region,
                        display_name=f"{name}（{CITY[region][1]}）",
                    )
                )
        existing = set(session.exec(select(User.username)))
        now = clock.now(session)
        for body in wanted:
            if body.username in existing:
                continue
            body.password = secrets.token_urlsafe(9)
            auth.create_user(session, body, now=now)
            created.append(body.model_dump(exclude={"display_name"}))
    return created


# --- demo cases ------------------------------------------------------------------------------------------------------


@dataclass
class _Desk:
    """Acts through the service layer as the demo users would: the applicant applies, the clerk whose department
    and region a task belongs to completes it, the data platform sends events and results."""

    session: Session
    now: datetime
    started: list[int] = field(default_factory=list)

    def principal(self, username: str) -> Principal:
        user = self.session.exec(select(User).where(User.username == username)).first()
        if user is None:
            raise LookupError(f"demo user {username} is missing: create the demo users first")
        return Principal(user.username, user.role, user.department, user.region, user.id)

    def apply(self, bundle_id: str, data: dict[str, Any], *, region: str = HANGZHOU, **body: Any) -> ProcessInstance:
        start = InstanceStart(bundle_id=bundle_id, data=data, receiving_region=region, **body)
        instance = instances.start(self.session, self.principal(APPLICANT), start, now=self.now)
        self.started.append(instance.id)
        return instance

    def work(self, instance: ProcessInstance, *steps: tuple[str, dict[str, Any]]) -> ProcessInstance:
        """Complete ready tasks by BPMN id, each as the demo user whose inbox holds it."""
        for name, data in steps:
            task = next((t for t in tasks.open_tasks(self.session, instance.id) if t.bpmn_id == name), None)
            if task is None:
                raise LookupError(f"demo case {instance.bundle_id} #{instance.id}: no ready task {name}")
            who = clerk_name(task.department, task.region) if task.department else APPLICANT
            instance = instances.complete_task(self.session, self.principal(who), task.id, data, now=self.now)
        return instance

    def send(self, instance: ProcessInstance, name: str, payload: dict[str, Any]) -> None:
        if instance.status == "running":  # a failed instance waits for nothing; the demo shows it as it is
            instances.send_message(self.session, DATA_PLATFORM, instance.id, name, payload, now=self.now)

    def event(self, event_type: str, data: dict[str, Any], key: str) -> list[ProcessInstance]:
        body = EventIn(type=event_type, data=data, region=HANGZHOU, idempotency_key=key)
        record, _ = events.receive(self.session, DATA_PLATFORM, body, now=self.now)
        self.started.extend(record.instance_ids)
        return [self.session.get(ProcessInstance, i) for i in record.instance_ids]

    def rate(self, instance: ProcessInstance, score: int, comment: str) -> None:
        ratings.rate(
            self.session, self.principal(APPLICANT), instance.id, score=score, comment=comment, lane=None, now=self.now
        )


def _id(first17: str) -> str:
    return first17 + id_card_check_char(first17)


def _uscc(first17: str) -> str:
    return first17 + uscc_check_char(first17)


def _restaurant(name: str, credit: str, owner: tuple[str, str], *, seats: int, signboard: str | None) -> dict:
    """An application to open a restaurant in 西湖区; ``owner`` is (name, first 17 digits of the ID)."""
    owner_id = _id(owner[1])
    manager_id = _id("33010619900721002")
    big = seats >= 30
    return {
        "company": {
            "uscc": _uscc(credit),
            "name": name,
            "type": "limited_company",
            "legal_person": {"name": owner[0], "id_number": owner_id, "mobile": "13800000001"},
            "registered_address": "杭州市西湖区文三路 100 号",
        },
        "contact": {"name": owner[0], "mobile": "13800000001", "delivery": "e_licence"},
        "premises": {
            "address": {"region_code": "330106", "detail": "文三路 100 号 1 幢 101 室"},
            "area_sqm": 80 if big else 30,
            "floor": "1 层",
            "seats": seats,
            "use_right": "lease",
        },
        "food_business": {
            "categories": ["hot_food", "drinks"],
            "online": True,
            "safety_manager": {"name": "赵三", "id_number": manager_id},
        },
        "staff": [{"name": "赵三", "id_number": manager_id, "post": "manager", "health_certificate": True}],
        "signboard": (
            {
                "declared": True,
                "text": signboard,
                "width_m": 6,
                "height_m": 1.2,
                "position": "wall",
                "material": "亚克力发光字",
                "illuminated": True,
            }
            if signboard
            else {"declared": False}
        ),
        **(
            {
                "fire_safety": {
                    "max_occupancy": 60,
                    "commitment_route": True,
                    "safety_officer": {"name": owner[0], "mobile": "13800000001"},
                    "facilities": ["extinguisher", "emergency_light", "exit_sign"],
                }
            }
            if big
            else {}
        ),
    }


RESTAURANT_STEPS = {
    "accept": {"acceptance": {"decision": "accept", "business_licence_verified": True, "materials_checked": True}},
    "market_review": {
        "market": {
            "approved": True,
            "licence_no": "JY13301060012345",
            "licensed_categories": ["hot_food", "drinks"],
            "site_inspection_date": "2027-01-12",
            "valid_until": "2032-01-11",
        }
    },
    "health_review": {"health": {"approved": True, "certificates_issued": 1}},
    "unified_issue": {"issue": {"documents": ["food_licence", "health_certificates"], "delivery": "e_licence"}},
}

UTILITY = {
    "company": {
        "uscc": _uscc("91330106MA2J8P3Q6"),
        "name": "杭州一件智造科技有限公司",
        "type": "limited_company",
        "legal_person": {"name": "周六", "id_number": _id("33010619800808005"), "mobile": "13600000005"},
    },
    "contact": {"name": "吴七", "mobile": "13600000006", "delivery": "e_licence"},
    "project": {
        "name": "一件科技园 1 号厂房",
        "code": "2027-330106-47-01-123456",
        "address": {"region_code": "330106", "detail": "西园路 9 号"},
        "usage": "industrial",
        "floor_area_sqm": 3200,
    },
    "survey_booking": {"preferred_date": "2027-01-08", "site_contact": "吴七", "site_mobile": "13600000006"},
    "services": ["power", "water", "telecom"],
    "power_request": {"capacity_kva": 250, "voltage": "10kv", "category": "industrial"},
    "water_request": {"nature": "production", "diameter_dn": "dn50", "daily_m3": 30},
    "telecom_request": {"bandwidth_mbps": 1000, "lines": 2},
    "external_works": {"needed": False},
}

RETIREMENT = {
    "applicant_person": {"name": "林八", "id_number": _id("33010619670215006"), "mobile": "13500000007"},
    "contact": {"name": "林八", "mobile": "13500000007", "delivery": "e_licence"},
    "retiree": {"gender": "male", "birth_date": "1967-02-15", "hukou_region_code": "330106", "applied_via": "personal"},
    "insurance_record": {
        "insured_region_code": "330106",
        "contribution_years": 32.5,
        "deemed_years": 0,
        "employer_name": "杭州一件机械有限公司",
    },
    "retirement": {"type": "normal", "additions": ["only_child"]},
    "housing_fund": {
        "has_account": True,
        "centre": "杭州住房公积金管理中心",
        "bank_card_no": "6217002020000012345",
        "bank": "ccb",
    },
    "pension_payment_account": {"ss_card_activated": True, "bank": "ccb"},
    "signature": {"agreed": True, "signed_at": "2027-02-10T10:00:00+08:00"},
}


def _newborn(born: datetime, child: str) -> tuple[dict, dict]:
    """A birth application by the mother, and what the departments enter for it, for a child born at ``born``."""
    day = born.date()
    mother_id = _id("33010619930405002")
    application = {
        "applicant_person": {"name": "陈静", "id_number": mother_id, "mobile": "13700000003"},
        "contact": {
            "name": "陈静",
            "mobile": "13700000003",
            "delivery": "mail",
            "mail_address": {
                "recipient": "陈静",
                "mobile": "13700000003",
                "region_code": "330106",
                "detail": "古墩路 8 号 2 幢 302 室",
            },
        },
        "newborn": {
            "name": child,
            "gender": "female",
            "birth_datetime": born.isoformat(),
            "hospital": "杭州市妇产科医院",
            "ethnicity": "汉族",
        },
        "parents": {
            "applicant_role": "mother",
            "married": True,
            "marriage_cert_no": "J330106-2025-001234",
            "mother": {"name": "陈静", "id_number": mother_id, "mobile": "13700000003", "hukou_region_code": "330106"},
            "father": {
                "name": "王强",
                "id_number": _id("34012219910918003"),
                "mobile": "13700000004",
                "hukou_region_code": "340122",
            },
        },
        "hukou": {
            "follow": "mother",
            "household_head": "陈静",
            "relation_to_head": "daughter",
            "address": {"region_code": "330106", "detail": "古墩路 8 号 2 幢 302 室"},
        },
        "insurance": {"region_code": "330106", "payment": "online"},
        "ss_card": {"pickup": "mail", "bank": "icbc"},
        "maternity": {"claim": True, "mother_insurance_type": "employee", "bank_card_no": "6222021202000012345"},
    }
    steps = {
        "hospital_intake": {
            "intake": {
                "born_here": True,
                "under_one_year": True,
                "first_issue": True,
                "originals_checked": True,
                "accepted": True,
            }
        },
        "birth_cert": {
            "birth_certificate": {"certificate_no": "Q330123456", "issued_on": day.isoformat(), "e_licence": True}
        },
        "vaccine_cert": {
            "vaccination": {"certificate_no": "330106202600123", "vaccines": ["hepb_1", "bcg"], "archived": True}
        },
        "yrd_intake": {
            "yrd_transfer": {
                "identity_verified": True,
                "commitment_signed": True,
                "originals_checked": True,
                "transferred_on": day.isoformat(),
            }
        },
        "register_birth": {
            "police": {
                "approved": True,
                "child_id_number": _id(f"330106{day:%Y%m%d}001"),
                "registered_on": day.isoformat(),
            }
        },
        "medical_enrol": {
            "medical": {"approved": True, "insured_no": "33010600012345", "coverage_from": day.isoformat()}
        },
        "maternity_reimb": {
            "maternity_benefit": {"approved": True, "medical_amount": 3200.5, "allowance_amount": 21000}
        },
        "ss_card": {"social_security": {"approved": True, "card_status": "in_production"}},
        "unified_issue": {
            "issue": {
                "documents": ["hukou_book", "ss_card", "birth_cert"],
                "delivery": "mail",
                "tracking_no": "EMS9876543210",
            }
        },
    }
    return application, steps


HOUSEHOLD_OK = {"matched": True, "hukou_region_code": "330106", "household_head": "陈静"}


def _pupil(name: str, first17: str) -> dict:
    return {
        "child": {"name": name, "id_number": _id(first17), "gender": "male", "birth_date": "2020-10-12"},
        "guardians": [
            {"name": "张三", "id_number": _id("33010619880506008"), "relation": "father", "mobile": "13400000009"}
        ],
        "residence": {"address": {"region_code": "330106", "detail": "学院路 50 号 3 幢 201 室"}},
        "school_year": "2027",
    }


def _restaurants(desk: _Desk) -> None:
    # Waiting on the window: 一窗受理 not done yet.
    desk.apply(
        "open-restaurant",
        _restaurant(
            "杭州一件小馆餐饮有限公司",
            "91330106MA2H3K5L7",
            ("王一", "33010619850312001"),
            seats=40,
            signboard="一件小馆",
        ),
        business_key="DEMO-CY-001",
    )
    # 并联审批 under way: market and health done, fire and urban still reviewing.
    busy = desk.apply(
        "open-restaurant",
        _restaurant(
            "杭州湖畔面馆有限公司", "91330106MA2K7N4P2", ("孙九", "33010619870101009"), seats=36, signboard="湖畔面馆"
        ),
        business_key="DEMO-CY-002",
    )
    desk.work(busy, *[(n, RESTAURANT_STEPS[n]) for n in ("accept", "market_review", "health_review")])
    # 容缺受理: the signboard design is promised within 2 working days; every review is open.
    promised = desk.apply(
        "open-restaurant",
        _restaurant(
            "杭州西溪茶餐厅有限公司",
            "91330106MA2L9Q1R3",
            ("周十", "33010619890202001"),
            seats=50,
            signboard="西溪茶餐厅",
        ),
        business_key="DEMO-CY-003",
        missing_materials=["signboard_design"],
        commitment=CommitmentSign(signed_by="周十"),
    )
    desk.work(promised, ("accept", RESTAURANT_STEPS["accept"]))
    # Done and rated 5: a small noodle shop (no fire check, no signboard).
    done = desk.apply(
        "open-restaurant",
        _restaurant("杭州拱墅小面馆", "91330105MA2M3T8U4", ("吴一", "33010519920303002"), seats=12, signboard=None),
        business_key="DEMO-CY-004",
    )
    desk.work(done, *[(n, RESTAURANT_STEPS[n]) for n in ("accept", "market_review", "health_review", "unified_issue")])
    desk.rate(done, 5, "一次申请、一次领证，非常方便")


def _utility(desk: _Desk) -> None:
    desk.apply("utility-connection", UTILITY, business_key="DEMO-BZ-001")  # waiting on the joint window


def _retirement(desk: _Desk) -> None:
    retiring = desk.apply("employee-retirement", RETIREMENT, business_key="DEMO-TX-001")
    desk.work(
        retiring,
        ("window_intake", {"intake": {"identity_verified": True, "signature_verified": True, "form_checked": True}}),
        ("pension_normal", {"pension": {"approved": True, "retirement_date": "2027-03-01", "monthly_amount": 4860.35}}),
        ("medical_retiree", {"medical": {"approved": True, "years_sufficient": True, "effective_from": "2027-03-01"}}),
    )  # housing fund and family-planning reward still open


def _newborns(desk: _Desk) -> None:
    born = (desk.now.astimezone(clock.CST) - timedelta(days=3)).replace(microsecond=0)
    # 跨域办: born in 上海, household registered in 杭州; the 杭州 police now register her.
    application, steps = _newborn(born, "王小一")
    across = desk.apply(
        "newborn-birth", application, region=SHANGHAI, handling_region=HANGZHOU, business_key="DEMO-CS-001"
    )
    across = desk.work(
        across, *[(n, steps[n]) for n in ("hospital_intake", "birth_cert", "vaccine_cert", "yrd_intake")]
    )
    desk.send(across, "household.verified", HOUSEHOLD_OK)
    # Local, done, and rated 2: the hospital window has a rectification (整改) task.
    application, steps = _newborn(born - timedelta(days=20), "王小二")
    local = desk.apply("newborn-birth", application, business_key="DEMO-CS-002")
    local = desk.work(local, *[(n, steps[n]) for n in ("hospital_intake", "birth_cert", "vaccine_cert")])
    desk.send(local, "household.verified", HOUSEHOLD_OK)
    names = ("register_birth", "medical_enrol", "maternity_reimb", "ss_card", "unified_issue")
    if local.status == "running":
        desk.work(local, *[(n, steps[n]) for n in names])
        desk.rate(local, 2, "出生证明窗口排队太久")


def _pupils(desk: _Desk) -> None:
    """免申即享: the data platform pushes two school-age children; the data services answer for each."""
    household = {"matched": True, "hukou_region_code": HANGZHOU, "household_head": "张三"}
    home = {"owned_by_guardian": True, "region_code": HANGZHOU, "place_used": False}
    for name, first17, owns_home, key in (
        ("张小明", "33010620201012007", True, "DEMO-RX-001"),  # 房户一致: 秒批, enrolled with no human step
        ("张小亮", "33010620200815005", False, "DEMO-RX-002"),  # 有户无房: the education bureau reviews
    ):
        event = _pupil(name, first17)
        for pupil in desk.event("child.school_age_reached", event, key):
            property_check = {**home, "owned_by_guardian": owns_home, "child_id_number": event["child"]["id_number"]}
            desk.send(pupil, "property.verified", property_check)
            desk.send(pupil, "household.verified", household)


DEMO_CASES: dict[str, Callable[[_Desk], None]] = {
    "open-restaurant": _restaurants,
    "utility-connection": _utility,
    "employee-retirement": _retirement,
    "newborn-birth": _newborns,
    "school-enrolment": _pupils,
}


def seed_instances(engine: Engine | None = None) -> list[int]:
    """Start the demo cases of every deployed sample bundle, once: nothing happens if any instance exists.
    Returns the ids of the instances started."""
    with transaction(engine) as session:
        if session.exec(select(ProcessInstance.id).limit(1)).first() is not None:
            return []
        deployed = {bundle.id for bundle, _ in bundles.list_bundles(session)}
        desk = _Desk(session, clock.now(session))
        for bundle_id, cases in DEMO_CASES.items():
            if bundle_id in deployed:
                cases(desk)
        return desk.started
