// 办件详情: summary (regions, deadline and 暂定), the BPMN diagram of the instance's version with completed / active /
// waiting elements, steps, commitments, materials, history and the application data.

import { api } from '../common/api.js';
import { pick, t } from '../common/i18n.js';
import { dateTime, relative } from '../common/format.js';
import { Commitments, DataView, DiagramView, ENGINE_KEYS, hasIds, materialRows, Materials, RevealToggle, SupplyForm, Timeline } from '../common/instance-view.js';
import { Card, ErrorView, h, Loading, Notice, SlaBadge, StatusBadge, useEffect, useState } from '../common/ui.js';
import { mountDetailPage } from './shell.js';

const ID = Number(new URLSearchParams(location.search).get('id'));

/** The diagram: GET /api/instances/{id}/diagram when the server has it, else the version's BPMN file + task states. */
async function loadDiagram(instance, bundle) {
  if (await api.has('GET', '/api/instances/{id}/diagram')) {
    const d = await api.get(`/api/instances/${instance.id}/diagram`);
    return { xml: d.xml, elements: d.elements || {} };
  }
  const version = bundle && bundle.versions.find((v) => v.version === instance.version);
  const files = ((version && version.files) || []).filter((f) => f.endsWith('.bpmn'));
  let xml = null;
  for (const f of files) {
    const text = await api.text(`/api/bundles/${encodeURIComponent(instance.bundle_id)}/versions/${instance.version}/files/${encodeURIComponent(f)}`);
    if (files.length === 1 || text.includes(`id="${bundle.manifest.process}"`)) { xml = text; break; }
  }
  const elements = {};
  for (const task of instance.tasks) {
    if (task.state === 'completed') elements[task.name] = 'completed';
  }
  for (const task of instance.tasks) {
    if (task.state === 'ready') elements[task.name] = 'active';
  }
  return { xml, elements };
}

function Item({ label, children }) {
  return h('div', { className: 'item' }, h('span', { className: 'label' }, label), h('span', { className: 'value' }, children));
}

function Steps({ tasks, me }) {
  return h('div', { className: 'table-wrap' }, h('table', { className: 'table steps-table' },
    h('thead', null, h('tr', null, ['inst.col.step', 'inst.col.department', 'inst.col.state', 'inst.col.assignee', 'inst.col.due', 'inst.col.done']
      .map((c) => h('th', { key: c, scope: 'col' }, t(c))))),
    h('tbody', null, tasks.map((task) => {
      const mine = me.role === 'clerk' && task.department === me.department && task.region === me.region;
      return h('tr', { key: task.id, 'data-task': task.name, 'data-state': task.state },
        h('td', null, mine ? h('a', { href: `task.html?id=${task.id}` }, task.title) : task.title),
        h('td', null, task.department_name || t('inst.applicant_step')),
        h('td', null, task.state === 'ready' ? h(SlaBadge, { sla: task.sla }) : h('span', { className: `status status-${task.state === 'completed' ? 'completed' : 'cancelled'}` }, t(`task.state.${task.state}`))),
        h('td', null, task.completed_by || task.assignee || h('span', { className: 'muted' }, '—')),
        h('td', { className: 'nowrap' }, dateTime(task.due_at)),
        h('td', { className: 'nowrap' }, task.completed_at ? dateTime(task.completed_at) : h('span', { className: 'muted' }, '—')));
    }))));
}

function InstancePage({ me }) {
  const [state, setState] = useState({ loading: true });
  const [diagram, setDiagram] = useState(null);
  const [reveal, setReveal] = useState(false);
  const [notice, setNotice] = useState(null);

  async function reload() {
    try {
      const instance = await api.get(`/api/instances/${ID}`);
      const [bundle, appForm, canSupply] = await Promise.all([
        api.get(`/api/bundles/${instance.bundle_id}`).catch(() => null),
        api.get(`/api/bundles/${instance.bundle_id}/application-form`).catch(() => null),
        api.has('POST', '/api/instances/{id}/materials'),
      ]);
      setState({ loading: false, instance, bundle, appForm, canSupply });
      loadDiagram(instance, bundle).then(setDiagram, (error) => setDiagram({ error }));
    } catch (error) {
      setState({ loading: false, error });
    }
  }
  useEffect(() => { reload(); }, []);
  const { instance, bundle, appForm } = state;
  useEffect(() => { if (instance) document.title = `${t('task.instance', { id: instance.id })} · ${t('app.name')}`; });
  if (state.loading) return h(Loading);
  if (state.error) return h('main', { id: 'main', className: 'page' }, h(ErrorView, { error: state.error, onRetry: reload }));

  const mine = me.role === 'clerk' && instance.tasks.some((x) => x.department === me.department && x.region === me.region);
  const showReveal = mine && hasIds(instance.data);

  // The server masks ID numbers; revealing asks it again (and it writes the reveal to the audit log).
  async function toggleReveal(on) {
    try {
      const shown = await api.get(`/api/instances/${ID}${on ? '?reveal=ids' : ''}`);
      setState((s) => ({ ...s, instance: { ...s.instance, data: shown.data } }));
      setReveal(on);
    } catch (err) {
      setNotice({ kind: 'error', text: err.message });
    }
  }
  const appKeys = Object.keys((appForm && appForm.schema && appForm.schema.properties) || {});
  const appData = appForm ? Object.fromEntries(Object.entries(instance.data).filter(([k]) => appKeys.includes(k))) : instance.data;
  const otherData = appForm ? Object.fromEntries(Object.entries(instance.data).filter(([k]) => !appKeys.includes(k) && !ENGINE_KEYS.includes(k))) : {};
  const running = instance.status === 'running';
  // 补交 at the window: clerks of a receiving lane's department in the receiving region (the API checks it again)
  const windows = Object.values((bundle && bundle.manifest.lanes) || {}).filter((l) => l.region === 'receiving').map((l) => l.department);
  const maySupply = state.canSupply && running && (me.role === 'admin'
    || (me.role === 'clerk' && windows.includes(me.department) && me.region === instance.receiving_region));
  async function supply(material, reference) {
    try {
      await api.post(`/api/instances/${instance.id}/materials`, { material_id: material.id, reference: reference || undefined });
      setNotice({ kind: 'success', text: t('inst.supplied', { name: pick(material) }) });
      await reload();
    } catch (err) {
      setNotice({ kind: 'error', text: err.message });
    }
  }

  return h('main', { id: 'main', className: 'page instance-page' },
    h('div', { className: 'breadcrumb' }, h('a', { href: './' }, t('wb.nav.inbox')), h('span', { 'aria-hidden': true }, '›'),
      h('a', { href: 'instances.html' }, t('wb.nav.instances')), h('span', { 'aria-hidden': true }, '›'),
      h('span', null, t('task.instance', { id: instance.id }))),
    h('div', { className: 'task-head' },
      h('h1', null, `${t('task.instance', { id: instance.id })} · ${(bundle && pick(bundle)) || instance.bundle_name}`),
      h(StatusBadge, { status: instance.status }),
      running && h(SlaBadge, { sla: instance.sla, paused: instance.sla_paused })),
    instance.error && h(Notice, { kind: 'error' }, t('inst.error', { e: instance.error })),
    notice && h(Notice, { kind: notice.kind, id: 'instance-notice', onClose: () => setNotice(null) }, notice.text),
    h('div', { className: 'card' }, h('div', { className: 'summary' },
      h(Item, { label: t('inst.col.subject') }, instance.subject || '—'),
      h(Item, { label: t('inst.receiving') }, h('span', { id: 'receiving-region' }, instance.receiving_region_name || instance.receiving_region,
        h('span', { className: 'muted small mono' }, ` ${instance.receiving_region}`))),
      h(Item, { label: t('inst.handling') }, h('span', { id: 'handling-region' }, instance.handling_region_name || instance.handling_region,
        h('span', { className: 'muted small mono' }, ` ${instance.handling_region}`))),
      h(Item, { label: t('inst.created') }, dateTime(instance.created_at)),
      h(Item, { label: t('inst.deadline') }, h('span', { id: 'deadline' }, dateTime(instance.deadline),
        instance.deadline_provisional && h('span', { className: 'badge badge-yellow', title: t('common.provisional_hint'), style: { marginLeft: 6 } }, t('common.provisional')),
        running && h('span', { className: `muted small due-${instance.sla}` }, ` · ${relative(instance.deadline)}`))),
      instance.completed_at && h(Item, { label: t('inst.completed') }, dateTime(instance.completed_at)),
      instance.business_key && h(Item, { label: t('inst.business_key') }, h('span', { className: 'mono' }, instance.business_key)),
      instance.applicant && h(Item, { label: t('inst.applicant') }, instance.applicant),
      h(Item, { label: t('inst.version') }, `v${instance.version}`))),
    h(Card, { id: 'diagram', title: t('inst.diagram') },
      !diagram ? h(Loading) : diagram.error ? h(ErrorView, { error: diagram.error })
        : h(DiagramView, { xml: diagram.xml, elements: diagram.elements })),
    h('div', { className: 'grid-2' },
      h('div', null,
        h(Card, { id: 'steps', title: t('inst.tasks') },
          running && h('p', null, h('strong', null, `${t('inst.waiting')}${t('common.colon')}`),
            instance.waiting_for && instance.waiting_for.length ? instance.waiting_for.join(t('common.sep')) : t('inst.nothing_waiting')),
          h(Steps, { tasks: instance.tasks, me })),
        (instance.commitments || []).length > 0 && h(Card, { id: 'commitments', title: t('task.commitments') }, h(Commitments, { commitments: instance.commitments })),
        h(Card, { id: 'materials', title: t('task.materials') }, h(Materials, {
          rows: bundle ? materialRows(bundle.manifest, instance) : [],
          action: (m) => (maySupply && (m.state === 'pending' || m.state === 'overdue') ? h(SupplyForm, { material: m, onSupply: supply }) : null),
        })),
        instance.rating && h(Card, { id: 'rating', title: t('inst.rating') },
          h('p', null, '★'.repeat(instance.rating.score) + '☆'.repeat(5 - instance.rating.score), ' ', instance.rating.comment || ''))),
      h('div', null,
        h(Card, { id: 'timeline', title: t('timeline.title') }, h(Timeline, { entries: instance.timeline, materials: bundle ? bundle.manifest.materials : [] })),
        h(Card, { id: 'application', title: t('inst.data'), actions: showReveal && h(RevealToggle, { reveal, onChange: toggleReveal }) },
          h(DataView, { data: appData, schema: appForm && appForm.schema, uiSchema: appForm && appForm.ui_schema, reveal: showReveal && reveal })),
        Object.keys(otherData).length > 0 && h(Card, { id: 'results', title: t('task.data_other') }, h(DataView, { data: otherData, reveal: showReveal && reveal })))));
}

mountDetailPage(InstancePage, ID);
