// The tenant's workflows, newest first: status filter, page size, cursor paging.
import { api, describe } from '../api.js';
import { focusHeading, h } from '../dom.js';
import { STATUSES } from '../lifecycle.js';
import { instancesPanel } from './instances.js';
import { listRows } from './list-rows.js';

const PAGE_SIZES = ['10', '20', '50', '100'];

export function listView(container, { query }) {
  document.title = 'Workflows · Flowcast';
  let status = STATUSES.includes(query.get('status')) ? query.get('status') : '';
  let limit = PAGE_SIZES.includes(query.get('limit')) ? query.get('limit') : '20';
  let cursors = [null]; // cursors[n] opens page n
  let page = 0;
  let request = 0;

  const statusSelect = h('select', { id: 'filter-status', name: 'status' },
    h('option', { value: '' }, 'Any status'), STATUSES.map((s) => h('option', { value: s }, s)));
  statusSelect.value = status;
  const sizeSelect = h('select', { id: 'page-size', name: 'limit' }, PAGE_SIZES.map((n) => h('option', { value: n }, n)));
  sizeSelect.value = limit;
  const results = h('ul', { id: 'workflow-list', class: 'cards', 'aria-labelledby': 'list-title' });
  const rows = listRows(results, { matches: (w) => !status || w.status === status });
  const message = h('p', { id: 'list-message', role: 'status', class: 'help' });
  const prev = h('button', { type: 'button', id: 'page-prev', disabled: true }, '← Previous');
  const next = h('button', { type: 'button', id: 'page-next', disabled: true }, 'Next →');
  const pageLabel = h('span', { id: 'page-label', class: 'help', 'aria-live': 'polite' });

  const filters = h('form', { class: 'filters', role: 'search', 'aria-label': 'Filter workflows' },
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

  container.append(
    h('div', { class: 'view-head' },
      h('h1', { id: 'list-title' }, 'Workflows'),
      h('a', { href: '#/new', class: 'button' }, 'New workflow')),
    filters,
    message,
    results,
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
      rows.replace(data.items ?? []);
      message.textContent = data.items?.length ? '' : (status ? `No ${status} workflows.` : 'No workflows yet.');
      pageLabel.textContent = `Page ${page + 1}`;
      prev.disabled = page === 0;
      next.disabled = !data.next_cursor;
    } catch (err) {
      if (mine !== request) return;
      message.textContent = describe(err);
    } finally {
      if (mine === request) results.removeAttribute('aria-busy');
    }
  }

  load();
  return {
    rows, // the seam for a live feed (list-rows.js)
    resume() {
      load();
      instances?.start();
    },
    pause: () => instances?.stop(),
    unmount: () => instances?.stop(),
  };
}
