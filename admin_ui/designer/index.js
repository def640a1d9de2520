// The designer's start page: /ui/designer/?bundle=<id>
// Every bundle (and the designer's drafts of new ones), its versions — who deployed what and when, how many
// instances run on each —, the diff of a version against the one before, and rollback.

import { api } from '../common/api.js';
import { dateTime } from '../common/format.js';
import { t } from '../common/i18n.js';
import { Card, Empty, ErrorView, Fragment, h, Header, Loading, mount, Notice, useEffect, useLoad, useState } from '../common/ui.js';
import { DiffView } from './diff.js';
import { newFormFiles } from './forms.js';
import { requireDesigner } from './gate.js';
import './messages.js';

const params = new URLSearchParams(location.search);
const ID = /^[a-z][a-z0-9-]{1,62}$/;

function go(bundle) {
  const url = new URL(location.href);
  url.search = bundle ? `?bundle=${encodeURIComponent(bundle)}` : '';
  history.replaceState(null, '', url);
}

function editUrl(bundle) {
  return `edit.html?bundle=${encodeURIComponent(bundle)}`;
}

function App() {
  const [me, setMe] = useState(null);
  useEffect(() => { requireDesigner().then(setMe); }, []);
  if (!me) return h(Loading);
  return h(Fragment, null,
    h(Header, { area: 'designer', me, nav: [{ href: 'index.html', label: t('dz.nav.bundles'), current: true }] }),
    h('main', { id: 'main', className: 'page dz-index' }, h(Bundles, null)));
}

function Bundles() {
  const list = useLoad(() => api.get('/api/designer/bundles'), []);
  const [selected, setSelected] = useState(params.get('bundle'));
  const [creating, setCreating] = useState(false);
  const [notice, setNotice] = useState(() => {
    const v = params.get('deployed');
    if (!v) return null;
    return { kind: 'success', text: params.get('created') === '0' ? t('dz.index.deployed_same', { v }) : t('dz.index.deployed', { v }) };
  });
  const bundles = list.data || [];
  const current = selected && bundles.some((b) => b.id === selected) ? selected : bundles[0] && bundles[0].id;
  const pick = (id) => { setSelected(id); go(id); };
  return h(Fragment, null,
    h('div', { className: 'page-head' },
      h('h1', null, t('dz.index.title')),
      h('button', { type: 'button', className: 'btn btn-primary', id: 'dz-new-bundle', onClick: () => setCreating(true) }, t('dz.index.new'))),
    notice && h(Notice, { kind: notice.kind, onClose: () => setNotice(null) }, notice.text),
    creating && h(NewBundle, { existing: bundles.map((b) => b.id), onCancel: () => setCreating(false) }),
    list.loading && !list.data ? h(Loading) : list.error ? h(ErrorView, { error: list.error, onRetry: list.reload }) :
      h('div', { className: 'dz-index-grid' },
        h(Card, { title: t('dz.index.bundles'), className: 'dz-bundle-card' },
          bundles.length === 0 ? h(Empty, null, t('dz.index.empty')) :
            h('ul', { className: 'dz-link-list' }, bundles.map((b) => h('li', { key: b.id },
              h('button', { type: 'button', className: `dz-link${b.id === current ? ' active' : ''}`, 'data-bundle': b.id,
                'aria-current': b.id === current ? 'true' : undefined, onClick: () => pick(b.id) },
                h('span', { className: 'dz-link-title' }, b.name),
                h('span', { className: 'dz-link-meta' }, b.id),
                h('span', { className: 'dz-link-tags' },
                  b.deployed ? h('span', { className: 'badge badge-green' }, t('dz.index.active_v', { v: b.active_version }))
                    : h('span', { className: 'badge' }, t('dz.index.not_deployed')),
                  b.draft && h('span', { className: 'badge badge-yellow' }, t('dz.index.has_draft')))))))),
        current ? h(Versions, { key: current, bundle: bundles.find((b) => b.id === current), onChanged: list.reload, setNotice }) : null));
}

function Versions({ bundle, onChanged, setNotice }) {
  const detail = useLoad(() => (bundle.deployed ? api.get(`/api/designer/bundles/${bundle.id}`) : Promise.resolve(null)), [bundle.id]);
  const [diffOf, setDiffOf] = useState(null);
  const [confirm, setConfirm] = useState(null);
  const versions = (detail.data && detail.data.versions) || [];
  useEffect(() => { if (versions.length && diffOf === null) setDiffOf(versions[0].version); }, [versions.length]);   // eslint-disable-line

  async function activate(v) {
    try {
      const next = await api.post(`/api/designer/bundles/${bundle.id}/versions/${v}/activate`);
      detail.setData(next);
      setConfirm(null);
      setNotice({ kind: 'success', text: t('dz.index.activated', { v }) });
      onChanged();
    } catch (err) {
      setConfirm(null);
      setNotice({ kind: 'error', text: err.message });
    }
  }

  async function editFrom(v) {
    try {
      await api.post(`/api/designer/drafts/${bundle.id}`, { version: v, replace: true });
      location.assign(editUrl(bundle.id));
    } catch (err) {
      setConfirm(null);
      setNotice({ kind: 'error', text: err.message });
    }
  }

  const draft = bundle.draft;
  const actions = h(Fragment, null,
    draft && h('span', { className: 'muted small', id: 'dz-draft-info' },
      t('dz.index.draft_info', { v: draft.base_version || '—', n: draft.revision, at: dateTime(draft.updated_at) })),
    h('a', { className: 'btn btn-primary btn-sm', href: editUrl(bundle.id), id: 'dz-open-editor' },
      draft ? t('dz.index.continue') : t('dz.index.open')));
  return h('div', { className: 'dz-versions-col' },
    h(Card, { title: `${bundle.name}（${bundle.id}）`, actions, id: 'dz-versions' },
      !bundle.deployed ? h('p', { className: 'muted' }, t('dz.index.never_deployed')) :
        detail.loading && !detail.data ? h(Loading) : detail.error ? h(ErrorView, { error: detail.error, onRetry: detail.reload }) :
          h('div', { className: 'table-wrap' }, h('table', { className: 'table', id: 'dz-version-table' },
            h('thead', null, h('tr', null,
              h('th', null, t('dz.v.version')), h('th', null, t('dz.v.state')), h('th', null, t('dz.v.by')), h('th', null, t('dz.v.at')),
              h('th', { className: 'num' }, t('dz.v.running')), h('th', { className: 'num' }, t('dz.v.total')), h('th', null, t('dz.v.actions')))),
            h('tbody', null, versions.map((v) => h('tr', { key: v.version, 'data-version': v.version, className: v.version === diffOf ? 'dz-row-selected' : '' },
              h('td', null, h('strong', null, `v${v.version}`)),
              h('td', null, v.active ? h('span', { className: 'badge badge-green' }, t('dz.v.active')) : h('span', { className: 'muted' }, '—')),
              h('td', null, v.deployed_by),
              h('td', { className: 'nowrap' }, dateTime(v.deployed_at)),
              h('td', { className: 'num' }, v.instances.running),
              h('td', { className: 'num' }, v.instances.total),
              h('td', null, h('div', { className: 'btn-row' },
                h('button', { type: 'button', className: 'btn btn-sm', 'data-action': 'diff', onClick: () => setDiffOf(v.version) },
                  v.version > 1 ? t('dz.v.diff') : t('dz.v.contents')),
                !v.active && h('button', { type: 'button', className: 'btn btn-sm', 'data-action': 'activate',
                  onClick: () => setConfirm({ kind: 'activate', v: v.version }) },
                  v.version < detail.data.active_version ? t('dz.v.rollback') : t('dz.v.activate')),
                h('button', { type: 'button', className: 'btn btn-sm btn-ghost', 'data-action': 'edit',
                  onClick: () => (draft ? setConfirm({ kind: 'edit', v: v.version }) : editFrom(v.version)) }, t('dz.v.edit'))))))))),
      confirm && h(Notice, { kind: 'warning', id: 'dz-confirm' },
        confirm.kind === 'activate' ? t('dz.v.confirm_activate', { v: confirm.v }) : t('dz.v.confirm_edit', { v: confirm.v }),
        h('div', { className: 'btn-row dz-confirm-row' },
          h('button', { type: 'button', className: 'btn btn-sm btn-primary', id: 'dz-confirm-yes',
            onClick: () => (confirm.kind === 'activate' ? activate(confirm.v) : editFrom(confirm.v)) }, t('common.confirm')),
          h('button', { type: 'button', className: 'btn btn-sm', onClick: () => setConfirm(null) }, t('common.cancel'))))),
    diffOf && bundle.deployed && h(VersionDiff, { key: diffOf, bundle: bundle.id, version: diffOf }));
}

function VersionDiff({ bundle, version }) {
  const diff = useLoad(() => api.get(`/api/designer/bundles/${bundle}/versions/${version}/diff`), [bundle, version]);
  const title = diff.data && diff.data.against ? t('dz.diff.title', { v: version, against: diff.data.against }) : t('dz.diff.title_first', { v: version });
  return h(Card, { title, id: 'dz-diff' },
    diff.loading ? h(Loading) : diff.error ? h(ErrorView, { error: diff.error }) : h(DiffView, { diff: diff.data }));
}

function NewBundle({ existing, onCancel }) {
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const problem = !id ? '' : !ID.test(id) ? t('dz.newbundle.id_bad') : existing.includes(id) ? t('dz.newbundle.id_taken') : '';
  async function create() {
    setBusy(true);
    try {
      await api.request('PUT', `/api/designer/drafts/${id}`, { json: { files: templateFiles(id, name.trim()) } });
      location.assign(editUrl(id));
    } catch (err) {
      setBusy(false);
      setError(err);
    }
  }
  return h(Card, { title: t('dz.newbundle.title'), id: 'dz-new-bundle-card' },
    h('div', { className: 'dz-grid' },
      h('div', { className: 'field' },
        h('label', { htmlFor: 'dz-newbundle-id' }, t('dz.newbundle.id')),
        h('input', { id: 'dz-newbundle-id', className: 'input mono', value: id, placeholder: 'pet-licence',
          'aria-invalid': problem ? true : undefined, onChange: (e) => setId(e.target.value.trim()) }),
        problem ? h('div', { className: 'field-error' }, problem) : h('div', { className: 'field-hint' }, t('dz.newbundle.id_hint'))),
      h('div', { className: 'field' },
        h('label', { htmlFor: 'dz-newbundle-name' }, t('dz.newbundle.name')),
        h('input', { id: 'dz-newbundle-name', className: 'input', value: name, onChange: (e) => setName(e.target.value) }))),
    error && h(ErrorView, { error }),
    h('div', { className: 'btn-row' },
      h('button', { type: 'button', className: 'btn btn-primary', disabled: busy || !id || !!problem || !name.trim(), onClick: create, id: 'dz-newbundle-create' },
        t('dz.newbundle.create')),
      h('button', { type: 'button', className: 'btn', onClick: onCancel }, t('common.cancel'))));
}

/** A runnable starting point: the applicant applies, one department handles it, done. */
function templateFiles(id, name) {
  const process = id.replace(/-/g, '_');
  const manifest = {
    id, name, process, modes: ['integrated'], time_limit_working_days: 5,
    application: ['application.schema.json'],
    lanes: { handling: { department: 'dept', department_name: '承办部门', region: 'handling' } },
    materials: [],
  };
  const form = JSON.parse(newFormFiles('application', `${name}申请表`)['application.schema.json']);
  form.properties = { note: { type: 'string', title: '申请事项说明', maxLength: 500 } };
  const bpmn = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="defs_${process}" targetNamespace="https://yijian.example/bpmn">
  <bpmn:collaboration id="collab_${process}">
    <bpmn:participant id="pool_${process}" name="${name.replace(/[<&"]/g, '')}" processRef="${process}" />
  </bpmn:collaboration>
  <bpmn:process id="${process}" isExecutable="true">
    <bpmn:laneSet id="laneset_${process}">
      <bpmn:lane id="handling" name="承办部门">
        <bpmn:flowNodeRef>start</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>review</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>end</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start" name="提交申请"><bpmn:outgoing>flow_1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="review" name="审查办理">
      <bpmn:extensionElements>
        <spiffworkflow:properties>
          <spiffworkflow:property name="formJsonSchemaFilename" value="review.schema.json" />
          <spiffworkflow:property name="formUiSchemaFilename" value="review.uischema.json" />
        </spiffworkflow:properties>
      </bpmn:extensionElements>
      <bpmn:incoming>flow_1</bpmn:incoming><bpmn:outgoing>flow_2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="end" name="办结"><bpmn:incoming>flow_2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="flow_1" sourceRef="start" targetRef="review" />
    <bpmn:sequenceFlow id="flow_2" sourceRef="review" targetRef="end" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="diagram_${process}">
    <bpmndi:BPMNPlane id="plane_${process}" bpmnElement="collab_${process}">
      <bpmndi:BPMNShape id="pool_di" bpmnElement="pool_${process}" isHorizontal="true"><dc:Bounds x="160" y="80" width="600" height="200" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="handling_di" bpmnElement="handling" isHorizontal="true"><dc:Bounds x="190" y="80" width="570" height="200" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="start_di" bpmnElement="start"><dc:Bounds x="242" y="162" width="36" height="36" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="review_di" bpmnElement="review"><dc:Bounds x="360" y="140" width="120" height="80" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="end_di" bpmnElement="end"><dc:Bounds x="582" y="162" width="36" height="36" /></bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="flow_1_di" bpmnElement="flow_1"><di:waypoint x="278" y="180" /><di:waypoint x="360" y="180" /></bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="flow_2_di" bpmnElement="flow_2"><di:waypoint x="480" y="180" /><di:waypoint x="582" y="180" /></bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
`;
  const review = JSON.parse(newFormFiles('review', '审查意见')['review.schema.json']);
  review.properties = { review: { type: 'object', title: '审查结果', properties: {
    approved: { type: 'boolean', title: '是否同意' }, opinion: { type: 'string', title: '审查意见', maxLength: 2000 } }, required: ['approved'] } };
  review.required = ['review'];
  return {
    'bundle.json': JSON.stringify(manifest, null, 2) + '\n',
    [`${process}.bpmn`]: bpmn,
    'application.schema.json': JSON.stringify(form, null, 2) + '\n',
    'application.uischema.json': '{}\n',
    'review.schema.json': JSON.stringify(review, null, 2) + '\n',
    'review.uischema.json': '{}\n',
  };
}

document.title = `${t('dz.index.page_title')} · ${t('app.name')}`;
mount('#app', App);
