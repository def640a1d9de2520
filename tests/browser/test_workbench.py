"""The clerk workbench in Chromium against the real service: login and language, the inbox (filters, paging,
polling), the task page (claim, form errors on fields, complete, races) and the instance page (diagram, regions,
deadline, history). Screenshots land in test-artifacts/screenshots/workbench-*.png.
"""

from __future__ import annotations

import re
import time

import pytest

from tests.browser.pages_fixtures import live
from tests.browser.pages_fixtures.live import ID_FULL, ID_MASKED, WITH_ID, han, login, sign_in
from tests.people import PASSWORD, SHANGHAI

pytestmark = pytest.mark.browser
site, shot = live.site, live.shot  # fixtures

LAPTOP = {"width": 1366, "height": 768}
REFUSED = r"Failed to load resource: the server responded with a status of (401|403|409|422)"


def laptop(page) -> None:
    page.set_viewport_size(LAPTOP)


def rows(page):
    return page.locator("table.inbox-table tbody tr")


def test_login_is_chinese_first_switches_to_english_and_logs_out(page, site, shot):
    laptop(page)
    page.allowed_console_errors.append(REFUSED)
    page.goto(site.ui())
    page.wait_for_selector("#username")
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    assert page.locator("#login-title").inner_text() == "登录"
    shot(page, "workbench-login")

    page.fill("#username", "window_hz")
    page.fill("#password", "wrong-password")
    page.click("button[type=submit]")
    assert page.locator("#login-error").inner_text() == "用户名或密码错误"

    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/ui/workbench/")
    page.wait_for_selector("table.inbox-table")
    assert page.evaluate("sessionStorage.getItem('yijian.token')")
    assert page.locator(".app-nav a[aria-current=page]").inner_text() == "待办"

    page.click(".lang-switch button[lang=en]")
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.locator(".app-nav a[aria-current=page]").inner_text() == "Inbox"
    chrome = " ".join(page.locator(s).inner_text() for s in ("header", ".page-head h1", ".filters", "thead", ".pager"))
    # left in Chinese on purpose: the logo glyph 一 and the switch's own label 中文
    assert set(han(chrome)) <= {"一", "中文"}, f"untranslated UI text: {han(chrome)}"
    page.reload()
    page.wait_for_selector("table.inbox-table")
    assert page.evaluate("document.documentElement.lang") == "en", "the choice survives a reload (localStorage)"
    assert page.locator("h1").inner_text() == "Open tasks"
    shot(page, "workbench-inbox-english")

    token = page.evaluate("sessionStorage.getItem('yijian.token')")
    page.click("header button:has-text('Sign out')")
    page.wait_for_selector("#username")
    assert page.evaluate("sessionStorage.getItem('yijian.token')") is None
    assert site.http.get("/api/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401

    page.goto(site.ui("workbench/task.html?id=1"))  # signed out: the login page, coming back afterwards
    page.wait_for_selector("#username")
    assert "next=workbench%2Ftask.html%3Fid%3D1" in page.url or "next=workbench/task.html?id=1" in page.url


def test_every_string_has_both_languages(page, site):
    sign_in(page, site, site.cast.window_hz)
    page.goto(site.ui("workbench/"))
    page.wait_for_selector("table.inbox-table")
    missing = page.evaluate(
        """async () => {
        for (const m of ['workbench/messages.js', 'portal/messages.js', 'common/instance-view.js'])
          await import('/ui/' + m);
        return (await import('/ui/common/i18n.js')).missingKeys();
      }"""
    )
    assert missing == {"zhOnly": [], "enOnly": []}


def test_inbox_shows_department_tasks_filters_pages_and_polls(page, site, shot):
    cast = site.cast
    site.need("POST", "/api/admin/clock")
    early = [site.apply(cast.window_hz) for _ in range(2)]
    site.clock(advance_working_days=6)  # the first two are now overdue (红灯)
    late = [
        site.apply(cast.window_hz, data={**WITH_ID, "company": {**WITH_ID["company"], "name": f"第{i}号餐馆"}})
        for i in range(20)
    ]
    site.apply(cast.window_sh, receiving_region=SHANGHAI)  # 上海: never in a 杭州 inbox
    claimed = site.task(cast.window_hz, "accept", late[0]["id"])
    assert site.post(cast.window_hz, f"/api/tasks/{claimed['id']}/claim").status_code == 200

    laptop(page)
    sign_in(page, site, cast.window_hz)
    page.goto(site.ui("workbench/?poll=2"))
    page.wait_for_selector("table.inbox-table tbody tr")
    assert rows(page).count() == 20
    first = rows(page).first
    assert first.locator(".sla").inner_text().strip().endswith("超期"), "sorted by due date: overdue first"
    assert first.locator(".cell-sub").first.inner_text() == "小型许可联办"
    assert page.locator(".scope").inner_text() == "政务服务中心 · 杭州市 的任务"
    mine = page.locator(f"tr[data-task-id='{claimed['id']}']")
    assert mine.locator("td").nth(7).inner_text() == "我"
    shot(page, "workbench-inbox")

    page.click("nav.pager button:has-text('下一页')")
    page.wait_for_function("document.querySelectorAll('table.inbox-table tbody tr').length === 2")
    assert "第 2 页" in page.locator("nav.pager").inner_text()
    page.click("nav.pager button:has-text('上一页')")
    page.wait_for_function("document.querySelectorAll('table.inbox-table tbody tr').length === 20")

    page.select_option("#f-sla", "red")
    page.wait_for_function("document.querySelectorAll('table.inbox-table tbody tr').length === 2")
    assert {int(r.get_attribute("data-task-id")) for r in rows(page).all()} == {
        site.task(cast.window_hz, "accept", i["id"])["id"] for i in early
    }
    assert "sla=red" in page.url
    page.select_option("#f-sla", "")
    page.select_option("#f-claimed", "me")
    page.wait_for_function("document.querySelectorAll('table.inbox-table tbody tr').length === 1")
    assert rows(page).first.get_attribute("data-task-id") == str(claimed["id"])
    page.select_option("#f-claimed", "")
    page.select_option("#f-sort", "created")
    page.wait_for_function(
        f"document.querySelector('table.inbox-table tbody tr').dataset.taskId === "
        f"'{site.task(cast.window_hz, 'accept', late[-1]['id'])['id']}'"
    )

    # a new application appears without a reload (poll every 2 s here, 10 s by default)
    page.evaluate("window.__still_here = true")
    new = site.apply(cast.window_hz, data={**WITH_ID, "company": {**WITH_ID["company"], "name": "新到的餐馆"}})
    new_task = site.task(cast.window_hz, "accept", new["id"])
    page.wait_for_selector(f"tr[data-task-id='{new_task['id']}'] .new-badge", timeout=8000)
    assert page.evaluate("window.__still_here") is True

    # while the tab is hidden the inbox does not poll; it refreshes as soon as it is visible again
    calls: list[str] = []
    page.on("request", lambda r: "/api/tasks?" in r.url and calls.append(r.url))
    page.evaluate(
        """() => { Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
                  document.dispatchEvent(new Event('visibilitychange')); }"""
    )
    assert "暂停" in page.locator("#poll-status").inner_text()
    calls.clear()
    time.sleep(4.5)
    assert calls == [], "polled while hidden"
    page.evaluate(
        """() => { Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'visible' });
                  document.dispatchEvent(new Event('visibilitychange')); }"""
    )
    page.wait_for_timeout(500)
    assert calls, "no refresh when the tab became visible"


def test_inbox_commitment_badge(page, site):
    site.need("POST", "/api/instances/{id}/materials")
    instance = site.apply(site.cast.applicant, missing_materials=["lease"], commitment={"signed_by": "张三"})
    task = site.task(site.cast.window_hz, "accept", instance["id"])
    assert task["commitment_days_left"] is not None
    sign_in(page, site, site.cast.window_hz)
    page.goto(site.ui("workbench/"))
    badge = page.locator(f"tr[data-task-id='{task['id']}'] [data-commitment-days]")
    badge.wait_for()
    assert badge.inner_text() == f"容缺 剩{task['commitment_days_left']}日"


def test_clerk_claims_fills_the_form_with_an_error_fixes_it_and_completes(page, site, shot):
    cast = site.cast
    instance = site.apply(cast.window_hz, data=WITH_ID)
    accept = site.task(cast.window_hz, "accept", instance["id"])
    site.complete(cast.window_hz, accept["id"], {"window": {"accepted": True}})
    review = site.task(cast.market_hz, "market_review", instance["id"])

    laptop(page)
    page.allowed_console_errors.append(REFUSED)
    login(page, site, cast.market_hz)
    row = page.locator(f"tr[data-task-id='{review['id']}']")
    row.wait_for()
    assert row.locator(".task-link").inner_text() == "食品经营许可审查"
    row.locator(".task-link").click()
    page.wait_for_selector("#task-form")
    assert page.locator("h1").inner_text() == "食品经营许可审查"

    # application data: the ID number is masked, and this department's clerk may reveal it
    application = page.locator(".data-col")
    assert ID_MASKED in application.inner_text() and ID_FULL not in application.inner_text()
    assert "杭州味道餐饮有限公司" in application.inner_text()
    page.click("#application button:has-text('显示完整号码')")  # asks the server again; the reveal is audited
    page.wait_for_selector(f".data-col:has-text('{ID_FULL}')")
    page.click("#application button:has-text('隐藏完整号码')")
    page.wait_for_selector(f".data-col:has-text('{ID_MASKED}')")
    assert ID_FULL not in application.inner_text()
    # materials from the manifest, history from the audit trail
    assert page.locator("#materials li[data-material='lease'] .badge").inner_text().endswith("已提交")
    timeline = page.locator("#timeline").inner_text()
    assert "提交申请" in timeline and "完成环节" in timeline and "一窗受理" in timeline
    # before the claim the form is read-only and has no submit button
    assert page.locator("#task-form button[type=submit]").count() == 0
    assert page.locator("#root_market_opinion").is_disabled()
    shot(page, "workbench-task-unclaimed")

    page.click("#claim")
    page.wait_for_selector("#unclaim")
    assert page.locator("#root_market_opinion").is_enabled()

    # 1. an error the browser catches (the form's own schema): nothing is sent
    sent: list[str] = []
    page.on("request", lambda r: r.url.endswith("/complete") and sent.append(r.url))
    page.check("#root_market_approved")
    page.fill("#root_market_opinion", "同意" * 251)
    page.click("#task-form button[type=submit]")
    error = page.locator("#root_market_opinion__error")
    error.wait_for()
    assert "500" in error.inner_text()
    assert sent == []
    shot(page, "workbench-task-form-error")

    # 2. an error only the server finds comes back as 422 and lands on its field (errors[].loc minus "data")
    def refuse(route):
        route.fulfill(
            status=422,
            content_type="application/json",
            body='{"detail": "数据未通过表单校验 / data does not match the form", "errors": [{"loc": '
            '["data", "market", "opinion"], "message": "意见中含有敏感词 / the opinion contains a banned word"}]}',
        )

    page.route("**/api/tasks/*/complete", refuse)
    page.fill("#root_market_opinion", "经营场所符合要求，同意许可")
    page.click("#task-form button[type=submit]")
    page.wait_for_selector("#root_market_opinion__error:has-text('意见中含有敏感词')")
    assert "请修改标红的字段" in page.locator("#task-notice").inner_text()
    shot(page, "workbench-task-server-error")
    page.unroute("**/api/tasks/*/complete", refuse)

    # 3. fixed: completes
    page.click("#task-form button[type=submit]")
    page.wait_for_selector("#task-notice:has-text('已办结')")
    assert page.locator(".task-head .status").inner_text() == "已完成"
    assert page.locator("#root_market_opinion").input_value() == "经营场所符合要求，同意许可"
    assert page.locator("#root_market_opinion").is_disabled()
    shot(page, "workbench-task-completed")
    done = site.http.get(f"/api/instances/{instance['id']}", headers=cast.admin.headers).json()
    assert done["data"]["market"] == {"approved": True, "opinion": "经营场所符合要求，同意许可"}
    assert site.tasks(cast.market_hz, instance_id=instance["id"]) == []


def test_another_clerk_claiming_or_completing_first_is_explained(page, site, shot):
    cast = site.cast
    instance = site.apply(cast.window_hz)
    accept = site.task(cast.window_hz, "accept", instance["id"])
    site.complete(cast.window_hz, accept["id"], {"window": {"accepted": True}})
    review = site.task(cast.market_hz, "market_review", instance["id"])
    page.allowed_console_errors.append(REFUSED)
    laptop(page)
    sign_in(page, site, cast.market_hz)
    page.goto(site.ui(f"workbench/task.html?id={review['id']}"))
    page.wait_for_selector("#claim")

    # 403: claimed by a colleague in the meantime
    assert site.post(site.market_hz2, f"/api/tasks/{review['id']}/claim").status_code == 200
    page.click("#claim")
    notice = page.locator("#task-notice")
    notice.wait_for()
    assert "该任务已被 market_hz2 认领" in notice.inner_text()
    assert page.locator("#claim").count() == 0

    # 409: the colleague releases it, we claim, an admin frees it, the colleague completes first
    assert site.post(site.market_hz2, f"/api/tasks/{review['id']}/unclaim").status_code == 200
    page.reload()
    page.click("#claim")
    page.wait_for_selector("#unclaim")
    page.check("#root_market_approved")
    assert site.post(cast.admin, f"/api/tasks/{review['id']}/unclaim").status_code == 200
    site.complete(site.market_hz2, review["id"], {"market": {"approved": False, "opinion": "材料不全"}})
    page.click("#task-form button[type=submit]")
    page.wait_for_selector("#task-notice:has-text('抢先办结')")
    assert "该任务已由 market_hz2" in page.locator("#task-notice").inner_text()
    assert page.locator(".task-head .status").inner_text() == "已完成"
    shot(page, "workbench-task-conflict")
    after = site.http.get(f"/api/instances/{instance['id']}", headers=cast.admin.headers).json()
    assert after["data"]["market"] == {"approved": False, "opinion": "材料不全"}, "our late submission changed nothing"


def test_instance_page_shows_diagram_regions_deadline_and_history(page, site, shot):
    cast = site.cast
    site.need("POST", "/api/admin/clock")
    site.clock(now=f"{time.localtime().tm_year}-12-28T09:00:00+08:00")  # the deadline runs into next year
    instance = site.apply(cast.window_hz, data=WITH_ID, handling_region=SHANGHAI)
    accept = site.task(cast.window_hz, "accept", instance["id"])
    site.complete(cast.window_hz, accept["id"], {"window": {"accepted": True}})
    view = site.http.get(f"/api/instances/{instance['id']}", headers=cast.window_hz.headers).json()

    laptop(page)
    sign_in(page, site, cast.window_hz)
    page.goto(site.ui(f"workbench/instance.html?id={instance['id']}"))
    page.wait_for_selector("#diagram .djs-container")
    page.wait_for_selector("#diagram [data-element-id='accept'].yj-completed")
    diagram = page.locator("#diagram")
    assert diagram.locator("[data-element-id='market_review'].yj-active").count() == 1
    assert diagram.locator("[data-element-id='fire_review'].yj-active").count() == 1
    assert diagram.locator(".djs-palette").count() == 0, "read-only viewer"
    logo = diagram.locator(".bjs-powered-by")
    assert logo.is_visible()
    box = logo.bounding_box()
    assert page.evaluate(
        "([x, y]) => !!document.elementFromPoint(x, y).closest('.bjs-powered-by')",
        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    ), "the bpmn.io watermark must not be covered"
    assert "已完成" in diagram.locator(".diagram-legend").inner_text()

    assert page.locator("#receiving-region").inner_text().startswith("杭州市")
    assert page.locator("#handling-region").inner_text().startswith("上海市")
    deadline = page.locator("#deadline").inner_text()
    assert ("暂定" in deadline) == view["deadline_provisional"]
    steps = page.locator("#steps").inner_text()
    assert "市场监督管理局" in steps and "消防救援大队" in steps and "当前等待" in steps
    assert "完成环节" in page.locator("#timeline").inner_text()
    # the window clerk worked on this case: masked by default, may reveal
    assert ID_MASKED in page.locator("#results").inner_text()
    assert page.locator("#application button:has-text('显示完整号码')").count() == 1
    shot(page, "workbench-instance")

    # the 上海 market clerk reviews this case (办理地 上海) and may reveal too; an admin sees it masked only
    sign_in(page, site, cast.market_sh)
    page.goto(site.ui(f"workbench/instance.html?id={instance['id']}"))
    page.wait_for_selector("#application button:has-text('显示完整号码')")
    sign_in(page, site, cast.admin)
    page.goto(site.ui(f"workbench/instance.html?id={instance['id']}"))
    page.wait_for_selector("#results")
    assert ID_MASKED in page.locator("#results").inner_text()
    assert page.locator("#application button:has-text('显示完整号码')").count() == 0


def test_instance_without_a_diagram_layout_says_so(page, site):
    from tests.uploads import deploy

    site.need("GET", "/api/instances/{id}/diagram")
    response = deploy(site.http, site.cast.designer.headers, live.mini_files(with_diagram=False))
    assert response.status_code == 201, response.text
    instance = site.apply(site.cast.window_hz)
    sign_in(page, site, site.cast.window_hz)
    page.goto(site.ui(f"workbench/instance.html?id={instance['id']}"))
    page.wait_for_selector(".diagram-problem")
    assert "没有图形信息" in page.locator(".diagram-problem").inner_text()
    assert page.locator("#steps").is_visible()


def test_workbench_is_keyboard_usable(page, site):
    instance = site.apply(site.cast.window_hz)
    task = site.task(site.cast.window_hz, "accept", instance["id"])
    laptop(page)
    sign_in(page, site, site.cast.window_hz)
    page.goto(site.ui("workbench/"))
    page.wait_for_selector("table.inbox-table tbody tr")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('task-link')"):
            break
    else:
        pytest.fail("the task link is not reachable with Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"task\.html\?id={task['id']}$"))
    page.wait_for_selector("#claim")
    page.focus("#claim")
    page.keyboard.press("Enter")
    page.wait_for_selector("#unclaim")
    page.focus("#root_window_accepted")
    page.keyboard.press("Space")
    assert page.locator("#root_window_accepted").is_checked()
    page.focus("#task-form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector("#task-notice:has-text('已办结')")


def test_the_window_clerk_records_a_missing_material_as_supplied(page, site, shot):
    site.need("POST", "/api/instances/{id}/materials")
    instance = site.apply(site.cast.applicant, missing_materials=["lease"], commitment={"signed_by": "张三"})
    laptop(page)
    sign_in(page, site, site.cast.window_hz)
    page.goto(site.ui(f"workbench/instance.html?id={instance['id']}"))
    lease = page.locator("#materials li[data-material='lease']")
    lease.wait_for()
    assert lease.get_attribute("data-state") == "pending"
    if instance["commitments"]:
        assert "张三" in page.locator("#commitments").inner_text()
    lease.locator("button[data-supply='lease']").click()
    page.fill("#supply-lease", "电子证照 330100-2026-0042")
    page.click("#materials form.supply-form button[type=submit]")
    page.wait_for_selector("#materials li[data-material='lease'][data-state='supplied']")
    assert "已登记补交：经营场所使用证明" in page.locator("#instance-notice").inner_text()
    assert "补交材料" in page.locator("#timeline").inner_text()
    shot(page, "workbench-instance-supplied")
    # a department clerk (not the receiving window) gets no supply button
    sign_in(page, site, site.cast.market_hz)
    accept = site.task(site.cast.window_hz, "accept", instance["id"])
    site.complete(site.cast.window_hz, accept["id"], {"window": {"accepted": True}})
    page.goto(site.ui(f"workbench/instance.html?id={instance['id']}"))
    page.wait_for_selector("#materials")
    assert page.locator("button[data-supply]").count() == 0
