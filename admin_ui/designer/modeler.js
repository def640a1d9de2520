// The bpmn-js modeler of the designer: Chinese labels, and the properties-panel groups Yijian needs —
// lane → department (writes the manifest's `lanes`), user task → form and instructions, timers (ISO duration,
// working days, date, cycle), sequence-flow conditions and default flows, message names — each validated as the
// designer types. Problems from the server checks are marked on the diagram (markers + overlays).
//
//   const d = createDesignerModeler({ container, propertiesParent, ctx });
//   await d.open(xml) -> warnings;  await d.xml();  d.showProblems(problems);  d.select(id);
//
// ctx (supplied by the editor page): manifest(), setLane(key, entry|null), renameLane(from, to), departments(),
// formFiles(), formTitle(name), uiFileFor(name), createForm(element), openForm(name), problemsOf(id), changed().

import { lang, localize, t } from '../common/i18n.js';
import { BPMN_ZH } from './messages.js';

const B = window.BpmnBundle;
const { jsx, jsxs, is, spiff, useService } = B;

// --- translation of bpmn-js and the default panel ------------------------------------------------------

function translate(template, replacements) {
  const text = (lang() === 'zh' && BPMN_ZH[template]) || template;
  return text.replace(/{([^}]+)}/g, (m, key) => (replacements && key in replacements ? replacements[key] : m));
}
const TranslateModule = { translate: ['value', translate] };

// --- helpers --------------------------------------------------------------------------------------------

const DEPT = /^[a-z][a-z0-9_-]{0,31}$/;
const DURATION = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/i;
const CYCLE = /^R\d*\/(P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?|\d{4}-[^/]+\/P[^/]+)$/i;
const DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?([+-]\d{2}:\d{2}|Z)?)?$/;
const EVENT_NAME = /^[a-z][a-z0-9_.-]{0,127}$/;

export function laneKey(bo, manifest) {
  const lanes = (manifest && manifest.lanes) || {};
  if (bo.id in lanes) return bo.id;
  if (bo.name && bo.name in lanes) return bo.name;
  return bo.id;
}

function laneOf(element) {
  // the innermost lane whose flowNodeRefs holds the element (a node in a sub-process takes the sub-process's)
  let node = element.businessObject;
  while (node) {
    const lanes = node.get && node.get('lanes');
    if (lanes && lanes.length) return lanes[lanes.length - 1];
    node = node.$parent && !is(node.$parent, 'bpmn:Process') ? node.$parent : null;
  }
  return null;
}

/** Light syntax check of a Python expression: brackets, quotes, forbidden constructs. '' when fine. */
export function expressionProblem(text) {
  if (!text || !text.trim()) return '';
  if (/(^|[^\w])(import|lambda|exec|eval|open)\b/.test(text)) return t('dz.expr.forbidden');
  if (text.includes('__')) return t('dz.expr.dunder');
  const stack = [];
  const pairs = { ')': '(', ']': '[', '}': '{' };
  let quote = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if ('([{'.includes(c)) stack.push(c);
    else if (c in pairs && stack.pop() !== pairs[c]) return t('dz.expr.brackets');
  }
  if (quote) return t('dz.expr.quote');
  if (stack.length) return t('dz.expr.brackets');
  if (/(==|!=|>=|<=|\band\b|\bor\b|[+\-*/<>])\s*$/.test(text.trim())) return t('dz.expr.incomplete');
  return '';
}

// --- timer expressions ----------------------------------------------------------------------------------

export function classifyTimer(text) {
  const s = (text || '').trim();
  let m;
  if (!s) return { mode: 'duration', value: '' };
  if ((m = s.match(/^["'](P[^"']*)["']$/i))) return { mode: 'duration', value: m[1] };
  if ((m = s.match(/^working_days\(\s*(\d+)\s*\)$/))) return { mode: 'workdays', value: m[1] };
  if ((m = s.match(/^["'](R[^"']*)["']$/i))) return { mode: 'cycle', value: m[1] };
  if ((m = s.match(/^["'](\d{4}-[^"']*)["']$/))) return { mode: 'date', value: m[1] };
  return { mode: 'expr', value: s };
}

export function composeTimer(mode, value) {
  const v = (value || '').trim();
  if (mode === 'workdays') return `working_days(${v})`;
  if (mode === 'expr') return v;
  return `"${v}"`;
}

export function timerProblem(mode, value) {
  const v = (value || '').trim();
  if (!v) return t('dz.timer.empty');
  if (mode === 'duration' && !DURATION.test(v)) return t('dz.timer.bad_duration');
  if (mode === 'duration' && !/[1-9]/.test(v)) return t('dz.timer.zero');
  if (mode === 'workdays' && !(/^\d+$/.test(v) && +v >= 1 && +v <= 365)) return t('dz.timer.bad_workdays');
  if (mode === 'cycle' && !CYCLE.test(v)) return t('dz.timer.bad_cycle');
  if (mode === 'cycle' && /^R0\//i.test(v)) return t('dz.timer.never');
  if (mode === 'date' && (!DATE.test(v) || Number.isNaN(Date.parse(v)))) return t('dz.timer.bad_date');
  if (mode === 'expr') return expressionProblem(v);
  return '';
}

const TIMER_DEFAULTS = { duration: 'P1D', workdays: '1', date: '', cycle: 'R3/PT4H', expr: '' };

function timerDefinition(element) {
  const defs = element.businessObject.get('eventDefinitions') || [];
  return defs.find((d) => is(d, 'bpmn:TimerEventDefinition'));
}

function timerText(definition) {
  for (const kind of ['timeDuration', 'timeDate', 'timeCycle']) {
    const expr = definition.get(kind);
    if (expr) return { kind, text: expr.get('body') || '' };
  }
  return { kind: 'timeDuration', text: '' };
}

function writeTimer(injector, element, definition, mode, value) {
  const { kind: current } = timerText(definition);
  const kind = { duration: 'timeDuration', cycle: 'timeCycle', date: 'timeDate', workdays: 'timeDate' }[mode] || current;
  const body = composeTimer(mode, value);
  const moddle = injector.get('moddle');
  injector.get('modeling').updateModdleProperties(element, definition, {
    timeDuration: undefined, timeDate: undefined, timeCycle: undefined,
    [kind]: moddle.create('bpmn:FormalExpression', { body }),
  });
}

// --- panel entry components -----------------------------------------------------------------------------

let ctx = null;   // the editor page's context (one modeler per page)

function refreshPanel(injector) {
  injector.get('eventBus').fire('propertiesPanel.providersChanged');
}

function DepartmentPick({ element, id }) {
  const injector = useService('injector');
  const key = laneKey(element.businessObject, ctx.manifest());
  const entry = (ctx.manifest().lanes || {})[key];
  return jsx(B.SelectEntry, {
    id, element, label: t('dz.lane.pick'),
    getValue: () => (entry && ctx.departments().some((d) => d.department === entry.department) ? entry.department : ''),
    getOptions: () => [{ value: '', label: t('dz.lane.pick_none') },
      ...ctx.departments().map((d) => ({ value: d.department, label: `${d.department_name}（${d.department}）` }))],
    setValue: (code) => {
      const dir = ctx.departments().find((d) => d.department === code);
      if (!dir) return;
      const region = (entry && entry.region) || (dir.regions.length === 1 ? dir.regions[0] : 'handling');
      ctx.setLane(key, { department: dir.department, department_name: dir.department_name,
        ...(dir.department_name_en ? { department_name_en: dir.department_name_en } : {}), region });
      refreshPanel(injector);
    },
  });
}

function laneField(field, labelKey, validate) {
  return function LaneField({ element, id }) {
    const injector = useService('injector');
    const debounce = useService('debounceInput');
    const key = laneKey(element.businessObject, ctx.manifest());
    return jsx(B.TextFieldEntry, {
      id, element, label: t(labelKey), debounce, validate,
      getValue: () => (((ctx.manifest().lanes || {})[key] || {})[field] || ''),
      setValue: (value) => {
        const current = (ctx.manifest().lanes || {})[key] || { department: '', department_name: '', region: 'handling' };
        ctx.setLane(key, { ...current, [field]: (value || '').trim() });
        if (field === 'department') refreshPanel(injector);
      },
    });
  };
}
const DepartmentCode = laneField('department', 'dz.lane.code',
  (v) => (!v ? t('dz.required') : DEPT.test(v) ? null : t('dz.lane.code_bad')));
const DepartmentName = laneField('department_name', 'dz.lane.name', (v) => (v && v.trim() ? null : t('dz.required')));

function RegionRole({ element, id }) {
  const key = laneKey(element.businessObject, ctx.manifest());
  return jsx(B.SelectEntry, {
    id, element, label: t('dz.lane.region'),
    getValue: () => (((ctx.manifest().lanes || {})[key] || {}).region || ''),
    getOptions: () => [{ value: '', label: '—' }, { value: 'receiving', label: t('dz.region.receiving') },
      { value: 'handling', label: t('dz.region.handling') }],
    validate: (v) => (v ? null : t('dz.required')),
    setValue: (value) => {
      const current = (ctx.manifest().lanes || {})[key] || { department: '', department_name: '' };
      ctx.setLane(key, { ...current, region: value || 'handling' });
    },
  });
}

function Info({ id, text, kind = '' }) {
  return jsx('div', { class: `bio-properties-panel-entry yj-panel-info ${kind}`, 'data-entry-id': id, children: text });
}

function LaneInfo({ element, id }) {
  const key = laneKey(element.businessObject, ctx.manifest());
  const entry = (ctx.manifest().lanes || {})[key];
  return jsx(Info, { id, text: entry ? t('dz.lane.key', { key }) : t('dz.lane.missing', { key }), kind: entry ? '' : 'yj-warn' });
}

function TaskForm({ element, id }) {
  const injector = useService('injector');
  const current = spiff.getProperty(element, 'formJsonSchemaFilename') || '';
  return jsx(B.SelectEntry, {
    id, element, label: t('dz.task.form'),
    description: current ? null : t('dz.task.no_form_hint'),
    getValue: () => current,
    getOptions: () => {
      const names = ctx.formFiles();
      const options = [{ value: '', label: t('dz.task.no_form') },
        ...names.map((n) => ({ value: n, label: `${ctx.formTitle(n) || n}（${n}）` }))];
      if (current && !names.includes(current)) options.push({ value: current, label: t('dz.task.missing_form', { name: current }) });
      return options;
    },
    setValue: (value) => {
      spiff.setProperty(injector, element, 'formJsonSchemaFilename', value || undefined);
      spiff.setProperty(injector, element, 'formUiSchemaFilename', value ? ctx.uiFileFor(value) : undefined);
    },
  });
}

function TaskFormButtons({ element, id }) {
  const form = spiff.getProperty(element, 'formJsonSchemaFilename');
  return jsxs('div', { class: 'bio-properties-panel-entry yj-panel-buttons', 'data-entry-id': id, children: [
    jsx('button', { type: 'button', class: 'yj-btn', id: 'yj-task-new-form', onClick: () => ctx.createForm(element), children: t('dz.task.new_form') }),
    form && jsx('button', { type: 'button', class: 'yj-btn', id: 'yj-task-edit-form', onClick: () => ctx.openForm(form), children: t('dz.task.edit_form') }),
  ] });
}

function TaskInstructions({ element, id }) {
  const injector = useService('injector');
  const debounce = useService('debounceInput');
  return jsx(B.TextAreaEntry, {
    id, element, label: t('dz.task.instructions'), debounce, rows: 4,
    description: t('dz.task.instructions_hint'),
    getValue: () => spiff.getText(element, 'instructionsForEndUser') || '',
    setValue: (value) => spiff.setText(injector, element, 'instructionsForEndUser', value || undefined),
  });
}

function TaskLane({ element, id }) {
  const lane = laneOf(element);
  if (!lane) return jsx(Info, { id, text: t('dz.task.applicant') });
  const key = laneKey(lane, ctx.manifest());
  const entry = (ctx.manifest().lanes || {})[key];
  return jsx(Info, { id, kind: entry ? '' : 'yj-warn', text: entry
    ? t('dz.task.lane', { dept: entry.department_name || entry.department, region: t(`dz.region.${entry.region}`) })
    : t('dz.lane.missing', { key }) });
}

function TimerMode({ element, id }) {
  const injector = useService('injector');
  const definition = timerDefinition(element);
  const { mode, value } = classifyTimer(timerText(definition).text);
  return jsx(B.SelectEntry, {
    id, element, label: t('dz.timer.mode'),
    getValue: () => mode,
    getOptions: () => ['duration', 'workdays', 'date', 'cycle', 'expr'].map((m) => ({ value: m, label: t(`dz.timer.mode.${m}`) })),
    setValue: (next) => {
      let converted = TIMER_DEFAULTS[next];
      const days = mode === 'duration' && value.match(/^P(\d+)D$/i);
      if (next === 'workdays' && days) converted = days[1];
      if (next === 'duration' && mode === 'workdays' && value) converted = `P${value}D`;
      if (next === 'expr') converted = composeTimer(mode, value);
      if (next === 'date') converted = new Date(Date.now() + 864e5).toISOString().slice(0, 10) + 'T09:00:00';
      writeTimer(injector, element, definition, next, converted);
    },
  });
}

function TimerValue({ element, id }) {
  const injector = useService('injector');
  const debounce = useService('debounceInput');
  const definition = timerDefinition(element);
  const { mode } = classifyTimer(timerText(definition).text);
  return jsx(B.TextFieldEntry, {
    id, element, debounce, label: t(`dz.timer.value.${mode}`), description: t(`dz.timer.hint.${mode}`),
    validate: (v) => timerProblem(mode, v) || null,
    getValue: () => classifyTimer(timerText(definition).text).value,
    setValue: (value, error) => {
      if (error && mode !== 'expr') return;   // keep the last valid timer; the message says what is wrong
      writeTimer(injector, element, definition, mode, value);
    },
  });
}

function deciding(source) {
  return is(source, 'bpmn:ExclusiveGateway') || is(source, 'bpmn:InclusiveGateway');
}

function FlowDefault({ element, id }) {
  const modeling = useService('modeling');
  const source = element.source;
  return jsx(B.CheckboxEntry, {
    id, element, label: t('dz.flow.default'), description: t('dz.flow.default_hint'),
    getValue: () => source.businessObject.get('default') === element.businessObject,
    setValue: (value) => modeling.updateProperties(source, { default: value ? element.businessObject : undefined }),
  });
}

function FlowCondition({ element, id }) {
  const modeling = useService('modeling');
  const moddle = useService('moddle');
  const debounce = useService('debounceInput');
  const source = element.source;
  const isDefault = source && source.businessObject.get('default') === element.businessObject;
  return jsx(B.TextAreaEntry, {
    id, element, debounce, rows: 3, monospace: true, label: t('dz.flow.condition'),
    description: deciding(source) ? t('dz.flow.condition_hint') : t('dz.flow.not_deciding'),
    validate: (v) => {
      const text = (v || '').trim();
      if (deciding(source) && !isDefault && !text) return t('dz.flow.condition_required');
      if (!deciding(source) && text) return t('dz.flow.condition_ignored');
      return expressionProblem(text) || null;
    },
    getValue: () => {
      const expr = element.businessObject.get('conditionExpression');
      return expr ? expr.get('body') || '' : '';
    },
    setValue: (value) => {
      const text = (value || '').trim();
      modeling.updateProperties(element, {
        conditionExpression: text ? moddle.create('bpmn:FormalExpression', { body: text }) : undefined,
      });
    },
  });
}

function messageDefinition(element) {
  const bo = element.businessObject;
  if (is(bo, 'bpmn:ReceiveTask') || is(bo, 'bpmn:SendTask')) return bo;
  return (bo.get('eventDefinitions') || []).find((d) => is(d, 'bpmn:MessageEventDefinition'));
}

function definitionsOf(injector) {
  let node = injector.get('canvas').getRootElement().businessObject;
  while (node && !is(node, 'bpmn:Definitions')) node = node.$parent;
  return node;
}

function MessageName({ element, id }) {
  const injector = useService('injector');
  const debounce = useService('debounceInput');
  const definition = messageDefinition(element);
  const isStart = is(element, 'bpmn:StartEvent');
  return jsx(B.TextFieldEntry, {
    id, element, debounce, label: t('dz.message.name'),
    description: isStart ? t('dz.message.start_hint') : t('dz.message.hint'),
    validate: (v) => {
      const text = (v || '').trim();
      if (!text) return t('dz.message.required');
      if (/\s/.test(text)) return t('dz.message.spaces');
      if (isStart && !EVENT_NAME.test(text)) return t('dz.message.event_name');
      return null;
    },
    getValue: () => ((definition.get('messageRef') && definition.get('messageRef').get('name')) || ''),
    setValue: (value) => {
      const name = (value || '').trim();
      const modeling = injector.get('modeling');
      const ref = definition.get('messageRef');
      if (ref) {
        modeling.updateModdleProperties(element, ref, { name: name || undefined });
        return;
      }
      if (!name) return;
      const definitions = definitionsOf(injector);
      const existing = definitions.get('rootElements').find((r) => is(r, 'bpmn:Message') && r.get('name') === name);
      let message = existing;
      if (!message) {
        message = injector.get('bpmnFactory').create('bpmn:Message', { name });
        message.$parent = definitions;
        modeling.updateModdleProperties(element, definitions, { rootElements: [...definitions.get('rootElements'), message] });
      }
      modeling.updateModdleProperties(element, definition, { messageRef: message });
    },
  });
}

function ElementProblems({ element, id }) {
  const problems = ctx.problemsOf(element.id);
  return jsx('div', { class: 'bio-properties-panel-entry yj-panel-problems', 'data-entry-id': id,
    children: problems.map((p, i) => jsx('div', { class: `yj-panel-problem yj-${p.severity}`,
      children: `${p.severity === 'error' ? t('dz.problem.error') : t('dz.problem.warning')}：${localize(p.message)}` }, i)) });
}

// --- the provider ---------------------------------------------------------------------------------------

function yijianGroups(element, groups) {
  const bo = element.businessObject;
  const out = groups.filter((g) => !['timer', 'message'].includes(g.id));
  const mine = [];
  if (ctx.problemsOf(element.id).length) {
    mine.push({ id: 'yj-problems', label: t('dz.panel.problems'), entries: [
      { id: 'yj-problem-list', element, component: ElementProblems }] });
  }
  if (is(element, 'bpmn:Lane')) {
    mine.push({ id: 'yj-lane', label: t('dz.panel.lane'), entries: [
      { id: 'yj-lane-info', element, component: LaneInfo },
      { id: 'yj-dept-pick', element, component: DepartmentPick, isEdited: B.isSelectEntryEdited },
      { id: 'yj-dept-code', element, component: DepartmentCode, isEdited: B.isTextFieldEntryEdited },
      { id: 'yj-dept-name', element, component: DepartmentName, isEdited: B.isTextFieldEntryEdited },
      { id: 'yj-dept-region', element, component: RegionRole, isEdited: B.isSelectEntryEdited },
    ] });
  }
  if (is(element, 'bpmn:UserTask') || is(element, 'bpmn:ManualTask')) {
    mine.push({ id: 'yj-task', label: t('dz.panel.task'), entries: [
      { id: 'yj-task-lane', element, component: TaskLane },
      { id: 'yj-task-form', element, component: TaskForm, isEdited: B.isSelectEntryEdited },
      { id: 'yj-task-form-buttons', element, component: TaskFormButtons },
      { id: 'yj-instructions', element, component: TaskInstructions, isEdited: B.isTextAreaEntryEdited },
    ] });
  }
  if ((bo.get('eventDefinitions') || []).some((d) => is(d, 'bpmn:TimerEventDefinition'))) {
    mine.push({ id: 'yj-timer', label: t('dz.panel.timer'), entries: [
      { id: 'yj-timer-mode', element, component: TimerMode, isEdited: B.isSelectEntryEdited },
      { id: 'yj-timer-value', element, component: TimerValue, isEdited: B.isTextFieldEntryEdited },
    ] });
  }
  const hasCondition = is(element, 'bpmn:SequenceFlow') && Boolean(bo.get('conditionExpression'));
  if (is(element, 'bpmn:SequenceFlow') && element.source && (deciding(element.source) || hasCondition)) {
    const entries = [];
    if (deciding(element.source)) entries.push({ id: 'yj-flow-default', element, component: FlowDefault, isEdited: B.isCheckboxEntryEdited });
    entries.push({ id: 'yj-flow-condition', element, component: FlowCondition, isEdited: B.isTextAreaEntryEdited });
    mine.push({ id: 'yj-flow', label: t('dz.panel.flow'), entries });
  }
  if (messageDefinition(element) && !is(element, 'bpmn:SendTask')) {
    mine.push({ id: 'yj-message', label: t('dz.panel.message'), entries: [
      { id: 'yj-message-name', element, component: MessageName, isEdited: B.isTextFieldEntryEdited }] });
  }
  // our groups right after "General", where the designer looks first
  const at = out.findIndex((g) => g.id === 'general') + 1;
  out.splice(at, 0, ...mine);
  return out;
}

// --- the modeler ----------------------------------------------------------------------------------------

export function createDesignerModeler({ container, propertiesParent, context }) {
  ctx = context;
  const modeler = B.createModeler({
    container, propertiesParent,
    propertiesProviders: [{ getGroups: yijianGroups, priority: 400 }],
    additionalModules: [TranslateModule],
    // our groups (and "General") start open: they are what a Yijian designer edits
    propertiesPanel: { parent: propertiesParent, layout: { groups: Object.fromEntries(
      ['general', 'yj-problems', 'yj-lane', 'yj-task', 'yj-timer', 'yj-flow', 'yj-message'].map((g) => [g, { open: true }])) } },
  });
  const eventBus = modeler.get('eventBus');
  eventBus.on('commandStack.changed', () => ctx.changed());
  const rename = (from, to) => { if (from && to && from !== to) ctx.renameLane(from, to); };
  eventBus.on('commandStack.element.updateProperties.postExecuted', ({ context: c }) => {
    if (is(c.element, 'bpmn:Lane') && c.properties && 'id' in c.properties) rename(c.oldProperties.id, c.properties.id);
  });
  eventBus.on('commandStack.element.updateProperties.reverted', ({ context: c }) => {
    if (is(c.element, 'bpmn:Lane') && c.properties && 'id' in c.properties) rename(c.properties.id, c.oldProperties.id);
  });

  let marked = [];
  const api = {
    modeler,
    async open(xml) {
      const { warnings } = await modeler.importXML(xml);
      B.fitViewport(modeler, { left: 110 });
      return warnings.map((w) => w.message || String(w));
    },
    async xml() {
      return (await modeler.saveXML({ format: true })).xml;
    },
    has(id) {
      return Boolean(modeler.get('elementRegistry').get(id));
    },
    select(id) {
      const element = modeler.get('elementRegistry').get(id);
      if (!element) return false;
      const canvas = modeler.get('canvas');
      try { canvas.scrollToElement(element, { top: 120, bottom: 120, left: 200, right: 200 }); } catch { /* root */ }
      modeler.get('selection').select(element);
      return true;
    },
    showProblems(problems) {
      const canvas = modeler.get('canvas');
      const overlays = modeler.get('overlays');
      const registry = modeler.get('elementRegistry');
      overlays.remove({ type: 'yj-problem' });
      for (const id of marked) {
        if (registry.get(id)) { canvas.removeMarker(id, 'yj-error'); canvas.removeMarker(id, 'yj-warning'); }
      }
      marked = [];
      const byElement = new Map();
      for (const p of problems) {
        if (!p.element || !registry.get(p.element)) continue;
        if (!byElement.has(p.element)) byElement.set(p.element, []);
        byElement.get(p.element).push(p);
      }
      for (const [id, list] of byElement) {
        const severity = list.some((p) => p.severity === 'error') ? 'error' : 'warning';
        canvas.addMarker(id, `yj-${severity}`);
        marked.push(id);
        const badge = document.createElement('div');
        badge.className = `yj-badge yj-badge-${severity}`;
        badge.textContent = severity === 'error' ? '!' : '?';
        badge.title = list.map((p) => localize(p.message)).join('\n');
        badge.setAttribute('data-problem-element', id);
        badge.addEventListener('click', () => api.select(id));
        const element = registry.get(id);
        const position = element.waypoints ? { top: -8, left: -8 } : { top: -10, right: 10 };
        overlays.add(id, 'yj-problem', { position, html: badge });
      }
      modeler.get('eventBus').fire('propertiesPanel.providersChanged');
    },
    refreshPanel() {
      modeler.get('eventBus').fire('propertiesPanel.providersChanged');
    },
    processIds() {
      const ids = [];
      const root = modeler.getDefinitions && modeler.getDefinitions();
      for (const r of (root && root.get('rootElements')) || []) if (is(r, 'bpmn:Process')) ids.push(r.id);
      return ids;
    },
    userTasks() {
      return modeler.get('elementRegistry').filter((e) => is(e, 'bpmn:UserTask')).map((e) => ({
        id: e.id, name: e.businessObject.name || e.id, form: spiff.getProperty(e, 'formJsonSchemaFilename') || '' }));
    },
    lanes() {
      return modeler.get('elementRegistry').filter((e) => is(e, 'bpmn:Lane')).map((e) => e.businessObject);
    },
    fit() { B.fitViewport(modeler, { left: 110 }); },
    zoom(factor) {
      const canvas = modeler.get('canvas');
      canvas.zoom(Math.min(4, Math.max(0.2, canvas.zoom() * factor)), 'auto');
    },
    undo() { modeler.get('commandStack').undo(); },
    redo() { modeler.get('commandStack').redo(); },
    canUndo() { return modeler.get('commandStack').canUndo(); },
    canRedo() { return modeler.get('commandStack').canRedo(); },
  };
  return api;
}
