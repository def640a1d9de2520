// Only designers and administrators reach the designer. Anyone else goes to the login page with a message
// (the login page shows the flash key from sessionStorage) and comes back here after signing in.

import { clearToken, loginUrl } from '../common/api.js';
import { currentUser } from '../common/session.js';

export const DESIGNER_ROLES = ['designer', 'admin'];

export async function requireDesigner() {
  const me = await currentUser();
  if (me && DESIGNER_ROLES.includes(me.role)) return me;
  if (me) clearToken();   // signed in with another role: sign in again as a designer
  // the login page knows only the shared dictionary: 'common.forbidden' reads 无权访问 / Not allowed
  if (me) sessionStorage.setItem('yijian.flash', 'common.forbidden');
  location.assign(loginUrl());
  return new Promise(() => {});   // the page is leaving
}
