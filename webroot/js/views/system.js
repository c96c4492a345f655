// The system view: this instance's figures from /metrics and /ready (events per second, open streams,
// flush backlog and lag), and the deployment's instances (GET /api/v1/system/instances for an operator,
// else this instance alone, from /ready), polled every POLL_MS while the view is shown.
import { ApiError, api, describe } from '../api.js';
import { focusHeading, h, time } from '../dom.js';
import { parseMetrics, rate } from '../metrics.js';
import { token } from '../session.js';
import { mayOperate } from '../scopes.js';
import { instanceItem } from './instances.js';

export const POLL_MS = 1500;

const number = (n, digits = 0) => (n == null ? '–' : n.toLocaleString(undefined, { maximumFractionDigits: digits }));

export function systemView(container) {
  document.title = 'System · Flowcast';
  const operator = mayOperate();
  let running = false;
  let timer = null;
  let previous = null; // the last /metrics sample {at, values}
  let round = 0;
  let deliveredRate = null;

  const tile = (key, label) => {
    const value = h('dd', { id: `sys-${key}`, dataset: { value: '' } }, '…');
    return [h('div', { class: 'tile' }, h('dt', null, label), value), value];
  };
  const [publishedTile, published] = tile('published', 'Events published /s');
  const [deliveredTile, delivered] = tile('delivered', 'Events delivered /s');
  const [streamsTile, streams] = tile('streams', 'Open streams');
  const [backlogTile, backlog] = tile('backlog', 'Flush backlog');
  const [lagTile, lag] = tile('lag', 'Flush lag');
  const updated = h('p', { id: 'sys-updated', class: 'help', 'aria-live': 'off' });
  const message = h('p', { id: 'sys-message', class: 'help', role: 'status' });
  const readyFacts = h('dl', { id: 'sys-ready', class: 'facts' });
  const checks = h('ul', { id: 'sys-checks', class: 'plain' });
  const instances = h('ul', { id: 'sys-instances', class: 'cards', 'aria-labelledby': 'sys-instances-title' });
  const instancesHelp = h('p', { id: 'sys-instances-help', class: 'help' }, operator
    ? 'Every live instance of the deployment (its figures as of its last heartbeat).'
    : 'This instance only (from /ready): listing every instance needs the flowcast:admin scope.');

  container.append(
    h('div', { class: 'view-head' }, h('h1', null, 'System')),
    h('p', { class: 'help' }, `This instance (the one serving this page), from /metrics and /ready, every `
      + `${POLL_MS / 1000} s.`),
    h('section', { class: 'panel', 'aria-labelledby': 'sys-now-title' },
      h('h2', { id: 'sys-now-title' }, 'Now'),
      h('dl', { class: 'tiles' }, publishedTile, deliveredTile, streamsTile, backlogTile, lagTile),
      updated, message),
    h('div', { class: 'columns' },
      h('section', { class: 'panel', 'aria-labelledby': 'sys-instances-title' },
        h('h2', { id: 'sys-instances-title' }, 'Instances'), instancesHelp, instances),
      h('section', { class: 'panel', 'aria-labelledby': 'sys-ready-title' },
        h('h2', { id: 'sys-ready-title' }, 'Readiness'), readyFacts, h('h3', null, 'Checks'), checks)));
  focusHeading(container);

  const set = (cell, value, text) => {
    cell.dataset.value = value == null ? '' : String(value);
    cell.classList.toggle('na', value == null);
    cell.textContent = text;
  };

  function showMetrics(values, instance) {
    // behind a load balancer two reads may reach two instances: a rate only between reads of one instance
    if (previous && previous.instance !== instance) previous = null;
    const sample = { at: performance.now(), values, instance };
    const pub = rate(previous, sample, 'flowcast_events_published_total');
    const del = rate(previous, sample, 'flowcast_events_delivered_total');
    previous = sample;
    deliveredRate = del;
    set(published, pub, pub == null ? 'measuring…' : number(pub, 1));
    set(delivered, del, del == null ? 'measuring…' : number(del, 1));
    const open = values.flowcast_sse_streams_open;
    set(streams, open, number(open));
  }

  function showReady(ready, values) {
    // the flush gauges exist without persistence too (0): /ready's flush says whether there is a buffer
    const flush = ready?.flush;
    const buffered = flush != null;
    const backlogValue = values?.flowcast_flush_backlog ?? flush?.backlog ?? null;
    const lagSeconds = values?.flowcast_flush_lag_seconds ?? (flush?.lag_ms == null ? null : flush.lag_ms / 1000);
    set(backlog, buffered ? backlogValue : null, buffered ? number(backlogValue) : 'no write buffer');
    set(lag, buffered ? lagSeconds : null, buffered ? `${number(lagSeconds ?? 0, 2)} s` : 'no write buffer');
    const fact = (label, value) => h('div', null, h('dt', null, label), h('dd', null, value ?? '–'));
    const plain = (v) => (v == null || typeof v !== 'object' ? v : JSON.stringify(v));
    readyFacts.replaceChildren(...[
      fact('Ready', ready?.ready ? 'yes' : (ready?.draining ? 'no (draining)' : 'no')),
      fact('Instance', ready?.instance), fact('Backend', ready?.backend), fact('Transport', ready?.transport),
      fact('Persistence', ready?.persistence), fact('Rate limits', ready?.ratelimit),
      (ready?.degraded ?? []).length ? fact('Degraded', ready.degraded.join('; ')) : null,
      ready?.redis ? fact('Redis', plain(ready.redis)) : null,
      ready?.postgresql ? fact('PostgreSQL', plain(ready.postgresql)) : null].filter(Boolean));
    checks.replaceChildren(...Object.entries(ready?.checks ?? {}).map(([name, check]) =>
      h('li', { dataset: { check: name, status: check?.status } }, h('strong', null, name), ` ${check?.status}`,
        check?.detail ? ` — ${check.detail}` : '')));
    if (!checks.children.length) checks.append(h('li', { class: 'help' }, 'No backend checks (in-memory backend).'));
    if (!operator) instances.replaceChildren(thisInstance(ready, values, deliveredRate));
  }

  async function poll() {
    const mine = ++round;
    try {
      const [metricsText, ready] = await Promise.all([plainGet('/metrics', 'text'), plainGet('/ready', 'json')]);
      if (mine !== round || !running) return;
      const values = parseMetrics(metricsText);
      showMetrics(values, ready?.instance);
      showReady(ready, values);
      if (operator) await listInstances(mine);
      updated.replaceChildren('Updated ', time(new Date().toISOString()));
      message.textContent = '';
    } catch (err) {
      if (mine === round && running) message.textContent = describe(err);
    }
    if (mine === round && running) timer = setTimeout(poll, POLL_MS);
  }

  async function listInstances(mine) {
    try {
      const { data } = await api('GET', '/api/v1/system/instances');
      if (mine === round) instances.replaceChildren(...(data?.instances ?? []).map(instanceItem));
    } catch (err) {
      if (mine === round) instancesHelp.textContent = `The instances cannot be listed: ${describe(err)}`;
    }
  }

  const start = () => {
    running = true;
    previous = null;
    if (token()) poll();
  };
  const stop = () => {
    running = false;
    round++;
    clearTimeout(timer);
  };
  start();
  return { pause: stop, resume: start, unmount: stop };
}

/** /ready answers 503 with its JSON when not ready: that is still the report. */
async function plainGet(path, kind) {
  let response;
  try {
    response = await fetch(path, { cache: 'no-store' });
  } catch (err) {
    throw new ApiError(0, { detail: String(err?.message ?? err) });
  }
  return kind === 'text' ? response.text() : response.json().catch(() => null);
}

function thisInstance(ready, values, delivered) {
  return instanceItem({
    id: ready?.instance ?? 'this instance', address: location.host,
    streams: values?.flowcast_sse_streams_open ?? 0,
    events_per_second: delivered == null ? null : Math.round(delivered * 10) / 10,
    flush_backlog: ready?.flush?.backlog ?? null,
  });
}
