// The deployment's live instances (GET /api/v1/system/instances) for an operator: a small panel under
// the workflow list, refreshed every few seconds while it is shown. Only a token with the
// flowcast:admin (or admin) scope gets the panel; a server that refuses it anyway gets a hint instead.
import { api, describe } from '../api.js';
import { h, time } from '../dom.js';
import { mayOperate } from '../scopes.js';
import { token } from '../session.js';

export const REFRESH_MS = 3000;
export { mayOperate };

/** {element, start, stop}, or null when the token lacks the scope (the panel is then not shown at all). */
export function instancesPanel() {
  if (!mayOperate()) return null;
  const list = h('ul', { id: 'instance-list', class: 'cards', 'aria-labelledby': 'instances-title' });
  const message = h('p', { id: 'instances-message', role: 'status', class: 'help' }, 'Loading…');
  const element = h('section', { id: 'instances', class: 'instances', 'aria-labelledby': 'instances-title' },
    h('h2', { id: 'instances-title' }, 'Instances'), message, list);
  let timer = null;
  let running = false;
  let request = 0;

  async function load() {
    const mine = ++request;
    if (!token()) return;
    try {
      const { data } = await api('GET', '/api/v1/system/instances');
      if (mine !== request || !running) return;
      const instances = data?.instances ?? [];
      list.replaceChildren(...instances.map(instanceItem));
      message.textContent = instances.length
        ? `${instances.length} live · refreshed every ${REFRESH_MS / 1000} s` : 'No live instance.';
    } catch (err) {
      if (mine !== request || !running) return;
      if (err.status === 403) {
        list.replaceChildren();
        message.textContent = 'Listing the instances needs the flowcast:admin scope.';
        running = false; // the scope will not come back by itself
        return;
      }
      message.textContent = describe(err);
    }
    schedule();
  }

  function schedule() {
    clearTimeout(timer);
    if (running) timer = setTimeout(load, REFRESH_MS);
  }

  return {
    element,
    start() {
      running = true;
      load();
    },
    stop() {
      running = false;
      request++;
      clearTimeout(timer);
    },
  };
}

export function instanceItem(instance) {
  const backlog = instance.flush_backlog == null ? 'no write buffer' : `backlog ${instance.flush_backlog}`;
  return h('li', { class: 'card', dataset: { id: instance.id } },
    h('span', { class: 'card-title' }, instance.id),
    h('div', { class: 'card-meta' },
      h('span', { class: 'instance-address' }, instance.address),
      instance.version ? h('span', { class: 'instance-version' }, `version ${instance.version}`) : null,
      h('span', { class: 'instance-streams', dataset: { value: instance.streams } },
        `${instance.streams} ${instance.streams === 1 ? 'stream' : 'streams'}`),
      instance.events_per_second == null ? null
        : h('span', { class: 'instance-rate' }, `${instance.events_per_second} events/s`),
      h('span', { class: 'instance-backlog' }, backlog),
      instance.last_seen ? h('span', { class: 'instance-seen' }, 'seen ', time(instance.last_seen)) : null));
}
