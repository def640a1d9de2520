"""An admin loads next year's official holiday notice without a release; deadlines computed while
the year was unknown (weekends only, marked provisional) are recomputed."""

from datetime import date

import httpx

from tests.instances.flow import apply, deploy_mini
from tests.people import Cast

# A made-up notice for 2031, a year no calendar library knows yet, so the story holds whatever it ships.
NOTICE_2031 = """date,type,name
2031-01-01,holiday,元旦
2031-01-31,holiday,春节
2031-02-01,holiday,春节
2031-02-02,holiday,春节
2031-02-03,holiday,春节
2031-02-04,holiday,春节
2031-02-05,holiday,春节
2031-02-08,workday,春节调休
"""


def _set_clock(client: httpx.Client, cast: Cast, when: str) -> None:
    response = client.post("/api/admin/clock", json={"now": when}, headers=cast.admin.headers)
    assert response.status_code == 200, response.text


def test_a_deadline_in_an_unknown_year_is_provisional_until_the_notice_is_imported(
    client: httpx.Client, cast: Cast
) -> None:
    deploy_mini(client, cast)
    _set_clock(client, cast, "2031-01-29T10:00:00+08:00")  # a Wednesday before 春节
    table = client.get("/api/holidays", headers=cast.admin.headers).json()
    assert table["warning"] and "2031" in table["warning"]

    instance = apply(client, cast.window_hz.headers).json()
    assert instance["deadline_provisional"] is True
    # weekends only: Thu 30, Fri 31, Mon 3, Tue 4, Wed 5 -> end of 5 Feb
    assert instance["deadline"].startswith("2031-02-05T23:59:59")

    imported = client.post("/api/admin/holidays", json={"content": NOTICE_2031}, headers=cast.admin.headers)
    assert imported.status_code == 200, imported.text
    assert imported.json() == {"years": [2031], "rows": 8, "recomputed_instances": 1}

    after = client.get(f"/api/instances/{instance['id']}", headers=cast.admin.headers).json()
    assert after["deadline_provisional"] is False
    # Thu 30, then 春节 31 Jan-5 Feb off, Sat 8 a make-up working day: 30, 6, 7, 8, 10 -> end of 10 Feb
    assert after["deadline"].startswith("2031-02-10T23:59:59")
    assert after["tasks"][0]["due_at"] == after["deadline"]
    listed = client.get("/api/holidays", params={"year": 2031}, headers=cast.admin.headers).json()
    assert listed["known_years"] == [2031]
    assert listed["holidays"][0]["day"] == str(date(2031, 1, 1))


def test_a_holiday_file_with_bad_dates_is_refused_whole(client: httpx.Client, cast: Cast) -> None:
    bad = "date,type,name\n2031-02-30,holiday,不存在\n2031-03-03,party,庆祝\n"
    response = client.post("/api/admin/holidays", json={"content": bad}, headers=cast.admin.headers)
    assert response.status_code == 422
    assert len(response.json()["errors"]) == 2
    assert client.get("/api/holidays", headers=cast.admin.headers).json()["holidays"] == []


def test_only_admins_import_holidays(client: httpx.Client, cast: Cast) -> None:
    response = client.post("/api/admin/holidays", json={"content": NOTICE_2031}, headers=cast.designer.headers)
    assert response.status_code == 403


def test_a_holiday_file_with_control_characters_is_a_422_not_a_crash(client: httpx.Client, cast: Cast) -> None:
    response = client.post("/api/admin/holidays", json={"content": "\ub589\x98\r\b\x98"}, headers=cast.admin.headers)
    assert response.status_code == 422
    assert client.get("/api/holidays", params={"year": 39408}, headers=cast.admin.headers).status_code == 422
