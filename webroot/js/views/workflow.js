// The workflow view: status, version, the state with the keys of the last change highlighted, and
// the live event log (newest first, filter by type), all fed by WorkflowFeed.
import { api, workflowPath } from '../api.js';
import { focusHeading, h, statusBadge, time } from '../dom.js';
import { WorkflowFeed } from '../feed.js';
import { changedPaths, pathKey } from '../json.js';
import { compactJson, renderJson } from '../json-view.js';
import { advance } from '../workflow-state.js';
import { CONNECTION_TEXT, connectionIndicator, sessionEnded, showConnection } from './live.js';
import { workflowTabs } from './tabs.js';
import { interruptsPanel } from './interrupts.js';
import { workflowControls } from './workflow-controls.js';

const MAX_LOG = 2000;
const SHORT_DATA = 400; // characters of an event's data shown on its line; longer ones expand
export function workflowView(container, { id }) {
  document.title = `${id} · Flowcast`;
  let workflow = null;
  const entries = new Map(); // seq -> <li>
  let filter = '';
  let shown = 0; // entries matching the filter

  const statusCell = h('dd', { id: 'wf-status' }, '…');
  const versionCell = h('dd', { id: 'wf-version' }, '…');
  const updatedCell = h('dd', { id: 'wf-updated' }, '…');
  const expiresCell = h('dd', { id: 'wf-expires' }, '…');
  const connection = connectionIndicator();
  const banner = h('p', { class: 'notice', role: 'alert', hidden: true });
  const statePre = h('pre', { id: 'wf-state', class: 'json', tabindex: 0, 'aria-labelledby': 'state-title' });
  const removedNote = h('p', { id: 'wf-removed', class: 'help', hidden: true });
  const metadataPre = h('pre', { id: 'wf-metadata', class: 'json', tabindex: 0, 'aria-label': 'Metadata' });
  const typeSelect = h('select', { id: 'log-type' }, h('option', { value: '' }, 'All types'));
  const logCount = h('span', { id: 'log-count', class: 'help' });
  const logList = h('ol', { id: 'event-log', class: 'log', role: 'log', 'aria-labelledby': 'log-title' });
  const controls = workflowControls(id);
  const interrupts = interruptsPanel(id);

  typeSelect.addEventListener('change', () => {
    filter = typeSelect.value;
    shown = 0;
    for (const li of entries.values()) {
      li.hidden = Boolean(filter) && li.dataset.type !== filter;
      if (!li.hidden) shown++;
    }
    updateCount();
  });

  container.append(
    h('div', { class: 'view-head' },
      h('p', { class: 'crumbs' }, h('a', { href: '#/' }, 'Workflows'), ' / '),
      h('h1', { class: 'wf-id' }, id),
      connection),
    workflowTabs(id, 'overview'),
    banner,
    h('dl', { class: 'facts' },
      h('div', null, h('dt', null, 'Status'), statusCell),
      h('div', null, h('dt', null, 'Version'), versionCell),
      h('div', null, h('dt', null, 'Updated'), updatedCell),
      h('div', null, h('dt', null, 'Expires'), expiresCell)),
    h('div', { class: 'columns' },
      h('div', { class: 'stack' },
        h('section', { class: 'panel', 'aria-labelledby': 'state-title' },
          h('h2', { id: 'state-title' }, 'State'),
          h('p', { class: 'help' }, 'Keys changed by the latest change are highlighted.'),
          statePre,
          removedNote,
          h('details', null, h('summary', null, 'Metadata'), metadataPre)),
        interrupts.el,
        controls.el),
      h('section', { class: 'panel', 'aria-labelledby': 'log-title' },
        h('div', { class: 'log-head' },
          h('h2', { id: 'log-title' }, 'Events'),
          h('div', { class: 'log-filter' }, h('label', { for: 'log-type' }, 'Type'), typeSelect, logCount)),
        logList)));
  focusHeading(container);

  function render(changes) {
    const changed = changes?.changed ?? new Set();
    statusCell.replaceChildren(statusBadge(workflow.status));
    statusCell.classList.toggle('changed', changed.has(pathKey(['status'])));
    versionCell.textContent = String(workflow.version);
    versionCell.classList.toggle('changed', Boolean(changes));
    updatedCell.replaceChildren(time(workflow.updated_at));
    expiresCell.replaceChildren(time(workflow.expires_at));
    statePre.replaceChildren(renderJson(workflow.state ?? {}, changed, ['state']));
    metadataPre.replaceChildren(renderJson(workflow.metadata ?? {}, changed, ['metadata']));
    controls.update(workflow);
    const removed = (changes?.removed ?? []).map((path) => path.join('.'));
    removedNote.hidden = removed.length === 0;
    removedNote.textContent = removed.length ? `Removed by the latest change: ${removed.join(', ')}` : '';
  }

  function setWorkflow(next, highlight) {
    const parts = (w) => ({ status: w.status, state: w.state, metadata: w.metadata });
    const changes = highlight && workflow ? changedPaths(parts(workflow), parts(next)) : null;
    workflow = next;
    render(changes);
  }

  async function refetch(minVersion) {
    try {
      const { data } = await api('GET', workflowPath(id));
      if (workflow && data.version > workflow.version && data.version >= minVersion) setWorkflow(data, true);
    } catch {
      // the stream reports what matters (gone, signed out)
    }
  }

  function applyEvent(event) {
    const next = advance(workflow, event);
    if (next === null) refetch(event.version); // a change the event does not carry: read the workflow
    else if (next !== workflow) setWorkflow(next, true);
  }

  function entry(event) {
    return h('li', { class: 'event', dataset: { seq: event.seq, type: event.type } },
      h('div', { class: 'event-head' },
        h('span', { class: 'seq' }, `#${event.seq}`), ' ',
        h('span', { class: 'type' }, event.type), ' ',
        h('span', { class: 'help' }, `v${event.version ?? '?'}`, event.actor ? ` · ${event.actor}` : '', ' · '),
        time(event.created_at)),
      h('code', { class: 'data' }, compactJson(event.data, SHORT_DATA)),
      payloadDetails(event));
  }

  function addLog(event) {
    if (entries.has(event.seq)) return;
    const li = entry(event);
    li.hidden = Boolean(filter) && event.type !== filter;
    let before = logList.firstElementChild;
    while (before && (before.dataset.seq === undefined || Number(before.dataset.seq) > event.seq)) {
      before = before.nextElementSibling;
    }
    logList.insertBefore(li, before);
    entries.set(event.seq, li);
    if (!li.hidden) shown++;
    if (![...typeSelect.options].some((o) => o.value === event.type)) {
      typeSelect.append(h('option', { value: event.type }, event.type));
    }
    if (entries.size > MAX_LOG) {
      let oldest = logList.lastElementChild;
      while (oldest.dataset.seq === undefined) oldest = oldest.previousElementSibling;
      if (!oldest.hidden) shown--;
      entries.delete(Number(oldest.dataset.seq));
      oldest.remove();
    }
    updateCount();
  }

  function note(text) {
    logList.prepend(h('li', { class: 'note' }, text));
  }

  function updateCount() {
    logCount.textContent = filter ? `${shown} of ${entries.size}` : `${entries.size}`;
  }

  const feed = new WorkflowFeed(id, {
    snapshot(next, kind) {
      setWorkflow(next, kind === 'reset');
      interrupts.load();
      if (kind === 'reset') note('Reconnected after too long: events in between were not kept, the state was reloaded.');
    },
    history(events) {
      events.forEach(addLog);
    },
    event(event) {
      addLog(event);
      applyEvent(event);
      interrupts.event(event);
    },
    connection: (state, info) => showConnection(connection, state, info),
    authExpired: sessionEnded,
    end(reason) {
      banner.hidden = false;
      banner.textContent = CONNECTION_TEXT.ended({ reason }) + '. No more changes will arrive.';
      if (reason === 'gone' && !workflow) statePre.textContent = 'No workflow with this id is visible to you.';
      controls.end();
      interrupts.end();
    },
  });
  feed.start();

  return {
    unmount: () => feed.stop(),
    pause: () => feed.pause(),
    resume: () => feed.resume(),
    feed,
  };
}

/** A long payload's whole data, pretty-printed when opened (rendered on first open: the log may hold 2,000). */
function payloadDetails(event) {
  const length = (JSON.stringify(event.data) ?? '').length;
  if (length <= SHORT_DATA) return null;
  const pre = h('pre', { class: 'json payload', tabindex: 0, 'aria-label': `Data of event ${event.seq}` });
  const details = h('details', { class: 'payload-details' },
    h('summary', null, `Show the whole data (${length.toLocaleString()} characters)`), pre);
  details.addEventListener('toggle', () => {
    if (details.open && !pre.firstChild) pre.append(renderJson(event.data));
    const line = details.parentElement?.querySelector('code.data');
    if (line) line.hidden = details.open;
  });
  return details;
}
