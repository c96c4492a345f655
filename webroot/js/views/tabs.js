import { h, route } from '../dom.js';

const TABS = [
  ['overview', 'Overview', (id) => route('w', id)],
  ['versions', 'Versions', (id) => route('w', id, 'versions')],
  ['review', 'Review', (id) => route('w', id, 'review')],
  ['actions', 'Actions', (id) => route('w', id, 'actions')],
];

/** The views of one workflow. */
export function workflowTabs(id, current) {
  return h('nav', { class: 'tabs', 'aria-label': 'Workflow views' },
    TABS.map(([key, label, href]) => h('a', { href: href(id), 'aria-current': key === current ? 'page' : null },
      label)));
}
