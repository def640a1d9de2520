// 在线申请: ① the merged application form (一表申请) ② materials, tolerable ones may be missing (容缺)
// ③ the commitment (承诺书) when one is missing ④ regions and submit. A draft is kept in sessionStorage.
import { api, ApiError, toExtraErrors } from '../common/api.js';
import { lang, localize, pick, t } from '../common/i18n.js';
import { regionsAvailable, childrenOf, provinces } from '../common/regions.js';
import { Card, ErrorView, h, JsonForm, Loading, Notice, useEffect, useLoad, useRef, useState } from '../common/ui.js';
import '../common/instance-view.js';   // material.* strings
import { modeIds } from './messages.js';
import { portalPage } from './shell.js';

const ID = new URLSearchParams(location.search).get('id') || '';
const DRAFT_KEY = `yijian.draft.${ID}`;
const REGION_KEY = 'yijian.last_region';
const COMMITMENT_TEXT_ZH = '本人（单位）自愿作出承诺：所缺材料将于承诺期限内补齐；逾期未补齐或所作承诺不实的，同意有关部门依法撤销相关决定，并记入信用记录。';

function readDraft() {
  try { return JSON.parse(sessionStorage.getItem(DRAFT_KEY)) || null; } catch { return null; }
}

function guessSigner(data, me) {
  const d = data || {};
  return (d.contact && d.contact.name) || (d.applicant && d.applicant.name) || (d.company && d.company.legal_person && d.company.legal_person.name)
    || (d.person && d.person.name) || (me && me.display_name) || '';
}

/** Province + city selects from GET /api/regions, or a 6-digit code input when the server lacks it. */
function RegionPicker({ id, label, value, onChange, error, allowEmpty, emptyLabel }) {
  const [available, setAvailable] = useState(null);
  const [provs, setProvs] = useState([]);
  const [cities, setCities] = useState([]);
  const province = value ? `${value.slice(0, 2)}0000` : '';
  useEffect(() => { regionsAvailable().then(setAvailable); provinces().then(setProvs); }, []);
  useEffect(() => { if (province && available) childrenOf(province).then(setCities); else setCities([]); }, [province, available]);
  const errId = `${id}-error`;
  if (available === null) return null;
  if (!available) {
    return h('div', { className: 'field' },
      h('label', { htmlFor: id }, label),
      h('input', { id, className: 'input', inputMode: 'numeric', maxLength: 6, value: value || '', placeholder: '330100',
        'aria-invalid': error ? true : undefined, 'aria-describedby': `${id}-hint${error ? ` ${errId}` : ''}`,
        onChange: (e) => onChange(e.target.value.replace(/\D/g, '').slice(0, 6)) }),
      h('span', { className: 'field-hint', id: `${id}-hint` }, t('a.region.code_hint')),
      error && h('span', { className: 'field-error', id: errId }, error));
  }
  const cityValue = value && value !== province ? value : '';
  return h('fieldset', { className: 'field', style: { border: 0, padding: 0, margin: '0 0 12px' }, 'aria-describedby': error ? errId : undefined },
    h('legend', { className: 'field-label', style: { padding: 0, marginBottom: 4 } }, label),
    h('div', { className: 'region-pick' },
      h('label', { className: 'sr-only', htmlFor: `${id}-province` }, t('a.region.province')),
      h('select', { id: `${id}-province`, className: 'input', value: province, 'aria-invalid': error ? true : undefined,
        onChange: (e) => onChange(e.target.value) },
        h('option', { value: '' }, allowEmpty ? emptyLabel : `${t('a.region.province')}${t('common.colon')}${t('a.region.choose')}`),
        provs.map((p) => h('option', { key: p.code, value: p.code }, p.name))),
      h('label', { className: 'sr-only', htmlFor: `${id}-city` }, t('a.region.city')),
      h('select', { id: `${id}-city`, className: 'input', value: cityValue, disabled: !province, 'aria-invalid': error ? true : undefined,
        onChange: (e) => onChange(e.target.value || province) },
        h('option', { value: '' }, `${t('a.region.city')}${t('common.colon')}${t('a.region.choose')}`),
        cities.map((c) => h('option', { key: c.code, value: c.code }, c.name)))),
    error && h('span', { className: 'field-error', id: errId }, error));
}

function Stepper({ steps, current }) {
  const i = steps.indexOf(current);
  return h('ol', { className: 'stepper', 'aria-label': t('a.step_of', { i: i + 1, n: steps.length }) },
    steps.map((s, k) => h('li', { key: s, className: k < i ? 'done' : undefined, 'aria-current': k === i ? 'step' : undefined }, t(`a.step.${s}`))));
}

async function loadAll() {
  const [detail, form] = await Promise.all([
    api.get(`/api/bundles/${encodeURIComponent(ID)}`, undefined, { auth: false }),
    api.get(`/api/bundles/${encodeURIComponent(ID)}/application-form`, undefined, { auth: false }),
  ]);
  return { detail, form };
}

function Apply({ me }) {
  const res = useLoad(loadAll, []);
  const draft = useRef(readDraft());
  const [restored, setRestored] = useState(!!draft.current);
  const [step, setStep] = useState('form');
  const [formData, setFormData] = useState((draft.current && draft.current.formData) || {});
  const [choices, setChoices] = useState((draft.current && draft.current.choices) || {});
  const [confirmed, setConfirmed] = useState(false);
  const [signer, setSigner] = useState((draft.current && draft.current.signer) || '');
  const [agree, setAgree] = useState(false);
  const [receiving, setReceiving] = useState((draft.current && draft.current.receiving) || localStorage.getItem(REGION_KEY) || '');
  const [handling, setHandling] = useState((draft.current && draft.current.handling) || '');
  const [problems, setProblems] = useState({});
  const [extraErrors, setExtraErrors] = useState(undefined);
  const [notice, setNotice] = useState(null);
  const [busy, setBusy] = useState(false);
  const heading = useRef(null);

  useEffect(() => {
    sessionStorage.setItem(DRAFT_KEY, JSON.stringify({ formData, choices, signer, receiving, handling }));
  }, [formData, choices, signer, receiving, handling]);
  useEffect(() => { if (heading.current) heading.current.focus(); window.scrollTo(0, 0); }, [step]);

  if (res.loading && !res.data) return h(Loading);
  if (res.error) return h(ErrorView, { error: res.error, onRetry: res.reload });
  const { detail, form } = res.data;
  const manifest = detail.manifest;
  document.title = `${t('a.title', { name: pick(detail) })} · ${t('app.portal')}`;
  const materials = manifest.materials || [];
  const missing = materials.filter((m) => m.tolerable && choices[m.id] === 'missing');
  const steps = ['form', 'materials', ...(missing.length ? ['commitment'] : []), 'submit'];
  const crossRegion = modeIds(detail.modes).includes('cross_region');
  if (modeIds(detail.modes).includes('no_application')) {
    return h(Notice, { kind: 'info' }, t('p.no_application'), ' ', h('a', { href: `guide.html?id=${encodeURIComponent(ID)}` }, t('p.guide')));
  }
  const go = (s) => { setNotice(null); setStep(s); };
  const next = () => go(steps[steps.indexOf(step) + 1]);
  const back = () => go(steps[steps.indexOf(step) - 1]);

  function clearDraft() {
    sessionStorage.removeItem(DRAFT_KEY);
    setFormData({}); setChoices({}); setSigner(''); setRestored(false); setExtraErrors(undefined);
    go('form');
  }

  function materialsNext() {
    if (!confirmed) { setProblems({ confirm: t('a.materials.confirm_required') }); return; }
    setProblems({});
    if (missing.length && !signer) setSigner(guessSigner(formData, me));
    next();
  }

  function commitmentNext() {
    const p = {};
    if (!signer.trim()) p.signer = t('a.commitment.signer_required');
    if (!agree) p.agree = t('a.commitment.agree_required');
    setProblems(p);
    if (!Object.keys(p).length) next();
  }

  async function submit() {
    const p = {};
    if (!/^\d{6}$/.test(receiving)) p.receiving_region = receiving ? t('a.region.invalid') : t('a.region.required');
    if (handling && !/^\d{6}$/.test(handling)) p.handling_region = t('a.region.invalid');
    setProblems(p);
    if (Object.keys(p).length) return;
    setBusy(true);
    setNotice(null);
    const body = { bundle_id: ID, data: formData, receiving_region: receiving, missing_materials: missing.map((m) => m.id) };
    if (handling && handling !== receiving) body.handling_region = handling;
    if (missing.length) body.commitment = { signed_by: signer.trim(), text: COMMITMENT_TEXT_ZH };
    try {
      const instance = await api.post('/api/instances', body);
      localStorage.setItem(REGION_KEY, receiving);
      sessionStorage.removeItem(DRAFT_KEY);
      location.assign(`track.html?id=${instance.id}&new=1`);
    } catch (err) {
      setBusy(false);
      if (!(err instanceof ApiError) || err.status !== 422) { setNotice({ kind: 'error', text: err.message }); return; }
      const { extraErrors: extra, rest } = toExtraErrors(err.errors);
      const regionProblems = {};
      const other = [];
      for (const e of rest) {
        if (e.loc[0] === 'receiving_region' || e.loc[0] === 'handling_region') regionProblems[e.loc[0]] = localize(e.message);
        else other.push(`${e.loc.join('.')}: ${localize(e.message)}`);
      }
      setProblems(regionProblems);
      if (extra) {
        setExtraErrors(extra);
        setNotice({ kind: 'error', text: t('a.fix_form') });
        setStep('form');
      } else {
        setNotice({ kind: 'error', text: err.message, details: other });
      }
    }
  }

  const headingEl = (key) => h('h2', { ref: heading, tabIndex: -1, className: 'step-title', id: 'step-title' }, t(key));
  let body;
  if (step === 'form') {
    body = h(Card, { id: 'step-form', title: headingEl('a.step.form') },
      h(JsonForm, {
        schema: form.schema, uiSchema: form.ui_schema, formData, extraErrors, submitText: `${t('common.next')} ›`,
        onChange: setFormData, onSubmit: (data) => { setFormData(data); next(); },
        onError: () => setNotice({ kind: 'error', text: t('a.fix_local') }),
      }));
  } else if (step === 'materials') {
    body = h(Card, { id: 'step-materials', title: headingEl('a.step.materials') },
      h('p', { className: 'muted small' }, t('a.materials.intro')),
      materials.map((m) => h('div', { className: 'material-choice', key: m.id, 'data-material': m.id },
        h('div', { className: 'name' }, pick(m)),
        h('div', { className: 'material-meta muted small' }, [m.required ? t('material.required') : t('a.materials.optional_hint'),
          m.tolerable && t('material.tolerable'), m.electronic_licence && t('material.e_licence'), pick(m, 'description')].filter(Boolean).join(' · ')),
        m.tolerable ? h('fieldset', null,
          h('legend', { className: 'sr-only' }, pick(m)),
          h('label', { className: 'radio' }, h('input', { type: 'radio', name: `m-${m.id}`, value: 'ready', checked: choices[m.id] !== 'missing',
            onChange: () => setChoices({ ...choices, [m.id]: 'ready' }) }), t('a.materials.ready')),
          h('label', { className: 'radio' }, h('input', { type: 'radio', name: `m-${m.id}`, value: 'missing', checked: choices[m.id] === 'missing',
            onChange: () => setChoices({ ...choices, [m.id]: 'missing' }) }),
          t('a.materials.missing'), h('span', { className: 'badge badge-yellow' }, t('a.commitment.within', { n: m.supply_within_working_days })))) : null)),
      h('div', { className: 'field', style: { marginTop: 12 } },
        h('label', { className: 'check' }, h('input', { type: 'checkbox', id: 'confirm-materials', checked: confirmed,
          'aria-invalid': problems.confirm ? true : undefined, 'aria-describedby': problems.confirm ? 'confirm-error' : undefined,
          onChange: (e) => setConfirmed(e.target.checked) }), t('a.materials.confirm')),
        problems.confirm && h('span', { className: 'field-error', id: 'confirm-error' }, problems.confirm)),
      h('div', { className: 'wizard-nav' },
        h('button', { type: 'button', className: 'btn', onClick: back }, `‹ ${t('common.prev')}`),
        h('button', { type: 'button', className: 'btn btn-primary', id: 'materials-next', onClick: materialsNext }, `${t('common.next')} ›`)));
  } else if (step === 'commitment') {
    body = h(Card, { id: 'step-commitment', title: headingEl('a.step.commitment') },
      h('div', { className: 'commitment-doc', lang: 'zh-CN' },
        h('h3', null, '承诺书'),
        h('p', null, t('a.commitment.intro')),
        h('ul', null, missing.map((m) => h('li', { key: m.id }, pick(m), '（', t('a.commitment.within', { n: m.supply_within_working_days }), '）'))),
        h('p', null, COMMITMENT_TEXT_ZH),
        lang() === 'en' && h('p', { lang: 'en', className: 'muted' }, t('a.commitment.text'))),
      h('div', { className: 'field', style: { marginTop: 12 } },
        h('label', { htmlFor: 'signer' }, t('a.commitment.signer')),
        h('input', { id: 'signer', className: 'input', value: signer, autoComplete: 'name', 'aria-invalid': problems.signer ? true : undefined,
          'aria-describedby': problems.signer ? 'signer-error' : undefined, onChange: (e) => setSigner(e.target.value) }),
        problems.signer && h('span', { className: 'field-error', id: 'signer-error' }, problems.signer)),
      h('div', { className: 'field' },
        h('label', { className: 'check' }, h('input', { type: 'checkbox', id: 'agree', checked: agree, 'aria-invalid': problems.agree ? true : undefined,
          'aria-describedby': problems.agree ? 'agree-error' : undefined, onChange: (e) => setAgree(e.target.checked) }), t('a.commitment.agree')),
        problems.agree && h('span', { className: 'field-error', id: 'agree-error' }, problems.agree)),
      h('div', { className: 'wizard-nav' },
        h('button', { type: 'button', className: 'btn', onClick: back }, `‹ ${t('common.prev')}`),
        h('button', { type: 'button', className: 'btn btn-primary', id: 'commitment-next', onClick: commitmentNext }, `${t('common.next')} ›`)));
  } else {
    body = h(Card, { id: 'step-submit', title: headingEl('a.step.submit') },
      h(RegionPicker, { id: 'receiving', label: t('a.region.receiving'), value: receiving, onChange: setReceiving, error: problems.receiving_region }),
      crossRegion && h(RegionPicker, { id: 'handling', label: t('a.region.handling'), value: handling, onChange: setHandling,
        error: problems.handling_region, allowEmpty: true, emptyLabel: t('a.region.same') }),
      h('h3', { className: 'summary-title' }, t('a.summary')),
      h('dl', { className: 'kv' },
        h('dt', null, t('a.summary.bundle')), h('dd', null, pick(detail)),
        h('dt', null, t('a.summary.subject')), h('dd', null, guessSubject(formData) || '—'),
        h('dt', null, t('a.summary.missing')), h('dd', { id: 'summary-missing' }, missing.length ? missing.map((m) => pick(m)).join(t('common.list_sep')) : t('a.summary.none'))),
      h('div', { className: 'wizard-nav' },
        h('button', { type: 'button', className: 'btn', onClick: back, disabled: busy }, `‹ ${t('common.prev')}`),
        h('button', { type: 'button', className: 'btn btn-primary', id: 'submit-application', onClick: submit, disabled: busy }, busy ? t('a.submitting') : t('a.submit'))));
  }

  return h('div', { className: 'apply' },
    h('div', { className: 'breadcrumb' }, h('a', { href: './' }, t('p.nav.catalogue')), h('span', { 'aria-hidden': true }, '›'),
      h('a', { href: `guide.html?id=${encodeURIComponent(ID)}` }, pick(detail))),
    h('h1', { className: 'guide-title' }, t('a.title', { name: pick(detail) })),
    h(Stepper, { steps, current: step }),
    restored && h(Notice, { kind: 'info', onClose: () => setRestored(false) }, t('a.draft_restored'), ' ',
      h('button', { type: 'button', className: 'btn btn-sm', onClick: clearDraft }, t('a.draft_clear'))),
    notice && h(Notice, { kind: notice.kind, id: 'apply-notice' }, notice.text,
      notice.details && notice.details.length > 0 && h('ul', null, notice.details.map((d, i) => h('li', { key: i }, d)))),
    body);
}

function guessSubject(data) {
  const d = data || {};
  return (d.company && d.company.name) || (d.applicant && d.applicant.name) || (d.person && d.person.name) || (d.child && d.child.name) || d.name || '';
}

portalPage(Apply, { current: 'catalogue', needLogin: true });
