// Read-only views of an instance (办件), shared by the workbench and the portal.
//
//   DataView { data, schema, uiSchema, reveal, hideKeys }   application data with 公民身份号码 masked unless reveal
//   Timeline { entries, materials, hideActions }             instance.timeline, oldest first
//   Materials { rows }  + materialRows(manifest, instance)   materials with their states (manifest + commitments)
//   Commitments { commitments }                              承诺书 with deadline, days left and items
//   DiagramView { xml, elements }                            bpmn-js viewer (needs vendor/bpmn bundle), highlights
//   RevealToggle { reveal, onChange }                        "显示完整号码"
//   SupplyForm { material, onSupply(material, reference) }    补交 a missing material

import { addMessages, lang, localize, pick, t } from './i18n.js';
import { regionName } from './regions.js';
import { serverNow } from './api.js';
import { containsId, date, dateTime, maskIds } from './format.js';
import { Fragment, h, useEffect, useRef, useState } from './ui.js';

/** Keys the engine adds to the application data; shown elsewhere, not as application fields. */
export const ENGINE_KEYS = ['missing_materials', 'commitment_deadline', 'receiving_region', 'handling_region', 'applicant'];

addMessages({
  zh: {
    'data.empty': '无申请数据',
    'data.other': '其他数据',
    'material.received': '已提交',
    'material.pending': '容缺待补',
    'material.supplied': '已补齐',
    'material.overdue': '逾期未补',
    'material.optional': '选交',
    'material.required': '必交',
    'material.tolerable': '可容缺',
    'material.due': '补交期限 {d}',
    'material.supplied_at': '补交于 {d}',
    'material.reference': '凭证：{r}',
    'material.within': '受理后 {n} 个工作日内补交',
    'material.e_licence': '可用电子证照',
    'material.empty': '本事项无需材料',
    'material.supply': '补交',
    'material.supply_ref': '材料编号或电子证照号（可选）',
    'material.supply_submit': '确认补交',
    'commitment.title': '承诺书',
    'commitment.state.open': '履行中',
    'commitment.state.fulfilled': '已履行',
    'commitment.state.breached': '已逾期',
    'commitment.signed': '{who} 签署于 {d}',
    'commitment.deadline': '承诺期限',
    'commitment.days_left': '剩 {n} 个工作日',
    'commitment.days_over': '逾期 {n} 个工作日',
    'commitment.due_today': '今日到期',
    'commitment.empty': '无承诺书',
    'diagram.legend': '图例',
    'diagram.completed': '已完成',
    'diagram.active': '办理中',
    'diagram.waiting': '等待中',
    'diagram.no_di': '该流程文件没有图形信息（BPMNDiagram），无法显示流程图。',
    'diagram.failed': '流程图加载失败：{m}',
    'diagram.label': '流程图',
    'diagram.zoom_in': '放大',
    'diagram.zoom_out': '缩小',
    'diagram.fit': '适应窗口',
    'timeline.missing': '容缺：{list}',
    'timeline.reason': '原因：{r}',
    'timeline.score': '评分：{n} 星',
  },
  en: {
    'data.empty': 'No application data',
    'data.other': 'Other data',
    'material.received': 'Submitted',
    'material.pending': 'To be supplied',
    'material.supplied': 'Supplied',
    'material.overdue': 'Overdue',
    'material.optional': 'Optional',
    'material.required': 'Required',
    'material.tolerable': 'May be supplied later',
    'material.due': 'due {d}',
    'material.supplied_at': 'supplied {d}',
    'material.reference': 'reference: {r}',
    'material.within': 'supply within {n} working days of acceptance',
    'material.e_licence': 'e-licence accepted',
    'material.empty': 'No materials needed',
    'material.supply': 'Supply',
    'material.supply_ref': 'Document or e-licence number (optional)',
    'material.supply_submit': 'Confirm',
    'commitment.title': 'Commitment',
    'commitment.state.open': 'Open',
    'commitment.state.fulfilled': 'Fulfilled',
    'commitment.state.breached': 'Breached',
    'commitment.signed': 'signed by {who} on {d}',
    'commitment.deadline': 'Deadline',
    'commitment.days_left': 'working days left: {n}',
    'commitment.days_over': 'working days overdue: {n}',
    'commitment.due_today': 'due today',
    'commitment.empty': 'No commitment',
    'diagram.legend': 'Legend',
    'diagram.completed': 'Completed',
    'diagram.active': 'Active',
    'diagram.waiting': 'Waiting',
    'diagram.no_di': 'This process file has no diagram layout (BPMNDiagram) to show.',
    'diagram.failed': 'The diagram could not be loaded: {m}',
    'diagram.label': 'Process diagram',
    'diagram.zoom_in': 'Zoom in',
    'diagram.zoom_out': 'Zoom out',
    'diagram.fit': 'Fit',
    'timeline.missing': 'missing: {list}',
    'timeline.reason': 'reason: {r}',
    'timeline.score': 'score: {n} of 5',
  },
});

// --- schema helpers ---

function resolve(schema, root) {
  let s = schema;
  for (let i = 0; s && s.$ref && i < 10; i++) {
    if (!s.$ref.startsWith('#/')) break;
    s = s.$ref.slice(2).split('/').reduce((node, part) => node && node[part.replace(/~1/g, '/').replace(/~0/g, '~')], root);
  }
  return s || {};
}

function propertySchema(schema, key, root) {
  const s = resolve(schema, root);
  if (s.properties && s.properties[key]) return resolve(s.properties[key], root);
  for (const sub of [...(s.allOf || []), ...(s.oneOf || []), ...(s.anyOf || []), s.then, s.else].filter(Boolean)) {
    const found = propertySchema(sub, key, root);
    if (found && Object.keys(found).length) return found;
  }
  return {};
}

function keyOrder(schema, uiSchema, data, root) {
  const s = resolve(schema, root);
  const keys = [];
  const push = (k) => { if (!keys.includes(k) && data && k in data) keys.push(k); };
  for (const k of (uiSchema && uiSchema['ui:order']) || []) if (k !== '*') push(k);
  for (const k of Object.keys(s.properties || {})) push(k);
  for (const sub of [...(s.allOf || []), s.then, s.else].filter(Boolean)) for (const k of Object.keys(resolve(sub, root).properties || {})) push(k);
  for (const k of Object.keys(data || {})) push(k);
  return keys;
}

function enumLabel(schema, uiSchema, value) {
  for (const alt of schema.oneOf || schema.anyOf || []) if (alt && alt.const === value && alt.title) return alt.title;
  const names = uiSchema && uiSchema['ui:enumNames'];
  if (Array.isArray(schema.enum) && names) {
    const i = schema.enum.indexOf(value);
    if (i >= 0 && names[i]) return names[i];
  }
  return null;
}

function RegionLabel({ code }) {
  const [name, setName] = useState(null);
  useEffect(() => { let alive = true; regionName(code).then((n) => alive && setName(n)); return () => { alive = false; }; }, [code]);
  return h('span', null, name && name !== code ? `${name} ` : '', h('span', { className: 'muted mono small' }, code));
}

function Value({ value, schema, uiSchema, reveal, root }) {
  if (value === null || value === undefined || value === '') return h('span', { className: 'muted' }, '—');
  if (typeof value === 'boolean') return value ? t('common.yes') : t('common.no');
  const label = enumLabel(schema, uiSchema, value);
  if (label) return label;
  if (Array.isArray(value)) {
    if (!value.length) return h('span', { className: 'muted' }, '—');
    const itemSchema = resolve(schema.items || {}, root);
    if (value.every((v) => typeof v !== 'object' || v === null)) {
      return value.map((v) => enumLabel(itemSchema, uiSchema && uiSchema.items, v) ?? (reveal ? String(v) : maskIds(String(v)))).join(t('common.list_sep'));
    }
    return h('ol', { className: 'data-list' }, value.map((v, i) => h('li', { key: i },
      h(Value, { value: v, schema: itemSchema, uiSchema: uiSchema && uiSchema.items, reveal, root }))));
  }
  if (typeof value === 'object') {
    return h('dl', { className: 'kv kv-nested' }, h(Rows, { data: value, schema, uiSchema, reveal, root }));
  }
  const text = String(value);
  if (schema.format === 'date-time') return dateTime(text);
  if (schema.format === 'cn-region-code') return h(RegionLabel, { code: text });
  return reveal ? text : maskIds(text);
}

function titleOf(schema, uiSchema, key) {
  if (uiSchema && uiSchema['ui:title']) return uiSchema['ui:title'];
  if (lang() === 'en' && schema && schema['x-title-en']) return schema['x-title-en'];
  return (schema && schema.title) || key;
}

function isObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

// Objects and lists of objects get their own heading; plain values are rows.
function isGroup(value) {
  return isObject(value) || (Array.isArray(value) && value.length > 0 && value.some(isObject));
}

// Within an object: its plain fields first, then each nested object (or list of objects) as a group titled
// "parent › child", so no field ever sits visually under the wrong heading.
function Rows({ data, schema, uiSchema, reveal, root, hide = [], path = [] }) {
  const keys = keyOrder(schema, uiSchema, data, root).filter((k) => !hide.includes(k));
  const plain = keys.filter((k) => !isGroup(data[k]));
  const groups = keys.filter((k) => isGroup(data[k]));
  return h(Fragment, null,
    plain.map((k) => {
      const ps = propertySchema(schema, k, root);
      const pu = (uiSchema && uiSchema[k]) || {};
      return h(Fragment, { key: k }, h('dt', null, titleOf(ps, pu, k)),
        h('dd', null, h(Value, { value: data[k], schema: ps, uiSchema: pu, reveal, root })));
    }),
    groups.map((k) => {
      const ps = propertySchema(schema, k, root);
      const pu = (uiSchema && uiSchema[k]) || {};
      const title = [...path, titleOf(ps, pu, k)];
      const heading = h('div', { className: 'kv-group', role: 'heading', 'aria-level': 4 }, title.join(' › '));
      if (Array.isArray(data[k])) {
        const items = resolve(ps.items || {}, root);
        return h(Fragment, { key: k }, heading,
          h('ol', { className: 'kv-list' }, data[k].map((item, i) => h('li', { key: i },
            isObject(item) ? h('dl', { className: 'kv kv-nested' }, h(Rows, { data: item, schema: items, uiSchema: pu.items, reveal, root }))
              : h(Value, { value: item, schema: items, uiSchema: pu.items, reveal, root })))));
      }
      return h(Fragment, { key: k }, heading, h(Rows, { data: data[k], schema: ps, uiSchema: pu, reveal, root, path: title }));
    }));
}

/** Application data as a definition list, titles from the (merged) form schema, IDs masked unless reveal. */
export function DataView({ data, schema = {}, uiSchema = {}, reveal = false, hideKeys = ENGINE_KEYS }) {
  const keys = Object.keys(data || {}).filter((k) => !hideKeys.includes(k));
  if (!keys.length) return h('p', { className: 'muted' }, t('data.empty'));
  return h('dl', { className: 'kv data-view' }, h(Rows, { data, schema, uiSchema, reveal, root: schema, hide: hideKeys }));
}

/** Whether DataView would mask anything (so the toggle is worth showing). */
export function hasIds(data) {
  return containsId(data);
}

export function RevealToggle({ reveal, onChange }) {
  return h('button', { type: 'button', className: 'btn btn-sm', 'aria-pressed': reveal, onClick: () => onChange(!reveal) },
    reveal ? t('common.hide_full_ids') : t('common.show_full_ids'));
}

// --- timeline ---

const TL_CLASS = {
  'instance.completed': 'tl-done', 'commitment.fulfilled': 'tl-done', 'task.completed': 'tl-done',
  'sla.warning': 'tl-warn', 'sla.overdue': 'tl-bad', 'commitment.breached': 'tl-bad', 'instance.failed': 'tl-bad',
  'instance.cancelled': 'tl-bad',
};

function actorName(actor) {
  if (!actor || actor === 'engine' || actor === 'worker' || actor === 'system') return t('common.system');
  return actor;
}

export function Timeline({ entries: all = [], materials = [], hideActions = [] }) {
  const entries = all.filter((e) => !hideActions.includes(e.action));
  if (!entries.length) return h('p', { className: 'muted' }, t('timeline.empty'));
  const nameOf = (id) => pick(materials.find((m) => m.id === id)) || id;
  return h('ol', { className: 'timeline' }, entries.map((e, i) => {
    const d = e.detail || {};
    const label = t(`action.${e.action}`) !== `action.${e.action}` ? t(`action.${e.action}`) : e.action;
    const extra = [];
    if (Array.isArray(d.missing_materials) && d.missing_materials.length) extra.push(t('timeline.missing', { list: d.missing_materials.map(nameOf).join(t('common.list_sep')) }));
    if (d.material_id) extra.push(nameOf(d.material_id));
    if (d.reason) extra.push(t('timeline.reason', { r: d.reason }));
    if (d.score) extra.push(t('timeline.score', { n: d.score }));
    if (d.name && ['message.received', 'event.thrown', 'event.received'].includes(e.action)) extra.push(d.name);
    if (d.element && e.action === 'end.reached') extra.push(d.element);
    if (d.error) extra.push(d.error);
    return h('li', { key: i, className: TL_CLASS[e.action] || '' },
      h('div', { className: 'tl-head' },
        h('span', { className: 'tl-action' }, label),
        e.task && h('span', null, e.task),
        h('time', { className: 'tl-time', dateTime: e.at }, dateTime(e.at))),
      h('div', { className: 'tl-meta' }, actorName(e.actor), extra.length ? ` · ${extra.join(t('common.sep'))}` : ''));
  }));
}

// --- materials ---

/**
 * Each manifest material with its state in this instance: received | pending | supplied | overdue | optional,
 * from data.missing_materials and the instance's commitments (when the API returns them).
 */
export function materialRows(manifest, instance) {
  const materials = (manifest && manifest.materials) || [];
  const data = (instance && instance.data) || {};
  const missing = data.missing_materials || [];
  const items = {};
  for (const c of (instance && instance.commitments) || []) {
    for (const m of c.materials || c.items || []) items[m.id || m.material_id] = { ...m, commitment: c };
  }
  return materials.map((m) => {
    const item = items[m.id];
    let state = m.required ? 'received' : 'optional';
    let due = null;
    if (item) {
      due = item.due_at || item.commitment.deadline;
      state = item.supplied_at ? 'supplied' : item.commitment.state === 'breached' ? 'overdue' : 'pending';
    } else if (missing.includes(m.id)) {
      due = data.commitment_deadline || null;
      state = 'pending';
      if (due && Date.parse(due) < serverNow()) state = 'overdue';
    }
    return { ...m, state, due, item };
  });
}

const MATERIAL_BADGE = { received: 'badge-green', supplied: 'badge-green', pending: 'badge-yellow', overdue: 'badge-red', optional: '' };
const MATERIAL_ICON = { received: '✓', supplied: '✓', pending: '…', overdue: '!', optional: '○' };

export function Materials({ rows, action }) {
  if (!rows || !rows.length) return h('p', { className: 'muted' }, t('material.empty'));
  return h('ul', { className: 'materials' }, rows.map((m) => h('li', { key: m.id, 'data-material': m.id, 'data-state': m.state },
    h('span', { className: 'material-name' },
      pick(m),
      h('span', { className: 'material-meta' },
        [m.required ? t('material.required') : t('material.optional'),
          m.tolerable && t('material.tolerable'),
          m.electronic_licence && t('material.e_licence'),
          m.due && (m.state === 'pending' || m.state === 'overdue') && t('material.due', { d: dateTime(m.due) }),
          m.item && m.item.supplied_at && t('material.supplied_at', { d: dateTime(m.item.supplied_at) }),
          m.item && m.item.reference && t('material.reference', { r: m.item.reference }),
        ].filter(Boolean).join(' · '))),
    action && action(m),
    h('span', { className: `badge ${MATERIAL_BADGE[m.state]}` }, h('span', { 'aria-hidden': true }, MATERIAL_ICON[m.state]), t(`material.${m.state}`)))));
}

/** 补交: a button that opens a reference field; onSupply(material, reference) records it. */
export function SupplyForm({ material, onSupply }) {
  const [open, setOpen] = useState(false);
  const [ref, setRef] = useState('');
  const [busy, setBusy] = useState(false);
  if (!open) return h('button', { type: 'button', className: 'btn btn-sm', onClick: () => setOpen(true), 'data-supply': material.id }, t('material.supply'));
  const id = `supply-${material.id}`;
  return h('form', { className: 'supply-form', onSubmit: async (e) => { e.preventDefault(); setBusy(true); await onSupply(material, ref); setBusy(false); setOpen(false); } },
    h('label', { htmlFor: id, className: 'sr-only' }, t('material.supply_ref')),
    h('input', { id, className: 'input', placeholder: t('material.supply_ref'), value: ref, onChange: (e) => setRef(e.target.value), maxLength: 500 }),
    h('button', { type: 'submit', className: 'btn btn-primary btn-sm', disabled: busy }, t('material.supply_submit')));
}

// --- commitments ---

export function daysLeftLabel(n) {
  if (n === null || n === undefined) return '';
  if (n > 0) return t('commitment.days_left', { n });
  if (n === 0) return t('commitment.due_today');
  return t('commitment.days_over', { n: -n });
}

export function Commitments({ commitments = [] }) {
  if (!commitments.length) return h('p', { className: 'muted' }, t('commitment.empty'));
  return commitments.map((c) => {
    const kind = c.state === 'fulfilled' ? 'badge-green' : c.state === 'breached' ? 'badge-red' : 'badge-yellow';
    return h('div', { className: 'commitment', key: c.id, 'data-commitment': c.id },
      h('div', { className: 'commitment-head' },
        h('span', { className: `badge ${kind}` }, t(`commitment.state.${c.state}`)),
        c.state === 'open' && c.days_left !== undefined && c.days_left !== null &&
          h('span', { className: `badge ${c.days_left < 0 ? 'badge-red' : c.days_left <= 1 ? 'badge-yellow' : ''}` }, daysLeftLabel(c.days_left)),
        h('span', { className: 'muted small' }, t('commitment.signed', { who: c.signed_by, d: date(c.signed_at) }))),
      h('dl', { className: 'kv' },
        h('dt', null, t('commitment.deadline')),
        h('dd', null, dateTime(c.deadline), c.provisional && h('span', { className: 'badge badge-yellow', title: t('common.provisional_hint'), style: { marginLeft: 6 } }, t('common.provisional')))),
      h('blockquote', { className: 'commitment-text' }, c.text));
  });
}

// --- diagram ---

function fit(viewer) {
  viewer.get('canvas').zoom('fit-viewport', 'auto');
}

/**
 * bpmn-js NavigatedViewer (window.BpmnBundle) with elements highlighted: { id: 'completed'|'active'|'waiting' }.
 * The bpmn.io watermark stays visible (licence); nothing is placed over the bottom-right corner.
 */
export function DiagramView({ xml, elements = {}, height }) {
  const el = useRef(null);
  const viewerRef = useRef(null);
  const [problem, setProblem] = useState(null);
  useEffect(() => {
    if (!xml || !el.current) return undefined;
    const Bpmn = window.BpmnBundle;
    if (!Bpmn) { setProblem(t('diagram.failed', { m: 'BpmnBundle' })); return undefined; }
    const viewer = Bpmn.createViewer({ container: el.current });
    viewerRef.current = viewer;
    let alive = true;
    if (!/BPMNDiagram/.test(xml)) {
      setProblem(t('diagram.no_di'));
    } else {
      viewer.importXML(xml).then(() => {
        if (!alive) return;
        const canvas = viewer.get('canvas');
        const registry = viewer.get('elementRegistry');
        for (const [id, state] of Object.entries(elements || {})) {
          if (registry.get(id)) canvas.addMarker(id, `yj-${state}`);
        }
        fit(viewer);
        setProblem(null);
      }).catch((err) => { if (alive) setProblem(t('diagram.failed', { m: localize(err.message) })); });
    }
    return () => { alive = false; viewerRef.current = null; viewer.destroy(); };
  }, [xml, JSON.stringify(elements)]);   // eslint-disable-line react-hooks/exhaustive-deps
  const zoom = (factor) => {
    const v = viewerRef.current;
    if (!v) return;
    const canvas = v.get('canvas');
    if (!factor) { fit(v); return; }
    const box = canvas.viewbox();
    canvas.zoom(canvas.zoom() * factor, { x: box.x + box.width / 2, y: box.y + box.height / 2 });
  };
  const counts = { completed: 0, active: 0, waiting: 0 };
  for (const s of Object.values(elements || {})) if (s in counts) counts[s]++;
  return h('div', { className: 'diagram-wrap' },
    problem && h('p', { className: 'muted diagram-problem' }, problem),
    h('div', { className: 'diagram', ref: el, role: 'img', 'aria-label': t('diagram.label'), style: height ? { height } : undefined, hidden: !!problem && !/BPMNDiagram/.test(xml || '') }),
    h('div', { className: 'diagram-foot' },
      h('div', { className: 'diagram-legend', role: 'list', 'aria-label': t('diagram.legend') },
        ['completed', 'active', 'waiting'].map((s) => h('span', { key: s, role: 'listitem', className: `legend legend-${s}` },
          h('span', { className: 'legend-swatch', 'aria-hidden': true }), `${t(`diagram.${s}`)} ${counts[s]}`))),
      !problem && h('div', { className: 'btn-row diagram-zoom' },
        h('button', { type: 'button', className: 'btn btn-sm', onClick: () => zoom(1.25), 'aria-label': t('diagram.zoom_in'), title: t('diagram.zoom_in') }, '+'),
        h('button', { type: 'button', className: 'btn btn-sm', onClick: () => zoom(0.8), 'aria-label': t('diagram.zoom_out'), title: t('diagram.zoom_out') }, '−'),
        h('button', { type: 'button', className: 'btn btn-sm', onClick: () => zoom(0) }, t('diagram.fit')))));
}
