// Login and the signed-in user.
//
//   import { requireUser, currentUser, login, logout } from '../common/session.js';
//   const me = await requireUser({ roles: ['clerk', 'admin'] });   // no token -> login page, back here after
//   const me = await currentUser();                                // the user, or null when signed out
//
// me = GET /api/me: { username, role, department, region, display_name }, cached in sessionStorage for the
// tab's session (cleared on login/logout/401).

import { api, ApiError, clearToken, getToken, loginUrl, setToken } from './api.js';

const ME_KEY = 'yijian.me';

/** POST /api/auth/token (form fields) and keep the token for this tab; returns the user. */
export async function login(username, password) {
  const form = new URLSearchParams({ username, password });
  const token = await api.request('POST', '/api/auth/token', { form, auth: false, redirect401: false });
  clearToken();
  setToken(token.access_token, token.expires_at);
  return currentUser({ fresh: true });
}

/** Revoke the token on the server (best effort), forget it, go to the login page (or `to`). */
export async function logout(to) {
  if (getToken()) {
    try { await api.post('/api/auth/logout', undefined, { redirect401: false }); } catch { /* already gone */ }
  }
  clearToken();
  location.assign(to || loginUrl(''));
}

/** The signed-in user, or null. */
export async function currentUser({ fresh = false } = {}) {
  if (!getToken()) return null;
  if (!fresh) {
    const cached = sessionStorage.getItem(ME_KEY);
    if (cached) return JSON.parse(cached);
  }
  try {
    const me = await api.get('/api/me', undefined, { redirect401: false });
    sessionStorage.setItem(ME_KEY, JSON.stringify(me));
    return me;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      clearToken();
      return null;
    }
    throw err;
  }
}

/**
 * The signed-in user; without one the browser goes to the login page (and comes back here). With `roles`,
 * another role gets an ApiError(403) to show.
 */
export async function requireUser({ roles } = {}) {
  const me = await currentUser();
  if (!me) {
    location.assign(loginUrl());
    return new Promise(() => {});   // the page is leaving
  }
  if (roles && !roles.includes(me.role)) throw new ApiError(403, { detail: '当前角色无权使用此页面 / your role may not use this page' });
  return me;
}

/** Where a role starts, relative to /ui/. */
export function homeFor(role) {
  if (role === 'applicant') return 'portal/';
  if (role === 'clerk') return 'workbench/';
  return '';
}

/** The name to show for a user. */
export function displayName(me) {
  return (me && (me.display_name || me.username)) || '';
}
