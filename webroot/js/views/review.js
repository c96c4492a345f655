// The review view: every section with a draft (its committed text beside the draft, the diff, undo,
// commit, discard) and the committed sections without one, kept live from the workflow's stream.
import { api, describe, workflowPath } from '../api.js';
import { focusHeading, h, route } from '../dom.js';
import { committedSections } from '../workflow-state.js';
import { draftCard } from './draft-card.js';
import { connectionIndicator, endBanner, liveWorkflow } from './live.js';
import { workflowTabs } from './tabs.js';

const DRAFT_EVENTS = new Set(['draft.updated', 'draft.committed', 'draft.discarded']);

export function reviewView(container, { id }) {
  document.title = `Review · ${id} · Flowcast`;
  let committed = {}; // section -> committed text
  const drafts = new Map(); // section -> draft
  const cards = new Map(); // section -> draftCard
  let loaded = false; // the first listing of drafts arrived
  let listing = null; // the listing in flight
  let stale = false; // a draft event arrived while listing: list again

  const connection = connectionIndicator();
  const banner = endBanner();
  const message = h('p', { id: 'review-message', class: 'help', role: 'status', tabindex: -1 });
  const draftList = h('div', { id: 'drafts', class: 'drafts' });
  const plainList = h('ul', { id: 'committed-sections', class: 'cards' });
  const plainPanel = h('section', { class: 'panel', 'aria-labelledby': 'committed-title', hidden: true },
    h('h2', { id: 'committed-title' }, 'Committed sections without a draft'), plainList);

  container.append(
    h('div', { class: 'view-head' },
      h('p', { class: 'crumbs' }, h('a', { href: '#/' }, 'Workflows'), ' / ',
        h('a', { href: route('w', id), class: 'wf-id' }, id), ' / '),
      h('h1', null, 'Review'),
      connection),
    workflowTabs(id, 'review'),
    banner,
    h('p', { class: 'help' }, 'Drafts of this workflow\'s sections (state.sections), each beside the committed text '
      + 'with the words it removes and adds. Changes by others appear as they happen.'),
    message,
    draftList,
    plainPanel);
  focusHeading(container);

  function say(text, focus = false) {
    message.textContent = text;
    if (focus) message.focus();
  }

  function render(liveSection) {
    for (const [section, card] of cards) {
      if (!drafts.has(section)) {
        card.el.remove();
        cards.delete(section);
      }
    }
    const sections = [...drafts.keys()].sort();
    sections.forEach((section, i) => {
      let card = cards.get(section);
      if (!card) {
        card = draftCard(id, section, {
          undone: (draft) => {
            drafts.set(section, draft);
            render();
            say(`Section ${section} is back at revision ${draft.revision}.`);
          },
          done: (text) => say(text, true),
        });
        cards.set(section, card);
      }
      card.update(drafts.get(section), committed[section], section === liveSection);
      if (draftList.children[i] !== card.el) draftList.insertBefore(card.el, draftList.children[i] ?? null);
    });
    const plain = Object.keys(committed).filter((s) => !drafts.has(s)).sort();
    plainList.replaceChildren(...plain.map((section) => h('li', { class: 'card', dataset: { section } },
      h('details', null, h('summary', null, h('code', null, section)),
        h('pre', { class: 'text committed' }, committed[section])))));
    plainPanel.hidden = plain.length === 0;
    if (loaded && !sections.length && !message.textContent) {
      say(plain.length ? 'No drafts in review.' : 'No drafts in review and no committed sections yet.');
    }
  }

  async function loadDrafts() {
    if (listing) {
      stale = true;
      return;
    }
    stale = false;
    listing = api('GET', `${workflowPath(id)}/drafts`);
    try {
      const { data } = await listing;
      drafts.clear();
      for (const draft of data?.drafts ?? []) {
        if (typeof draft?.section_id === 'string') drafts.set(draft.section_id, draft);
      }
      loaded = true;
      render();
    } catch (err) {
      if (err.status !== 401) say(`The drafts cannot be read: ${describe(err)}`);
    } finally {
      listing = null;
    }
    if (stale) loadDrafts();
  }

  function onDraftEvent(event) {
    const data = event.data ?? {};
    const section = data.section_id;
    if (typeof section !== 'string') return;
    if (listing) stale = true; // the listing may predate this event
    if (event.type === 'draft.updated') {
      drafts.set(section, data);
      if (message.textContent.startsWith('No drafts')) say('');
    } else {
      drafts.delete(section);
    }
    render(section);
  }

  return liveWorkflow(id, {
    connection,
    banner,
    on: {
      workflow(workflow, kind) {
        committed = committedSections(workflow);
        if (kind === 'change') render();
        else loadDrafts(); // the snapshot or a reset: read the drafts as they are now
      },
      event(event) {
        if (DRAFT_EVENTS.has(event.type)) onDraftEvent(event);
      },
      end() {
        for (const card of cards.values()) card.el.querySelectorAll('button').forEach((b) => { b.disabled = true; });
      },
    },
  });
}
