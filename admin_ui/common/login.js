// The entry page /ui/ (admin_ui/index.html): sign in, then go back to ?next= or to the role's area.

import { t } from './i18n.js';
import { currentUser, displayName, homeFor, login } from './session.js';
import { ErrorView, h, Header, LangSwitch, Loading, mount, Notice, useEffect, useRef, useState } from './ui.js';

const ui = new URL('../', import.meta.url).pathname;   // "/ui/"

/** ?next= only within /ui/ (relative path, no scheme, no "//", no ".."). */
function nextTarget() {
  const next = new URLSearchParams(location.search).get('next');
  if (!next || /^[/\\]|:|\/\/|\.\./.test(next) || !/^[\w\-./?=&%#]+$/.test(next)) return null;
  return ui + next;
}

const AREAS = {
  clerk: ['workbench', 'portal'],
  applicant: ['portal'],
  admin: ['workbench', 'portal', 'designer', 'dashboard'],
  designer: ['designer', 'portal'],
  auditor: ['dashboard', 'workbench'],
};

function LoginForm({ onDone }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(() => {
    const flash = sessionStorage.getItem('yijian.flash');
    sessionStorage.removeItem('yijian.flash');
    return flash ? { kind: 'warning', key: flash } : null;
  });
  const userRef = useRef(null);
  useEffect(() => { userRef.current && userRef.current.focus(); }, []);
  async function submit(ev) {
    ev.preventDefault();
    if (!username || !password) { setError({ kind: 'error', key: 'login.required' }); return; }
    setBusy(true);
    setError(null);
    try {
      onDone(await login(username.trim(), password));
    } catch (err) {
      setBusy(false);
      setError(err.status === 401 || err.status === 422 ? { kind: 'error', key: 'login.failed' } : { kind: 'error', text: err.message });
    }
  }
  return h('form', { className: 'login-form', onSubmit: submit, noValidate: true, 'aria-labelledby': 'login-title' },
    h('h1', { id: 'login-title' }, t('login.title')),
    h('p', { className: 'muted' }, t('login.subtitle')),
    error && h(Notice, { kind: error.kind, id: 'login-error' }, error.key ? t(error.key) : error.text),
    h('div', { className: 'field' },
      h('label', { htmlFor: 'username' }, t('login.username')),
      h('input', { id: 'username', name: 'username', className: 'input', autoComplete: 'username', value: username, ref: userRef,
        onChange: (e) => setUsername(e.target.value), 'aria-invalid': error && error.kind === 'error' ? true : undefined })),
    h('div', { className: 'field' },
      h('label', { htmlFor: 'password' }, t('login.password')),
      h('input', { id: 'password', name: 'password', type: 'password', className: 'input', autoComplete: 'current-password', value: password,
        onChange: (e) => setPassword(e.target.value), 'aria-invalid': error && error.kind === 'error' ? true : undefined })),
    h('button', { type: 'submit', className: 'btn btn-primary btn-lg btn-block', disabled: busy }, busy ? t('login.submitting') : t('login.submit')));
}

function Areas({ me }) {
  const areas = AREAS[me.role] || [];
  return h('div', { className: 'areas' },
    h('h1', null, t('login.welcome', { name: displayName(me) })),
    h('p', { className: 'muted' }, areas.length ? t('login.choose_area') : t('login.no_area')),
    h('ul', { className: 'area-list' }, areas.map((a) => h('li', { key: a },
      h('a', { className: 'area-card', href: `${ui}${a}/` },
        h('strong', null, t(`app.${a}`)), h('span', { className: 'muted' }, t(`area.${a}.desc`)))))));
}

function App() {
  const [state, setState] = useState({ loading: true, me: null, error: null });
  useEffect(() => {
    currentUser().then((me) => {
      const next = nextTarget();
      if (me && next) location.replace(next);
      else setState({ loading: false, me, error: null });
    }, (error) => setState({ loading: false, me: null, error }));
  }, []);
  function signedIn(me) {
    const target = nextTarget() || (homeFor(me.role) ? ui + homeFor(me.role) : null);
    if (target) location.assign(target);
    else setState({ loading: false, me, error: null });
  }
  return h('div', { className: 'login-shell' },
    state.me ? h(Header, { me: state.me }) : h('div', { className: 'login-top' }, h(LangSwitch)),
    h('main', { id: 'main', className: 'login-main' },
      h('div', { className: 'login-intro' },
        h('div', { className: 'login-brand' }, h('span', { className: 'brand-mark', 'aria-hidden': true }, '一'), h('span', null, t('app.name'))),
        h('p', { className: 'login-tagline' }, t('app.tagline'))),
      h('div', { className: 'login-card card' },
        state.loading ? h(Loading) : state.error ? h(ErrorView, { error: state.error }) :
          state.me ? h(Areas, { me: state.me }) : h(LoginForm, { onDone: signedIn }))));
}

mount('#app', App);
