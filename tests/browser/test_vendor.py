"""The vendored bundles work in Chromium, offline: bpmn-js modeler + viewer + properties panel with the SpiffWorkflow
extension, rjsf with the Chinese formats and messages, ECharts.

The page tests/browser/pages/vendor-check.html is served at /ui/vendor-check.html next to /ui/vendor/ (see the
``static_ui_url`` fixture), so it loads the bundles exactly as admin pages do. Screenshots land in
test-artifacts/screenshots/.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

pytestmark = pytest.mark.browser

PAGES = Path(__file__).resolve().parent / "pages"
SAMPLE = (PAGES / "sample-lanes.bpmn").read_text(encoding="utf-8")
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"

VALID_ID = "11010519491231002X"
BAD_CHECKSUM_ID = "110105194912310021"


@pytest.fixture
def app(page, static_ui_url):
    page.goto(static_ui_url + "vendor-check.html")
    page.wait_for_function("window.app && window.app.ready === true")
    return page


def import_sample(page, xml: str = SAMPLE) -> None:
    warnings = page.evaluate("xml => app.importDiagram(xml)", xml)
    assert warnings == [], f"bpmn-js import warnings (elements would be dropped): {warnings}"


def export(page) -> str:
    return page.evaluate("app.exportDiagram()")


def spiff_fingerprint(xml: str) -> list[tuple]:
    """Every spiffworkflow element and attribute: (owner BPMN id, path, attributes, text), sorted."""
    root = etree.fromstring(xml.encode("utf-8"))
    out = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        spiff_attrs = {k: v for k, v in el.attrib.items() if k.startswith("{" + SPIFF_NS + "}")}
        if el.tag.startswith("{" + SPIFF_NS + "}") or spiff_attrs:
            owner = next((a.get("id") for a in el.iterancestors() if a.get("id")), None)
            path = []
            node = el
            while node is not None and node.get("id") is None:
                path.append(etree.QName(node).localname)
                node = node.getparent()
            text = (el.text or "").strip() if len(el) == 0 else ""
            out.append((owner, "/".join(reversed(path)), tuple(sorted(el.attrib.items())), text))
    return sorted(out)


def spiff_task_extensions(xml: str) -> dict:
    """Parse the XML with the engine's own parser (SpiffWorkflow) and return the parsed extensions."""
    from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

    dmn = (PAGES / "decide-level.dmn").read_bytes()
    parser = SpiffBpmnParser()
    parser.add_bpmn_str(xml.encode("utf-8"))
    parser.add_dmn_str(dmn)
    spec = parser.get_spec("Process_open_restaurant")
    return {name: getattr(ts, "extensions", {}) for name, ts in spec.task_specs.items()}


def test_globals_and_versions(app):
    info = app.evaluate(
        """() => ({
        bpmn: Object.keys(BpmnBundle).sort(), rjsf: Object.keys(RJSF).sort(),
        bpmnVersion: BpmnBundle.version, rjsfVersion: RJSF.version, echarts: echarts.version })"""
    )
    for name in (
        "createModeler",
        "createViewer",
        "Modeler",
        "NavigatedViewer",
        "spiffModdle",
        "spiff",
        "useService",
        "jsx",
        "TextFieldEntry",
        "SelectEntry",
        "CheckboxEntry",
        "TextAreaEntry",
        "isTextFieldEntryEdited",
        "PropertiesPanel",
        "propertiesProviderModule",
        "is",
        "getBusinessObject",
    ):
        assert name in info["bpmn"], name
    for name in ("render", "validateFormData", "formats", "createValidator", "React"):
        assert name in info["rjsf"], name
    assert info["bpmnVersion"] == {"bpmnJs": "18.31.1", "propertiesPanel": "5.65.3"}
    assert info["rjsfVersion"] == {"react": "19.3.1", "rjsf": "6.11.1"}
    assert info["echarts"] == "6.1.0"


def test_modeler_renders_lanes_with_chinese_names_and_watermark(app, screenshot):
    import_sample(app)
    canvas = app.locator("#canvas")
    for lane in ("申请人", "住建局", "市场监管局"):
        assert canvas.locator(f"[data-element-id^='Lane_'] text:has-text('{lane}')").count() == 1, lane
    assert canvas.locator("[data-element-id='UserTask_Apply']").is_visible()
    assert app.evaluate("app.modeler.get('elementRegistry').filter(e => e.type === 'bpmn:Lane').length") == 3
    # licence condition: the bpmn.io watermark is shown and nothing covers it
    logo = canvas.locator(".bjs-powered-by")
    assert logo.is_visible()
    box = logo.bounding_box()
    assert box and box["width"] > 10 and box["height"] > 10
    top = app.evaluate(
        "([x, y]) => !!document.elementFromPoint(x, y).closest('.bjs-powered-by')",
        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    )
    assert top, "the bpmn.io watermark is overlapped"
    screenshot(app, "vendor-modeler")


def test_spiffworkflow_extensions_round_trip(app):
    import_sample(app)
    xml = export(app)
    assert 'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"' in xml
    before, after = spiff_fingerprint(SAMPLE), spiff_fingerprint(xml)
    assert len(before) >= 30
    assert after == before
    # and the engine reads them back the same
    ext = spiff_task_extensions(xml)
    assert ext == spiff_task_extensions(SAMPLE)
    apply = ext["UserTask_Apply"]
    assert apply["properties"] == {
        "formJsonSchemaFilename": "apply.json",
        "formUiSchemaFilename": "apply-uischema.json",
    }
    assert apply["instructionsForEndUser"] == "请如实填写**申请信息**，带 * 的为必填项 <注意>。"
    assert apply["postScript"] == "if amount < 0:\n    amount = 0"
    assert ext["ServiceTask_Check"]["serviceTaskOperator"]["retries"] == 3
    # a second import of the exported XML is clean too
    import_sample(app, xml)
    assert spiff_fingerprint(export(app)) == before


def test_spiff_helpers_edit_with_undo(app):
    import_sample(app)
    result = app.evaluate(
        """() => {
        const m = app.modeler, reg = m.get('elementRegistry'), stack = m.get('commandStack'), spiff = BpmnBundle.spiff;
        const start = reg.get('StartEvent_1'), apply = reg.get('UserTask_Apply');
        spiff.setProperty(m, start, 'formJsonSchemaFilename', 'start.json');     // creates extensionElements
        spiff.setText(m, start, 'instructionsForEndUser', '请上传营业执照');
        spiff.setProperty(m, apply, 'formJsonSchemaFilename', 'apply-v2.json'); // changes an existing one
        spiff.setProperty(m, apply, 'formUiSchemaFilename', undefined);          // removes one
        const edited = { start: spiff.getProperties(start), text: spiff.getText(start, 'instructionsForEndUser'),
                         apply: spiff.getProperties(apply) };
        for (let i = 0; i < 4; i++) stack.undo();
        return { edited, undone: { start: spiff.getProperties(start), apply: spiff.getProperties(apply),
                 text: spiff.getText(start, 'instructionsForEndUser') } };
      }"""
    )
    assert result["edited"] == {
        "start": {"formJsonSchemaFilename": "start.json"},
        "text": "请上传营业执照",
        "apply": {"formJsonSchemaFilename": "apply-v2.json"},
    }
    assert result["undone"] == {
        "start": {},
        "apply": {"formJsonSchemaFilename": "apply.json", "formUiSchemaFilename": "apply-uischema.json"},
        "text": None,
    }
    assert spiff_fingerprint(export(app)) == spiff_fingerprint(SAMPLE)
    app.evaluate("app.modeler.get('commandStack').redo()")
    root = etree.fromstring(export(app).encode("utf-8"))
    start = root.find(f".//{{{BPMN_NS}}}startEvent[@id='StartEvent_1']")
    prop = start.find(f"{{{BPMN_NS}}}extensionElements/{{{SPIFF_NS}}}properties/{{{SPIFF_NS}}}property")
    assert prop is not None and prop.get("name") == "formJsonSchemaFilename" and prop.get("value") == "start.json"


def test_properties_panel_with_page_defined_group(app, screenshot):
    import_sample(app)
    app.click("#canvas [data-element-id='UserTask_Apply']")
    app.wait_for_selector("#props .bio-properties-panel-header-label:has-text('填写申请表')")
    assert app.locator("#props [data-group-id='group-general']").is_visible()
    # the page-defined group on a lane edits <spiffworkflow:property name="department">
    app.click("#canvas [data-element-id='Lane_Housing'] .djs-hit-all")  # a lane is selected by its label band
    group = app.locator("#props [data-group-id='group-yijian-lane']")
    group.wait_for()
    field = app.locator("#bio-properties-panel-yijian-department")
    if not field.is_visible():
        group.locator(".bio-properties-panel-group-header").click()
    assert field.input_value() == "zjj"
    field.fill("scjgj")
    field.press("Tab")
    app.wait_for_function(
        "BpmnBundle.spiff.getProperty(app.modeler.get('elementRegistry').get('Lane_Housing'), 'department') === 'scjgj'"
    )
    screenshot(app, "vendor-properties-panel")
    assert '<spiffworkflow:property name="department" value="scjgj" />' in export(app)
    app.evaluate("app.modeler.get('commandStack').undo()")
    assert '<spiffworkflow:property name="department" value="zjj" />' in export(app)


def test_viewer_highlights_instance_state(app, screenshot):
    warnings = app.evaluate(
        "xml => app.showInstance(xml, ['UserTask_Review'], ['StartEvent_1', 'UserTask_Apply', 'ServiceTask_Check'])",
        SAMPLE,
    )
    assert warnings == []
    viewer = app.locator("#viewer")
    assert viewer.locator("[data-element-id='UserTask_Review'].yj-active").count() == 1
    assert viewer.locator(".yj-done").count() == 3
    assert viewer.locator(".djs-palette").count() == 0, "the viewer is read-only"
    assert viewer.locator(".bjs-powered-by").is_visible()
    screenshot(app, "vendor-viewer")


def test_form_shows_chinese_errors_and_accepts_valid_id(app, screenshot):
    form = app.locator("#form")
    app.fill("#root_applicant", "张三")
    app.fill("#root_idCard", BAD_CHECKSUM_ID)
    app.fill("#root_mobile", "12345678901")
    app.click("#form button[type=submit]")
    error = app.locator("#root_idCard__error")
    error.wait_for()
    assert error.inner_text().strip() == "不是有效的公民身份号码"
    assert app.locator("#root_mobile__error").inner_text().strip() == "不是有效的手机号码"
    assert form.locator(".panel-danger .panel-title").inner_text().strip() == "错误"
    assert "公民身份号码：不是有效的公民身份号码" in app.evaluate("app.formErrors")
    assert app.evaluate("app.submissions") == []
    screenshot(app, "vendor-form-errors")

    app.fill("#root_idCard", VALID_ID)
    app.fill("#root_mobile", "13800138000")
    app.fill("#root_uscc", "91350100M000100Y43")
    app.fill("#root_region", "110105")
    app.fill("#root_area", "85.5")
    app.click("#form button[type=submit]")
    app.wait_for_function("app.submissions.length === 1")
    assert app.evaluate("app.submissions[0]") == {
        "applicant": "张三",
        "idCard": VALID_ID,
        "mobile": "13800138000",
        "uscc": "91350100M000100Y43",
        "region": "110105",
        "area": 85.5,
    }
    assert form.locator(".error-detail").count() == 0
    screenshot(app, "vendor-form-valid")


def test_required_field_message(app):
    app.click("#form button[type=submit]")
    app.locator("#root_applicant__error").wait_for()
    assert app.locator("#root_applicant__error").inner_text().strip() == "此项为必填项"
    assert "申请人：此项为必填项" in app.evaluate("app.formErrors")


def test_validate_form_data_formats_and_languages(app):
    res = app.evaluate(
        """([valid, bad]) => {
        const s = { type: 'object', properties: {
            id: { type: 'string', format: 'cn-id-card', title: '身份证' }, uscc: { type: 'string', format: 'cn-uscc' },
            mobile: { type: 'string', format: 'cn-mobile' }, region: { type: 'string', format: 'cn-region-code' } } };
        const v = (data, opts) => RJSF.validateFormData(s, data, opts), f = RJSF.formats;
        const msgs = (r) => r.errors.map((e) => e.property + ' ' + e.message);
        const draft7 = { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', required: ['a'],
                         properties: { a: { type: 'string', format: 'cn-mobile' } } };
        const s2020 = { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object',
                        $defs: { id: { type: 'string', format: 'cn-id-card' } },
                        properties: { p: { $ref: '#/$defs/id' } }, unevaluatedProperties: false };
        return {
          ok: v({ id: valid, uscc: '91350100M000100Y43', mobile: '19912345678', region: '440305' }).valid,
          zh: msgs(v({ id: bad, uscc: '91350100M000100Y44', mobile: '1381234567', region: '990000' })),
          en: msgs(v({ id: bad }, { lang: 'en' })),
          lowerX: v({ id: valid.toLowerCase() }).valid,
          draft7: msgs(RJSF.validateFormData(draft7, { a: '123' })),
          draft7ok: RJSF.validateFormData(draft7, { a: '13800138000' }).valid,
          s2020: msgs(RJSF.validateFormData(s2020, { p: bad, extra: 1 })),
          custom: RJSF.validateFormData({ type: 'string', format: 'even' }, '3',
                                        { customFormats: { even: (x) => Number(x) % 2 === 0 } }).valid,
          customKeepsOurs: RJSF.validateFormData({ type: 'string', format: 'cn-mobile' }, '1',
                                                 { customFormats: { even: /x/ } }).valid,
          checks: [ f.isCnIdCard(valid), f.isCnIdCard(bad), f.isCnUscc('91350100M000100Y43'),
                    f.isCnUscc('9135010OM000100Y43'), f.isCnMobile('12800138000'),
                    f.isCnRegionCode('110105'), f.isCnRegionCode('010105') ],
        };
      }""",
        [VALID_ID, BAD_CHECKSUM_ID],
    )
    assert res["ok"] is True
    assert res["zh"] == [
        ".id 不是有效的公民身份号码",
        ".uscc 不是有效的统一社会信用代码",
        ".mobile 不是有效的手机号码",
        ".region 不是有效的行政区划代码",
    ]
    assert res["en"] == [".id must be a valid resident identity number (GB 11643)"]
    assert res["lowerX"] is False
    assert res["draft7"] == [".a 不是有效的手机号码"]
    assert res["draft7ok"] is True
    assert ".p 不是有效的公民身份号码" in res["s2020"] and len(res["s2020"]) == 2  # + unevaluatedProperties
    assert res["custom"] is False and res["customKeepsOurs"] is False
    assert res["checks"] == [True, False, True, False, False, True, False]


def test_render_handle_update_lang_and_unmount(app):
    out = app.evaluate(
        """() => {
        const el = document.createElement('div'); document.body.appendChild(el);
        const seen = [];
        const schema = { type: 'object', properties: { m: { type: 'string', title: 'Mobile', format: 'cn-mobile' } } };
        const h = RJSF.render(el, { schema, formData: { m: '1' }, lang: 'en',
                                    onError: (e) => seen.push(...e.map((x) => x.stack)) });
        const submitText = el.querySelector('button[type=submit]').textContent;
        h.submit();
        h.update({ formData: { m: '13800138000' }, disabled: true });
        const value = el.querySelector('#root_m').value, disabled = el.querySelector('#root_m').disabled;
        const data = h.getFormData();
        h.unmount();
        return { submitText, seen, value, disabled, data, empty: el.innerHTML === '' };
      }"""
    )
    assert out == {
        "submitText": "Submit",
        "seen": ["'Mobile' must be a valid mainland mobile number"],
        "value": "13800138000",
        "disabled": True,
        "data": {"m": "13800138000"},
        "empty": True,
    }


def test_echarts_draws_a_chart(app, screenshot):
    info = app.evaluate(
        """() => {
        const canvas = document.querySelector('#chart canvas');
        const ctx = canvas.getContext('2d');
        const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
        let painted = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
        return { w: canvas.width, h: canvas.height, painted, series: app.chart.getOption().series[0].data };
      }"""
    )
    assert info["w"] > 0 and info["h"] > 0
    assert info["painted"] > 5000, "the chart canvas is blank"
    assert info["series"] == [120, 200, 150, 80]
    screenshot(app, "vendor-echarts")


def test_render_extra_errors_and_live_validate(app):
    app.evaluate(
        """() => {
        const box = document.createElement('div'); box.id = 'live'; document.body.appendChild(box);
        const m = { type: 'string', title: '手机号码', format: 'cn-mobile' };
        const schema = { type: 'object', properties: { m } };
        app.live = RJSF.render(box, { schema, formData: {}, liveValidate: true,
                                      extraErrors: { m: { __errors: [ '该号码已被占用' ] } } });
      }"""
    )
    assert "该号码已被占用" in app.locator("#live #root_m__error").inner_text()
    app.evaluate("app.live.update({ extraErrors: undefined })")
    app.fill("#live #root_m", "123")
    app.locator("#live #root_m__error:has-text('不是有效的手机号码')").wait_for()
    app.fill("#live #root_m", "13800138000")
    app.locator("#live #root_m__error").wait_for(state="detached")
    assert app.evaluate("app.live.getFormData()") == {"m": "13800138000"}
