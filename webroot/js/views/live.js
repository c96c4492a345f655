// What the live views of one workflow share: the connection indicator, the end-of-view banner, and a
// WorkflowFeed that keeps the workflow current (advance()) and signs the tab out when the stream's
// session ends. The overview, review and actions views each add what they show.
import { api, workflowPath } from '../api.js';
import { h } from '../dom.js';
import { WorkflowFeed } from '../feed.js';
import { expire } from '../session.js';
import { advance } from '../workflow-state.js';

export const CONNECTION_TEXT = {
  connecting: () => 'Connecting…',
  live: () => 'Live',
  reconnecting: () => 'Reconnecting…',
  resumed: ({ fromSeq }) => (fromSeq == null ? 'Live — resumed' : `Live — resumed from event ${fromSeq}`),
  reset: () => 'Live — history too old, state reloaded',
  paused: ({ reason }) => (reason === 'expired' ? 'Paused — session expired, sign in to resume'
    : 'Paused — sign in to resume'),
  ended: ({ reason }) => ({
    deleted: 'Ended — the workflow was deleted',
    expired: 'Ended — the workflow expired',
    gone: 'Ended — no such workflow',
    forbidden: 'Ended — not allowed to read this workflow',
  }[reason] ?? 'Ended'),
};

export function connectionIndicator() {
  return h('p', { id: 'connection', class: 'conn', role: 'status', dataset: { state: 'connecting' } }, 'Connecting…');
}

export function showConnection(el, state, info) {
  el.dataset.state = state;
  el.dataset.fromSeq = info.fromSeq ?? '';
  el.textContent = CONNECTION_TEXT[state](info);
}

/** The stream's session ended: sign the tab out with why (the view resumes after the next sign-in). */
export function sessionEnded(reason) {
  expire(/revoked/i.test(reason ?? '')
    ? 'Your session was ended on the server (signed out or revoked). Sign in again: the workflow view '
      + 'resumes where it stopped.'
    : 'Your session expired. Sign in again: the workflow view resumes where it stopped.');
}

export function endBanner() {
  return h('p', { class: 'notice', role: 'alert', hidden: true });
}

/**
 * A feed for a view that needs the workflow as it is now and each live event after it (not the history):
 * on.workflow(workflow, kind) after the snapshot, a reset or any change ('snapshot' | 'reset' | 'change');
 * on.event(event) for every live event, after the workflow was carried forward; on.end(reason).
 */
export function liveWorkflow(id, { connection, banner, on }) {
  let workflow = null;
  let reading = 0;

  async function reread(minVersion) {
    const mine = ++reading;
    try {
      const { data } = await api('GET', workflowPath(id));
      if (mine === reading && workflow && data.version >= minVersion && data.version > workflow.version) {
        workflow = data;
        on.workflow(workflow, 'change');
      }
    } catch {
      // the stream reports what matters (gone, signed out)
    }
  }

  const feed = new WorkflowFeed(id, {
    snapshot(next, kind) {
      reading++;
      workflow = next;
      on.workflow(workflow, kind);
    },
    history() {},
    event(event) {
      const next = advance(workflow, event);
      if (next === null) reread(event.version);
      else if (next !== workflow) {
        workflow = next;
        on.workflow(workflow, 'change');
      }
      on.event?.(event);
    },
    connection: (state, info) => showConnection(connection, state, info),
    authExpired: sessionEnded,
    end(reason) {
      banner.hidden = false;
      banner.textContent = `${CONNECTION_TEXT.ended({ reason })}. No more changes will arrive.`;
      on.end?.(reason);
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
