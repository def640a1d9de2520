// 办事指南 (一次告知): time limits, departments and items, materials (tolerable ones marked), steps, 四减.
// Uses GET /api/bundles/{id}/guide when the server has it, else derives the same from the manifest.
import { api } from '../common/api.js';
import { pick, t } from '../common/i18n.js';
import { Card, Empty, ErrorView, h, Loading, useLoad } from '../common/ui.js';
import '../common/instance-view.js';   // material.* strings
import { modeIds } from './messages.js';
import { ModeTags, portalPage } from './shell.js';

const ID = new URLSearchParams(location.search).get('id') || '';

/** The guide's shape built from the manifest (for servers without /guide). */
export function guideFromManifest(detail) {
  const m = detail.manifest;
  const items = m.items || [];
  const sum = (key) => {
    const v = items.map((i) => (i.separate || {})[key]).filter((x) => typeof x === 'number');
    return v.length ? v.reduce((a, b) => a + b, 0) : null;
  };
  return {
    bundle_id: m.id, name: m.name, name_en: m.name_en, description: m.description, description_en: m.description_en,
    service_object: m.service_object, modes: m.modes, time_limit_working_days: m.time_limit_working_days,
    statutory_working_days: m.statutory_working_days, trips: m.trips,
    departments: Object.entries(m.lanes).map(([lane, l]) => ({ lane, ...l, items: items.filter((i) => i.lane === lane) })),
    materials: m.materials, steps: [],
    reduction: {
      materials: { before: sum('materials'), after: m.materials.filter((x) => x.required).length },
      trips: { before: sum('trips'), after: m.trips ?? null },
      working_days: { before: sum('working_days'), after: m.time_limit_working_days },
    },
  };
}

async function loadGuide() {
  const detail = await api.get(`/api/bundles/${encodeURIComponent(ID)}`, undefined, { auth: false });
  const guide = (await api.has('GET', '/api/bundles/{id}/guide'))
    ? await api.get(`/api/bundles/${encodeURIComponent(ID)}/guide`, undefined, { auth: false })
    : guideFromManifest(detail);
  return { guide, manifest: detail.manifest };
}

function Fact({ num, label, id }) {
  return h('div', { className: 'fact', id }, h('span', { className: 'num' }, num), h('span', { className: 'label' }, label));
}

function Guide({ me }) {
  const res = useLoad(loadGuide, []);
  if (res.loading && !res.data) return h(Loading);
  if (res.error) return h(ErrorView, { error: res.error, onRetry: res.reload });
  const { guide: g, manifest } = res.data;
  document.title = `${pick(g)} · ${t('p.guide')}`;
  const lanes = manifest.lanes || {};
  const laneName = (d) => pick({ name: d.department_name, name_en: (lanes[d.lane] || {}).department_name_en }) || t('g.applicant');
  const materials = g.materials || [];
  const auto = modeIds(g.modes).includes('no_application');
  const reduction = Object.entries(g.reduction || {}).filter(([, v]) => v && v.before !== null && v.before !== undefined && v.after !== null && v.after !== undefined);
  return h('article', { className: 'guide' },
    h('div', { className: 'breadcrumb' }, h('a', { href: './' }, t('p.nav.catalogue')), h('span', { 'aria-hidden': true }, '›'), h('span', null, pick(g))),
    h('h1', { className: 'guide-title' }, pick(g)),
    h(ModeTags, { modes: g.modes, object: g.service_object }),
    h('div', { className: 'facts' },
      h(Fact, { id: 'fact-limit', num: g.time_limit_working_days, label: `${t('g.time_limit')}（${t('common.working_days', { n: '' }).trim()}）` }),
      h(Fact, { num: g.trips === 0 ? '0' : g.trips ?? '—', label: g.trips === 0 ? t('g.trips_zero') : t('g.trips') }),
      h(Fact, { num: materials.filter((x) => x.required).length, label: t('g.required_materials') }),
      h(Fact, { num: (g.departments || []).length, label: t('g.departments_short') })),
    g.statutory_working_days && h('p', { className: 'muted small' }, t('p.limit_statutory', { n: g.statutory_working_days })),
    (pick(g, 'description')) && h(Card, { id: 'about', title: t('p.guide') }, h('p', null, pick(g, 'description'))),
    reduction.length > 0 && h(Card, { id: 'reduction', title: t('g.reduction') },
      h('table', { className: 'reduction' },
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, ''), h('th', { scope: 'col' }, t('g.reduction.before')), h('th', { scope: 'col' }, t('g.reduction.after')))),
        h('tbody', null, reduction.map(([k, v]) => h('tr', { key: k },
          h('th', { scope: 'row' }, t(`g.reduction.${k}`)), h('td', null, v.before), h('td', { className: 'after' }, v.after)))))),
    h(Card, { id: 'materials', title: `${t('g.materials')}（${materials.length}）` },
      materials.some((m) => m.tolerable) && h('p', { className: 'muted small' }, t('g.tolerable_note')),
      materials.length === 0 ? h(Empty) : h('ul', { className: 'materials' }, materials.map((m) => h('li', { key: m.id, 'data-material': m.id },
        h('span', { className: 'material-name' }, pick(m),
          h('span', { className: 'material-meta' }, [m.required ? t('material.required') : t('material.optional'), m.electronic_licence && t('material.e_licence'), pick(m, 'description')].filter(Boolean).join(' · '))),
        m.tolerable ? h('span', { className: 'badge badge-yellow', title: t('g.tolerable_yes', { n: m.supply_within_working_days }) },
          `${t('material.tolerable')} · ${t('common.working_days', { n: m.supply_within_working_days })}`)
          : null)))),
    h(Card, { id: 'departments', title: t('g.departments') },
      h('ul', { className: 'dept-list' }, (g.departments || []).map((d) => h('li', { key: d.lane },
        h('strong', null, laneName(d)), ' ', h('span', { className: 'muted small' }, t(`g.region.${d.region}`)),
        h('span', { className: 'items' }, (d.items || []).map((i) => pick(i)).join(t('common.list_sep')) || t('g.items_none')))))),
    (g.steps || []).length > 0 && h(Card, { id: 'steps', title: t('g.steps') },
      h('ol', { className: 'steps-list' }, g.steps.map((s, i) => h('li', { key: s.id || i }, s.name, ' ',
        h('span', { className: 'muted small' }, s.lane ? laneName({ lane: s.lane, department_name: s.department_name }) : t('g.applicant')))))),
    !auto && h('div', { className: 'sticky-cta' },
      h('a', { className: 'btn btn-primary btn-lg', href: `apply.html?id=${encodeURIComponent(g.bundle_id)}` }, me ? t('p.apply') : t('p.apply_login'))));
}

portalPage(Guide, { current: 'catalogue' });
