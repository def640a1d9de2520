// Rendering of a version diff (GET /api/designer/bundles/{id}/versions/{n}/diff, /drafts/{id}/diff).

import { t } from '../common/i18n.js';
import { h, useState } from '../common/ui.js';

const SHORT = 10;

export function elementType(type) {
  const key = `dz.type.${type}`;
  const text = t(key);
  return text === key ? type : text;
}

function Section({ title, count, children }) {
  return h('section', { className: 'dz-diff-section' },
    h('h3', null, title, ' ', h('span', { className: 'badge' }, String(count))),
    count ? children : h('p', { className: 'muted small' }, t('dz.diff.none')));
}

function value(v) {
  if (v === undefined || v === null) return '—';
  if (typeof v === 'boolean') return v ? t('common.yes') : t('common.no');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export function summary(diff) {
  const e = diff.elements;
  return {
    elements: e.added.length + e.removed.length + e.changed.length,
    fields: diff.forms.reduce((n, f) => n + f.added_fields.length + f.removed_fields.length, 0),
    manifest: diff.manifest.settings.length + ['lanes', 'materials', 'items'].reduce((n, k) =>
      n + diff.manifest[k].added.length + diff.manifest[k].removed.length + diff.manifest[k].changed.length, 0),
    files: diff.files.added.length + diff.files.removed.length + diff.files.changed.length,
  };
}

export function DiffView({ diff }) {
  const e = diff.elements;
  const rows = [
    ...e.added.map((x) => ({ ...x, status: 'added' })),
    ...e.removed.map((x) => ({ ...x, status: 'removed' })),
    ...e.changed.map((x) => ({ ...x, status: 'changed' })),
  ];
  const m = diff.manifest;
  const manifestRows = [
    ...m.settings.map((s) => ({ what: t('dz.diff.setting'), id: s.field, text: `${value(s.before)} → ${value(s.after)}`, status: 'changed' })),
    ...['lanes', 'materials', 'items'].flatMap((section) => [
      ...m[section].added.map((id) => ({ what: t(`dz.diff.${section}`), id, text: '', status: 'added' })),
      ...m[section].removed.map((id) => ({ what: t(`dz.diff.${section}`), id, text: '', status: 'removed' })),
      ...m[section].changed.map((c) => ({ what: t(`dz.diff.${section}`), id: c.id, status: 'changed',
        text: c.changes.map((x) => `${x.field}: ${value(x.before)} → ${value(x.after)}`).join('；') })),
    ]),
  ];
  const app = diff.application_form || { added_fields: [], removed_fields: [] };
  const [all, setAll] = useState(false);
  const shown = all || rows.length <= SHORT + 2 ? rows : rows.slice(0, SHORT);
  return h('div', { className: 'dz-diff', 'data-testid': 'diff' },
    h(Section, { title: t('dz.diff.elements'), count: rows.length },
      h('div', { className: 'table-wrap' }, h('table', { className: 'table dz-diff-table' },
        h('thead', null, h('tr', null, ['status', 'id', 'type', 'name', 'changes'].map((c) => h('th', { key: c }, t(`dz.diff.col.${c}`))))),
        h('tbody', null, shown.map((r) => h('tr', { key: `${r.status}-${r.id}`, 'data-element': r.id, className: `dz-diff-${r.status}` },
          h('td', null, h('span', { className: `badge dz-status-${r.status}` }, t(`dz.diff.${r.status}`))),
          h('td', null, h('code', null, r.id)),
          h('td', null, elementType(r.type)),
          h('td', null, r.name_before !== undefined ? `${r.name_before || '—'} → ${r.name || '—'}` : r.name || '—'),
          h('td', null, (r.changes || []).map((c) => t(`dz.aspect.${c}`)).join('、'))))))),
      shown.length < rows.length && h('button', { type: 'button', className: 'btn btn-sm', onClick: () => setAll(true) },
        t('dz.diff.show_all', { n: rows.length }))),
    h(Section, { title: t('dz.diff.fields'), count: diff.forms.length + app.added_fields.length + app.removed_fields.length },
      h('ul', { className: 'dz-diff-forms' },
        (app.added_fields.length || app.removed_fields.length) ? h('li', { key: '__app' },
          h('strong', null, t('dz.diff.application')), ' ',
          app.added_fields.map((f) => h('span', { key: `+${f}`, className: 'badge badge-green' }, `+ ${f}`)),
          app.removed_fields.map((f) => h('span', { key: `-${f}`, className: 'badge badge-red' }, `− ${f}`))) : null,
        diff.forms.map((f) => h('li', { key: f.file, 'data-form': f.file },
          h('code', null, f.file), ' ', h('span', { className: `badge dz-status-${f.status}` }, t(`dz.diff.${f.status}`)), ' ',
          f.added_fields.map((x) => h('span', { key: `+${x}`, className: 'badge badge-green' }, `+ ${x}`)),
          f.removed_fields.map((x) => h('span', { key: `-${x}`, className: 'badge badge-red' }, `− ${x}`)),
          !f.added_fields.length && !f.removed_fields.length && h('span', { className: 'muted small' }, t('dz.diff.fields_same')))))),
    h(Section, { title: t('dz.diff.manifest'), count: manifestRows.length },
      h('table', { className: 'table dz-diff-table' },
        h('tbody', null, manifestRows.map((r, i) => h('tr', { key: i },
          h('td', null, h('span', { className: `badge dz-status-${r.status}` }, t(`dz.diff.${r.status}`))),
          h('td', null, r.what), h('td', null, h('code', null, r.id)), h('td', null, r.text)))))),
    h(Section, { title: t('dz.diff.files'), count: diff.files.added.length + diff.files.removed.length + diff.files.changed.length },
      h('ul', { className: 'dz-diff-files' },
        ['added', 'removed', 'changed'].flatMap((s) => diff.files[s].map((f) => h('li', { key: `${s}-${f}` },
          h('span', { className: `badge dz-status-${s}` }, t(`dz.diff.${s}`)), ' ', h('code', null, f)))))));
}
