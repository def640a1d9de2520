// 我的办件: the signed-in applicant's applications, newest first, cursor-paged.
import { api } from '../common/api.js';
import { t } from '../common/i18n.js';
import { dateTime } from '../common/format.js';
import { Empty, ErrorView, h, Loading, SlaBadge, StatusBadge, useEffect, useState } from '../common/ui.js';
import { portalPage } from './shell.js';

function Mine() {
  const [items, setItems] = useState(null);
  const [next, setNext] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  async function load(cursor) {
    setBusy(true);
    try {
      const page = await api.get('/api/instances', { limit: 20, cursor });
      setItems((old) => (cursor ? [...(old || []), ...page.items] : page.items));
      setNext(page.next_cursor);
      setError(null);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  useEffect(() => { load(); }, []);
  if (error && !items) return h(ErrorView, { error, onRetry: () => load() });
  if (!items) return h(Loading);
  return h('div', null,
    h('h1', { className: 'guide-title' }, t('m.title')),
    items.length === 0 ? h(Empty, null, t('m.empty'), h('p', null, h('a', { className: 'btn btn-primary', href: './' }, t('m.go_apply'))))
      : h('ul', { className: 'case-list' }, items.map((x) => h('li', { key: x.id },
        h('a', { className: 'case-card', href: `track.html?id=${x.id}`, 'data-instance': x.id },
          h('span', { className: 'top' }, h('strong', null, x.bundle_name), h(StatusBadge, { status: x.status }),
            x.status === 'running' && h(SlaBadge, { sla: x.sla, paused: x.sla_paused })),
          h('span', { className: 'meta' }, `#${x.id} · ${x.subject || ''} · ${dateTime(x.created_at)}`))))),
    error && h(ErrorView, { error }),
    next && h('p', { style: { textAlign: 'center', marginTop: 12 } },
      h('button', { type: 'button', className: 'btn', disabled: busy, onClick: () => load(next) }, t('m.more'))));
}

portalPage(Mine, { current: 'mine', needLogin: true, title: 'm.title' });
