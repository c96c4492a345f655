// One action of the queue as a list item, and how an action.* event changes the action it names.
import { h, statusBadge, time } from '../dom.js';
import { compactJson } from '../json-view.js';

export const ACTION_EVENTS = new Set(['action.queued', 'action.claimed', 'action.completed', 'action.failed']);
export const ACTION_STATUSES = ['queued', 'claimed', 'completed', 'failed'];

/** The action after its event (the event carries the fields its step changed), or null for bad data. */
export function applyActionEvent(action, event) {
  const d = event.data;
  if (typeof d?.id !== 'string' || !ACTION_STATUSES.includes(d.status)) return null;
  const next = { ...(action ?? { id: d.id, created_at: event.created_at, attempts: 0 }), status: d.status,
    updated_at: event.created_at ?? action?.updated_at };
  if (typeof d.type === 'string') next.type = d.type;
  switch (event.type) {
    case 'action.queued':
      next.payload = d.payload;
      break;
    case 'action.claimed':
      Object.assign(next, { worker: d.worker, lease_until: d.lease_until, attempts: d.attempts ?? next.attempts });
      break;
    case 'action.completed':
      Object.assign(next, { worker: d.worker ?? next.worker, result: d.result, lease_until: null });
      break;
    case 'action.failed':
      Object.assign(next, { worker: d.worker ?? next.worker, error: d.error, lease_until: null,
        attempts: d.attempts ?? next.attempts });
      break;
    default:
      return null;
  }
  return next;
}

const field = (label, value) => h('div', null, h('dt', null, label), h('dd', null, value));

/** actionItem(action, retry?): a dead letter (failed) gets a Retry button calling retry(action, button). */
export function actionItem(action, retry = null) {
  const details = [];
  if (action.payload !== undefined) details.push(field('Payload', h('code', null, compactJson(action.payload))));
  if (action.result != null) details.push(field('Result', h('code', null, compactJson(action.result))));
  if (action.error != null) {
    details.push(field(action.status === 'failed' ? 'Error' : 'Last error', h('code', null, compactJson(action.error))));
  }
  return h('li', { class: 'card action', dataset: { id: action.id, status: action.status } },
    h('div', { class: 'action-head' },
      h('span', { class: 'card-title' }, action.type ?? '?'), ' ', statusBadge(action.status)),
    h('div', { class: 'card-meta' },
      h('span', null, h('span', { class: 'sr-only' }, 'id '), h('code', null, action.id)),
      action.worker ? h('span', null, `worker ${action.worker}`) : null,
      action.attempts ? h('span', null, `attempt ${action.attempts}`) : null,
      action.lease_until ? h('span', null, 'lease until ', time(action.lease_until)) : null,
      h('span', null, 'updated ', time(action.updated_at ?? action.created_at))),
    details.length ? h('dl', { class: 'action-data' }, details) : null,
    retry && action.status === 'failed' ? h('button', { type: 'button', class: 'secondary', dataset: { action: 'retry' },
      'aria-label': `Retry ${action.type ?? 'action'} ${action.id} (queue a copy)`,
      onclick: (e) => retry(action, e.currentTarget) }, 'Retry (queue a copy)') : null);
}
