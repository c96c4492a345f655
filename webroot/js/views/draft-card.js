// One section in review: its committed text beside the draft, the word diff and the draft's summary,
// and the buttons to undo the last revision, commit or discard. Every string is a text node.
import { api, describe, workflowPath } from '../api.js';
import { h, time } from '../dom.js';
import { renderDiff } from '../diff-view.js';

let serial = 0;

/** Why an action on a draft was refused, in words that say what to do next. */
function refusal(action, section, err) {
  if (err.status === 409) {
    if (action === 'undo') return `Nothing to undo: ${err.message}`;
    if (action === 'commit') {
      return `Not committed: the section changed after this draft was started (${err.message}). Discard the `
        + 'draft and write it again from the current text.';
    }
  }
  if (err.status === 404) return `The draft of section ${section} no longer exists (committed or discarded elsewhere).`;
  return `${action[0].toUpperCase()}${action.slice(1)} failed: ${describe(err)}`;
}

/**
 * draftCard(workflowId, section, {undone(draft), done(message)}) -> {el, update(draft, committed, live)}
 * undone gets the draft an undo answered; done a sentence after a commit or discard (the card is going away)
 * or when the draft turned out to be gone.
 */
export function draftCard(workflowId, section, { undone, done }) {
  const n = ++serial;
  const titleId = `draft-${n}-title`;
  const meta = h('p', { class: 'help draft-meta' });
  const summary = h('p', { class: 'draft-summary' });
  const committedPre = h('pre', { class: 'text committed', tabindex: 0, 'aria-label': `Committed text of ${section}` });
  const draftPre = h('pre', { class: 'text draft', tabindex: 0, 'aria-label': `Draft of ${section}` });
  const diffSlot = h('div', { class: 'diff-slot' });
  const diffStats = h('p', { class: 'help diff-stats' });
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  const button = (action, label) => h('button', { type: 'button', dataset: { action }, 'aria-describedby': titleId,
    onclick: () => act(action) }, label);
  const undo = button('undo', 'Undo last revision');
  const commit = button('commit', 'Commit');
  const discard = button('discard', 'Discard');
  discard.classList.add('danger');
  const undoHelp = h('span', { class: 'help', hidden: true }, 'No earlier revision kept.');
  const el = h('article', { class: 'panel draft-card', dataset: { section }, 'aria-labelledby': titleId },
    h('h2', { id: titleId }, 'Section ', h('code', null, section)),
    meta,
    summary,
    h('h3', null, 'Changes'),
    diffStats,
    diffSlot,
    h('div', { class: 'compare' },
      h('div', null, h('h3', null, 'Committed'), committedPre),
      h('div', null, h('h3', null, 'Draft'), draftPre)),
    h('div', { class: 'draft-actions' }, undo, commit, discard, undoHelp),
    error);

  let current = null;

  function update(draft, committed, live) {
    current = draft;
    const kept = Number(draft.revisions_kept) || 1;
    meta.replaceChildren(`Revision ${draft.revision ?? '?'} (${kept} kept) · by ${draft.author ?? 'unknown'} · `,
      'updated ', time(draft.updated_at), ` · started from version ${draft.base_version ?? '?'}`);
    if (draft.diff_summary) summary.replaceChildren(h('strong', null, 'Summary: '), String(draft.diff_summary));
    else summary.replaceChildren(h('span', { class: 'help' }, 'No summary given.'));
    const rawDraft = String(draft.raw_draft ?? '');
    const before = committed ?? '';
    committedPre.textContent = committed ?? '';
    committedPre.classList.toggle('empty', committed == null);
    if (committed == null) committedPre.textContent = '(nothing committed yet)';
    draftPre.textContent = rawDraft;
    const { diff, summary: stats } = renderDiff(before, rawDraft);
    diff.setAttribute('tabindex', '0');
    diff.setAttribute('aria-label', `Changes to ${section}: removed words are marked as deleted, added as inserted`);
    diffSlot.replaceChildren(diff);
    diffStats.textContent = stats;
    undo.disabled = kept <= 1 || el.hasAttribute('aria-busy');
    undoHelp.hidden = kept > 1;
    if (live) flash();
  }

  function flash() {
    el.classList.remove('flash');
    void el.offsetWidth; // restart the animation
    el.classList.add('flash');
  }

  function busy(on) {
    if (on) el.setAttribute('aria-busy', 'true');
    else el.removeAttribute('aria-busy');
    for (const b of [undo, commit, discard]) b.disabled = on;
    if (!on) undo.disabled = (Number(current?.revisions_kept) || 1) <= 1;
  }

  async function act(action) {
    const path = `${workflowPath(workflowId)}/drafts/${encodeURIComponent(section)}`;
    error.hidden = true;
    busy(true);
    try {
      if (action === 'undo') {
        const { data } = await api('POST', `${path}/undo`);
        busy(false);
        undone(data);
      } else if (action === 'commit') {
        const { data } = await api('POST', `${path}/commit`);
        done(`Section ${section} committed: the workflow is now at version ${data.version}.`);
      } else {
        await api('DELETE', path);
        done(`The draft of section ${section} was discarded.`);
      }
    } catch (err) {
      if (err.status === 404) done(refusal(action, section, err));
      else failed(refusal(action, section, err));
    } finally {
      busy(false);
    }
  }

  function failed(text) {
    error.hidden = false;
    error.textContent = text;
  }

  return { el, update };
}
