// The forms tab: the draft's form files, a field-list builder writing JSON Schema + ui schema, a raw JSON view
// for experts, and a live preview rendered by rjsf exactly as the applicant's browser gets it (the server inlines
// shared fragments; liveValidate with the cn-* formats).

import { api } from '../common/api.js';
import { lang, localize, t } from '../common/i18n.js';
import { h, useEffect, useMemo, useRef, useState } from '../common/ui.js';
import * as S from './schema-edit.js';

const RJSF = window.RJSF;

export function isForm(name) {
  return name.endsWith('.json') && name !== 'bundle.json' && !/[.-]uischema\.json$/.test(name);
}

export function uiNameOf(name) {
  if (name.endsWith('.schema.json')) return name.slice(0, -'.schema.json'.length) + '.uischema.json';
  if (name.endsWith('-schema.json')) return name.slice(0, -'-schema.json'.length) + '-uischema.json';
  return name.replace(/\.json$/, '') + '.uischema.json';
}

function parse(text, fallback) {
  if (text === undefined) return { value: fallback, error: null };
  try {
    return { value: JSON.parse(text), error: null };
  } catch (err) {
    return { value: fallback, error: err.message };
  }
}

export function formTitle(files, name) {
  const { value } = parse(files[name], {});
  return (value && typeof value.title === 'string' && value.title) || '';
}

export function newFormFiles(stem, title) {
  const schema = { $schema: 'https://json-schema.org/draft/2020-12/schema', title, type: 'object', properties: {}, required: [] };
  return {
    [`${stem}.schema.json`]: JSON.stringify(schema, null, 2) + '\n',
    [`${stem}.uischema.json`]: '{}\n',
  };
}

// --- the tab --------------------------------------------------------------------------------------------

export function FormsTab({ files, setFiles, selected, onSelect, fragments, usage, application, onNewForm }) {
  const names = Object.keys(files).filter(isForm).sort();
  const own = names.filter((n) => !n.startsWith('common/'));
  const shared = names.filter((n) => n.startsWith('common/'));
  const current = selected && files[selected] !== undefined ? selected : own[0] || shared[0] || null;
  return h('div', { className: 'dz-forms' },
    h('aside', { className: 'dz-form-list', 'aria-label': t('dz.forms.list') },
      h('div', { className: 'dz-side-head' },
        h('strong', null, t('dz.forms.list')),
        h('button', { type: 'button', className: 'btn btn-sm', id: 'dz-new-form', onClick: () => onNewForm(null) }, t('dz.forms.new'))),
      h(FormLinks, { names: own, current, onSelect, files, usage, application }),
      shared.length > 0 && h('div', { className: 'dz-side-sub' }, t('dz.forms.shared')),
      h(FormLinks, { names: shared, current, onSelect, files, usage, application })),
    current
      ? h(FormEditor, { key: current, name: current, files, setFiles, fragments, readOnly: current.startsWith('common/') })
      : h('div', { className: 'empty' }, t('dz.forms.none')));
}

function FormLinks({ names, current, onSelect, files, usage, application }) {
  return h('ul', { className: 'dz-link-list' }, names.map((n) => {
    const tasks = usage[n] || [];
    return h('li', { key: n },
      h('button', { type: 'button', className: `dz-link${n === current ? ' active' : ''}`, onClick: () => onSelect(n),
        'aria-current': n === current ? 'true' : undefined, 'data-form': n },
        h('span', { className: 'dz-link-title' }, formTitle(files, n) || n),
        h('span', { className: 'dz-link-meta' }, n),
        h('span', { className: 'dz-link-tags' },
          application.includes(n) && h('span', { className: 'badge badge-blue' }, t('dz.forms.in_application')),
          tasks.length > 0 && h('span', { className: 'badge', title: tasks.join('、') }, t('dz.forms.used_by', { n: tasks.length })))));
  }));
}

// --- one form ---------------------------------------------------------------------------------------------

function FormEditor({ name, files, setFiles, fragments, readOnly }) {
  const uiName = uiNameOf(name);
  const schemaParsed = parse(files[name], null);
  const uiParsed = parse(files[uiName], {});
  const [view, setView] = useState(schemaParsed.error ? 'json' : 'fields');
  const [selected, setSelected] = useState(null);
  const form = schemaParsed.value && typeof schemaParsed.value === 'object' ? { schema: schemaParsed.value, ui: uiParsed.value || {} } : null;

  function commit(next, select) {
    if (!next) return;
    setFiles({
      [name]: JSON.stringify(next.schema, null, 2) + '\n',
      [uiName]: JSON.stringify(next.ui, null, 2) + '\n',
    });
    if (select !== undefined) setSelected(select);
  }

  return h('div', { className: 'dz-form-editor' },
    h('section', { className: 'dz-form-build', 'aria-label': t('dz.forms.builder') },
      h('div', { className: 'dz-form-head' },
        h('div', { className: 'dz-subtabs', role: 'tablist' },
          ['fields', 'json'].map((v) => h('button', { key: v, type: 'button', role: 'tab', id: `dz-form-view-${v}`,
            'aria-selected': view === v, className: view === v ? 'active' : '', onClick: () => setView(v) }, t(`dz.forms.view.${v}`)))),
        h('code', { className: 'dz-file-name' }, name),
        readOnly && h('span', { className: 'badge' }, t('dz.forms.read_only'))),
      view === 'json' || !form
        ? h(RawJson, { name, uiName, files, setFiles, readOnly, error: schemaParsed.error })
        : h(FieldBuilder, { form, commit, selected, setSelected, fragments, readOnly })),
    h(Preview, { name, files }));
}

function RawJson({ name, uiName, files, setFiles, readOnly }) {
  const [schemaText, setSchemaText] = useState(files[name] || '');
  const [uiText, setUiText] = useState(files[uiName] || '{}\n');
  const schemaError = parse(schemaText, null).error;
  const uiError = parse(uiText, null).error;
  return h('div', { className: 'dz-raw' },
    h('label', { className: 'field-label', htmlFor: 'dz-raw-schema' }, t('dz.forms.schema_json'), h('code', null, ` ${name}`)),
    h('textarea', { id: 'dz-raw-schema', className: 'input mono dz-code', spellCheck: false, readOnly, value: schemaText,
      'aria-invalid': schemaError ? true : undefined,
      onChange: (e) => { setSchemaText(e.target.value); setFiles({ [name]: e.target.value }); } }),
    schemaError && h('div', { className: 'field-error' }, t('dz.forms.json_error', { message: schemaError })),
    h('label', { className: 'field-label', htmlFor: 'dz-raw-ui' }, t('dz.forms.ui_json'), h('code', null, ` ${uiName}`)),
    h('textarea', { id: 'dz-raw-ui', className: 'input mono dz-code dz-code-small', spellCheck: false, readOnly, value: uiText,
      'aria-invalid': uiError ? true : undefined,
      onChange: (e) => { setUiText(e.target.value); setFiles({ [uiName]: e.target.value }); } }),
    uiError && h('div', { className: 'field-error' }, t('dz.forms.json_error', { message: uiError })));
}

function FieldBuilder({ form, commit, selected, setSelected, fragments, readOnly }) {
  const fields = S.flatten(form);
  const [fragment, setFragment] = useState('');
  const exists = selected && fields.some((f) => f.path.join('.') === selected.join('.'));
  // new fields go into the selected group, or next to the selected field (same group)
  const parentForAdd = !exists ? [] : S.kindOf(S.fieldAt(form.schema, selected), {}) === 'group' ? selected : selected.slice(0, -1);
  const add = (kind) => {
    const next = S.addField(form, parentForAdd, kind);
    commit(next, [...parentForAdd, next.key]);
  };
  return h('div', { className: 'dz-builder' },
    h('div', { className: 'field' },
      h('label', { htmlFor: 'dz-form-title' }, t('dz.forms.title')),
      h('input', { id: 'dz-form-title', className: 'input', value: form.schema.title || '', readOnly,
        onChange: (e) => commit({ schema: { ...form.schema, title: e.target.value }, ui: form.ui }) })),
    h('div', { className: 'dz-field-list', role: 'list', 'aria-label': t('dz.forms.fields') },
      fields.length === 0 && h('div', { className: 'empty small' }, t('dz.forms.no_fields')),
      fields.map((f) => {
        const id = f.path.join('.');
        const active = exists && selected.join('.') === id;
        return h('div', { key: id, role: 'listitem', className: `dz-field-row${active ? ' active' : ''}`, 'data-field': id,
          style: { paddingLeft: 8 + f.depth * 18 } },
          h('button', { type: 'button', className: 'dz-field-main', onClick: () => setSelected(f.path) },
            h('span', { className: 'dz-field-title' }, f.node.title || f.path[f.path.length - 1], f.required && h('span', { className: 'dz-req', title: t('dz.field.required') }, ' *')),
            h('code', { className: 'dz-field-key' }, f.path[f.path.length - 1]),
            h('span', { className: `dz-kind dz-kind-${f.kind}` }, t(`dz.kind.${f.kind}`)),
            f.node.format && h('span', { className: 'dz-kind' }, f.node.format)),
          !readOnly && h('span', { className: 'dz-row-actions' },
            h('button', { type: 'button', className: 'btn btn-ghost btn-sm', title: t('dz.field.up'), 'aria-label': t('dz.field.up'),
              onClick: () => commit(S.moveField(form, f.path, -1)) }, '↑'),
            h('button', { type: 'button', className: 'btn btn-ghost btn-sm', title: t('dz.field.down'), 'aria-label': t('dz.field.down'),
              onClick: () => commit(S.moveField(form, f.path, 1)) }, '↓'),
            h('button', { type: 'button', className: 'btn btn-ghost btn-sm dz-danger', title: t('dz.field.remove'), 'aria-label': t('dz.field.remove'),
              onClick: () => commit(S.removeField(form, f.path), null) }, '×')));
      })),
    !readOnly && h('div', { className: 'btn-row dz-add-row' },
      h('button', { type: 'button', className: 'btn btn-sm', id: 'dz-add-field', onClick: () => add('text') },
        parentForAdd.length ? t('dz.forms.add_field_in', { group: parentForAdd.join('.') }) : t('dz.forms.add_field')),
      h('button', { type: 'button', className: 'btn btn-sm', id: 'dz-add-group', onClick: () => add('group') }, t('dz.forms.add_group')),
      h('select', { className: 'input dz-fragment-select', id: 'dz-fragment', value: fragment, 'aria-label': t('dz.forms.fragment'),
        onChange: (e) => setFragment(e.target.value) },
        h('option', { value: '' }, t('dz.forms.fragment')),
        fragments.map((fr) => h('option', { key: fr.name, value: fr.name }, `${lang() === 'en' && fr.title_en ? fr.title_en : fr.title}（${fr.name}）`))),
      h('button', { type: 'button', className: 'btn btn-sm', id: 'dz-insert-fragment', disabled: !fragment, onClick: () => {
        const fr = fragments.find((x) => x.name === fragment);
        if (!fr) return;
        const next = S.insertFragment(form, parentForAdd, fr);
        commit(next, [...parentForAdd, next.key]);
        setFragment('');
      } }, t('dz.forms.insert'))),
    exists && h(FieldDetail, { key: selected.join('.'), form, path: selected, commit, setSelected, readOnly }));
}

function NumberInput({ id, label, value, onChange, disabled }) {
  return h('div', { className: 'field dz-half' },
    h('label', { htmlFor: id }, label),
    h('input', { id, className: 'input', type: 'number', value, disabled, onChange: (e) => onChange(e.target.value) }));
}

function FieldDetail({ form, path, commit, setSelected, readOnly }) {
  const d = S.describe(form, path);
  const [key, setKey] = useState(d.key);
  const keyError = key !== d.key && (!S.KEY.test(key) ? t('dz.field.key_bad') : S.container(form.schema, path.slice(0, -1)).properties[key] ? t('dz.field.key_taken') : '');
  const change = (c) => commit(S.updateField(form, path, c));
  const text = ['text', 'textarea'].includes(d.kind);
  const numeric = ['number', 'integer'].includes(d.kind);
  const minMaxBad = d.min !== '' && d.max !== '' && Number(d.min) > Number(d.max);
  return h('fieldset', { className: 'dz-detail', disabled: readOnly },
    h('legend', null, t('dz.field.detail'), ' ', h('code', null, path.join('.'))),
    h('div', { className: 'dz-grid' },
      h('div', { className: 'field' },
        h('label', { htmlFor: 'dz-field-key' }, t('dz.field.key')),
        h('input', { id: 'dz-field-key', className: 'input mono', value: key, 'aria-invalid': keyError ? true : undefined,
          onChange: (e) => setKey(e.target.value),
          onBlur: () => { if (!keyError && key !== d.key) { const next = S.renameField(form, path, key); if (next) commit(next, [...path.slice(0, -1), key]); } } }),
        keyError ? h('div', { className: 'field-error' }, keyError) : h('div', { className: 'field-hint' }, t('dz.field.key_hint'))),
      h('div', { className: 'field' },
        h('label', { htmlFor: 'dz-field-title' }, t('dz.field.title')),
        h('input', { id: 'dz-field-title', className: 'input', value: d.title, 'aria-invalid': d.title || d.ref ? undefined : true,
          placeholder: d.ref ? t('dz.field.ref_title') : '', onChange: (e) => change({ title: e.target.value }) }),
        !d.title && !d.ref && h('div', { className: 'field-error' }, t('dz.field.title_missing'))),
      d.kind !== 'ref' && h('div', { className: 'field' },
        h('label', { htmlFor: 'dz-field-kind' }, t('dz.field.kind')),
        h('select', { id: 'dz-field-kind', className: 'input', value: S.KINDS.includes(d.kind) ? d.kind : '',
          onChange: (e) => change({ kind: e.target.value }) },
          !S.KINDS.includes(d.kind) && h('option', { value: '' }, t(`dz.kind.${d.kind}`)),
          S.KINDS.map((k) => h('option', { key: k, value: k }, t(`dz.kind.${k}`))))),
      h('div', { className: 'field dz-check-field' },
        h('label', { className: 'check' },
          h('input', { type: 'checkbox', id: 'dz-field-required', checked: d.required, onChange: (e) => change({ required: e.target.checked }) }),
          t('dz.field.required')))),
    d.kind === 'ref' && h('p', { className: 'muted' }, t('dz.field.ref', { ref: d.ref })),
    h('div', { className: 'field' },
      h('label', { htmlFor: 'dz-field-description' }, t('dz.field.description')),
      h('textarea', { id: 'dz-field-description', className: 'input', rows: 2, value: d.description,
        onChange: (e) => change({ description: e.target.value }) })),
    text && h('div', { className: 'field' },
      h('label', { htmlFor: 'dz-field-format' }, t('dz.field.format')),
      h('select', { id: 'dz-field-format', className: 'input', value: d.format, onChange: (e) => change({ format: e.target.value }) },
        S.FORMATS.map((f) => h('option', { key: f, value: f }, t(`dz.format.${f || 'none'}`))))),
    (text || numeric) && h('div', { className: 'dz-grid' },
      h(NumberInput, { id: 'dz-field-min', label: text ? t('dz.field.min_length') : t('dz.field.minimum'), value: d.min, onChange: (v) => change({ min: v }) }),
      h(NumberInput, { id: 'dz-field-max', label: text ? t('dz.field.max_length') : t('dz.field.maximum'), value: d.max, onChange: (v) => change({ max: v }) })),
    minMaxBad && h('div', { className: 'field-error' }, t('dz.field.min_max')),
    ['select', 'multiselect'].includes(d.kind) && h(OptionsEditor, { options: d.options, onChange: (options) => change({ options }) }),
    (text || numeric || d.kind === 'date') && h('div', { className: 'dz-grid' },
      h('div', { className: 'field' },
        h('label', { htmlFor: 'dz-field-placeholder' }, t('dz.field.placeholder')),
        h('input', { id: 'dz-field-placeholder', className: 'input', value: d.placeholder, onChange: (e) => change({ placeholder: e.target.value }) })),
      h('div', { className: 'field' },
        h('label', { htmlFor: 'dz-field-help' }, t('dz.field.help')),
        h('input', { id: 'dz-field-help', className: 'input', value: d.help, onChange: (e) => change({ help: e.target.value }) }))),
    h('div', { className: 'btn-row' },
      h('button', { type: 'button', className: 'btn btn-sm', onClick: () => setSelected(null) }, t('common.close'))));
}

function OptionsEditor({ options, onChange }) {
  const set = (i, patch) => onChange(options.map((o, j) => (j === i ? { ...o, ...patch } : o)));
  const values = options.map((o) => o.value);
  const duplicate = values.find((v, i) => values.indexOf(v) !== i);
  return h('div', { className: 'field' },
    h('span', { className: 'field-label' }, t('dz.field.options')),
    h('table', { className: 'dz-options' },
      h('thead', null, h('tr', null, h('th', null, t('dz.field.option_value')), h('th', null, t('dz.field.option_label')), h('th'))),
      h('tbody', null, options.map((o, i) => h('tr', { key: i },
        h('td', null, h('input', { className: 'input mono', value: o.value, 'aria-label': t('dz.field.option_value'), onChange: (e) => set(i, { value: e.target.value }) })),
        h('td', null, h('input', { className: 'input', value: o.label, 'aria-label': t('dz.field.option_label'), onChange: (e) => set(i, { label: e.target.value }) })),
        h('td', null, h('button', { type: 'button', className: 'btn btn-ghost btn-sm dz-danger', 'aria-label': t('dz.field.remove'),
          onClick: () => onChange(options.filter((_, j) => j !== i)) }, '×')))))),
    duplicate !== undefined && h('div', { className: 'field-error' }, t('dz.field.option_duplicate', { value: duplicate })),
    options.length === 0 && h('div', { className: 'field-error' }, t('dz.field.option_none')),
    h('button', { type: 'button', className: 'btn btn-sm', onClick: () => onChange([...options, { value: `option_${options.length + 1}`, label: '' }]) },
      t('dz.field.option_add')));
}

// --- live preview ----------------------------------------------------------------------------------------

function Preview({ name, files }) {
  const el = useRef(null);
  const handle = useRef(null);
  const [result, setResult] = useState({ problems: [], fields: [] });
  const [submitted, setSubmitted] = useState(null);
  const [error, setError] = useState(null);
  const jsonFiles = useMemo(() => Object.fromEntries(Object.entries(files).filter(([n]) => n.endsWith('.json') && n !== 'bundle.json')),
    [files]);
  const key = JSON.stringify([name, files[name], files[uiNameOf(name)], lang()]);
  useEffect(() => {
    let cancelled = false;
    const timer = setTimeout(async () => {
      try {
        const preview = await api.post('/api/designer/forms/preview', { name, files: jsonFiles });
        if (cancelled) return;
        setError(null);
        setResult(preview);
        const props = {
          schema: preview.schema, uiSchema: { ...preview.ui_schema, 'ui:submitButtonOptions': { submitText: t('dz.preview.submit') } },
          liveValidate: true, lang: lang(), showErrorList: 'bottom', idPrefix: 'preview',
          onSubmit: (data) => setSubmitted(data), onError: () => setSubmitted(null),
        };
        if (handle.current) handle.current.update(props);
        else handle.current = RJSF.render(el.current, { ...props, formData: {} });
      } catch (err) {
        if (!cancelled) setError(err);
      }
    }, 350);
    return () => { cancelled = true; clearTimeout(timer); };
  }, [key]);   // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => () => { const hd = handle.current; handle.current = null; if (hd) setTimeout(() => hd.unmount()); }, []);
  return h('section', { className: 'dz-preview', 'aria-label': t('dz.preview.title') },
    h('div', { className: 'dz-preview-head' },
      h('strong', null, t('dz.preview.title')),
      h('span', { className: 'muted small' }, t('dz.preview.hint'))),
    error && h('div', { className: 'notice notice-error' }, error.message),
    result.problems.length > 0 && h('ul', { className: 'notice notice-warning dz-preview-problems' },
      result.problems.map((p, i) => h('li', { key: i }, `${p.loc.join(' › ')}：${localize(p.message)}`))),
    h('div', { className: 'json-form dz-preview-form', id: 'dz-preview', ref: el }),
    submitted && h('div', { className: 'dz-submitted' },
      h('div', { className: 'field-label' }, t('dz.preview.data')),
      h('pre', { className: 'mono' }, JSON.stringify(submitted, null, 2))));
}
