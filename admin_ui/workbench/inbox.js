// 待办 / 已办: the clerk's tasks (their department and region), filtered, sorted, cursor-paged, polled.
//
// URL: ./?view=done&bundle=x&sla=red&claimed=me&sort=created&size=50 (filters survive reloads and links).
// Polling: every 10 s (?poll=<seconds> overrides, min 2), paused while the tab is hidden, at once when it returns.

import { api } from '../common/api.js';
import { pick, t } from '../common/i18n.js';
import { dateTime, relative, shortDateTime } from '../common/format.js';
import { regionName } from '../common/regions.js';
import { requireUser } from '../common/session.js';
import { departmentOf, Empty, ErrorView, h, Header, Loading, mount, SlaBadge, useCallback, useEffect, useRef, useState } from '../common/ui.js';
import { workbenchNav } from './messages.js';

const params = new URLSearchParams(location.search);
const VIEW = params.get('view') === 'done' ? 'done' : 'inbox';
const POLL_MS = Math.max(2, Number(params.get('poll')) || 10) * 1000;
const SIZES = [20, 50, 100];

function initialFilters() {
  return {
    bundle: params.get('bundle') || '',
    sla: ['green', 'yellow', 'red'].includes(params.get('sla')) ? params.get('sla') : '',
    claimed: ['me', 'none'].includes(params.get('claimed')) ? params.get('claimed') : '',
    sort: params.get('sort') === 'created' || VIEW === 'done' ? 'created' : 'due',
    size: SIZES.includes(Number(params.get('size'))) ? Number(params.get('size')) : 20,
  };
}

function syncUrl(f) {
  const q = new URLSearchParams();
  if (VIEW === 'done') q.set('view', 'done');
  if (f.bundle) q.set('bundle', f.bundle);
  if (f.sla) q.set('sla', f.sla);
  if (f.claimed) q.set('claimed', f.claimed);
  if (f.sort !== (VIEW === 'done' ? 'created' : 'due')) q.set('sort', f.sort);
  if (f.size !== 20) q.set('size', String(f.size));
  if (params.get('poll')) q.set('poll', params.get('poll'));
  const s = q.toString();
  history.replaceState(null, '', s ? `?${s}` : location.pathname);
}

function CommitmentBadge({ days }) {
  if (days === null || days === undefined) return h('span', { className: 'muted' }, '—');
  const cls = days < 0 ? 'badge-red' : days <= 1 ? 'badge-yellow' : 'badge-blue';
  const text = days > 0 ? t('inbox.commitment_left', { n: days }) : days === 0 ? t('inbox.commitment_today') : t('inbox.commitment_over', { n: -days });
  return h('span', { className: `badge ${cls}`, 'data-commitment-days': days }, text);
}

function Assignee({ task, me }) {
  if (!task.assignee) return h('span', { className: 'muted' }, t('inbox.unclaimed'));
  if (task.assignee === me.username) return h('span', { className: 'badge badge-blue' }, t('inbox.me'));
  return h('span', null, task.assignee);
}

function Filters({ f, set, bundles, onReset }) {
  const sel = (id, label, value, options, onChange) => h('label', { className: 'filter', htmlFor: id },
    h('span', null, label),
    h('select', { id, className: 'input', value, onChange: (e) => onChange(e.target.value) },
      options.map(([v, text]) => h('option', { key: v, value: v }, text))));
  return h('form', { className: 'filters', role: 'search', 'aria-label': t('inbox.filters'), onSubmit: (e) => e.preventDefault() },
    sel('f-bundle', t('inbox.filter.bundle'), f.bundle, [['', t('common.all')], ...bundles.map((b) => [b.id, pick(b)])], (v) => set({ bundle: v })),
    VIEW === 'inbox' && sel('f-sla', t('inbox.filter.sla'), f.sla,
      [['', t('common.all')], ['red', t('sla.red')], ['yellow', t('sla.yellow')], ['green', t('sla.green')]], (v) => set({ sla: v })),
    VIEW === 'inbox' && sel('f-claimed', t('inbox.filter.claimed'), f.claimed,
      [['', t('common.all')], ['me', t('inbox.filter.claimed.me')], ['none', t('inbox.filter.claimed.none')]], (v) => set({ claimed: v })),
    VIEW === 'inbox' && sel('f-sort', t('inbox.filter.sort'), f.sort, [['due', t('inbox.sort.due')], ['created', t('inbox.sort.created')]], (v) => set({ sort: v })),
    h('button', { type: 'button', className: 'btn btn-ghost btn-sm', onClick: onReset }, t('inbox.reset')));
}

function TaskRow({ task, me, fresh }) {
  const href = `task.html?id=${task.id}`;
  const done = VIEW === 'done';
  return h('tr', { 'data-task-id': task.id, className: fresh ? 'row-new' : undefined },
    !done && h('td', null, h(SlaBadge, { sla: task.sla })),
    h('td', { className: 'cell-task' },
      h('a', { href, className: 'task-link' }, task.title || task.name),
      fresh && h('span', { className: 'badge badge-blue new-badge' }, t('inbox.new')),
      h('span', { className: 'cell-sub' }, task.bundle_name)),
    h('td', { className: 'cell-subject' }, task.subject || h('span', { className: 'muted' }, '—')),
    h('td', null, h('a', { href: `instance.html?id=${task.instance_id}`, className: 'mono' }, `#${task.instance_id}`)),
    h('td', { className: 'nowrap' }, h('time', { dateTime: task.created_at, title: dateTime(task.created_at) }, shortDateTime(task.created_at))),
    done ? h('td', { className: 'nowrap' }, h('time', { dateTime: task.completed_at }, shortDateTime(task.completed_at)))
      : h('td', { className: 'nowrap cell-due' },
        h('time', { dateTime: task.due_at, title: dateTime(task.due_at) }, shortDateTime(task.due_at)),
        h('span', { className: `cell-sub due-${task.sla}` }, relative(task.due_at))),
    !done && h('td', null, h(CommitmentBadge, { days: task.commitment_days_left })),
    h('td', null, done ? (task.completed_by || '—') : h(Assignee, { task, me })),
    h('td', { className: 'cell-action' }, h('a', { className: `btn btn-sm${done ? '' : ' btn-primary'}`, href, tabIndex: -1, 'aria-hidden': true }, done ? t('inbox.view') : t('inbox.open'))));
}

function Inbox({ me }) {
  const [f, setF] = useState(initialFilters);
  const [cursors, setCursors] = useState([null]);   // cursor of each visited page; the last is the current page
  const [page, setPage] = useState({ items: null, next: null, error: null, at: null });
  const [bundles, setBundles] = useState([]);
  const [hidden, setHidden] = useState(document.visibilityState === 'hidden');
  const [scope, setScope] = useState({ dept: departmentOf(me), region: me.region });
  const seen = useRef(null);
  const [fresh, setFresh] = useState(new Set());
  const cursor = cursors[cursors.length - 1];

  useEffect(() => { api.get('/api/bundles').then(setBundles, () => setBundles([])); }, []);
  useEffect(() => { if (me.region) regionName(me.region).then((name) => setScope((s) => ({ ...s, region: name }))); }, [me.region]);
  useEffect(() => { syncUrl(f); }, [f]);

  const latest = useRef(0);
  const load = useCallback(async () => {
    const mine = ++latest.current;   // a slow answer to an older query must not overwrite a newer one
    try {
      const query = { state: VIEW === 'done' ? 'completed' : 'ready', bundle_id: f.bundle, sort: f.sort, limit: f.size, cursor };
      if (VIEW === 'inbox') Object.assign(query, { claimed: f.claimed, sla: f.sla });
      const res = await api.get('/api/tasks', query);
      if (mine !== latest.current) return;
      // the server filters by SLA when it supports ?sla=; filtering here too keeps the page right either way
      const items = f.sla && VIEW === 'inbox' ? res.items.filter((x) => x.sla === f.sla) : res.items;
      const ids = new Set(items.map((x) => x.id));
      if (seen.current) {
        const prev = seen.current;
        setFresh((old) => new Set([...ids].filter((id) => old.has(id) || !prev.has(id))));
      }
      seen.current = ids;
      setPage({ items, next: res.next_cursor, error: null, at: new Date() });
    } catch (error) {
      if (mine === latest.current) setPage((p) => ({ ...p, error, at: new Date() }));
    }
  }, [f, cursor]);

  useEffect(() => { seen.current = null; setFresh(new Set()); }, [f, cursor]);
  useEffect(() => { load(); }, [load]);
  useEffect(() => {
    const onVis = () => {
      const h = document.visibilityState === 'hidden';
      setHidden(h);
      if (!h) load();
    };
    document.addEventListener('visibilitychange', onVis);
    return () => document.removeEventListener('visibilitychange', onVis);
  }, [load]);
  useEffect(() => {
    if (hidden) return undefined;
    const timer = setInterval(load, POLL_MS);
    return () => clearInterval(timer);
  }, [load, hidden]);

  const set = (patch) => { setF((old) => ({ ...old, ...patch })); setCursors([null]); };
  const done = VIEW === 'done';
  const cols = done
    ? ['inbox.col.task', 'inbox.col.subject', 'inbox.col.instance', 'inbox.col.received', 'inbox.col.completed', 'inbox.col.completed_by', 'inbox.col.action']
    : ['inbox.col.sla', 'inbox.col.task', 'inbox.col.subject', 'inbox.col.instance', 'inbox.col.received', 'inbox.col.due', 'inbox.col.commitment', 'inbox.col.assignee', 'inbox.col.action'];
  const scopeText = me.role === 'clerk' ? t('inbox.scope', { dept: scope.dept || '—', region: scope.region || '—' }) : t('inbox.scope_all');

  return h('main', { id: 'main', className: 'page' },
    h('div', { className: 'page-head' },
      h('h1', null, done ? t('inbox.done_title') : t('inbox.title')),
      h('span', { className: 'muted scope' }, scopeText)),
    h('div', { className: 'toolbar' },
      h(Filters, { f, set, bundles, onReset: () => set({ bundle: '', sla: '', claimed: '', sort: done ? 'created' : 'due' }) }),
      h('div', { className: 'refresh', 'aria-live': 'polite' },
        fresh.size > 0 && h('span', { className: 'badge badge-blue' }, t('inbox.new_count', { n: fresh.size })),
        h('span', { className: 'muted small', id: 'poll-status' },
          hidden ? t('inbox.paused') : page.at ? `${t('inbox.updated', { t: page.at.toLocaleTimeString('zh-CN', { hour12: false }) })} · ${t('inbox.auto', { n: POLL_MS / 1000 })}` : ''),
        h('button', { type: 'button', className: 'btn btn-sm', onClick: load }, t('common.refresh')))),
    page.error && h(ErrorView, { error: page.error, onRetry: load }),
    page.items === null && !page.error ? h(Loading)
      : page.items && h('div', { className: 'card table-card' },
        h('div', { className: 'table-wrap' },
          h('table', { className: 'table inbox-table', 'aria-describedby': 'poll-status' },
            h('thead', null, h('tr', null, cols.map((c) => h('th', { key: c, scope: 'col' }, t(c))))),
            h('tbody', null, page.items.map((task) => h(TaskRow, { key: task.id, task, me, fresh: fresh.has(task.id) }))))),
        page.items.length === 0 && h(Empty, null, done ? t('inbox.empty_done') : t('inbox.empty')),
        h('nav', { className: 'pager', 'aria-label': t('common.page', { n: cursors.length }) },
          h('button', { type: 'button', className: 'btn btn-sm', disabled: cursors.length === 1, onClick: () => setCursors((c) => c.slice(0, -1)) }, `‹ ${t('common.prev_page')}`),
          h('span', { className: 'muted' }, `${t('common.page', { n: cursors.length })} · ${t('inbox.page_count', { n: page.items.length })}`),
          h('button', { type: 'button', className: 'btn btn-sm', disabled: !page.next, onClick: () => setCursors((c) => [...c, page.next]) }, `${t('common.next_page')} ›`),
          h('label', { className: 'filter page-size', htmlFor: 'f-size' }, h('span', null, t('inbox.filter.size')),
            h('select', { id: 'f-size', className: 'input', value: f.size, onChange: (e) => set({ size: Number(e.target.value) }) },
              SIZES.map((n) => h('option', { key: n, value: n }, n)))))));
}

function App() {
  const [me, setMe] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => { requireUser().then(setMe, setError); }, []);
  document.title = `${VIEW === 'done' ? t('inbox.done_title') : t('inbox.title')} · ${t('app.name')}`;
  return h('div', null,
    h(Header, { area: 'workbench', me, nav: workbenchNav(t, VIEW), signIn: false }),
    error ? h('main', { id: 'main', className: 'page' }, h(ErrorView, { error })) : me ? h(Inbox, { me }) : h(Loading));
}

mount('#app', App);
