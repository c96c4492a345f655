// The rows of the workflow list, by id, so they can change in place. Today the list fills them from
// GET /api/v1/workflows (load and Refresh). This is the seam for the tenant feed (GET /api/v1/feed, issue
// 20 item 1, not in the API yet): its workflow.created / workflow.changed carry {id, version, status,
// updated_at}, which upsert() takes as they are; workflow.deleted / workflow.expired map to remove(id).
import { h, route, statusBadge, time } from '../dom.js';

/** listRows(ul, {matches(summary)}) -> {replace(items), upsert(summary, {live}), remove(id), size()} */
export function listRows(list, { matches = () => true } = {}) {
  const rows = new Map(); // id -> <li>

  function row(workflow) {
    return h('li', { class: 'card', dataset: { id: workflow.id, status: workflow.status, version: workflow.version } },
      h('a', { href: route('w', workflow.id), class: 'card-title' }, workflow.id),
      h('div', { class: 'card-meta' },
        statusBadge(workflow.status),
        h('span', { class: 'row-version' }, `version ${workflow.version}`),
        h('span', null, 'updated ', time(workflow.updated_at))));
  }

  return {
    replace(items) {
      rows.clear();
      list.replaceChildren(...items.map((w) => {
        const li = row(w);
        rows.set(w.id, li);
        return li;
      }));
    },
    /** A workflow created or changed: updated in place (a newer version only), new ones on top. */
    upsert(summary, { live = false } = {}) {
      const old = rows.get(summary.id);
      if (old && Number(old.dataset.version) >= summary.version) return;
      if (!matches(summary)) return this.remove(summary.id);
      const li = row(summary);
      if (live) li.classList.add('flash');
      if (old) old.replaceWith(li);
      else list.prepend(li);
      rows.set(summary.id, li);
    },
    remove(id) {
      rows.get(id)?.remove();
      rows.delete(id);
    },
    size: () => rows.size,
  };
}
