// 办理任务: application data (IDs masked), materials, commitments, history, and the task form (rjsf) with
// claim / release / complete. Server-side 422 errors land on their fields; 403/409 races are explained.

import { api, ApiError, toExtraErrors } from '../common/api.js';
import { localize, t } from '../common/i18n.js';
import { dateTime, relative } from '../common/format.js';
import { Commitments, DataView, ENGINE_KEYS, hasIds, materialRows, Materials, RevealToggle, Timeline } from '../common/instance-view.js';
import { Card, ErrorView, h, JsonForm, Loading, Notice, SlaBadge, useEffect, useMemo, useRef, useState } from '../common/ui.js';
import { mountDetailPage } from './shell.js';

const TASK_ID = Number(new URLSearchParams(location.search).get('id'));

function schemaKeys(schema) {
  return Object.keys((schema && schema.properties) || {});
}

function pickKeys(data, keys) {
  const out = {};
  for (const k of keys) if (data && k in data) out[k] = data[k];
  return out;
}

function Item({ label, children }) {
  return h('div', { className: 'item' }, h('span', { className: 'label' }, label), h('span', { className: 'value' }, children));
}

async function loadAll() {
  const task = await api.get(`/api/tasks/${TASK_ID}`);
  const [instance, bundle, appForm] = await Promise.all([
    api.get(`/api/instances/${task.instance_id}`),
    api.get(`/api/bundles/${task.bundle_id}`).catch(() => null),
    api.get(`/api/bundles/${task.bundle_id}/application-form`).catch(() => null),
  ]);
  return { task, instance, bundle, appForm };
}

function TaskPage({ me }) {
  const [state, setState] = useState({ loading: true, error: null });
  const [notice, setNotice] = useState(null);
  const [extraErrors, setExtraErrors] = useState(undefined);
  const [busy, setBusy] = useState(false);
  const [reveal, setReveal] = useState(false);
  const [submitted, setSubmitted] = useState(null);
  const formRef = useRef(null);

  async function reload() {
    try {
      const all = await loadAll();
      setState({ loading: false, error: null, ...all });
      return all;
    } catch (error) {
      setState((s) => ({ ...s, loading: false, error }));
      return null;
    }
  }
  useEffect(() => { reload(); }, []);

  const { task, instance, bundle, appForm } = state;
  useEffect(() => { if (task) document.title = `${task.title} · ${t('app.name')}`; });

  const formData = useMemo(() => (task && task.form ? pickKeys(task.data, schemaKeys(task.form.schema)) : {}), [task]);
  if (state.loading) return h(Loading);
  if (state.error && !task) return h('main', { id: 'main', className: 'page' }, h(ErrorView, { error: state.error, onRetry: reload }));

  const mineDept = me.role === 'clerk' && me.department === task.department && me.region === task.region;
  const ready = task.state === 'ready';
  const claimedByMe = task.assignee === me.username;
  const canWork = mineDept && ready && claimedByMe;

  async function act(kind) {
    setBusy(true);
    setNotice(null);
    try {
      await api.post(`/api/tasks/${TASK_ID}/${kind}`);
      await reload();
    } catch (err) {
      await explain(err);
    } finally {
      setBusy(false);
    }
  }

  // After a refused claim/complete, look at the task again and say what happened.
  async function explain(err) {
    const fresh = await reload();
    const now = fresh && fresh.task;
    if (now && now.state === 'completed' && now.completed_by !== me.username) {
      setNotice({ kind: 'error', text: t('task.completed_first', { who: now.completed_by, at: dateTime(now.completed_at) }) });
    } else if (now && now.state === 'cancelled') {
      setNotice({ kind: 'error', text: t('task.cancelled_info') });
    } else if (now && now.assignee && now.assignee !== me.username) {
      setNotice({ kind: 'error', text: t('task.claimed_first', { who: now.assignee }) });
    } else {
      setNotice({ kind: 'error', text: err.message });
    }
  }

  async function complete(data) {
    setBusy(true);
    setNotice(null);
    try {
      await api.post(`/api/tasks/${TASK_ID}/complete`, { data });
      setExtraErrors(undefined);
      setSubmitted(data);
      setNotice({ kind: 'success', text: t('task.completed_ok'), done: true });
      await reload();
    } catch (err) {
      if (err instanceof ApiError && err.status === 422) {
        const { extraErrors: extra, rest } = toExtraErrors(err.errors);
        setExtraErrors(extra);
        setNotice({ kind: 'error', text: t('task.fix_fields'), details: [...rest.map((e) => `${e.loc.join('.')}: ${localize(e.message)}`)] });
      } else if (err instanceof ApiError && (err.status === 403 || err.status === 409)) {
        await explain(err);
      } else {
        setNotice({ kind: 'error', text: err.message });
      }
    } finally {
      setBusy(false);
    }
  }

  const appKeys = schemaKeys(appForm && appForm.schema);
  const appData = appForm ? pickKeys(task.data, appKeys) : task.data;
  const otherData = appForm ? Object.fromEntries(Object.entries(task.data || {}).filter(([k]) => !appKeys.includes(k) && !ENGINE_KEYS.includes(k))) : {};
  const materials = bundle ? materialRows(bundle.manifest, instance) : [];
  const showReveal = mineDept && hasIds(task.data);

  // The server masks ID numbers; revealing asks it again (and it writes the reveal to the audit log).
  async function toggleReveal(on) {
    try {
      const shown = await api.get(`/api/tasks/${TASK_ID}${on ? '?reveal=ids' : ''}`);
      setState((s) => ({ ...s, task: { ...s.task, data: shown.data } }));
      setReveal(on);
    } catch (error) {
      setNotice({ kind: 'error', text: error.message });
    }
  }

  // --- the right column: claim state + form ---
  let claimBar = null;
  if (ready && mineDept && !task.assignee) {
    claimBar = h('div', { className: 'claim-bar' }, h('span', null, t('task.claim_hint')),
      h('button', { type: 'button', className: 'btn btn-primary', id: 'claim', disabled: busy, onClick: () => act('claim') }, t('task.claim')));
  } else if (ready && mineDept && claimedByMe) {
    claimBar = h('div', { className: 'claim-bar' }, h('span', { className: 'badge badge-blue' }, t('task.claimed_by_me')),
      h('button', { type: 'button', className: 'btn', id: 'unclaim', disabled: busy, onClick: () => act('unclaim') }, t('task.unclaim')));
  } else if (ready && task.assignee && !claimedByMe) {
    claimBar = h(Notice, { kind: 'warning' }, t('task.not_mine', { who: task.assignee }));
  } else if (ready && !mineDept) {
    claimBar = h(Notice, { kind: 'info' }, t('task.readonly_role'));
  } else if (task.state === 'completed' && !notice) {
    claimBar = h(Notice, { kind: 'success' }, t('task.completed_info', { who: task.completed_by || '—', at: dateTime(task.completed_at) }));
  } else if (task.state === 'cancelled') {
    claimBar = h(Notice, { kind: 'info' }, t('task.cancelled_info'));
  }

  const resultData = submitted || formData;
  const form = task.form
    ? h(JsonForm, {
      schema: task.form.schema, uiSchema: task.form.ui_schema, formData: ready ? formData : resultData, extraErrors,
      disabled: !canWork || busy, noSubmit: !canWork, submitText: busy ? t('task.completing') : t('task.complete'),
      onSubmit: complete, formRef, onError: () => setNotice({ kind: 'error', text: t('task.fix_fields_local') }),
    })
    : h('div', null, h('p', { className: 'muted' }, t('task.no_form')),
      canWork && h('button', { type: 'button', className: 'btn btn-primary', disabled: busy, onClick: () => complete({}) }, t('task.complete')));

  return h('main', { id: 'main', className: 'page task-page' },
    h('div', { className: 'breadcrumb' }, h('a', { href: './' }, t('wb.nav.inbox')), h('span', { 'aria-hidden': true }, '›'),
      h('span', null, t('task.instance', { id: task.instance_id }))),
    h('div', { className: 'task-head' },
      h('h1', null, task.title || task.name),
      h('span', { className: 'badge' }, task.bundle_name),
      ready ? h(SlaBadge, { sla: task.sla }) : h('span', { className: `status status-${task.state === 'completed' ? 'completed' : 'cancelled'}` }, t(`task.state.${task.state}`)),
      h('div', { className: 'actions' }, h('a', { className: 'btn btn-sm', href: `instance.html?id=${task.instance_id}` }, t('task.view_instance')))),
    h('div', { className: 'card' }, h('div', { className: 'summary' },
      h(Item, { label: t('inbox.col.instance') }, h('a', { href: `instance.html?id=${task.instance_id}`, className: 'mono' }, `#${task.instance_id}`)),
      h(Item, { label: t('task.subject') }, task.subject || '—'),
      h(Item, { label: t('task.department') }, task.department_name || '—'),
      h(Item, { label: t('inst.receiving') }, instance.receiving_region_name || instance.receiving_region),
      h(Item, { label: t('inst.handling') }, instance.handling_region_name || instance.handling_region),
      h(Item, { label: t('task.received') }, dateTime(task.created_at)),
      h(Item, { label: t('task.due') }, h('span', null, dateTime(task.due_at), ready && h('span', { className: `muted small due-${task.sla}` }, ` · ${relative(task.due_at)}`))),
      h(Item, { label: t('task.assignee') }, task.assignee || h('span', { className: 'muted' }, t('task.unclaimed'))))),
    h('div', { className: 'grid-task' },
      h('div', { className: 'data-col' },
        h(Card, { id: 'application', title: t('task.application'), actions: showReveal && h(RevealToggle, { reveal, onChange: toggleReveal }) },
          h(DataView, { data: appData, schema: appForm && appForm.schema, uiSchema: appForm && appForm.ui_schema, reveal: showReveal && reveal })),
        Object.keys(otherData).length > 0 && h(Card, { id: 'results', title: t('task.data_other') },
          h(DataView, { data: otherData, reveal: showReveal && reveal })),
        h(Card, { id: 'materials', title: t('task.materials') }, h(Materials, { rows: materials })),
        instance.commitments && instance.commitments.length > 0 && h(Card, { id: 'commitments', title: t('task.commitments') },
          h(Commitments, { commitments: instance.commitments })),
        h(Card, { id: 'timeline', title: t('timeline.title') }, h(Timeline, { entries: instance.timeline, materials: bundle ? bundle.manifest.materials : [] }))),
      h('div', { className: 'form-col' },
        task.instructions && h(Card, { id: 'instructions', title: t('task.instructions') }, h('p', { className: 'instructions' }, task.instructions)),
        h(Card, { id: 'task-form', title: t('task.form') },
          notice && h(Notice, { kind: notice.kind, id: 'task-notice', onClose: notice.kind === 'error' ? () => setNotice(null) : undefined },
            notice.text,
            notice.details && notice.details.length > 0 && h('ul', null, notice.details.map((d, i) => h('li', { key: i }, d))),
            notice.done && h('div', { className: 'btn-row', style: { marginTop: 8 } },
              h('a', { className: 'btn btn-sm', href: './' }, t('task.back')),
              h('a', { className: 'btn btn-sm', href: `instance.html?id=${task.instance_id}` }, t('task.view_instance')))),
          claimBar,
          form))));
}

mountDetailPage(TaskPage, TASK_ID);
