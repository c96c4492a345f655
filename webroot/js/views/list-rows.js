// The rows of the workflow list, by id: drawn from summaries {id, status, version, updated_at} (what the
// list answers and the tenant feed sends), in the order given, a row that just changed flashed. Drawing
// again keeps the rows that did not change (and the focus or hover on them): only new or changed rows
// are made, and rows move only where the order changed.
import { h, route, statusBadge, time } from '../dom.js';

/** listRows(ul) -> {replace(items, flashed), size()} */
export function listRows(list) {
  const rows = new Map(); // id -> {li, version, status}

  function row(workflow) {
    return h('li', { class: 'card', dataset: { id: workflow.id, status: workflow.status, version: workflow.version } },
      h('a', { href: route('w', workflow.id), class: 'card-title' }, workflow.id),
      h('div', { class: 'card-meta' },
        statusBadge(workflow.status),
        h('span', { class: 'row-version' }, `version ${workflow.version}`),
        h('span', null, 'updated ', time(workflow.updated_at))));
  }

  return {
    /** Draws `items` in their order; the rows of the ids in `flashed` (a Set) flash once. */
    replace(items, flashed = new Set()) {
      const wanted = new Set(items.map((w) => w.id));
      for (const [id, kept] of rows) {
        if (!wanted.has(id)) {
          kept.li.remove();
          rows.delete(id);
        }
      }
      items.forEach((w, i) => {
        let kept = rows.get(w.id);
        if (!kept || kept.version !== w.version || kept.status !== w.status) {
          const li = row(w);
          if (flashed.has(w.id)) li.classList.add('flash');
          if (kept) kept.li.replaceWith(li);
          kept = { li, version: w.version, status: w.status };
          rows.set(w.id, kept);
        }
        if (list.children[i] !== kept.li) list.insertBefore(kept.li, list.children[i] ?? null);
      });
    },
    size: () => rows.size,
  };
}
