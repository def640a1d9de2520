// The designer's editor: /ui/designer/edit.html?bundle=<id>
// A server-side draft of the bundle (all files as text) edited in four tabs — process (bpmn-js modeler with the
// Yijian properties panel), forms (builder + live preview), manifest, changes — checked live against the same
// rules as a deploy, saved as a draft, deployed as a new version.

import { api, ApiError } from '../common/api.js';
import { lang, localize, onLangChange, t } from '../common/i18n.js';
import { ErrorView, Fragment, h, Header, Loading, mount, Notice, useEffect, useReducer, useRef, useState } from '../common/ui.js';
import { DiffView, summary } from './diff.js';
import { FormsTab, formTitle, isForm, newFormFiles, uiNameOf } from './forms.js';
import { requireDesigner } from './gate.js';
import { ManifestTab } from './manifest.js';
import './messages.js';
import { createDesignerModeler } from './modeler.js';

const params = new URLSearchParams(location.search);
const BUNDLE = params.get('bundle') || '';
const STEM = /^[a-z0-9][a-z0-9-]{0,60}$/;

// --- the draft, outside React: bpmn-js callbacks read it synchronously ---------------------------------

const store = {
  me: null,
  meta: null,            // {author, base_version, revision, updated_at, created_at}
  files: {},             // name -> text (the BPMN of the open file is refreshed from the modeler on save/check)
  manifest: {},
  manifestBroken: null,  // parse error of bundle.json
  bpmnFile: null,
  deployed: false,
  dirty: false,
  problems: [],
  checkedAt: null,
  checking: false,
  departments: [],
  fragments: [],
  manifestSchema: null,
  importWarnings: [],
  designer: null,
};
const listeners = new Set();
function bump() { for (const fn of listeners) fn(); }

function processFiles() {
  return Object.keys(store.files).filter((n) => /\.bpmn$|\.bpmn20\.xml$/.test(n)).sort();
}

function mainBpmnFile() {
  const files = processFiles();
  const process = store.manifest && store.manifest.process;
  return files.find((n) => process && store.files[n].includes(`id="${process}"`)) || files.find((n) => !n.startsWith('common/')) || files[0];
}

function setManifest(next) {
  store.manifest = next;
  store.manifestBroken = null;
  store.files = { ...store.files, 'bundle.json': JSON.stringify(next, null, 2) + '\n' };
  changed();
}

function setFiles(patch) {
  store.files = { ...store.files, ...patch };
  if ('bundle.json' in patch) readManifest();
  changed();
}

function readManifest() {
  try {
    const m = JSON.parse(store.files['bundle.json'] || '{}');
    store.manifest = m && typeof m === 'object' && !Array.isArray(m) ? m : {};
    store.manifestBroken = null;
  } catch (err) {
    store.manifestBroken = err.message;
  }
}

let checkTimer = null;
function changed() {
  store.dirty = true;
  clearTimeout(checkTimer);
  checkTimer = setTimeout(() => check(), 900);
  bump();
}

async function collectFiles() {
  if (store.designer && store.bpmnFile) store.files = { ...store.files, [store.bpmnFile]: await store.designer.xml() };
  return store.files;
}

let checkSeq = 0;
async function check() {
  const mine = ++checkSeq;
  store.checking = true;
  bump();
  try {
    const report = await api.post(`/api/designer/drafts/${BUNDLE}/validate`, { files: await collectFiles() });
    if (mine !== checkSeq) return report;
    store.problems = report.problems;
    store.checkedAt = new Date();
    if (store.designer) store.designer.showProblems(report.problems.filter((p) => p.file === store.bpmnFile || !p.file));
    return report;
  } finally {
    if (mine === checkSeq) { store.checking = false; bump(); }
  }
}

async function save() {
  const files = await collectFiles();
  try {
    const draft = await api.request('PUT', `/api/designer/drafts/${BUNDLE}`, { json: { files, revision: store.meta ? store.meta.revision : undefined } });
    store.meta = draft;
    store.dirty = false;
    bump();
    return draft;
  } catch (err) {
    bump();
    throw err;
  }
}

// --- the editor's context for the properties panel ------------------------------------------------------

function departments() {
  const list = store.departments.map((d) => ({ ...d }));
  for (const lane of Object.values((store.manifest && store.manifest.lanes) || {})) {
    if (lane && lane.department && !list.some((d) => d.department === lane.department)) {
      list.push({ department: lane.department, department_name: lane.department_name || lane.department,
        department_name_en: lane.department_name_en, regions: [lane.region || 'handling'], lanes: [] });
    }
  }
  return list.sort((a, b) => a.department.localeCompare(b.department));
}

function formNames() {
  return Object.keys(store.files).filter((n) => isForm(n) && n.endsWith('schema.json')).sort();
}

let ui = { openForm: () => {}, createForm: () => {} };   // set by the App

const context = {
  manifest: () => store.manifest || {},
  setLane(key, entry) {
    const lanes = { ...((store.manifest && store.manifest.lanes) || {}) };
    if (entry) {
      const clean = { department: entry.department || '', department_name: entry.department_name || '', region: entry.region || 'handling' };
      if (entry.department_name_en) clean.department_name_en = entry.department_name_en;
      lanes[key] = clean;
    } else delete lanes[key];
    setManifest({ ...store.manifest, lanes });
  },
  renameLane(from, to) {
    const lanes = (store.manifest && store.manifest.lanes) || {};
    if (!(from in lanes) || to in lanes) return;
    const next = Object.fromEntries(Object.entries(lanes).map(([k, v]) => [k === from ? to : k, v]));
    const m = { ...store.manifest, lanes: next };
    if (m.rating_lane === from) m.rating_lane = to;
    if (Array.isArray(m.items)) m.items = m.items.map((i) => (i.lane === from ? { ...i, lane: to } : i));
    setManifest(m);
  },
  departments,
  formFiles: formNames,
  formTitle: (name) => formTitle(store.files, name),
  uiFileFor: (name) => (store.files[uiNameOf(name)] !== undefined ? uiNameOf(name) : undefined),
  createForm: (element) => ui.createForm(element),
  openForm: (name) => ui.openForm(name),
  problemsOf: (id) => store.problems.filter((p) => p.element === id && (p.file === store.bpmnFile || !p.file)),
  changed,
};

// --- loading ---------------------------------------------------------------------------------------------

async function load() {
  store.me = await requireDesigner();
  if (!BUNDLE) throw new ApiError(404, { detail: t('dz.edit.no_bundle') });
  const bundle = (await api.get('/api/designer/bundles')).find((b) => b.id === BUNDLE);
  if (!bundle) throw new ApiError(404, { detail: t('dz.edit.unknown_bundle', { id: BUNDLE }) });
  // a draft of mine exists: continue it; else start one from the active version (no 404 round trip)
  const draft = bundle.draft ? await api.get(`/api/designer/drafts/${BUNDLE}`) : await api.post(`/api/designer/drafts/${BUNDLE}`, {});
  const [deps, fragments, schema] = await Promise.all([
    api.get('/api/designer/departments', { bundle_id: BUNDLE }),
    api.get('/api/designer/fragments'),
    api.get('/api/designer/manifest-schema'),
  ]);
  const { files, ...meta } = draft;
  Object.assign(store, { meta, files, departments: deps, fragments, manifestSchema: schema });
  store.deployed = bundle.deployed;
  readManifest();
  store.bpmnFile = mainBpmnFile();
}

// --- components ------------------------------------------------------------------------------------------

function useStore() {
  const [, force] = useReducer((x) => x + 1, 0);
  useEffect(() => { listeners.add(force); return () => listeners.delete(force); }, []);
  return store;
}

const TABS = ['process', 'forms', 'manifest', 'changes'];

function App() {
  const s = useStore();
  const [phase, setPhase] = useState({ loading: true, error: null });
  const [tab, setTab] = useState('process');
  const [formSelected, setFormSelected] = useState(null);
  const [notice, setNotice] = useState(null);
  const [dialog, setDialog] = useState(null);
  const [problemsOpen, setProblemsOpen] = useState(true);
  const canvasRef = useRef(null);
  const propsRef = useRef(null);

  ui = {
    openForm: (name) => { setFormSelected(name); setTab('forms'); },
    createForm: (element) => setDialog({ kind: 'new-form', element }),
  };

  useEffect(() => {
    (async () => {
      try {
        await load();
        store.designer = createDesignerModeler({ container: canvasRef.current, propertiesParent: propsRef.current, context });
        store.importWarnings = await store.designer.open(store.files[store.bpmnFile] || '');
        store.dirty = false;
        setPhase({ loading: false, error: null });
        window.dz = { store, check, save };   // for tests and the curious
        await check();
      } catch (error) {
        setPhase({ loading: false, error });
      }
    })();
  }, []);

  useEffect(() => onLangChange(async () => {
    if (store.dirty) { try { await save(); } catch { /* keep the page; the user sees the state after reload */ } }
    location.reload();
  }), []);

  useEffect(() => {
    const onKey = (e) => {
      if ((e.ctrlKey || e.metaKey) && e.key === 's') { e.preventDefault(); doSave(); }
    };
    const onLeave = (e) => { if (store.dirty) { e.preventDefault(); e.returnValue = ''; } };
    window.addEventListener('keydown', onKey);
    window.addEventListener('beforeunload', onLeave);
    return () => { window.removeEventListener('keydown', onKey); window.removeEventListener('beforeunload', onLeave); };
  }, []);

  useEffect(() => {
    if (tab === 'process' && store.designer) store.designer.modeler.get('canvas').resized();
  }, [tab]);

  async function doSave() {
    try {
      await save();
      setNotice({ kind: 'success', text: t('dz.edit.saved', { n: store.meta.revision }) });
    } catch (err) {
      setNotice({ kind: 'error', text: err.status === 409 ? t('dz.edit.stale') : err.message });
    }
  }

  async function doCheck() {
    try {
      const report = await check();
      setProblemsOpen(true);
      setNotice(report.valid
        ? { kind: 'success', text: t('dz.edit.check_ok', { n: report.warnings }) }
        : { kind: 'error', text: t('dz.edit.check_bad', { errors: report.errors, warnings: report.warnings }) });
    } catch (err) {
      setNotice({ kind: 'error', text: err.message });
    }
  }

  async function doDeploy() {
    try {
      await save();
      const report = await check();
      if (!report.valid) {
        setProblemsOpen(true);
        setNotice({ kind: 'error', text: t('dz.edit.deploy_blocked', { n: report.errors }) });
        return;
      }
      const diff = await api.get(`/api/designer/drafts/${BUNDLE}/diff`);
      setDialog({ kind: 'deploy', report, diff });
    } catch (err) {
      setNotice({ kind: 'error', text: err.status === 409 ? t('dz.edit.stale') : err.message });
    }
  }

  async function confirmDeploy() {
    setDialog({ ...dialog, busy: true });
    try {
      const result = await api.post(`/api/designer/drafts/${BUNDLE}/deploy`);
      store.dirty = false;
      location.assign(`index.html?bundle=${encodeURIComponent(BUNDLE)}&deployed=${result.version}&created=${result.created ? 1 : 0}`);
    } catch (err) {
      setDialog(null);
      if (err.errors && err.errors.length) await check();
      setNotice({ kind: 'error', text: err.message });
    }
  }

  async function doDiscard() {
    try {
      await api.request('DELETE', `/api/designer/drafts/${BUNDLE}`);
      store.dirty = false;
      location.assign(`index.html?bundle=${encodeURIComponent(BUNDLE)}`);
    } catch (err) {
      setDialog(null);
      setNotice({ kind: 'error', text: err.message });
    }
  }

  async function openFile(name) {
    if (name === store.bpmnFile) return;
    await collectFiles();
    store.bpmnFile = name;
    store.importWarnings = await store.designer.open(store.files[name]);
    store.designer.showProblems(store.problems.filter((p) => p.file === name));
    bump();
  }

  async function goTo(problem) {
    if (problem.element && problem.file && processFiles().includes(problem.file)) {
      setTab('process');
      if (problem.file !== store.bpmnFile) await openFile(problem.file);
      setTimeout(() => store.designer.select(problem.element), 30);
    } else if (problem.file && isForm(problem.file) || (problem.file && /uischema\.json$/.test(problem.file))) {
      setFormSelected(problem.file.replace(/([.-])uischema\.json$/, '$1schema.json'));
      setTab('forms');
    } else if (problem.file === 'bundle.json') {
      setTab('manifest');
    }
  }

  function createForm({ stem, title, element }) {
    const files = newFormFiles(stem, title);
    const name = `${stem}.schema.json`;
    setFiles(files);
    if (element && store.designer) {
      const { spiff } = window.BpmnBundle;
      spiff.setProperty(store.designer.modeler, element, 'formJsonSchemaFilename', name);
      spiff.setProperty(store.designer.modeler, element, 'formUiSchemaFilename', `${stem}.uischema.json`);
    }
    setDialog(null);
    ui.openForm(name);
  }

  if (phase.error) {
    return h(Fragment, null, h(Header, { area: 'designer', me: s.me }),
      h('main', { id: 'main', className: 'page' }, h(ErrorView, { error: phase.error, onRetry: () => location.reload() })));
  }

  const errors = s.problems.filter((p) => p.severity === 'error').length;
  const warnings = s.problems.length - errors;
  const usage = {};
  if (s.designer && !phase.loading) for (const task of s.designer.userTasks()) if (task.form) (usage[task.form] ||= []).push(task.name);
  const manifestErrors = s.problems.filter((p) => p.file === 'bundle.json' && p.severity === 'error').length;

  return h('div', { className: 'dz-shell' },
    h(Header, { area: 'designer', me: s.me, nav: [{ href: 'index.html', label: t('dz.nav.bundles') }] }),
    h('div', { className: 'dz-toolbar' },
      h('div', { className: 'dz-title' },
        h('a', { href: `index.html?bundle=${encodeURIComponent(BUNDLE)}`, className: 'muted' }, t('dz.nav.bundles')),
        h('span', { 'aria-hidden': true, className: 'muted' }, ' / '),
        h('h1', null, (s.manifest && s.manifest.name) || BUNDLE),
        h('code', { className: 'muted' }, BUNDLE),
        s.meta && h('span', { className: 'badge', id: 'dz-draft-state' },
          s.meta.base_version ? t('dz.edit.based_on', { v: s.meta.base_version }) : t('dz.edit.new_bundle'),
          ' · ', t('dz.edit.revision', { n: s.meta.revision })),
        s.dirty && h('span', { className: 'badge badge-yellow', id: 'dz-dirty' }, t('dz.edit.unsaved'))),
      h('div', { className: 'btn-row' },
        h('button', { type: 'button', className: 'btn btn-sm', id: 'dz-save', onClick: doSave, disabled: phase.loading }, t('dz.edit.save')),
        h('button', { type: 'button', className: 'btn btn-sm', id: 'dz-check', onClick: doCheck, disabled: phase.loading }, t('dz.edit.check')),
        h('button', { type: 'button', className: 'btn btn-sm btn-primary', id: 'dz-deploy', onClick: doDeploy, disabled: phase.loading }, t('dz.edit.deploy')),
        h('button', { type: 'button', className: 'btn btn-sm btn-ghost', id: 'dz-discard', onClick: () => setDialog({ kind: 'discard' }), disabled: phase.loading },
          t('dz.edit.discard')))),
    notice && h('div', { className: 'dz-notice' }, h(Notice, { kind: notice.kind, onClose: () => setNotice(null) }, notice.text)),
    s.manifestBroken && h('div', { className: 'dz-notice' }, h(Notice, { kind: 'error' }, t('dz.edit.manifest_broken', { message: s.manifestBroken }))),
    h('div', { className: 'dz-tabs', role: 'tablist' },
      TABS.map((name) => h('button', { key: name, type: 'button', role: 'tab', id: `dz-tab-${name}`, 'aria-selected': tab === name,
        className: tab === name ? 'active' : '', onClick: () => setTab(name) },
        t(`dz.tab.${name}`),
        name === 'manifest' && manifestErrors > 0 && h('span', { className: 'badge badge-red' }, String(manifestErrors)))),
      tab === 'process' && processFiles().length > 1 && h('label', { className: 'dz-file-pick' }, t('dz.edit.file'), ' ',
        h('select', { className: 'input', value: s.bpmnFile || '', onChange: (e) => openFile(e.target.value) },
          processFiles().map((n) => h('option', { key: n, value: n }, n)))),
      tab === 'process' && h('span', { className: 'dz-tab-tools' },
        h('button', { type: 'button', className: 'btn btn-ghost btn-sm', id: 'dz-zoom-out', title: t('dz.edit.zoom_out'), 'aria-label': t('dz.edit.zoom_out'),
          onClick: () => s.designer && s.designer.zoom(1 / 1.25) }, '−'),
        h('button', { type: 'button', className: 'btn btn-ghost btn-sm', id: 'dz-fit', title: t('dz.edit.fit'),
          onClick: () => s.designer && s.designer.fit() }, t('dz.edit.fit')),
        h('button', { type: 'button', className: 'btn btn-ghost btn-sm', id: 'dz-zoom-in', title: t('dz.edit.zoom_in'), 'aria-label': t('dz.edit.zoom_in'),
          onClick: () => s.designer && s.designer.zoom(1.25) }, '+'),
        h('span', { className: 'dz-sep', 'aria-hidden': true }),
        h('button', { type: 'button', className: 'btn btn-ghost btn-sm', title: t('dz.edit.undo'), 'aria-label': t('dz.edit.undo'),
          onClick: () => s.designer && s.designer.undo() }, '↶'),
        h('button', { type: 'button', className: 'btn btn-ghost btn-sm', title: t('dz.edit.redo'), 'aria-label': t('dz.edit.redo'),
          onClick: () => s.designer && s.designer.redo() }, '↷'))),
    h('main', { id: 'main', className: 'dz-main' },
      phase.loading && h('div', { className: 'dz-loading' }, h(Loading)),
      h('div', { className: 'dz-process', hidden: tab !== 'process' },
        s.importWarnings.length > 0 && h('div', { className: 'dz-import-warnings' },
          h(Notice, { kind: 'warning', title: t('dz.edit.import_warnings'), onClose: () => { store.importWarnings = []; bump(); } },
            h('ul', null, s.importWarnings.map((w, i) => h('li', { key: i }, w))))),
        h('div', { className: 'dz-canvas', id: 'dz-canvas', ref: canvasRef }),
        h('div', { className: 'dz-props', id: 'dz-props', ref: propsRef, 'aria-label': t('dz.edit.properties') })),
      tab === 'forms' && h(FormsTab, {
        files: s.files, setFiles, selected: formSelected, onSelect: setFormSelected, fragments: s.fragments, usage,
        application: (s.manifest && s.manifest.application) || [], onNewForm: () => setDialog({ kind: 'new-form', element: null }),
      }),
      tab === 'manifest' && h(ManifestTab, {
        manifest: s.manifest, onChange: setManifest, schema: s.manifestSchema, deployed: s.deployed, errorCount: manifestErrors,
        processIds: s.designer ? s.designer.processIds() : [],
        formNames: [...new Set([...formNames(), ...s.fragments.map((f) => f.name)])].sort(),
        laneKeys: Object.keys((s.manifest && s.manifest.lanes) || {}),
      }),
      tab === 'changes' && h(ChangesTab, { dirty: s.dirty, onSave: doSave })),
    h(Problems, { problems: s.problems, errors, warnings, open: problemsOpen, setOpen: setProblemsOpen, onPick: goTo,
      checking: s.checking, checkedAt: s.checkedAt }),
    dialog && dialog.kind === 'new-form' && h(NewFormDialog, { element: dialog.element, onCancel: () => setDialog(null), onCreate: createForm }),
    dialog && dialog.kind === 'deploy' && h(DeployDialog, { ...dialog, onCancel: () => setDialog(null), onConfirm: confirmDeploy }),
    dialog && dialog.kind === 'discard' && h(Dialog, { title: t('dz.edit.discard_title'), onCancel: () => setDialog(null),
      actions: h('button', { type: 'button', className: 'btn btn-danger', id: 'dz-discard-confirm', onClick: doDiscard }, t('dz.edit.discard')) },
      h('p', null, t('dz.edit.discard_text'))));
}

function Problems({ problems, errors, warnings, open, setOpen, onPick, checking, checkedAt }) {
  return h('section', { className: `dz-problems${open ? ' open' : ''}`, 'aria-label': t('dz.problems.title') },
    h('button', { type: 'button', className: 'dz-problems-head', 'aria-expanded': open, onClick: () => setOpen(!open) },
      h('strong', null, t('dz.problems.title')),
      h('span', { className: `badge ${errors ? 'badge-red' : 'badge-green'}`, id: 'dz-error-count' }, t('dz.problems.errors', { n: errors })),
      h('span', { className: `badge ${warnings ? 'badge-yellow' : ''}`, id: 'dz-warning-count' }, t('dz.problems.warnings', { n: warnings })),
      h('span', { className: 'muted small' }, checking ? t('dz.problems.checking')
        : checkedAt ? t('dz.problems.checked', { time: checkedAt.toLocaleTimeString(lang() === 'en' ? 'en-GB' : 'zh-CN') }) : ''),
      h('span', { className: 'dz-caret', 'aria-hidden': true }, open ? '▾' : '▴')),
    open && h('ul', { className: 'dz-problem-list', id: 'dz-problem-list' },
      problems.length === 0 && h('li', { className: 'muted' }, t('dz.problems.none')),
      problems.map((p, i) => h('li', { key: i, className: `dz-problem dz-${p.severity}` },
        h('button', { type: 'button', onClick: () => onPick(p), 'data-element': p.element || undefined, 'data-rule': p.rule },
          h('span', { className: `badge ${p.severity === 'error' ? 'badge-red' : 'badge-yellow'}` },
            p.severity === 'error' ? t('dz.problem.error') : t('dz.problem.warning')),
          h('code', { className: 'dz-loc' }, p.loc.join(' › ')),
          h('span', { className: 'dz-msg' }, localize(p.message)))))));
}

function Dialog({ title, children, actions, onCancel, wide }) {
  useEffect(() => {
    const onKey = (e) => { if (e.key === 'Escape') onCancel(); };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  return h('div', { className: 'dz-backdrop' },
    h('div', { className: `dz-dialog${wide ? ' wide' : ''}`, role: 'dialog', 'aria-modal': true, 'aria-labelledby': 'dz-dialog-title' },
      h('h2', { id: 'dz-dialog-title' }, title),
      h('div', { className: 'dz-dialog-body' }, children),
      h('div', { className: 'btn-row dz-dialog-actions' },
        h('button', { type: 'button', className: 'btn', onClick: onCancel }, t('common.cancel')), actions)));
}

function NewFormDialog({ element, onCancel, onCreate }) {
  const [stem, setStem] = useState(element ? element.id.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') : '');
  const [title, setTitle] = useState(element ? element.businessObject.name || '' : '');
  const taken = store.files[`${stem}.schema.json`] !== undefined;
  const error = !stem ? t('dz.required') : !STEM.test(stem) ? t('dz.newform.stem_bad') : taken ? t('dz.newform.taken') : !title.trim() ? t('dz.newform.title_missing') : '';
  return h(Dialog, { title: t('dz.newform.title'), onCancel,
    actions: h('button', { type: 'button', className: 'btn btn-primary', id: 'dz-newform-create', disabled: Boolean(error),
      onClick: () => onCreate({ stem, title: title.trim(), element }) }, t('dz.newform.create')) },
    element && h('p', { className: 'muted' }, t('dz.newform.for_task', { task: element.businessObject.name || element.id })),
    h('div', { className: 'field' },
      h('label', { htmlFor: 'dz-newform-stem' }, t('dz.newform.stem')),
      h('div', { className: 'dz-stem' }, h('input', { id: 'dz-newform-stem', className: 'input mono', value: stem, onChange: (e) => setStem(e.target.value.trim()) }),
        h('code', null, '.schema.json')),
      h('div', { className: 'field-hint' }, t('dz.newform.stem_hint'))),
    h('div', { className: 'field' },
      h('label', { htmlFor: 'dz-newform-title' }, t('dz.newform.form_title')),
      h('input', { id: 'dz-newform-title', className: 'input', value: title, onChange: (e) => setTitle(e.target.value) })),
    error && h('div', { className: 'field-error', role: 'alert' }, error));
}

function DeployDialog({ report, diff, busy, onCancel, onConfirm }) {
  const sum = summary(diff);
  return h(Dialog, { title: t('dz.deploy.title'), onCancel, wide: true,
    actions: h('button', { type: 'button', className: 'btn btn-primary', id: 'dz-deploy-confirm', disabled: busy, onClick: onConfirm },
      busy ? t('dz.deploy.busy') : t('dz.deploy.confirm')) },
    h('p', null, t('dz.deploy.text', { base: diff.against || '—' })),
    h('ul', { className: 'dz-deploy-summary' },
      h('li', null, t('dz.deploy.elements', { n: sum.elements })),
      h('li', null, t('dz.deploy.fields', { n: sum.fields })),
      h('li', null, t('dz.deploy.manifest', { n: sum.manifest })),
      report.warnings > 0 && h('li', { className: 'dz-warn-text' }, t('dz.deploy.warnings', { n: report.warnings }))),
    h('p', { className: 'muted small' }, t('dz.deploy.running')),
    h('details', null, h('summary', null, t('dz.deploy.details')), h(DiffView, { diff })));
}

function ChangesTab({ dirty, onSave }) {
  const [state, setState] = useState({ loading: true, diff: null, error: null });
  useEffect(() => {
    if (dirty) return;
    api.get(`/api/designer/drafts/${BUNDLE}/diff`).then((diff) => setState({ loading: false, diff, error: null }),
      (error) => setState({ loading: false, diff: null, error }));
  }, [dirty]);
  return h('div', { className: 'dz-changes page' },
    h('p', { className: 'muted' }, t('dz.changes.hint')),
    dirty ? h(Notice, { kind: 'info' }, t('dz.changes.save_first'), ' ',
      h('button', { type: 'button', className: 'btn btn-sm', onClick: onSave }, t('dz.edit.save')))
      : state.loading ? h(Loading) : state.error ? h(ErrorView, { error: state.error }) : h(DiffView, { diff: state.diff }));
}

document.title = `${t('dz.edit.page_title')} · ${t('app.name')}`;
mount('#app', App);

