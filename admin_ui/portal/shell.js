// The portal page frame: header (catalogue, my applications, language, sign in/out) and the signed-in user.
import { t } from '../common/i18n.js';
import { currentUser, requireUser } from '../common/session.js';
import { ErrorView, h, Header, Loading, mount, useEffect, useState } from '../common/ui.js';
import { modeIds, portalNav } from './messages.js';

/** Mount Page({ me }) under the portal header. needLogin: the page is only for signed-in users. */
export function portalPage(Page, { current = '', needLogin = false, title } = {}) {
  function App() {
    const [state, setState] = useState({ loading: true, me: null, error: null });
    useEffect(() => {
      (needLogin ? requireUser() : currentUser()).then((me) => setState({ loading: false, me, error: null }),
        (error) => setState({ loading: false, me: null, error }));
    }, []);
    if (title) document.title = `${t(title)} · ${t('app.portal')}`;
    return h('div', { className: 'portal' },
      h(Header, { area: 'portal', me: state.me, nav: portalNav(t, current, state.me) }),
      h('main', { id: 'main', className: 'portal-main' },
        state.loading ? h(Loading) : state.error ? h(ErrorView, { error: state.error }) : h(Page, { me: state.me })));
  }
  mount('#app', App);
}

/** Badges: who the bundle serves and its modes (集成办, 容缺受理 …). */
export function ModeTags({ modes, object }) {
  return h('div', { className: 'tags' },
    object && h('span', { className: 'badge' }, t(`p.object.${object}`)),
    modeIds(modes).map((m) => h('span', { key: m, className: `badge ${m === 'commitment' ? 'badge-yellow' : 'badge-blue'}` }, t(`mode.${m}`))));
}

