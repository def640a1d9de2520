// Yijian API client for the pages under /ui/. No dependencies besides i18n (for error texts).
//
//   import { api, ApiError } from '../common/api.js';
//   const page = await api.get('/api/tasks', { state: 'ready', limit: 20 });     // params: undefined/'' dropped
//   await api.post('/api/tasks/12/complete', { data });                           // JSON body
//   const xml = await api.text('/api/bundles/x/versions/1/files/x.bpmn');         // raw text
//   if (await api.has('GET', '/api/bundles/{id}/guide')) ...                       // endpoint exists? (OpenAPI)
//
// Every non-2xx answer throws ApiError { status, detail, errors: [{loc, message}], message (localized) }.
// status 0 = network failure. The bearer token lives in sessionStorage ('yijian.token'); a 401 on a call that
// sent a token clears it and sends the browser to the login page (pass { redirect401: false } to handle it).

import { localize, t } from './i18n.js';

const TOKEN_KEY = 'yijian.token';
const EXPIRES_KEY = 'yijian.token_expires';

export class ApiError extends Error {
  constructor(status, body = {}) {
    const detail = typeof body.detail === 'string' ? body.detail : '';
    super(detail ? localize(detail) : status === 0 ? t('common.network_error') : `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.detail = detail;
    this.errors = Array.isArray(body.errors) ? body.errors : [];
  }
}

export function getToken() {
  try {
    const token = sessionStorage.getItem(TOKEN_KEY);
    const expires = sessionStorage.getItem(EXPIRES_KEY);
    if (token && expires && Date.parse(expires) <= Date.now()) {
      clearToken();
      return null;
    }
    return token;
  } catch {
    return null;
  }
}

export function setToken(token, expiresAt) {
  sessionStorage.setItem(TOKEN_KEY, token);
  if (expiresAt) sessionStorage.setItem(EXPIRES_KEY, expiresAt);
  else sessionStorage.removeItem(EXPIRES_KEY);
}

export function clearToken() {
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(EXPIRES_KEY);
  sessionStorage.removeItem('yijian.me');
}

/** URL of the login page (admin_ui/index.html), returning to `next` (default: this page) afterwards. */
export function loginUrl(next = location.pathname + location.search + location.hash) {
  const url = new URL('../index.html', import.meta.url);
  const base = new URL('../', import.meta.url).pathname;   // "/ui/"
  if (next && next.startsWith(base)) next = next.slice(base.length);
  if (next && next !== 'index.html') url.searchParams.set('next', next);
  return url.pathname + url.search;
}

function withParams(path, params) {
  if (!params) return path;
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '' || v === false) continue;
    qs.append(k, v === true ? 'true' : String(v));
  }
  const s = qs.toString();
  return s ? `${path}${path.includes('?') ? '&' : '?'}${s}` : path;
}

/**
 * One request. opts: params (query), json (body), form (URLSearchParams/FormData body), as ('json'|'text'|'raw'),
 * headers, signal, auth (default true), redirect401 (default true).
 */
export async function request(method, path, opts = {}) {
  const { params, json, form, as = 'json', headers = {}, signal, auth = true, redirect401 = true } = opts;
  const h = { Accept: as === 'json' ? 'application/json' : '*/*', ...headers };
  const token = auth ? getToken() : null;
  if (token) h.Authorization = `Bearer ${token}`;
  let body;
  if (json !== undefined) {
    h['Content-Type'] = 'application/json';
    body = JSON.stringify(json);
  } else if (form !== undefined) {
    body = form;
  }
  let response;
  try {
    response = await fetch(withParams(path, params), { method, headers: h, body, signal });
  } catch (err) {
    if (err && err.name === 'AbortError') throw err;
    throw new ApiError(0);
  }
  noteServerTime(response);
  if (!response.ok) {
    let payload = {};
    try { payload = await response.json(); } catch { /* not JSON */ }
    const error = new ApiError(response.status, payload);
    if (response.status === 401 && token && redirect401) {
      clearToken();
      sessionStorage.setItem('yijian.flash', 'login.expired');
      location.assign(loginUrl());
    }
    throw error;
  }
  if (as === 'raw') return response;
  if (as === 'text') return response.text();
  if (response.status === 204) return null;
  const text = await response.text();
  return text ? JSON.parse(text) : null;
}

// The service's clock, as the last response told it (X-Server-Time when the server sends it, else Date):
// relative times ("3 天后到期") then hold even when this computer's clock is wrong or the service runs a manual clock.
let clockOffset = 0;

function noteServerTime(response) {
  const stamp = response.headers.get('x-server-time') || response.headers.get('date');
  const at = stamp ? Date.parse(stamp) : NaN;
  if (!Number.isNaN(at)) clockOffset = at - Date.now();
}

/** Milliseconds since the epoch on the service's clock. */
export function serverNow() {
  return Date.now() + clockOffset;
}

let openapiPaths = null;

/** Whether the server offers `method path` (path as in the docs: '/api/instances/{id}/diagram'). Cached per page. */
export async function has(method, path) {
  if (!openapiPaths) {
    openapiPaths = request('GET', '/openapi.json', { auth: false }).then(
      (doc) => {
        const set = new Set();
        for (const [p, ops] of Object.entries(doc.paths || {})) {
          for (const m of Object.keys(ops)) set.add(`${m.toUpperCase()} ${p.replace(/\{[^}]*\}/g, '{}')}`);
        }
        return set;
      },
      () => new Set(),
    );
  }
  return (await openapiPaths).has(`${method.toUpperCase()} ${path.replace(/\{[^}]*\}/g, '{}')}`);
}

export const api = {
  request,
  has,
  get: (path, params, opts = {}) => request('GET', path, { ...opts, params }),
  post: (path, json, opts = {}) => request('POST', path, { ...opts, json }),
  text: (path, opts = {}) => request('GET', path, { ...opts, as: 'text' }),
};

/**
 * 422 errors -> rjsf extraErrors: [{loc: ['data', 'company', 'uscc'], message}] with prefix ['data'] becomes
 * { company: { uscc: { __errors: [message] } } }. Errors outside the prefix are returned in `rest`.
 */
export function toExtraErrors(errors, prefix = ['data']) {
  const tree = {};
  const rest = [];
  for (const e of errors || []) {
    const loc = Array.isArray(e.loc) ? e.loc : [];
    if (!prefix.every((p, i) => loc[i] === p)) {
      rest.push(e);
      continue;
    }
    let node = tree;
    for (const part of loc.slice(prefix.length)) node = node[part] ??= {};
    (node.__errors ??= []).push(localize(e.message));
  }
  return { extraErrors: Object.keys(tree).length ? tree : undefined, rest };
}
