"""The 开办餐饮店 sample bundle as our designer stories use it: deployed from the repository, applied for."""

import httpx

from engine.config import ROOT
from tests.people import HANGZHOU
from tests.uploads import deploy_folder

BUNDLE = "open-restaurant"
FOLDER = ROOT / "processes" / BUNDLE

APPLICATION = {
    "company": {
        "uscc": "91350100M000100Y43",
        "name": "杭州味道餐饮有限公司",
        "type": "limited_company",
        "legal_person": {"name": "王五", "id_number": "11010519491231002X", "mobile": "13800138000"},
    },
    "contact": {"name": "李四", "mobile": "13900139000", "delivery": "window"},
    "premises": {
        "address": {"region_code": "330106", "detail": "西湖区文三路 1 号"},
        "area_sqm": 40,
        "seats": 20,
        "use_right": "lease",
    },
    "food_business": {
        "categories": ["hot_food"],
        "online": False,
        "safety_manager": {"name": "王五", "id_number": "11010519491231002X"},
    },
    "staff": [{"name": "王五", "id_number": "11010519491231002X", "post": "manager", "health_certificate": True}],
    "signboard": {"declared": False},
}


def deploy_restaurant(client: httpx.Client, headers: dict[str, str]) -> dict:
    response = deploy_folder(client, headers, FOLDER)
    assert response.status_code in (200, 201), response.text
    return response.json()


def apply(client: httpx.Client, headers: dict[str, str], **overrides: object) -> dict:
    body = {"bundle_id": BUNDLE, "data": APPLICATION, "receiving_region": HANGZHOU, **overrides}
    response = client.post("/api/instances", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()
