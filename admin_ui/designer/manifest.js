// The manifest tab: bundle.json edited through rjsf with the project's own manifest.schema.json (titles added in the
// page's language), validated as the designer types: name, modes, time limit, materials (required / tolerable,
// supply deadline), lanes ↔ departments, data events, shared process files.

import { lang, t } from '../common/i18n.js';
import { h, useEffect, useRef } from '../common/ui.js';

const RJSF = window.RJSF;

const FIELDS = {
  id: 'id', name: 'name', name_en: 'name_en', description: 'description', description_en: 'description_en',
  service_object: 'service_object', process: 'process', modes: 'modes', time_limit_working_days: 'time_limit',
  statutory_working_days: 'statutory', warning_ratio: 'warning_ratio', application: 'application', lanes: 'lanes',
  materials: 'materials', items: 'items', trips: 'trips', events: 'events', shared: 'shared', rating_lane: 'rating_lane',
};
const LANE = { department: 'department', department_name: 'department_name', department_name_en: 'department_name_en', region: 'region' };
const MATERIAL = { id: 'id', name: 'name', name_en: 'name_en', description: 'description', required: 'required',
  tolerable: 'tolerable', supply_within_working_days: 'supply', electronic_licence: 'electronic_licence', items: 'items' };
const ITEM = { id: 'id', name: 'name', name_en: 'name_en', lane: 'lane', statutory_working_days: 'statutory', separate: 'separate' };

function titled(node, map, prefix) {
  for (const [prop, key] of Object.entries(map)) {
    if (!node.properties || !node.properties[prop]) continue;
    node.properties[prop].title = t(`dz.m.${prefix}${key}`);
    const hint = t(`dz.m.${prefix}${key}.hint`);
    if (hint !== `dz.m.${prefix}${key}.hint`) node.properties[prop].description = hint;
  }
}

/** The schema's own descriptions are English notes for developers; the page shows its own hints instead. */
function withoutDescriptions(node) {
  if (Array.isArray(node)) return node.map(withoutDescriptions);
  if (!node || typeof node !== 'object') return node;
  const out = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'description' && typeof v === 'string') continue;
    out[k] = k === 'properties' ? Object.fromEntries(Object.entries(v).map(([p, s]) => [p, withoutDescriptions(s)])) : withoutDescriptions(v);
  }
  return out;
}

/** The server's manifest schema with titles in the current language and choices from the draft. */
export function localSchema(schema, { processIds, formNames, laneKeys, itemIds = [] }) {
  const s = withoutDescriptions(schema);
  delete s.$id;
  s.title = t('dz.m.title');
  delete s.description;
  titled(s, FIELDS, '');
  const p = s.properties;
  if (processIds.length) p.process.enum = processIds;
  if (formNames.length) p.application.items = { type: 'string', enum: formNames };
  titled(p.lanes.additionalProperties, LANE, 'lane.');
  titled(p.materials.items, MATERIAL, 'material.');
  titled(p.items.items, ITEM, 'item.');
  if (itemIds.length) p.materials.items.properties.items.items = { type: 'string', enum: itemIds };
  if (laneKeys.length) {
    p.rating_lane.enum = laneKeys;
    p.items.items.properties.lane.enum = laneKeys;
  }
  return s;
}

export function localUi({ deployed }) {
  const names = (prefix, values) => values.map((v) => t(`${prefix}${v}`));
  return {
    'ui:order': ['id', 'name', 'name_en', 'service_object', 'process', 'modes', 'time_limit_working_days', 'statutory_working_days',
      'warning_ratio', 'trips', 'description', 'description_en', 'application', 'lanes', 'materials', 'events', 'items', 'shared', 'rating_lane', '*'],
    'ui:submitButtonOptions': { norender: true },
    id: deployed ? { 'ui:readonly': true, 'ui:help': t('dz.m.id.fixed') } : {},
    description: { 'ui:widget': 'textarea', 'ui:options': { rows: 3 } },
    description_en: { 'ui:widget': 'textarea', 'ui:options': { rows: 2 } },
    modes: { 'ui:widget': 'checkboxes', 'ui:options': { inline: true },
      'ui:enumNames': names('dz.mode.', ['integrated', 'commitment', 'cross_region', 'no_application', 'instant']) },
    service_object: { 'ui:enumNames': names('dz.service_object.', ['individual', 'enterprise', 'both']) },
    lanes: { additionalProperties: { region: { 'ui:enumNames': [t('dz.region.receiving'), t('dz.region.handling')] } } },
    materials: { items: { 'ui:order': ['id', 'name', 'required', 'tolerable', 'supply_within_working_days', 'electronic_licence', '*'],
      description: { 'ui:widget': 'textarea', 'ui:options': { rows: 2 } } } },
  };
}

export function ManifestTab({ manifest, onChange, schema, processIds, formNames, laneKeys, deployed, errorCount }) {
  const el = useRef(null);
  const handle = useRef(null);
  const emitted = useRef(null);
  const l = lang();
  const itemIds = ((manifest && Array.isArray(manifest.items)) ? manifest.items : []).map((i) => i && i.id).filter(Boolean);
  const schemaKey = JSON.stringify([processIds, formNames, laneKeys, itemIds, deployed, l]);
  useEffect(() => {
    if (!schema || !el.current) return undefined;
    const props = {
      schema: localSchema(schema, { processIds, formNames, laneKeys, itemIds }), uiSchema: localUi({ deployed }),
      liveValidate: true, lang: l, showErrorList: false, idPrefix: 'manifest', noHtml5Validate: true,
      onChange: (data) => { emitted.current = data; onChange(data); },
    };
    if (handle.current) handle.current.update(props);
    else handle.current = RJSF.render(el.current, { ...props, formData: manifest });
    return undefined;
  }, [schema, schemaKey]);   // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => {
    if (handle.current && manifest !== emitted.current) handle.current.update({ formData: manifest });
  }, [manifest]);
  useEffect(() => () => { const hd = handle.current; handle.current = null; if (hd) setTimeout(() => hd.unmount()); }, []);
  return h('div', { className: 'dz-manifest' },
    h('div', { className: 'dz-manifest-head' },
      h('strong', null, t('dz.m.heading')),
      h('span', { className: 'muted small' }, t('dz.m.hint')),
      errorCount > 0 && h('span', { className: 'badge badge-red' }, t('dz.m.errors', { n: errorCount }))),
    h('div', { className: 'json-form dz-manifest-form', id: 'dz-manifest-form', ref: el }));
}
