// 办事服务: the catalogue of bundles (一件事清单) with search.
import { api } from '../common/api.js';
import { pick, t } from '../common/i18n.js';
import { Empty, ErrorView, h, Loading, useLoad, useState } from '../common/ui.js';
import { modeIds } from './messages.js';
import { ModeTags, portalPage } from './shell.js';

function Catalogue({ me }) {
  const bundles = useLoad(() => api.get('/api/bundles', undefined, { auth: false }), []);
  const [q, setQ] = useState('');
  const query = q.trim().toLowerCase();
  const list = (bundles.data || []).filter((b) => !query || [b.name, b.name_en, b.description].some((s) => s && s.toLowerCase().includes(query)));
  return h('div', null,
    h('section', { className: 'hero', 'aria-labelledby': 'hero-title' },
      h('h1', { id: 'hero-title' }, t('p.hero.title')),
      h('p', null, t('p.hero.text')),
      h('form', { className: 'search', role: 'search', onSubmit: (e) => e.preventDefault() },
        h('label', { htmlFor: 'q', className: 'sr-only' }, t('p.search')),
        h('input', { id: 'q', type: 'search', className: 'input', placeholder: t('p.search_placeholder'), value: q, onChange: (e) => setQ(e.target.value) }))),
    bundles.loading && !bundles.data ? h(Loading) : bundles.error ? h(ErrorView, { error: bundles.error, onRetry: bundles.reload })
      : h('div', null,
        h('p', { className: 'count-line', 'aria-live': 'polite' }, t('p.catalogue.count', { n: list.length })),
        list.length === 0 ? h(Empty, null, query ? t('p.catalogue.no_match', { q }) : t('p.catalogue.empty'))
          : h('ul', { className: 'bundle-list' }, list.map((b) => {
            const auto = modeIds(b.modes).includes('no_application');
            return h('li', { key: b.id, className: 'bundle-card', 'data-bundle': b.id },
              h('h2', null, h('a', { href: `guide.html?id=${encodeURIComponent(b.id)}` }, pick(b))),
              h(ModeTags, { modes: b.modes, object: b.service_object }),
              h('p', { className: 'desc' }, pick(b, 'description') || ''),
              h('p', { className: 'muted small' }, t('p.limit', { n: b.time_limit_working_days })),
              h('div', { className: 'actions' },
                h('a', { className: 'btn', href: `guide.html?id=${encodeURIComponent(b.id)}` }, t('p.guide')),
                auto ? h('span', { className: 'btn', 'aria-disabled': true }, t('p.no_application'))
                  : h('a', { className: 'btn btn-primary', href: `apply.html?id=${encodeURIComponent(b.id)}` }, me ? t('p.apply') : t('p.apply_login'))));
          }))));
}

portalPage(Catalogue, { current: 'catalogue', title: 'p.nav.catalogue' });
