// Time travel: a slider over the workflow's versions shows the workflow as it was at version N
// (GET …?version=N) and the merge patch from N-1 to N (GET …/diff); snapshots with rollback beside it.
import { api, describe, workflowPath } from '../api.js';
import { focusHeading, h, route, statusBadge, time } from '../dom.js';
import { patchPaths } from '../json.js';
import { renderJson } from '../json-view.js';
import { isTerminal } from '../lifecycle.js';
import { connectionIndicator, endBanner, liveWorkflow } from './live.js';
import { snapshotsPanel } from './snapshots.js';
import { workflowTabs } from './tabs.js';

const SETTLE_MS = 120; // a slider being dragged asks for the version it rests on

export function versionsView(container, { id }) {
  document.title = `Versions · ${id} · Flowcast`;
  let latest = 0; // the workflow's current version
  let shown = 0; // the version on the slider
  let request = 0;
  let timer = null;
  let writable = true; // not terminal: a rollback is allowed

  const connection = connectionIndicator();
  const banner = endBanner();
  const slider = h('input', { id: 'version-slider', type: 'range', min: 1, max: 1, step: 1, value: 1,
    'aria-describedby': 'version-label' });
  const label = h('output', { id: 'version-label', for: 'version-slider', 'aria-live': 'polite' }, '…');
  const button = (idAttr, text, fn) => h('button', { type: 'button', id: idAttr, class: 'secondary', onclick: fn }, text);
  const prev = button('version-prev', '← Previous', () => go(shown - 1));
  const next = button('version-next', 'Next →', () => go(shown + 1));
  const last = button('version-latest', 'Latest', () => go(latest));
  const rollback = h('button', { type: 'button', id: 'version-rollback', class: 'secondary' }, 'Roll back to this version…');
  const message = h('p', { id: 'version-message', class: 'help', role: 'status' });
  const statusCell = h('dd', { id: 'at-status' }, '…');
  const updatedCell = h('dd', { id: 'at-updated' }, '…');
  const statePre = h('pre', { id: 'at-state', class: 'json', tabindex: 0, 'aria-labelledby': 'at-title' });
  const metadataPre = h('pre', { id: 'at-metadata', class: 'json', tabindex: 0, 'aria-label': 'Metadata at this version' });
  const removed = h('p', { id: 'at-removed', class: 'help', hidden: true });
  const diffPre = h('pre', { id: 'version-diff', class: 'json', tabindex: 0, 'aria-labelledby': 'diff-title' });
  const diffHelp = h('p', { id: 'diff-help', class: 'help' });
  const snapshots = snapshotsPanel(id, { show: (version) => go(version), rolledBack: (w) => say(
    `Rolled back: the state is now that of the snapshot, as version ${w.version}.`) });

  container.append(
    h('div', { class: 'view-head' },
      h('p', { class: 'crumbs' }, h('a', { href: '#/' }, 'Workflows'), ' / ',
        h('a', { href: route('w', id), class: 'wf-id' }, id), ' / '),
      h('h1', null, 'Versions'),
      connection),
    workflowTabs(id, 'versions'),
    banner,
    h('section', { class: 'panel travel', 'aria-labelledby': 'travel-title' },
      h('h2', { id: 'travel-title' }, 'Time travel'),
      h('p', { class: 'help' }, 'Slide (or use the arrow keys) to see the workflow as it was at any version, '
        + 'and what that version changed. New versions arrive live.'),
      h('label', { for: 'version-slider' }, 'Version'),
      h('div', { class: 'slider-row' }, slider, label),
      h('div', { class: 'button-row' }, prev, next, last, rollback),
      message),
    h('div', { class: 'columns' },
      h('section', { class: 'panel', 'aria-labelledby': 'at-title' },
        h('h2', { id: 'at-title' }, 'State at this version'),
        h('dl', { class: 'facts' },
          h('div', null, h('dt', null, 'Status'), statusCell),
          h('div', null, h('dt', null, 'Updated'), updatedCell)),
        statePre, removed,
        h('details', null, h('summary', null, 'Metadata'), metadataPre)),
      h('section', { class: 'panel', 'aria-labelledby': 'diff-title' },
        h('h2', { id: 'diff-title' }, 'Change from the previous version'),
        diffHelp, diffPre)),
    snapshots.el);
  focusHeading(container);

  function say(text) {
    message.textContent = text;
  }

  function setRange() {
    slider.max = String(Math.max(1, latest));
    slider.value = String(shown);
    slider.setAttribute('aria-valuetext', `version ${shown} of ${latest}`);
    label.textContent = `${shown} of ${latest}`;
    prev.disabled = shown <= 1;
    next.disabled = last.disabled = shown >= latest;
    rollback.disabled = shown >= latest || !writable;
  }

  function go(version) {
    const v = Math.min(Math.max(1, Math.round(version)), latest);
    if (!v) return;
    shown = v;
    setRange();
    clearTimeout(timer);
    timer = setTimeout(() => show(v), SETTLE_MS);
  }

  async function show(version) {
    const mine = ++request;
    say(`Reading version ${version}…`);
    try {
      const [{ data: at }, diff] = await Promise.all([
        api('GET', workflowPath(id), { query: { version } }),
        version > 1 ? api('GET', `${workflowPath(id)}/diff`, { query: { from: version - 1, to: version } }) : null,
      ]);
      if (mine !== request) return;
      const patch = diff?.data ?? null;
      const paths = patch ? patchPaths(patch) : { changed: new Set(), removed: [] };
      statusCell.replaceChildren(statusBadge(at.status));
      statusCell.classList.toggle('changed', Boolean(patch && 'status' in patch));
      updatedCell.replaceChildren(time(at.updated_at));
      statePre.replaceChildren(renderJson(at.state ?? {}, paths.changed, ['state']));
      metadataPre.replaceChildren(renderJson(at.metadata ?? {}, paths.changed, ['metadata']));
      removed.hidden = paths.removed.length === 0;
      removed.textContent = `Removed by this version: ${paths.removed.map((p) => p.join('.')).join(', ')}`;
      diffHelp.textContent = patch ? `The JSON merge patch from version ${version - 1} to ${version}`
        + (Object.keys(patch).length ? '; changed keys are highlighted on the left.' : ': nothing differs.')
        : 'Version 1 is where the workflow started.';
      diffPre.replaceChildren(renderJson(patch ?? {}));
      diffPre.hidden = !patch;
      say(version === latest ? `Version ${version} is the current one.` : `Version ${version}, as it was.`);
    } catch (err) {
      if (mine !== request) return;
      say(err.status === 410 ? `Version ${version} can no longer be rebuilt: ${err.message}`
        : `Version ${version} cannot be read: ${describe(err)}`);
    }
  }

  rollback.addEventListener('click', () => snapshots.rollback({ version: shown }, `version ${shown}`));
  slider.addEventListener('input', () => go(Number(slider.value)));

  const live = liveWorkflow(id, {
    connection,
    banner,
    on: {
      workflow(workflow, kind) {
        const following = shown === latest;
        latest = workflow.version;
        snapshots.setWritable(!isTerminal(workflow.status));
        writable = snapshots.writable();
        if (kind !== 'change' || following) go(latest);
        else setRange();
        if (kind !== 'change') snapshots.load();
      },
      event(event) {
        if (event.type === 'snapshot.created' || event.type === 'state.rolled_back') snapshots.load();
      },
      end() {
        for (const control of container.querySelectorAll('button, input')) control.disabled = true;
      },
    },
  });
  return { ...live, unmount: () => { clearTimeout(timer); live.unmount(); } };
}
