"""A process designer changes 开办餐饮店 in the browser: a parallel 疾控中心 review in a new lane with its own form, a
material made tolerable, deployed as version 2. New applications reach the new department and ask for the new fields;
an application started before keeps the old flow. Only designers reach the designer.

Driven through the real pages (login, versions page, bpmn-js modeler with the Yijian properties panel, form builder,
manifest editor) against the real app on SQLite. Screenshots: test-artifacts/screenshots/designer-*.png.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy.engine import Engine

from tests.conftest import LiveServer
from tests.designer.restaurant import BUNDLE, apply, deploy_restaurant
from tests.people import HANGZHOU, PASSWORD, api_client_key, enrol

pytestmark = pytest.mark.browser

ACCEPT = {"acceptance": {"business_licence_verified": True, "materials_checked": True, "decision": "accept"}}


@pytest.fixture
def live(sqlite_db: Engine) -> Iterator[LiveServer]:
    with LiveServer(sqlite_db) as server:
        yield server


@pytest.fixture
def api(live: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live.url, timeout=30) as client:
        yield client


def sign_in(page, base: str, username: str) -> None:
    page.wait_for_selector("#username")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")


def wait_checked(page) -> None:
    """Wait until the live check has run on the current state (no check pending or running)."""
    page.wait_for_function("window.dz && !window.dz.store.checking && window.dz.store.checkedAt")
    time.sleep(1.2)  # the debounce after the last edit
    page.wait_for_function("!window.dz.store.checking")


def center(page, element_id: str) -> tuple[float, float]:
    box = page.locator(f".djs-element[data-element-id='{element_id}'] .djs-hit").first.bounding_box()
    assert box, f"{element_id} is not on screen"
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def new_ids(page, kind: str, known: set[str]) -> list[str]:
    ids = page.evaluate(
        "kind => dz.store.designer.modeler.get('elementRegistry').filter(e => e.type === kind).map(e => e.id)", kind
    )
    return [i for i in ids if i not in known]


def element_ids(page, kind: str) -> set[str]:
    return set(new_ids(page, kind, set()))


def inside(page, element_id: str) -> tuple[float, float]:
    """A point well inside a shape, off its centre lines, where flows that cross it do not catch the click."""
    box = page.locator(f".djs-element[data-element-id='{element_id}'] .djs-hit").first.bounding_box()
    assert box, f"{element_id} is not on screen"
    return box["x"] + box["width"] * 0.32, box["y"] + box["height"] * 0.32


def connect(page, source: str, target: str) -> None:
    """Select the source, take the context pad's connect tool, drop the flow on the target."""
    page.evaluate("id => dz.store.designer.select(id)", source)
    page.click(".djs-context-pad [data-action='connect']")
    page.mouse.move(*inside(page, target))
    page.mouse.click(*inside(page, target))


def test_a_designer_adds_a_parallel_review_in_a_new_department_and_deploys_it(
    page, live: LiveServer, api: httpx.Client, sqlite_db: Engine, screenshot
) -> None:
    designer = enrol(sqlite_db, api, "designer", "designer")
    admin = enrol(sqlite_db, api, "admin", "admin")
    window = enrol(sqlite_db, api, "window_hz", "clerk", "zwfw", HANGZHOU)
    cdc = enrol(sqlite_db, api, "cdc_hz", "clerk", "jkzx", HANGZHOU)
    system = api_client_key(sqlite_db)
    deploy_restaurant(api, designer.headers)
    before = apply(api, system)
    page.set_viewport_size({"width": 1366, "height": 768})

    # the versions page, after signing in
    page.goto(live.url + "/ui/designer/")
    sign_in(page, live.url, "designer")
    page.wait_for_selector("#dz-version-table tr[data-version='1']")
    screenshot(page, "designer-index", full_page=False)

    # the editor starts a draft from v1
    page.click("#dz-open-editor")
    page.wait_for_url(re.compile(r"edit\.html\?bundle=open-restaurant"))
    wait_checked(page)
    assert page.locator(".bjs-powered-by").is_visible(), "the bpmn.io watermark must stay visible"
    assert page.inner_text("#dz-error-count") == "0 个错误"
    screenshot(page, "designer-editor", full_page=False)

    # a new lane below the last one, for 疾控中心
    lanes = element_ids(page, "bpmn:Lane")
    page.evaluate("dz.store.designer.select('issue')")
    page.click(".djs-context-pad [data-action='lane-insert-below']")
    [lane] = new_ids(page, "bpmn:Lane", lanes)
    page.evaluate(f"dz.store.designer.select('{lane}')")
    page.fill("#bio-properties-panel-id", "jkzx")
    page.press("#bio-properties-panel-id", "Tab")
    page.fill("#bio-properties-panel-name", "疾控中心")
    page.press("#bio-properties-panel-name", "Tab")
    page.fill("#bio-properties-panel-yj-dept-code", "JK")
    page.wait_for_selector("[data-entry-id='yj-dept-code'] .bio-properties-panel-error:has-text('小写字母')")
    page.fill("#bio-properties-panel-yj-dept-code", "jkzx")
    page.fill("#bio-properties-panel-yj-dept-name", "疾病预防控制中心")
    page.press("#bio-properties-panel-yj-dept-name", "Tab")
    page.select_option("#bio-properties-panel-yj-dept-region", "handling")
    page.wait_for_function("dz.store.manifest.lanes.jkzx && dz.store.manifest.lanes.jkzx.department === 'jkzx'")
    screenshot(page, "designer-lane", full_page=False)

    # a task in the new lane, made a user task, joined in parallel between the split and the join
    tasks = element_ids(page, "bpmn:Task") | element_ids(page, "bpmn:UserTask")
    lane_box = page.locator(".djs-element[data-element-id='jkzx'] .djs-hit").first.bounding_box()
    health_x, _ = center(page, "health_review")
    page.click(".djs-palette [data-action='create.task']")
    page.mouse.move(health_x, lane_box["y"] + lane_box["height"] / 2)
    page.mouse.click(health_x, lane_box["y"] + lane_box["height"] / 2)
    [task] = new_ids(page, "bpmn:Task", tasks)
    page.keyboard.type("疾控卫生评估")  # bpmn-js opens the label editor on a new shape
    page.keyboard.press("Enter")
    page.click(".djs-context-pad [data-action='replace']")
    page.click(".djs-popup [data-id='replace-with-user-task']")
    task = page.evaluate("dz.store.designer.modeler.get('selection').get()[0].id")
    assert page.input_value("#bio-properties-panel-name") == "疾控卫生评估"
    page.fill("#bio-properties-panel-yj-instructions", "评估经营场所卫生条件，填写评估结论。")
    page.press("#bio-properties-panel-yj-instructions", "Tab")
    assert "承办：疾病预防控制中心" in page.inner_text("[data-entry-id='yj-task-lane']")
    flows = element_ids(page, "bpmn:SequenceFlow")
    page.click("#dz-fit")
    connect(page, "gw_split", task)
    connect(page, task, "gw_join")
    assert len(new_ids(page, "bpmn:SequenceFlow", flows)) == 2

    # the live check marks the flow that leaves the inclusive split without a condition; the designer follows it
    wait_checked(page)
    page.wait_for_selector(".djs-element.yj-error[data-element-id^='Flow_']")
    screenshot(page, "designer-problems", full_page=False)
    problem = page.locator("#dz-problem-list button[data-rule='deploy']").filter(has_text="unconditioned").first
    flow = problem.get_attribute("data-element")
    assert flow in new_ids(page, "bpmn:SequenceFlow", flows)
    problem.click()
    page.wait_for_function("id => dz.store.designer.modeler.get('selection').get()[0]?.id === id", arg=flow)
    page.fill("#bio-properties-panel-yj-flow-condition", "True")
    page.press("#bio-properties-panel-yj-flow-condition", "Tab")

    # the task's form: created from the panel, two fields in the builder, checked in the live preview
    page.evaluate(f"dz.store.designer.select('{task}')")
    page.click("#yj-task-new-form")
    page.fill("#dz-newform-stem", "cdc-review")
    page.fill("#dz-newform-title", "疾控卫生评估")
    page.click("#dz-newform-create")
    page.wait_for_selector("#dz-add-field")
    page.click("#dz-add-field")
    page.fill("#dz-field-key", "hygiene_ok")
    page.press("#dz-field-key", "Tab")
    page.fill("#dz-field-title", "卫生条件是否合格")
    page.select_option("#dz-field-kind", "boolean")
    page.check("#dz-field-required")
    page.click("#dz-add-field")
    page.fill("#dz-field-key", "inspector_mobile")
    page.press("#dz-field-key", "Tab")
    page.fill("#dz-field-title", "评估人手机号码")
    page.select_option("#dz-field-format", "cn-mobile")
    page.check("#dz-field-required")
    page.wait_for_selector("#preview_inspector_mobile")
    page.wait_for_selector("#preview_hygiene_ok")
    page.fill("#preview_inspector_mobile", "12345")
    page.wait_for_selector("#dz-preview :text('不是有效的手机号码')")
    screenshot(page, "designer-form", full_page=False)

    # the manifest: a material becomes tolerable, with its supply deadline (required once tolerable)
    page.click("#dz-tab-manifest")
    index = page.evaluate("dz.store.manifest.materials.findIndex(m => m.id === 'food_safety_rules')")
    page.check(f"#manifest_materials_{index}_tolerable")
    page.fill(f"#manifest_materials_{index}_supply_within_working_days", "10")
    page.wait_for_function(
        f"dz.store.manifest.materials[{index}].tolerable === true "
        f"&& dz.store.manifest.materials[{index}].supply_within_working_days === 10"
    )
    page.locator(f"#manifest_materials_{index}_tolerable").scroll_into_view_if_needed()
    screenshot(page, "designer-manifest", full_page=False)

    # deploy: checked first, summarised, then stored as v2
    page.click("#dz-tab-process")
    wait_checked(page)
    assert page.inner_text("#dz-error-count") == "0 个错误", page.inner_text("#dz-problem-list")
    page.click("#dz-deploy")
    page.wait_for_selector("#dz-deploy-confirm")
    screenshot(page, "designer-deploy", full_page=False)
    page.click("#dz-deploy-confirm")
    page.wait_for_url(re.compile(r"deployed=2"))
    page.wait_for_selector("#dz-version-table tr[data-version='2'] .badge-green")
    page.wait_for_selector("#dz-diff [data-element='jkzx']")
    screenshot(page, "designer-deployed", full_page=False)

    # a new application reaches 疾控中心 and asks for the new fields; the one started before keeps v1
    after = apply(api, system)
    assert (before["version"], after["version"]) == (1, 2)
    for instance in (before, after):
        accept = next(
            t
            for t in api.get("/api/tasks", params={"instance_id": instance["id"]}, headers=window.headers).json()[
                "items"
            ]
            if t["name"] == "accept"
        )
        done = api.post(f"/api/tasks/{accept['id']}/complete", json={"data": ACCEPT}, headers=window.headers)
        assert done.status_code == 200, done.text
    inbox = api.get("/api/tasks", headers=cdc.headers).json()["items"]
    assert [(t["instance_id"], t["title"], t["department"]) for t in inbox] == [(after["id"], "疾控卫生评估", "jkzx")]
    form = api.get(f"/api/tasks/{inbox[0]['id']}", headers=cdc.headers).json()["form"]["schema"]
    assert {"hygiene_ok", "inspector_mobile"} <= set(form["properties"])
    assert form["properties"]["inspector_mobile"]["format"] == "cn-mobile"
    old = api.get(f"/api/instances/{before['id']}", headers=admin.headers).json()
    assert old["version"] == 1 and "疾控卫生评估" not in {t["title"] for t in old["tasks"]}
    guide = api.get(f"/api/bundles/{BUNDLE}").json()["manifest"]["materials"]
    assert next(m for m in guide if m["id"] == "food_safety_rules")["tolerable"] is True

    # rollback from the versions page: new applications start on v1 again
    page.click("#dz-version-table tr[data-version='1'] [data-action='activate']")
    page.click("#dz-confirm-yes")
    page.wait_for_selector("#dz-version-table tr[data-version='1'] .badge-green")
    assert apply(api, system)["version"] == 1
    running = api.get(f"/api/instances/{after['id']}", headers=admin.headers).json()
    assert running["version"] == 2 and "疾控卫生评估" in {t["title"] for t in running["tasks"]}, "rollback leaves it be"


def test_a_clerk_is_sent_to_the_login_page_with_a_message(
    page, live: LiveServer, api: httpx.Client, sqlite_db: Engine
) -> None:
    enrol(sqlite_db, api, "window_hz", "clerk", "zwfw", HANGZHOU)
    page.goto(live.url + "/ui/designer/edit.html?bundle=open-restaurant")
    page.wait_for_url(re.compile(r"/ui/index\.html\?next=designer"))
    sign_in(page, live.url, "window_hz")
    page.wait_for_selector("#login-error")
    assert "无权访问" in page.inner_text("#login-error")
    assert page.evaluate("sessionStorage.getItem('yijian.token')") is None, "the clerk's session is not kept"


def test_the_editor_shows_what_bpmn_js_could_not_read(
    page, live: LiveServer, api: httpx.Client, sqlite_db: Engine, screenshot
) -> None:
    designer = enrol(sqlite_db, api, "designer", "designer")
    deploy_restaurant(api, designer.headers)
    files = api.post(f"/api/designer/drafts/{BUNDLE}", json={}, headers=designer.headers).json()["files"]
    files["open_restaurant.bpmn"] = files["open_restaurant.bpmn"].replace(
        "<spiffworkflow:instructionsForEndUser>核验",
        "<spiffworkflow:unknownExtension>x</spiffworkflow:unknownExtension><spiffworkflow:instructionsForEndUser>核验",
    )
    saved = api.put(f"/api/designer/drafts/{BUNDLE}", json={"files": files}, headers=designer.headers)
    assert saved.status_code == 200
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(live.url + f"/ui/designer/edit.html?bundle={BUNDLE}")
    sign_in(page, live.url, "designer")
    page.wait_for_selector(".dz-import-warnings")
    assert "unknownExtension" in page.inner_text(".dz-import-warnings")
    assert page.locator(".bjs-powered-by").is_visible()
    screenshot(page, "designer-import-warnings", full_page=False)
