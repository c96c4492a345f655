// Placeholders for the review (drafts) and actions views: their endpoints are not in this build.
import { focusHeading, h, route } from '../dom.js';
import { workflowTabs } from './tabs.js';

const TEXT = {
  review: ['Review', 'Section review needs the draft endpoints (PUT/GET …/drafts, undo, commit, discard), which this '
    + 'server does not offer yet. This view will show each section\'s committed text beside its draft, with a diff '
    + 'and the diff summary, once they land.'],
  actions: ['Actions', 'The action queue (enqueue, claim, complete, fail) is not in this server build yet. This view '
    + 'will list queued, claimed, completed and failed actions live once it lands.'],
};

export function unavailableView(container, { id, which }) {
  const [title, text] = TEXT[which];
  document.title = `${title} · ${id} · Flowcast`;
  container.append(
    h('div', { class: 'view-head' },
      h('p', { class: 'crumbs' }, h('a', { href: '#/' }, 'Workflows'), ' / ', h('a', { href: route('w', id) }, id), ' / '),
      h('h1', null, title)),
    workflowTabs(id, which),
    h('section', { class: 'panel placeholder', dataset: { placeholder: which } },
      h('p', { class: 'notice' }, h('strong', null, 'Not available yet. '), text),
      h('p', null, h('a', { href: route('w', id) }, 'Back to the workflow'))));
  focusHeading(container);
  return {};
}
