// 办件进度: status, progress by department, what is waited for, the applicant's own tasks (补正 …), materials with
// supply (补交), the commitment, history, rating (好差评) after completion, withdrawal while running.
import { api, ApiError, toExtraErrors } from '../common/api.js';
import { pick, t } from '../common/i18n.js';
import { dateTime } from '../common/format.js';
import { Commitments, materialRows, Materials, SupplyForm, Timeline } from '../common/instance-view.js';
import { Card, ErrorView, Fragment, h, JsonForm, Loading, Notice, SlaBadge, StatusBadge, useEffect, useState } from '../common/ui.js';
import { portalPage } from './shell.js';

const params = new URLSearchParams(location.search);
const ID = Number(params.get('id'));
const IS_NEW = params.get('new') === '1';

async function loadAll() {
  const instance = await api.get(`/api/instances/${ID}`);
  const [detail, canSupply, canRate] = await Promise.all([
    api.get(`/api/bundles/${encodeURIComponent(instance.bundle_id)}`, undefined, { auth: false }).catch(() => null),
    api.has('POST', '/api/instances/{id}/materials'),
    api.has('POST', '/api/instances/{id}/rating'),
  ]);
  return { instance, detail, canSupply, canRate };
}

/** One row per lane of the manifest: done / active / pending / skipped, from the instance's tasks. */
export function progressRows(manifest, instance) {
  const lanes = Object.entries((manifest && manifest.lanes) || {});
  const running = instance.status === 'running';
  const rows = lanes.map(([key, lane]) => {
    const tasks = instance.tasks.filter((x) => x.lane === key);
    const ready = tasks.filter((x) => x.state === 'ready');
    const done = tasks.filter((x) => x.state === 'completed');
    const state = ready.length ? 'active' : done.length ? 'done' : running ? 'pending' : 'skipped';
    const detail = ready.length ? ready.map((x) => x.title).join(t('common.list_sep'))
      : done.length ? `${done[done.length - 1].title} · ${dateTime(done[done.length - 1].completed_at)}` : '';
    return { key, name: pick({ name: lane.department_name, name_en: lane.department_name_en }), state, detail };
  });
  // lanes the manifest does not know (renamed) still show up
  for (const x of instance.tasks) {
    if (x.department && !lanes.some(([key]) => key === x.lane) && !rows.some((r) => r.key === `task-${x.department}`)) {
      const same = instance.tasks.filter((y) => y.department === x.department);
      rows.push({ key: `task-${x.department}`, name: x.department_name || x.department,
        state: same.some((y) => y.state === 'ready') ? 'active' : 'done', detail: same.map((y) => y.title).join(t('common.list_sep')) });
    }
  }
  return rows;
}

const DOT = { done: '✓', active: '●', pending: '', skipped: '–' };

function Progress({ rows }) {
  return h('ol', { className: 'progress' }, rows.map((r) => h('li', { key: r.key, className: r.state, 'data-lane': r.key, 'data-state': r.state },
    h('span', { className: 'dot', 'aria-hidden': true }, DOT[r.state]),
    h('span', { className: 'what' }, h('span', { className: 'dept' }, r.name), r.detail && h('span', { className: 'detail' }, r.detail)),
    h('span', { className: `state badge ${r.state === 'done' ? 'badge-green' : r.state === 'active' ? 'badge-blue' : ''}` }, t(`t.dept.${r.state}`)))));
}

function ApplicantTask({ task, onDone }) {
  const [detail, setDetail] = useState(null);
  const [open, setOpen] = useState(false);
  const [extraErrors, setExtraErrors] = useState(undefined);
  const [notice, setNotice] = useState(null);
  const [busy, setBusy] = useState(false);
  async function toggle() {
    if (!open && !detail) {
      try { setDetail(await api.get(`/api/tasks/${task.id}`)); } catch (error) { setNotice({ kind: 'error', text: error.message }); }
    }
    setOpen(!open);
  }
  async function complete(data) {
    setBusy(true);
    try {
      await api.post(`/api/tasks/${task.id}/complete`, { data });
      setNotice({ kind: 'success', text: t('t.task_done') });
      setOpen(false);
      onDone();
    } catch (err) {
      if (err instanceof ApiError && err.status === 422) setExtraErrors(toExtraErrors(err.errors).extraErrors);
      setNotice({ kind: 'error', text: err.message });
    } finally {
      setBusy(false);
    }
  }
  return h('div', { className: 'applicant-task', 'data-task': task.id },
    h('div', { className: 'btn-row' }, h('strong', { style: { marginRight: 'auto' } }, task.title),
      h('button', { type: 'button', className: 'btn btn-primary btn-sm', 'aria-expanded': open, onClick: toggle }, t('t.handle'))),
    notice && h(Notice, { kind: notice.kind }, notice.text),
    open && detail && h(Fragment, null,
      detail.instructions && h('p', { className: 'instructions' }, detail.instructions),
      detail.form ? h(JsonForm, { schema: detail.form.schema, uiSchema: detail.form.ui_schema, formData: {}, extraErrors, disabled: busy, onSubmit: complete })
        : h('button', { type: 'button', className: 'btn btn-primary', onClick: () => complete({}), disabled: busy }, t('common.submit'))));
}

function Rating({ instance, manifest, onRated }) {
  const [score, setScore] = useState(0);
  const [comment, setComment] = useState('');
  const [lane, setLane] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  if (instance.rating) {
    const r = instance.rating;
    return h('div', { id: 'rating-done' },
      h('p', null, h('span', { className: 'stars-static', 'aria-label': `${r.score}/5` }, '★'.repeat(r.score) + '☆'.repeat(5 - r.score)), ' ', t(`score.${r.score}`)),
      r.comment && h('blockquote', { className: 'commitment-text' }, r.comment));
  }
  async function submit(e) {
    e.preventDefault();
    if (!score) { setError(t('t.rate_required')); return; }
    setBusy(true);
    setError(null);
    try {
      const body = { score, comment };
      if (lane) body.lane = lane;
      await api.post(`/api/instances/${instance.id}/rating`, body);
      onRated();
    } catch (err) {
      setBusy(false);
      setError(err.message);
      if (err.status === 409) onRated();
    }
  }
  const lanes = Object.entries((manifest && manifest.lanes) || {});
  return h('form', { id: 'rating-form', onSubmit: submit, noValidate: true },
    h('p', { className: 'muted' }, t('t.rate_intro')),
    h('fieldset', { className: 'stars', 'aria-describedby': error ? 'rating-error' : undefined },
      h('legend', null, t('t.rate_score')),
      h('div', { className: 'options' }, [5, 4, 3, 2, 1].map((n) => h(Fragment, { key: n },
        h('input', { type: 'radio', name: 'score', id: `score-${n}`, value: n, checked: score === n, onChange: () => { setScore(n); setError(null); } }),
        h('label', { htmlFor: `score-${n}` }, h('span', { className: 'star', 'aria-hidden': true }, '★'),
          h('span', { className: 'score-n' }, `${n}`), h('span', null, t(`score.${n}`))))))),
    score > 0 && score <= 2 && h('p', { className: 'muted small' }, t('t.rate_bad_hint')),
    lanes.length > 1 && h('div', { className: 'field' },
      h('label', { htmlFor: 'rating-lane' }, t('t.rate_lane')),
      h('select', { id: 'rating-lane', className: 'input', value: lane, onChange: (e) => setLane(e.target.value) },
        h('option', { value: '' }, t('t.rate_lane_all')),
        lanes.map(([key, l]) => h('option', { key, value: key }, pick({ name: l.department_name, name_en: l.department_name_en }))))),
    h('div', { className: 'field' },
      h('label', { htmlFor: 'rating-comment' }, t('t.rate_comment')),
      h('textarea', { id: 'rating-comment', className: 'input', rows: 3, maxLength: 1000, value: comment, onChange: (e) => setComment(e.target.value) })),
    error && h('p', { className: 'field-error', id: 'rating-error', role: 'alert' }, error),
    h('button', { type: 'submit', className: 'btn btn-primary btn-block', disabled: busy }, t('t.rate_submit')));
}

function Withdraw({ instance, onDone }) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState(null);
  async function submit(e) {
    e.preventDefault();
    if (!reason.trim()) { setError(t('t.cancel_required')); return; }
    try {
      await api.post(`/api/instances/${instance.id}/cancel`, { reason: reason.trim() });
      onDone(t('t.cancelled_ok'));
    } catch (err) {
      setError(err.message);
    }
  }
  return h('details', { className: 'withdraw' },
    h('summary', null, t('t.cancel')),
    h('form', { onSubmit: submit, noValidate: true, style: { marginTop: 8 } },
      h('div', { className: 'field' },
        h('label', { htmlFor: 'cancel-reason' }, t('t.cancel_reason')),
        h('textarea', { id: 'cancel-reason', className: 'input', rows: 2, value: reason, maxLength: 500, onChange: (e) => setReason(e.target.value),
          'aria-invalid': error ? true : undefined, 'aria-describedby': error ? 'cancel-error' : undefined })),
      error && h('p', { className: 'field-error', id: 'cancel-error' }, error),
      h('button', { type: 'submit', className: 'btn btn-danger' }, t('t.cancel_confirm'))));
}

function Track({ me }) {
  const [state, setState] = useState({ loading: true });
  const [notice, setNotice] = useState(IS_NEW ? { kind: 'success', text: t('t.submitted', { id: ID }) } : null);
  async function reload() {
    try { setState({ loading: false, ...(await loadAll()) }); } catch (error) { setState({ loading: false, error }); }
  }
  useEffect(() => { reload(); }, []);
  useEffect(() => { if (IS_NEW) history.replaceState(null, '', `?id=${ID}`); }, []);
  if (state.loading) return h(Loading);
  if (state.error) return h(ErrorView, { error: state.error, onRetry: reload });
  const { instance, detail, canSupply, canRate } = state;
  const manifest = detail && detail.manifest;
  document.title = `${t('t.title')} #${instance.id} · ${t('app.portal')}`;
  const running = instance.status === 'running';
  const mine = me && instance.applicant === me.username;
  const myTasks = instance.tasks.filter((x) => x.state === 'ready' && x.kind === 'applicant');
  const rows = materialRows(manifest, instance);

  async function supply(material, reference) {
    try {
      await api.post(`/api/instances/${instance.id}/materials`, { material_id: material.id, reference: reference || undefined });
      setNotice({ kind: 'success', text: t('t.supplied_ok', { name: pick(material) }) });
      await reload();
    } catch (err) {
      setNotice({ kind: 'error', text: err.message });
    }
  }

  return h('div', { className: 'track' },
    h('div', { className: 'breadcrumb' }, me && h(Fragment, null, h('a', { href: 'mine.html' }, t('p.nav.mine')), h('span', { 'aria-hidden': true }, '›')),
      h('span', null, `${t('t.case')} #${instance.id}`)),
    notice && h(Notice, { kind: notice.kind, id: 'track-notice', onClose: () => setNotice(null) }, notice.text),
    h('div', { className: 'track-head' },
      h('h1', null, (detail && pick(detail)) || instance.bundle_name),
      h(StatusBadge, { status: instance.status }),
      running && h(SlaBadge, { sla: instance.sla, paused: instance.sla_paused })),
    h('dl', { className: 'kv', style: { margin: '10px 0 14px' } },
      h('dt', null, t('t.case')), h('dd', { className: 'mono' }, `#${instance.id}`),
      instance.subject && h(Fragment, null, h('dt', null, t('a.summary.subject')), h('dd', null, instance.subject)),
      h('dt', null, t('t.applied')), h('dd', null, dateTime(instance.created_at)),
      h('dt', null, t('t.receiving')), h('dd', null, instance.receiving_region_name || instance.receiving_region),
      instance.handling_region !== instance.receiving_region && h(Fragment, null, h('dt', null, t('t.handling')), h('dd', null, instance.handling_region_name || instance.handling_region)),
      h('dt', null, instance.completed_at ? t('t.completed') : t('t.deadline')),
      h('dd', { id: 'deadline' }, instance.completed_at ? dateTime(instance.completed_at) : dateTime(instance.deadline),
        !instance.completed_at && instance.deadline_provisional && h('span', { className: 'badge badge-yellow', title: t('common.provisional_hint'), style: { marginLeft: 6 } }, t('common.provisional')))),
    myTasks.length > 0 && h(Card, { id: 'your-tasks', title: t('t.your_tasks') },
      myTasks.map((x) => h(ApplicantTask, { key: x.id, task: x, onDone: reload }))),
    h(Card, { id: 'progress', title: t('t.progress') },
      running && h('p', { id: 'waiting' }, h('strong', null, `${t('t.waiting')}${t('common.colon')}`),
        instance.waiting_for && instance.waiting_for.length ? instance.waiting_for.join(t('common.sep')) : t('t.nothing_waiting')),
      h(Progress, { rows: progressRows(manifest, instance) })),
    (instance.commitments || []).length > 0 && h(Card, { id: 'commitments', title: t('t.commitments') }, h(Commitments, { commitments: instance.commitments })),
    h(Card, { id: 'materials', title: t('t.materials') },
      h(Materials, { rows, action: (m) => (canSupply && running && mine && (m.state === 'pending' || m.state === 'overdue') ? h(SupplyForm, { material: m, onSupply: supply }) : null) })),
    instance.status === 'completed' && canRate && h(Card, { id: 'rating', title: instance.rating ? t('t.rate_yours') : t('t.rate') },
      h(Rating, { instance, manifest, onRated: async () => { await reload(); setNotice({ kind: 'success', text: t('t.rate_thanks') }); } })),
    h(Card, { id: 'timeline', title: t('timeline.title') }, h(Timeline, { entries: instance.timeline, materials: manifest ? manifest.materials : [], hideActions: ['end.reached', 'event.thrown', 'task.created'] })),
    running && mine && h(Withdraw, { instance, onDone: async (text) => { await reload(); setNotice({ kind: 'success', text }); } }));
}

portalPage(Track, { current: 'mine', needLogin: true });
