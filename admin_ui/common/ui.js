// Page building blocks on the vendored React (window.RJSF, from vendor/rjsf/rjsf.min.js — load it first).
//
//   import { h, mount, useState, Header, SlaBadge, Notice, JsonForm } from '../common/ui.js';
//   mount('#app', App);          // App re-renders when the language switches
//   h('a', { href: 'x', className: 'btn' }, t('common.back'))   // = React.createElement
//
// Components (props):
//   Header { area: 'workbench'|'portal'|'designer'|'dashboard'|…, me, nav: [{href, label, current}], compact }
//   LangSwitch {}                     SlaBadge { sla, paused }             StatusBadge { status }
//   Notice { kind: info|success|warning|error, title, children, onClose }    ErrorView { error, onRetry }
//   Loading {}   Empty { children }   Card { title, actions, children, id, className }
//   JsonForm { schema, uiSchema, formData, onSubmit(data), onChange(data), onError(errors), extraErrors, disabled,
//              submitText, noSubmit, showErrorList (default false: errors sit under their fields), formRef }
//              — rjsf in the current language (English titles from x-title-en / x-description-en), focus on the
//              first error; formRef.current = the RJSF.render handle
//   localizeSchema(schema, lang)     the schema with English titles (x-title-en) in 'en'
// Hooks: useLang(), useLoad(asyncFn, deps) -> { data, error, loading, reload, setData }

import { lang, LANGS, onLangChange, setLang, t } from './i18n.js';
import { displayName, logout } from './session.js';
import { loginUrl } from './api.js';

const RJSF = window.RJSF;
if (!RJSF) throw new Error('common/ui.js needs vendor/rjsf/rjsf.min.js loaded before it');

export const React = RJSF.React;
export const h = React.createElement;
export const { Fragment, useState, useEffect, useRef, useMemo, useCallback, useReducer } = React;

/** Re-render on language switch; returns the language. */
export function useLang() {
  const [l, set] = useState(lang());
  useEffect(() => onLangChange(set), []);
  return l;
}

/** Render `Component` into `selector`; the whole tree re-renders when the language switches. */
export function mount(selector, Component, props = {}) {
  const el = typeof selector === 'string' ? document.querySelector(selector) : selector;
  const root = RJSF.createRoot(el);
  function Root() {
    const l = useLang();
    return h(Component, { ...props, lang: l });
  }
  root.render(h(Root));
  return root;
}

/** Load data with an async function; reload() runs it again (keeping the old data while loading). */
export function useLoad(fn, deps = []) {
  const [state, setState] = useState({ data: undefined, error: null, loading: true });
  const seq = useRef(0);
  const run = useCallback(async () => {
    const mine = ++seq.current;
    setState((s) => ({ ...s, loading: true }));
    try {
      const data = await fn();
      if (mine === seq.current) setState({ data, error: null, loading: false });
      return data;
    } catch (error) {
      if (mine === seq.current) setState((s) => ({ ...s, error, loading: false }));
      return undefined;
    }
  }, deps);   // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => { run(); }, [run]);
  const setData = useCallback((data) => setState((s) => ({ ...s, data: typeof data === 'function' ? data(s.data) : data })), []);
  return { ...state, reload: run, setData };
}

const AREA_HOME = { workbench: 'workbench/', portal: 'portal/', designer: 'designer/', dashboard: 'dashboard/' };
const uiRoot = new URL('../', import.meta.url).pathname;   // "/ui/"

export function LangSwitch() {
  useLang();
  return h('div', { className: 'lang-switch', role: 'group', 'aria-label': t('lang.switch') },
    LANGS.map((l) => h('button', {
      key: l, type: 'button', lang: l === 'zh' ? 'zh-CN' : 'en', 'aria-pressed': lang() === l,
      title: t(`lang.${l}_long`), onClick: () => setLang(l),
    }, t(`lang.${l}`))));
}

/** The caller's department as a page header shows it: its name in the page's language, else its code. */
export function departmentOf(me) {
  return (lang() === 'en' ? me.department_name_en : me.department_name) || me.department;
}

export function Header({ area, me, nav = [], compact = false, signIn = true }) {
  const home = uiRoot + (AREA_HOME[area] || '');
  const who = me ? [displayName(me), me.role === 'clerk' ? departmentOf(me) : t(`role.${me.role}`)]
    .filter(Boolean).join(' · ') : '';
  return h('header', { className: `app-header${compact ? ' compact' : ''}` },
    h('a', { className: 'skip-link', href: '#main' }, t('skip.to_content')),
    h('a', { className: 'brand', href: home },
      h('span', { className: 'brand-mark', 'aria-hidden': true }, '一'),
      h('span', { className: 'brand-name' }, t('app.name')),
      area && h('span', { className: 'brand-area' }, t(`app.${area}`))),
    nav.length > 0 && h('nav', { className: 'app-nav', 'aria-label': t('nav.main') },
      nav.map((n) => h('a', { key: n.href, href: n.href, 'aria-current': n.current ? 'page' : undefined }, n.label))),
    h('div', { className: 'header-right' },
      h(LangSwitch),
      me ? h(Fragment, null,
        h('span', { className: 'user', title: me.username }, who),
        h('button', { type: 'button', className: 'btn btn-ghost btn-sm', onClick: () => logout() }, t('login.logout')))
        : signIn && h('a', { className: 'btn btn-ghost btn-sm', href: loginUrl() }, t('login.login'))));
}

const SLA_ICON = { green: '●', yellow: '▲', red: '■' };

/** SLA light with a text label (never colour alone): 正常 / 预警 / 超期. */
export function SlaBadge({ sla, paused = false, title }) {
  if (!sla) return null;
  return h('span', { className: `sla sla-${sla}${paused ? ' sla-paused' : ''}`, title },
    h('span', { className: 'sla-dot', 'aria-hidden': true }, SLA_ICON[sla] || '●'),
    t(`sla.${sla}`), paused && h('span', { className: 'sla-paused-label' }, ` · ${t('sla.paused')}`));
}

export function StatusBadge({ status }) {
  return h('span', { className: `status status-${status}` }, t(`status.${status}`));
}

export function Notice({ kind = 'info', title, children, onClose, id }) {
  return h('div', { className: `notice notice-${kind}`, role: kind === 'error' || kind === 'warning' ? 'alert' : 'status', id },
    h('div', { className: 'notice-body' }, title && h('strong', { className: 'notice-title' }, title), children),
    onClose && h('button', { type: 'button', className: 'notice-close', 'aria-label': t('common.close'), onClick: onClose }, '×'));
}

export function Loading({ label }) {
  return h('div', { className: 'loading', role: 'status', 'aria-live': 'polite' },
    h('span', { className: 'spinner', 'aria-hidden': true }), label || t('common.loading'));
}

export function Empty({ children }) {
  return h('div', { className: 'empty' }, children || t('common.empty'));
}

export function ErrorView({ error, onRetry }) {
  if (!error) return null;
  const status = error.status;
  const title = status === 403 ? t('common.forbidden') : status === 404 ? t('common.not_found') : t('common.error');
  return h(Notice, { kind: 'error', title },
    h('span', null, ' ', error.message || String(error)),
    onRetry && h('button', { type: 'button', className: 'btn btn-sm', onClick: onRetry, style: { marginLeft: 12 } }, t('common.retry')));
}

export function Card({ title, actions, children, id, className = '', headingLevel = 2 }) {
  return h('section', { className: `card ${className}`, id, 'aria-labelledby': id ? `${id}-title` : undefined },
    (title || actions) && h('div', { className: 'card-head' },
      title && h(`h${headingLevel}`, { className: 'card-title', id: id ? `${id}-title` : undefined }, title),
      actions && h('div', { className: 'card-actions' }, actions)),
    h('div', { className: 'card-body' }, children));
}

/** Localized form: x-title-en / x-description-en replace title / description in English. */
export function localizeSchema(schema, l = lang()) {
  if (l !== 'en' || !schema || typeof schema !== 'object') return schema;
  if (Array.isArray(schema)) return schema.map((s) => localizeSchema(s, l));
  const out = {};
  for (const [k, v] of Object.entries(schema)) out[k] = typeof v === 'object' && v !== null ? localizeSchema(v, l) : v;
  if (schema['x-title-en']) out.title = schema['x-title-en'];
  if (schema['x-description-en']) out.description = schema['x-description-en'];
  return out;
}

/**
 * An rjsf form (vendored RJSF.render) inside a React page. The form keeps its own data while the user types;
 * pass a new `formData` object to replace it. `formRef.current` is the handle (submit(), getFormData(), validate()).
 */
export function JsonForm({ schema, uiSchema, formData, onSubmit, onChange, onError, extraErrors, disabled = false,
  submitText, noSubmit = false, formRef, className = '', idPrefix, showErrorList = false }) {
  const l = useLang();
  const el = useRef(null);
  const handle = useRef(null);
  const callbacks = useRef({});
  callbacks.current = { onSubmit, onChange, onError };
  const ui = useMemo(() => {
    const u = { ...(uiSchema || {}) };
    const opts = { ...(u['ui:submitButtonOptions'] || {}) };
    if (noSubmit) opts.norender = true;
    if (submitText) opts.submitText = submitText;
    else if (!opts.submitText) opts.submitText = t('common.submit');
    u['ui:submitButtonOptions'] = opts;
    return u;
  }, [uiSchema, submitText, noSubmit, l]);
  const shown = useMemo(() => localizeSchema(schema, l), [schema, l]);
  const props = {
    schema: shown, uiSchema: ui, extraErrors, disabled, lang: l, idPrefix,
    showErrorList, focusOnFirstError: true,
    onSubmit: (data) => callbacks.current.onSubmit && callbacks.current.onSubmit(data),
    onError: (errors) => callbacks.current.onError && callbacks.current.onError(errors),
    onChange: (data) => callbacks.current.onChange && callbacks.current.onChange(data),
  };
  useEffect(() => {
    handle.current = RJSF.render(el.current, { ...props, formData });
    if (formRef) formRef.current = handle.current;
    return () => {
      const hd = handle.current;
      handle.current = null;
      if (formRef) formRef.current = null;
      setTimeout(() => hd.unmount());   // not while React is committing this tree
    };
  }, []);   // eslint-disable-line react-hooks/exhaustive-deps
  const schemaKey = JSON.stringify(shown);
  const uiKey = JSON.stringify(ui);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) { first.current = false; return; }
    if (handle.current) handle.current.update(props);
  }, [schemaKey, uiKey, extraErrors, disabled, l]);   // eslint-disable-line react-hooks/exhaustive-deps
  const dataKey = JSON.stringify(formData);
  const firstData = useRef(true);
  useEffect(() => {
    if (firstData.current) { firstData.current = false; return; }
    if (handle.current) handle.current.update({ formData });
  }, [dataKey]);   // eslint-disable-line react-hooks/exhaustive-deps
  return h('div', { ref: el, className: `json-form ${className}` });
}
