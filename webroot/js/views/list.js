// The tenant's workflows, newest first, live: the tenant feed (tenant-feed.js) puts new workflows on top
// and changes status and version in place; counts per status, a status filter, page size, cursor paging,
// a search by id prefix and a preview of the state of the row under the pointer or the focus.
//
// Pages come from GET /api/v1/workflows. The first page is also drawn from what the feed holds (its
// snapshot of the newest workflows, then every change), so a workflow the list does not show yet (with
// PostgreSQL the list is served once flushed) is there at once; later pages change in place only. The
// counts and the search cover the feed's snapshot: the newest SNAPSHOT_LIMIT workflows.
import { api, describe, workflowPath } from '../api.js';
import { focusHeading, h } from '../dom.js';
import { renderJson } from '../json-view.js';
import { STATUSES } from '../lifecycle.js';
import { SNAPSHOT_LIMIT, TenantFeed } from '../tenant-feed.js';
import { instancesPanel } from './instances.js';
import { listRows } from './list-rows.js';

const PAGE_SIZES = ['10', '20', '50', '100'];
const SEARCH_MAX = 100;

/** Newest first: by creation, then id descending (the list's order). */
function newestFirst(a, b) {
  const t = (Date.parse(b.created_at) || 0) - (Date.parse(a.created_at) || 0);
  return t !== 0 ? t : (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

export function listView(container, { query }) {
  document.title = 'Workflows · Flowcast';
  let status = STATUSES.includes(query.get('status')) ? query.get('status') : '';
  let limit = PAGE_SIZES.includes(query.get('limit')) ? query.get('limit') : '20';
  let search = '';
  let cursors = [null]; // cursors[n] opens page n
  let page = 0;
  let request = 0;
  let pageItems = null; // the current page as the list answered it (null: loading)
  const known = new Map(); // id -> summary: the feed's snapshot and every change since
  let moreThanKnown = false; // the snapshot did not hold every workflow
  let flashed = new Set();
  let drawScheduled = false;

  const statusSelect = h('select', { id: 'filter-status', name: 'status' },
    h('option', { value: '' }, 'Any status'), STATUSES.map((s) => h('option', { value: s }, s)));
  statusSelect.value = status;
  const sizeSelect = h('select', { id: 'page-size', name: 'limit' }, PAGE_SIZES.map((n) => h('option', { value: n }, n)));
  sizeSelect.value = limit;
  const searchInput = h('input', { id: 'filter-search', name: 'search', type: 'search', autocomplete: 'off',
    spellcheck: 'false', placeholder: 'id prefix' });
  const results = h('ul', { id: 'workflow-list', class: 'cards', 'aria-labelledby': 'list-title' });
  const rows = listRows(results);
  const message = h('p', { id: 'list-message', role: 'status', class: 'help' });
  const counts = h('div', { id: 'status-counts', class: 'status-counts', role: 'group',
    'aria-label': 'Workflows by status' });
  const liveState = h('span', { id: 'list-live', class: 'help', 'aria-live': 'polite' });
  const preview = h('aside', { id: 'list-preview', class: 'list-preview', 'aria-label': 'Preview', hidden: true });
  const prev = h('button', { type: 'button', id: 'page-prev', disabled: true }, '← Previous');
  const next = h('button', { type: 'button', id: 'page-next', disabled: true }, 'Next →');
  const pageLabel = h('span', { id: 'page-label', class: 'help', 'aria-live': 'polite' });

  const filters = h('form', { class: 'filters', role: 'search', 'aria-label': 'Filter workflows' },
    h('div', { class: 'field' }, h('label', { for: 'filter-search' }, 'Search'), searchInput),
    h('div', { class: 'field' }, h('label', { for: 'filter-status' }, 'Status'), statusSelect),
    h('div', { class: 'field' }, h('label', { for: 'page-size' }, 'Per page'), sizeSelect),
    h('button', { type: 'submit' }, 'Refresh'));
  const applyFilters = () => {
    status = statusSelect.value;
    limit = sizeSelect.value;
    const params = new URLSearchParams();
    if (status) params.set('status', status);
    if (limit !== '20') params.set('limit', limit);
    history.replaceState(null, '', params.size ? `#/?${params}` : '#/');
    cursors = [null];
    page = 0;
    load();
  };
  filters.addEventListener('submit', (e) => {
    e.preventDefault();
    applyFilters();
  });
  statusSelect.addEventListener('change', applyFilters);
  sizeSelect.addEventListener('change', applyFilters);
  searchInput.addEventListener('input', () => {
    search = searchInput.value.trim();
    draw();
  });
  prev.addEventListener('click', () => {
    page = Math.max(0, page - 1);
    load();
  });
  next.addEventListener('click', () => {
    if (cursors[page + 1]) {
      page += 1;
      load();
    }
  });

  // ------------------------------------------------------------------ drawing

  const matches = (w) => (!status || w.status === status) && (!search || w.id.startsWith(search));

  /** What the list shows now: a search of what the feed holds, or the page merged with the feed's news. */
  function shown() {
    if (search) {
      return [...known.values()].filter((w) => w.created_at && matches(w)).sort(newestFirst).slice(0, SEARCH_MAX);
    }
    const byId = new Map();
    for (const w of pageItems ?? []) byId.set(w.id, known.get(w.id)?.version > w.version ? known.get(w.id) : w);
    if (page === 0) {
      for (const w of known.values()) {
        if (w.created_at && matches(w) && !(byId.get(w.id)?.version >= w.version)) byId.set(w.id, w);
      }
    }
    const items = [...byId.values()].filter(matches).sort(newestFirst);
    return page === 0 ? items.slice(0, Number(limit)) : items;
  }

  function draw() {
    if (pageItems === null) return;
    const items = shown();
    rows.replace(items, flashed);
    flashed = new Set();
    if (search) {
      message.textContent = items.length ? `${items.length} match${items.length === 1 ? '' : 'es'} for “${search}”`
        + (moreThanKnown ? ` among the newest ${SNAPSHOT_LIMIT}` : '') : `No workflow id starts with “${search}”.`;
    } else {
      message.textContent = items.length ? '' : (status ? `No ${status} workflows.` : 'No workflows yet.');
    }
    prev.disabled = Boolean(search) || page === 0;
    next.disabled = Boolean(search) || !cursors[page + 1];
    drawCounts();
  }

  /** Once per frame however many changes arrive: a busy tenant does not redraw per change. */
  function drawSoon() {
    if (drawScheduled) return;
    drawScheduled = true;
    requestAnimationFrame(() => {
      drawScheduled = false;
      draw();
    });
  }

  function drawCounts() {
    const by = Object.fromEntries(STATUSES.map((s) => [s, 0]));
    for (const w of known.values()) if (w.status in by) by[w.status]++;
    const chip = (value, label, n) => h('button', { type: 'button', class: 'secondary count-chip',
      dataset: { status: value }, 'aria-pressed': String(status === value), onclick: () => {
        statusSelect.value = value;
        applyFilters();
      } }, h('span', null, label), h('strong', null, String(n)));
    counts.replaceChildren(chip('', 'all', known.size), ...STATUSES.map((s) => chip(s, s, by[s])));
    if (moreThanKnown) counts.append(h('span', { class: 'help' }, ` of the newest ${SNAPSHOT_LIMIT}`));
  }

  // ------------------------------------------------------------------ the feed

  const feed = new TenantFeed({
    snapshot(workflows, more) {
      known.clear();
      for (const w of workflows) known.set(w.id, w);
      moreThanKnown = more;
      drawSoon();
    },
    change(type, summary) {
      if (type === 'workflow.deleted' || type === 'workflow.expired') {
        known.delete(summary.id);
        if (previewFor === summary.id) hidePreview();
        if (pageItems) pageItems = pageItems.filter((w) => w.id !== summary.id);
      } else {
        const before = known.get(summary.id);
        if (before && before.version >= summary.version) return;
        // a new workflow's creation time is its first update; a change keeps the one known
        const createdAt = before?.created_at ?? (type === 'workflow.created' ? summary.updated_at : undefined);
        known.set(summary.id, { ...before, ...summary, created_at: createdAt });
        flashed.add(summary.id);
      }
      drawSoon();
    },
    connection(state) {
      liveState.textContent = { live: '● Live', connecting: 'Connecting…', reconnecting: 'Reconnecting…',
        ended: 'Not live (sign in again)' }[state] ?? '';
      liveState.dataset.state = state;
    },
  });

  // ------------------------------------------------------------------ preview

  let previewFor = null;
  let previewTimer = null;
  function showPreview(li) {
    const id = li?.dataset.id;
    if (!id || id === previewFor) return;
    previewFor = id;
    clearTimeout(previewTimer);
    previewTimer = setTimeout(async () => {
      try {
        // a read like any other: it refreshes the workflow's TTL
        const { data } = await api('GET', workflowPath(id));
        if (previewFor !== id) return;
        preview.replaceChildren(
          h('h2', { class: 'preview-title' }, id, h('span', { class: 'help' }, ` · version ${data.version}`)),
          h('pre', { class: 'json preview-state' }, renderJson(data.state ?? {})));
        preview.hidden = false;
      } catch (err) {
        if (previewFor === id) preview.replaceChildren(h('p', { class: 'help' }, describe(err)));
      }
    }, 150);
  }
  function hidePreview() {
    previewFor = null;
    clearTimeout(previewTimer);
    preview.hidden = true;
    preview.replaceChildren();
  }
  results.addEventListener('mouseover', (e) => showPreview(e.target.closest('li')));
  results.addEventListener('focusin', (e) => showPreview(e.target.closest('li')));

  container.append(
    h('div', { class: 'view-head' },
      h('h1', { id: 'list-title' }, 'Workflows'),
      liveState,
      h('a', { href: '#/new', class: 'button' }, 'New workflow')),
    counts,
    filters,
    message,
    h('div', { class: 'list-with-preview' }, results, preview),
    h('div', { class: 'pager' }, prev, pageLabel, next));
  const instances = instancesPanel(); // for an operator only
  if (instances) {
    container.append(instances.element);
    instances.start();
  }
  focusHeading(container);

  async function load() {
    const mine = ++request;
    results.setAttribute('aria-busy', 'true');
    message.textContent = 'Loading…';
    try {
      const { data } = await api('GET', '/api/v1/workflows', { query: { status, limit, cursor: cursors[page] } });
      if (mine !== request) return;
      cursors[page + 1] = data.next_cursor ?? null;
      pageItems = data.items ?? [];
      pageLabel.textContent = `Page ${page + 1}`;
      draw();
    } catch (err) {
      if (mine !== request) return;
      message.textContent = describe(err);
    } finally {
      if (mine === request) results.removeAttribute('aria-busy');
    }
  }

  feed.start();
  load();
  return {
    resume() {
      feed.start();
      load();
      instances?.start();
    },
    pause() {
      feed.stop();
      instances?.stop();
    },
    unmount() {
      feed.stop();
      instances?.stop();
    },
  };
}
