// The actions view: the workflow's action queue by status (queued and claimed oldest first, completed
// and failed newest first), from the listing endpoint and then live from the action.* events.
import { api, describe, workflowPath } from '../api.js';
import { focusHeading, h, route } from '../dom.js';
import { mayWrite } from '../scopes.js';
import { ACTION_EVENTS, ACTION_STATUSES, actionItem, applyActionEvent } from './action-item.js';
import { connectionIndicator, endBanner, liveWorkflow } from './live.js';
import { workflowTabs } from './tabs.js';

const PAGE = 100;
const MAX_PAGES = 10;
const MAX_SETTLED = 500; // completed or failed actions kept in the page, each
const TITLES = { queued: 'Queued', claimed: 'Claimed', completed: 'Completed', failed: 'Failed' };
const NEWEST_FIRST = new Set(['completed', 'failed']);

export function actionsView(container, { id }) {
  document.title = `Actions · ${id} · Flowcast`;
  let actions = new Map(); // id -> action
  const order = new Map(); // id -> when first seen (queue order)
  const items = new Map(); // id -> <li>
  let listing = false;
  let stale = false;

  const connection = connectionIndicator();
  const banner = endBanner();
  const message = h('p', { id: 'actions-message', class: 'help', role: 'status' });
  const groups = Object.fromEntries(ACTION_STATUSES.map((status) => {
    const count = h('span', { class: 'count' }, '0');
    const list = h('ol', { id: `actions-${status}`, class: 'cards', 'aria-labelledby': `actions-${status}-title` });
    const empty = h('p', { class: 'help' }, `No ${status} actions.`);
    const note = status === 'failed' ? h('p', { id: 'dead-letter-help', class: 'help' }, 'Dead letters: failed for good, '
      + 'never handed out again. The API has no retry for them, so Retry queues a copy (same type and payload, '
      + 'a new id); the dead letter stays here.') : null;
    const panel = h('section', { class: 'panel', 'aria-labelledby': `actions-${status}-title` },
      h('h2', { id: `actions-${status}-title` }, TITLES[status], ' (', count, ')'), note, empty, list);
    return [status, { count, list, empty, panel }];
  }));

  container.append(
    h('div', { class: 'view-head' },
      h('p', { class: 'crumbs' }, h('a', { href: '#/' }, 'Workflows'), ' / ',
        h('a', { href: route('w', id), class: 'wf-id' }, id), ' / '),
      h('h1', null, 'Actions'),
      connection),
    workflowTabs(id, 'actions'),
    banner,
    h('p', { class: 'help' }, 'The work queue of this workflow for agents and workers, as it changes.'),
    message,
    h('div', { class: 'action-groups' }, ACTION_STATUSES.map((s) => groups[s].panel)));
  focusHeading(container);

  const seen = (actionId) => {
    if (!order.has(actionId)) order.set(actionId, order.size);
  };

  /**
   * Where an action goes in its list: the first item it comes before. Queued and claimed actions by when
   * they entered that status (updated_at: a retried action goes to the end of the queue), oldest first;
   * completed and failed ones newest first.
   */
  function before(action) {
    const newest = NEWEST_FIRST.has(action.status);
    const key = (a) => [String(a.updated_at ?? a.created_at ?? ''), order.get(a.id) ?? 0];
    const [at, seq] = key(action);
    for (const li of groups[action.status].list.children) {
      const other = actions.get(li.dataset.id);
      if (!other) continue;
      const [otherAt, otherSeq] = key(other);
      const later = otherAt > at || (otherAt === at && otherSeq > seq);
      if (newest ? !later : later) return li;
    }
    return null;
  }

  function place(action, live) {
    items.get(action.id)?.remove();
    const li = actionItem(action, mayWrite() ? retry : null);
    if (live) li.classList.add('flash');
    items.set(action.id, li);
    groups[action.status].list.insertBefore(li, before(action));
  }

  /** A dead letter cannot be queued again (docs/API.md): queue a copy of it. */
  async function retry(action, button) {
    button.disabled = true;
    try {
      const body = { type: action.type };
      if (action.payload !== undefined && action.payload !== null) body.payload = action.payload;
      const { data } = await api('POST', `${workflowPath(id)}/actions`, { body });
      message.textContent = `Queued a copy of ${action.id} as ${data.id}; the dead letter stays under Failed.`;
    } catch (err) {
      message.textContent = `Not retried: ${describe(err)}`;
    } finally {
      button.disabled = false;
    }
  }

  function trim() {
    for (const status of NEWEST_FIRST) {
      const list = groups[status].list;
      while (list.children.length > MAX_SETTLED) {
        const last = list.lastElementChild;
        actions.delete(last.dataset.id);
        items.delete(last.dataset.id);
        last.remove();
      }
    }
  }

  function counts() {
    for (const status of ACTION_STATUSES) {
      const n = groups[status].list.children.length;
      groups[status].count.textContent = String(n);
      groups[status].empty.hidden = n > 0;
    }
  }

  async function load() {
    if (listing) {
      stale = true;
      return;
    }
    listing = true;
    stale = false;
    try {
      const fresh = new Map();
      let cursor = null;
      for (let page = 0; page < MAX_PAGES; page++) {
        const { data } = await api('GET', `${workflowPath(id)}/actions`, { query: { limit: PAGE, cursor } });
        for (const action of data?.items ?? []) {
          if (typeof action?.id === 'string' && ACTION_STATUSES.includes(action.status)) {
            fresh.set(action.id, action);
            seen(action.id);
          }
        }
        cursor = data?.next_cursor;
        if (!cursor) break;
      }
      actions = fresh;
      items.clear();
      for (const { list } of Object.values(groups)) list.replaceChildren();
      for (const action of actions.values()) place(action, false);
      trim();
      counts();
      message.textContent = cursor ? `Showing the first ${PAGE * MAX_PAGES} actions and every change after.` : '';
    } catch (err) {
      if (err.status !== 401) message.textContent = `The actions cannot be read: ${describe(err)}`;
    } finally {
      listing = false;
    }
    if (stale) load();
  }

  function onActionEvent(event) {
    if (listing) stale = true; // the listing may predate this event
    const next = applyActionEvent(actions.get(event.data?.id), event);
    if (!next) return;
    seen(next.id);
    actions.set(next.id, next);
    place(next, true);
    trim();
    counts();
  }

  return liveWorkflow(id, {
    connection,
    banner,
    on: {
      workflow(workflow, kind) {
        if (kind !== 'change') load(); // the snapshot or a reset: read the queue as it is now
      },
      event(event) {
        if (ACTION_EVENTS.has(event.type)) onActionEvent(event);
      },
    },
  });
}
