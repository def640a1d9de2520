// The frame every workbench detail page shares: sign-in check, header, and a 404 when the page has no id.
//   import { mountDetailPage } from './shell.js';   mountDetailPage(TaskPage, TASK_ID);

import { ApiError } from '../common/api.js';
import { t } from '../common/i18n.js';
import { requireUser } from '../common/session.js';
import { ErrorView, h, Header, Loading, mount, useEffect, useState } from '../common/ui.js';
import { workbenchNav } from './messages.js';

export function mountDetailPage(Page, id) {
  function App() {
    const [me, setMe] = useState(null);
    const [error, setError] = useState(null);
    useEffect(() => { requireUser().then(setMe, setError); }, []);
    return h('div', null,
      h(Header, { area: 'workbench', me, nav: workbenchNav(t, ''), signIn: false }),
      error ? h('main', { id: 'main', className: 'page' }, h(ErrorView, { error }))
        : !id ? h('main', { id: 'main', className: 'page' }, h(ErrorView, { error: new ApiError(404, { detail: t('common.not_found') }) }))
          : me ? h(Page, { me }) : h(Loading));
  }
  mount('#app', App);
}
