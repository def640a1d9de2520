// 办件查询: instances the clerk may see (started by them or with a task of their department and region).
import { api } from '../common/api.js';
import { pick, t } from '../common/i18n.js';
import { dateTime } from '../common/format.js';
import { requireUser } from '../common/session.js';
import { Empty, ErrorView, h, Header, Loading, mount, SlaBadge, StatusBadge, useEffect, useState } from '../common/ui.js';
import { workbenchNav } from './messages.js';

function Instances() {
  const [f, setF] = useState({ bundle: '', status: 'running', business_key: '' });
  const [bundles, setBundles] = useState([]);
  const [cursors, setCursors] = useState([null]);
  const [page, setPage] = useState({ items: null, next: null, error: null });
  const cursor = cursors[cursors.length - 1];
  useEffect(() => { api.get('/api/bundles').then(setBundles, () => setBundles([])); }, []);
  useEffect(() => {
    let alive = true;
    api.get('/api/instances', { bundle_id: f.bundle, status: f.status, business_key: f.business_key.trim(), limit: 20, cursor })
      .then((res) => alive && setPage({ items: res.items, next: res.next_cursor, error: null }),
        (error) => alive && setPage((p) => ({ ...p, error })));
    return () => { alive = false; };
  }, [f, cursor]);
  const set = (patch) => { setF((o) => ({ ...o, ...patch })); setCursors([null]); };
  const cols = ['inst.col.id', 'inst.col.bundle', 'inst.col.subject', 'inst.col.regions', 'inst.col.created', 'inst.col.deadline', 'inst.col.status'];
  return h('main', { id: 'main', className: 'page' },
    h('div', { className: 'page-head' }, h('h1', null, t('inst.list_title'))),
    h('form', { className: 'filters toolbar', role: 'search', onSubmit: (e) => e.preventDefault() },
      h('label', { className: 'filter', htmlFor: 'f-bundle' }, h('span', null, t('inbox.filter.bundle')),
        h('select', { id: 'f-bundle', className: 'input', value: f.bundle, onChange: (e) => set({ bundle: e.target.value }) },
          h('option', { value: '' }, t('common.all')), bundles.map((b) => h('option', { key: b.id, value: b.id }, pick(b))))),
      h('label', { className: 'filter', htmlFor: 'f-status' }, h('span', null, t('inst.filter.status')),
        h('select', { id: 'f-status', className: 'input', value: f.status, onChange: (e) => set({ status: e.target.value }) },
          h('option', { value: '' }, t('common.all')),
          ['running', 'completed', 'cancelled', 'failed'].map((s) => h('option', { key: s, value: s }, t(`status.${s}`))))),
      h('label', { className: 'filter', htmlFor: 'f-key' }, h('span', null, t('inst.business_key_search')),
        h('input', { id: 'f-key', className: 'input', value: f.business_key, onChange: (e) => set({ business_key: e.target.value }) }))),
    page.error && h(ErrorView, { error: page.error }),
    !page.items ? h(Loading) : h('div', { className: 'card table-card' },
      h('div', { className: 'table-wrap' }, h('table', { className: 'table inbox-table' },
        h('thead', null, h('tr', null, cols.map((c) => h('th', { key: c, scope: 'col' }, t(c))))),
        h('tbody', null, page.items.map((x) => h('tr', { key: x.id, 'data-instance': x.id },
          h('td', null, h('a', { href: `instance.html?id=${x.id}`, className: 'mono' }, `#${x.id}`)),
          h('td', null, x.bundle_name, h('span', { className: 'cell-sub' }, `v${x.version}`)),
          h('td', { className: 'cell-subject' }, x.subject || '—'),
          h('td', null, `${x.receiving_region_name} → ${x.handling_region_name}`),
          h('td', { className: 'nowrap' }, dateTime(x.created_at)),
          h('td', { className: 'nowrap' }, dateTime(x.deadline), x.deadline_provisional && h('span', { className: 'badge badge-yellow', style: { marginLeft: 4 } }, t('common.provisional'))),
          h('td', null, h('span', { className: 'btn-row' }, h(StatusBadge, { status: x.status }), x.status === 'running' && h(SlaBadge, { sla: x.sla, paused: x.sla_paused })))))))),
      page.items.length === 0 && h(Empty, null, t('inst.empty')),
      h('nav', { className: 'pager', 'aria-label': t('common.page', { n: cursors.length }) },
        h('button', { type: 'button', className: 'btn btn-sm', disabled: cursors.length === 1, onClick: () => setCursors((c) => c.slice(0, -1)) }, `‹ ${t('common.prev_page')}`),
        h('span', { className: 'muted' }, t('common.page', { n: cursors.length })),
        h('button', { type: 'button', className: 'btn btn-sm', disabled: !page.next, onClick: () => setCursors((c) => [...c, page.next]) }, `${t('common.next_page')} ›`))));
}

function App() {
  const [me, setMe] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => { requireUser().then(setMe, setError); }, []);
  document.title = `${t('inst.list_title')} · ${t('app.name')}`;
  return h('div', null,
    h(Header, { area: 'workbench', me, nav: workbenchNav(t, 'instances'), signIn: false }),
    error ? h('main', { id: 'main', className: 'page' }, h(ErrorView, { error })) : me ? h(Instances) : h(Loading));
}

mount('#app', App);
