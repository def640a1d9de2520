"""Valid application data for the five sample bundles, and what each department enters on its task form.

Every 公民身份号码 carries its ISO 7064 MOD 11-2 check digit and every 统一社会信用代码 its GB 32100 check
character, so the data passes the forms exactly as a real applicant's would. ``tasks`` map a BPMN task id to
the form data its department submits on the happy path; stories copy and change what their case needs.
"""

import copy
from typing import Any

# --- people and companies ------------------------------------------------------------------------------------------

ID_OWNER = "33010619850312001X"  # 王一, 法定代表人 of the restaurant
ID_MANAGER = "330106199007210029"  # 赵三, food safety manager
ID_COOK = "330122199201050030"
ID_WAITER = "330102200008160043"
USCC_RESTAURANT = "91330106MA2H3K5L7J"

ID_MOTHER = "330106199304050025"  # 陈静
ID_FATHER = "340122199109180037"  # 王强
ID_NEWBORN = "330106202611030010"  # born 2026-11-03: a future date of birth is no valid ID

USCC_FACTORY = "91330106MA2J8P3Q6E"
ID_FACTORY_LEGAL = "330106198008080057"

ID_RETIREE = "442000196702150064"  # 林八

ID_PUPIL = "33010620201012007X"  # 张小明
ID_PUPIL_FATHER = "330106198805060083"


def fresh(data: dict[str, Any]) -> dict[str, Any]:
    """A deep copy, so that a story may change its application without touching its neighbours'."""
    return copy.deepcopy(data)


# --- 开办餐饮店 open-restaurant ---------------------------------------------------------------------------------------

RESTAURANT = {
    "company": {
        "uscc": USCC_RESTAURANT,
        "name": "杭州一件小馆餐饮有限公司",
        "type": "limited_company",
        "legal_person": {"name": "王一", "id_number": ID_OWNER, "mobile": "13800000001"},
        "registered_address": "杭州市西湖区文三路 100 号",
    },
    "contact": {
        "name": "李二",
        "mobile": "13900000002",
        "delivery": "mail",
        "mail_address": {
            "recipient": "李二",
            "mobile": "13900000002",
            "region_code": "330106",
            "detail": "文三路 100 号 101 室",
        },
    },
    "premises": {
        "address": {"region_code": "330106", "detail": "文三路 100 号 1 幢 101 室"},
        "area_sqm": 80,
        "floor": "1 层",
        "seats": 40,
        "use_right": "lease",
    },
    "food_business": {
        "categories": ["hot_food", "cold_food", "drinks"],
        "online": True,
        "safety_manager": {"name": "赵三", "id_number": ID_MANAGER},
    },
    "staff": [
        {"name": "赵三", "id_number": ID_MANAGER, "post": "manager", "health_certificate": True},
        {"name": "钱四", "id_number": ID_COOK, "post": "kitchen", "health_certificate": True},
        {"name": "孙五", "id_number": ID_WAITER, "post": "service", "health_certificate": False},
    ],
    "signboard": {
        "declared": True,
        "text": "一件小馆",
        "width_m": 6,
        "height_m": 1.2,
        "position": "wall",
        "material": "亚克力发光字",
        "illuminated": True,
    },
    "fire_safety": {
        "max_occupancy": 60,
        "commitment_route": True,
        "safety_officer": {"name": "王一", "mobile": "13800000001"},
        "facilities": ["extinguisher", "emergency_light", "exit_sign", "kitchen_suppression"],
    },
}

RESTAURANT_TASKS = {
    "accept": {"acceptance": {"decision": "accept", "business_licence_verified": True, "materials_checked": True}},
    "market_review": {
        "market": {
            "approved": True,
            "licence_no": "JY13301060012345",
            "licensed_categories": ["hot_food", "cold_food", "drinks"],
            "site_inspection_date": "2027-01-12",
            "valid_until": "2032-01-11",
        }
    },
    "health_review": {"health": {"approved": True, "certificates_issued": 3}},
    "fire_review": {"fire": {"approved": True, "route": "commitment", "permit_no": "杭西消营字〔2027〕第0012号"}},
    "urban_review": {"urban": {"approved": True, "permit_no": "西城管招〔2027〕36号"}},
    "unified_issue": {
        "issue": {
            "documents": ["food_licence", "health_certificates", "fire_permit", "signboard_permit"],
            "delivery": "mail",
            "tracking_no": "EMS1234567890",
        }
    },
    "refusal_notice": {
        "refusal": {
            "notice_no": "西一件事不许字〔2027〕2号",
            "reasons": "市场监管：布局不符合要求",
            "delivery": "window",
        }
    },
    "revoke": {
        "revocation": {
            "decision_no": "西市监撤字〔2027〕5号",
            "reason": "逾期未补齐招牌效果图",
            "credit_recorded": True,
        }
    },
}
MARKET_REFUSES = {"market": {"approved": False, "opinion": "加工经营场所布局不符合《食品经营许可审查通则》要求"}}

# --- 新生儿出生一件事 newborn-birth -----------------------------------------------------------------------------------

NEWBORN = {
    "applicant_person": {"name": "陈静", "id_number": ID_MOTHER, "mobile": "13700000003"},
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
        "name": "王小一",
        "gender": "female",
        "birth_datetime": "2026-11-03T08:30:00+08:00",
        "hospital": "杭州市妇产科医院",
        "ethnicity": "汉族",
    },
    "parents": {
        "applicant_role": "mother",
        "married": True,
        "marriage_cert_no": "J330106-2025-001234",
        "mother": {"name": "陈静", "id_number": ID_MOTHER, "mobile": "13700000003", "hukou_region_code": "330106"},
        "father": {"name": "王强", "id_number": ID_FATHER, "mobile": "13700000004", "hukou_region_code": "340122"},
    },
    "hukou": {
        "follow": "mother",
        "household_head": "陈静",
        "relation_to_head": "daughter",
        "address": {"region_code": "330106", "detail": "古墩路 8 号 2 幢 302 室"},
    },
    "insurance": {"region_code": "330106", "payment": "online"},
    "ss_card": {"pickup": "mail", "bank": "icbc"},
    "maternity": {
        "claim": True,
        "mother_insurance_type": "employee",
        "bank_card_no": "6222021202000012345",
        "bank_branch": "中国工商银行杭州文三路支行",
    },
}

NEWBORN_TASKS = {
    "hospital_intake": {
        "intake": {
            "born_here": True,
            "under_one_year": True,
            "first_issue": True,
            "originals_checked": True,
            "accepted": True,
        }
    },
    "birth_cert": {"birth_certificate": {"certificate_no": "Q330123456", "issued_on": "2026-11-04", "e_licence": True}},
    "vaccine_cert": {
        "vaccination": {"certificate_no": "330106202600123", "vaccines": ["hepb_1", "bcg"], "archived": True}
    },
    "yrd_intake": {
        "yrd_transfer": {
            "identity_verified": True,
            "commitment_signed": True,
            "originals_checked": True,
            "transferred_on": "2026-11-05",
        }
    },
    "vh_manual": {
        "household": {
            "matched": True,
            "source": "manual",
            "hukou_region_code": "330106",
            "hukou_address": "杭州市西湖区古墩路 8 号 2 幢 302 室",
            "household_head": "陈静",
        }
    },
    "register_birth": {"police": {"approved": True, "child_id_number": ID_NEWBORN, "registered_on": "2026-11-05"}},
    "medical_enrol": {"medical": {"approved": True, "insured_no": "33010600012345", "coverage_from": "2026-11-03"}},
    "maternity_reimb": {"maternity_benefit": {"approved": True, "medical_amount": 3200.5, "allowance_amount": 21000}},
    "ss_card": {"social_security": {"approved": True, "card_status": "in_production"}},
    "maternity_revoke": {
        "maternity_revocation": {
            "decision_no": "西医保撤字〔2027〕3号",
            "reason": "逾期未补齐银行卡信息",
            "recovered_amount": 0,
            "credit_recorded": True,
        }
    },
    "unified_issue": {
        "issue": {
            "documents": ["hukou_book", "ss_card", "birth_cert", "vaccine_cert"],
            "delivery": "mail",
            "tracking_no": "EMS9876543210",
        }
    },
}

# The public security data service's answer (message household.verified to the shared sub-process).
HOUSEHOLD_OK = {
    "matched": True,
    "hukou_region_code": "330106",
    "hukou_address": "杭州市西湖区古墩路 8 号 2 幢 302 室",
    "household_head": "陈静",
    "registered_since": "2015-06-01",
}

# --- 水电气网联合报装 utility-connection -----------------------------------------------------------------------------

PROJECT_CODE = "2027-330106-47-01-123456"

UTILITY = {
    "company": {
        "uscc": USCC_FACTORY,
        "name": "杭州一件智造科技有限公司",
        "type": "limited_company",
        "legal_person": {"name": "周六", "id_number": ID_FACTORY_LEGAL, "mobile": "13600000005"},
    },
    "contact": {"name": "吴七", "mobile": "13600000006", "delivery": "e_licence"},
    "project": {
        "name": "一件科技园 1 号厂房",
        "code": PROJECT_CODE,
        "address": {"region_code": "330106", "detail": "西园路 9 号"},
        "usage": "industrial",
        "floor_area_sqm": 3200,
    },
    "survey_booking": {"preferred_date": "2027-01-08", "site_contact": "吴七", "site_mobile": "13600000006"},
    "services": ["power", "water", "telecom"],
    "power_request": {"capacity_kva": 250, "voltage": "10kv", "category": "industrial"},
    "water_request": {"nature": "production", "diameter_dn": "dn50", "daily_m3": 30},
    "telecom_request": {"bandwidth_mbps": 1000, "lines": 2},
    "external_works": {"needed": True, "length_m": 120, "road_dig": True, "green_occupy": False},
}


def _plan(key: str, **extra: Any) -> dict[str, Any]:
    return {key: {"feasible": True, "plan": f"{key} 接入方案：就近接入", "fee": 0, **extra}}


def _connected(key: str) -> dict[str, Any]:
    return {f"{key}_connection": {"connected": True, "connected_on": "2027-02-01", "account_no": f"{key.upper()}-0001"}}


UTILITY_TASKS = {
    "accept": {"acceptance": {"accepted": True, "survey_date": "2027-01-08"}},
    "joint_survey": {
        "survey": {
            "date": "2027-01-08",
            "access_point": {"region_code": "330106", "detail": "西园路 9 号东侧"},
            "external_works": True,
            "length_m": 120,
            "road_dig": True,
            "road_name": "西园路",
            "road_area_sqm": 36,
            "green_occupy": False,
        }
    },
    "power_plan": _plan("power", capacity_kva=250),
    "water_plan": _plan("water", diameter_dn="DN50"),
    "gas_plan": _plan("gas", max_hourly_m3=20),
    "telecom_plan": _plan("telecom", bandwidth_mbps=1000),
    "plan_withdraw": {
        "withdrawal": {"notice_no": "西联装撤〔2027〕1号", "reason": "逾期未补齐用电设备清单", "credit_recorded": True}
    },
    "consolidate": {
        "reply": {
            "reply_no": "西联装答〔2027〕18号",
            "summary": "供电、供水、通信接入方案如下……",
            "replied_on": "2027-01-11",
        }
    },
    "road_dig": {
        "road_permit": {"approved": True, "permit_no": "西城管掘〔2027〕9号", "work_window": "22:00–次日6:00"}
    },
    "green_occupy": {"green_permit": {"approved": True, "permit_no": "西园绿占〔2027〕4号"}},
    "power_connect": _connected("power"),
    "water_connect": _connected("water"),
    "gas_connect": _connected("gas"),
    "telecom_connect": _connected("telecom"),
}

# The construction company's message; project_code is the correlation key (工程建设项目代码).
CONSTRUCTION_DONE = {
    "project_code": PROJECT_CODE,
    "completed_on": "2027-01-28",
    "services": ["power", "water", "telecom"],
}

# --- 企业职工退休一件事 employee-retirement ---------------------------------------------------------------------------

RETIREMENT = {
    "applicant_person": {"name": "林八", "id_number": ID_RETIREE, "mobile": "13500000007"},
    "contact": {"name": "林八", "mobile": "13500000007", "delivery": "e_licence"},
    "retiree": {"gender": "male", "birth_date": "1967-02-15", "hukou_region_code": "442000", "applied_via": "personal"},
    "insurance_record": {
        "insured_region_code": "442000",
        "contribution_years": 32.5,
        "deemed_years": 0,
        "employer_name": "中山一件机械有限公司",
    },
    "retirement": {"type": "normal", "additions": ["only_child"]},
    "housing_fund": {
        "has_account": True,
        "centre": "中山市住房公积金管理中心",
        "bank_card_no": "6217002020000012345",
        "bank": "ccb",
    },
    "pension_payment_account": {"ss_card_activated": True, "bank": "ccb"},
    "signature": {"agreed": True, "signed_at": "2027-02-10T10:00:00+08:00"},
}

EARLY_RETIREMENT = {
    **fresh(RETIREMENT),
    "retirement": {"type": "special_job", "additions": []},
    "housing_fund": {"has_account": False},
}

RETIREMENT_TASKS = {
    "window_intake": {"intake": {"identity_verified": True, "signature_verified": True, "form_checked": True}},
    "remote_accept": {
        "remote_acceptance": {"accepted": True, "materials_received": True, "courier_no": "EMS1112223334"}
    },
    "pension_normal": {
        "pension": {
            "approved": True,
            "retirement_date": "2027-03-01",
            "monthly_amount": 4860.35,
            "additions_applied": ["only_child"],
        }
    },
    "archive_review": {
        "archive": {"passed": True, "birth_date_confirmed": "1972-02-15", "basis": "特殊工种（井下作业）累计 9 年"}
    },
    "pension_early": {"pension": {"approved": True, "retirement_date": "2027-03-01", "monthly_amount": 4120.0}},
    "medical_retiree": {"medical": {"approved": True, "years_sufficient": True, "effective_from": "2027-03-01"}},
    "hf_freeze": {"hf_freeze": {"approved": True, "frozen_on": "2027-03-01", "arrears": False}},
    "hf_withdraw": {"hf_withdraw": {"approved": True, "amount": 86000, "paid_on": "2027-03-03"}},
    "fp_reward": {"fp_reward": {"approved": True, "amount": 3000}},
    "addition_cancel": {
        "addition_cancellation": {
            "decision_no": "中人社撤字〔2027〕2号",
            "cancelled": ["only_child"],
            "reason": "逾期未补齐光荣证",
            "credit_recorded": True,
        }
    },
    "pension_payment": {
        "payment_result": {"first_payment_month": "2027-03", "paid_to_ss_card": True, "notice_delivery": "e_licence"}
    },
}

# --- 义务教育入学一件事 school-enrolment (免申即享: started by a data event) ----------------------------------------

SCHOOL_EVENT = {
    "child": {"name": "张小明", "id_number": ID_PUPIL, "gender": "male", "birth_date": "2020-10-12"},
    "guardians": [{"name": "张三", "id_number": ID_PUPIL_FATHER, "relation": "father", "mobile": "13400000009"}],
    "residence": {"address": {"region_code": "330106", "detail": "学院路 50 号 3 幢 201 室"}},
    "school_year": "2027",
}


def school_household(district: str) -> dict[str, Any]:
    """The household check of the pupil's father, registered in ``district`` (the region the event names)."""
    return {
        "matched": True,
        "hukou_region_code": district,
        "hukou_address": "杭州市西湖区学院路 50 号 3 幢 201 室",
        "household_head": "张三",
    }


def school_property(district: str, **changes: Any) -> dict[str, Any]:
    """The real-estate registry's answer; ``child_id_number`` is the correlation key of property.verified."""
    return {
        "child_id_number": ID_PUPIL,
        "owned_by_guardian": True,
        "region_code": district,
        "address": "学院路 50 号 3 幢 201 室",
        "cert_no": "浙(2024)杭州市不动产权第0123456号",
        "place_used": False,
        **changes,
    }


SCHOOL_TASKS = {
    "vh_manual": {
        "household": {
            "matched": True,
            "source": "manual",
            "hukou_region_code": "330106",
            "hukou_address": "杭州市西湖区学院路 50 号",
        }
    },
    "property_manual": {
        "property_check": {"owned_by_guardian": False, "place_used": False, "note": "监护人名下无房，租房居住"}
    },
    "manual_review": {"review": {"approved": True, "category": "class_2", "supplementary": ["房屋租赁备案证明"]}},
    "admission": {
        "admission": {
            "school_name": "杭州市西湖区一件小学",
            "adjusted": False,
            "report_date": "2027-08-30",
            "vaccination_checked": True,
        }
    },
}
