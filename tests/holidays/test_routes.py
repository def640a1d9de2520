"""An admin loads next year's official holiday notice without a release; deadlines computed while
the year was unknown (weekends only, marked provisional) are recomputed."""

from datetime import date

import httpx

from tests.instances.flow import apply, deploy_mini
from tests.people import Cast

NOTICE_2027 = """date,type,name
2027-01-01,holiday,元旦
2027-02-05,holiday,春节
2027-02-06,holiday,春节
2027-02-07,holiday,春节
2027-02-08,holiday,春节
2027-02-09,holiday,春节
2027-02-10,holiday,春节
2027-02-11,holiday,春节
2027-02-14,workday,春节调休
"""


def _set_clock(client: httpx.Client, cast: Cast, when: str) -> None:
    response = client.post("/api/admin/clock", json={"now": when}, headers=cast.admin.headers)
    assert response.status_code == 200, response.text


def test_a_deadline_in_an_unknown_year_is_provisional_until_the_notice_is_imported(
    client: httpx.Client, cast: Cast
) -> None:
    deploy_mini(client, cast)
    _set_clock(client, cast, "2027-02-03T10:00:00+08:00")  # Wednesday before 春节 2027
    table = client.get("/api/holidays", headers=cast.admin.headers).json()
    assert table["warning"] and "2027" in table["warning"]

    instance = apply(client, cast.window_hz.headers).json()
    assert instance["deadline_provisional"] is True
    # weekends only: Thu 4, Fri 5, Mon 8, Tue 9, Wed 10 -> end of 10 Feb
    assert instance["deadline"].startswith("2027-02-10T23:59:59")

    imported = client.post("/api/admin/holidays", json={"content": NOTICE_2027}, headers=cast.admin.headers)
    assert imported.status_code == 200, imported.text
    assert imported.json() == {"years": [2027], "rows": 9, "recomputed_instances": 1}

    after = client.get(f"/api/instances/{instance['id']}", headers=cast.admin.headers).json()
    assert after["deadline_provisional"] is False
    # Thu 4, then 春节 5-11 off, Sun 14 is a make-up working day: 4, 12, 14, 15, 16 -> end of 16 Feb
    assert after["deadline"].startswith("2027-02-16T23:59:59")
    assert after["tasks"][0]["due_at"] == after["deadline"]
    listed = client.get("/api/holidays", params={"year": 2027}, headers=cast.admin.headers).json()
    assert listed["known_years"] == [2027]
    assert listed["holidays"][0]["day"] == str(date(2027, 1, 1))


def test_a_holiday_file_with_bad_dates_is_refused_whole(client: httpx.Client, cast: Cast) -> None:
    bad = "date,type,name\n2027-02-30,holiday,不存在\n2027-03-01,party,庆祝\n"
    response = client.post("/api/admin/holidays", json={"content": bad}, headers=cast.admin.headers)
    assert response.status_code == 422
    assert len(response.json()["errors"]) == 2
    assert client.get("/api/holidays", headers=cast.admin.headers).json()["holidays"] == []


def test_only_admins_import_holidays(client: httpx.Client, cast: Cast) -> None:
    response = client.post("/api/admin/holidays", json={"content": NOTICE_2027}, headers=cast.designer.headers)
    assert response.status_code == 403
