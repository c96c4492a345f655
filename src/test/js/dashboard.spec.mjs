// Drives the Flowcast dashboard in Debian's chromium (headless) against a running server.
//
//   FLOWCAST_BASE_URL=http://127.0.0.1:8080 FLOWCAST_TOKEN=<jwt> node src/test/js/dashboard.spec.mjs
//
// Environment: FLOWCAST_BASE_URL, FLOWCAST_TOKEN (read-write token), FLOWCAST_SCREENSHOT_DIR (default
// target/screenshots), FLOWCAST_JWT_SECRET / _ISSUER / _AUDIENCE (to mint a short-lived token for the
// expiry step; without a secret that step is skipped), CHROMIUM (default /usr/bin/chromium).
// Run by DashboardBrowserTest; exits 0 when every step passed.
//
// The page is loaded through a small TCP proxy so the test can cut every connection (a network
// failure, as the browser sees it) and watch EventSource resume with Last-Event-ID.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const BASE = required('FLOWCAST_BASE_URL').replace(/\/$/, '');
const TOKEN = required('FLOWCAST_TOKEN');
const SHOTS = process.env.FLOWCAST_SCREENSHOT_DIR || 'target/screenshots';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const CLAIMS = JSON.parse(Buffer.from(TOKEN.split('.')[1], 'base64url').toString());
const RUN = Date.now().toString(36);
const XSS = `<img src=x onerror="window.__xss=1;alert('xss')"><script>window.__xss=2</script>`;
const LIVE_WITHIN_MS = 1000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const started = Date.now();
const log = (...args) => console.log(`[${((Date.now() - started) / 1000).toFixed(1)}s]`, ...args);

function required(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`${name} is required`);
    process.exit(2);
  }
  return value;
}

// ---------------------------------------------------------------- API (node fetch, straight to the server)

async function call(method, path, body, { token = TOKEN, contentType = 'application/json' } = {}) {
  const response = await fetch(BASE + path, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': contentType }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

const wfPath = (id) => `/api/v1/workflows/${encodeURIComponent(id)}`;
const patch = (id, body) => call('PATCH', wfPath(id), body, { contentType: 'application/merge-patch+json' });
const publish = (id, type, data) => call('POST', `${wfPath(id)}/events`, { type, data });

async function history(id) {
  const events = [];
  let after = null;
  for (;;) {
    const page = await call('GET', `${wfPath(id)}/events?limit=1000${after ? `&after=${after}` : ''}`);
    events.push(...page.events);
    if (!page.has_more) return events;
    after = page.next_after;
  }
}

/** An HS256 token like the server's own (for the expiry step). */
function mintToken(ttlSeconds, secret = process.env.FLOWCAST_JWT_SECRET) {
  const now = Math.floor(Date.now() / 1000);
  const claims = { sub: CLAIMS.sub, tenant: CLAIMS.tenant, scope: CLAIMS.scope, iat: now, exp: now + ttlSeconds,
    jti: crypto.randomUUID() };
  if (process.env.FLOWCAST_JWT_ISSUER) claims.iss = process.env.FLOWCAST_JWT_ISSUER;
  if (process.env.FLOWCAST_JWT_AUDIENCE) claims.aud = process.env.FLOWCAST_JWT_AUDIENCE;
  const part = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
  return `${unsigned}.${crypto.createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

// ---------------------------------------------------------------- a TCP proxy whose connections the test can cut

async function startProxy(target) {
  const sockets = new Set();
  const streamRequests = []; // {lastEventIdHeader, lastEventIdParam} of every SSE request seen on the wire
  let refuseUntil = 0;
  const server = net.createServer((client) => {
    if (Date.now() < refuseUntil) {
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect(Number(target.port), target.hostname);
    sockets.add(client);
    sockets.add(upstream);
    const done = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    for (const socket of [client, upstream]) {
      socket.on('error', done);
      socket.on('close', done);
    }
    let head = '';
    client.on('data', (chunk) => {
      head += chunk.toString('latin1');
      for (let end = head.indexOf('\r\n\r\n'); end >= 0; end = head.indexOf('\r\n\r\n')) {
        const [requestLine, ...headers] = head.slice(0, end).split('\r\n');
        head = head.slice(end + 4); // request bodies are JSON without blank lines; only GET heads matter here
        const [method, path = ''] = requestLine.split(' ');
        if (method === 'GET' && /\/stream(\?|$)/.test(path)) {
          const header = headers.find((line) => /^last-event-id:/i.test(line));
          streamRequests.push({
            lastEventIdHeader: header ? header.slice(header.indexOf(':') + 1).trim() : null,
            lastEventIdParam: new URL(path, 'http://x').searchParams.get('last_event_id'),
          });
        }
      }
      if (head.length > 65536) head = head.slice(-65536);
    });
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    streamRequests,
    /** Resets every open connection (browser <-> server) and refuses new ones for a while: an outage. */
    cut(outageMs) {
      refuseUntil = Date.now() + outageMs;
      const n = sockets.size / 2;
      for (const socket of sockets) socket.resetAndDestroy();
      return n;
    },
    close: () => new Promise((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(resolve);
    }),
  };
}

// ---------------------------------------------------------------- the run

const steps = [];
async function step(name, fn) {
  const t0 = Date.now();
  log(`▶ ${name}`);
  await fn();
  steps.push(name);
  log(`✔ ${name} (${Date.now() - t0} ms)`);
}

const proxy = await startProxy(new URL(BASE));
const profile = mkdtempSync(join(tmpdir(), 'flowcast-chromium-'));
mkdirSync(SHOTS, { recursive: true });
const context = await chromium.launchPersistentContext(profile, {
  executablePath: CHROMIUM,
  headless: true,
  viewport: { width: 1280, height: 900 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const watchdog = setTimeout(() => {
  console.error('FAILED: the run took longer than 150 s');
  process.exit(1);
}, 150_000);

const page = context.pages()[0] ?? await context.newPage();
const pageErrors = [];
const dialogs = [];
page.on('pageerror', (err) => pageErrors.push(String(err)));
page.on('dialog', (dialog) => {
  dialogs.push(dialog.message());
  dialog.dismiss().catch(() => {});
});
page.on('console', (msg) => {
  if (msg.type() === 'error') log(`  (browser console) ${msg.text()}`);
});
page.setDefaultTimeout(10_000);

const shot = (name) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
const text = (selector) => page.locator(selector).innerText();

/** The seqs in the event log, top to bottom (newest first). */
const logSeqs = () => page.$$eval('#event-log li[data-seq]', (lis) => lis.map((li) => Number(li.dataset.seq)));

/** The page shows every event of the workflow exactly once, newest first, and the same state. */
async function expectExactlyOnce(id) {
  const events = await history(id);
  const last = events.at(-1).seq;
  await page.waitForFunction((seq) => document.querySelector(`#event-log li[data-seq="${seq}"]`), last,
    { timeout: 10_000 });
  const shown = await page.$$eval('#event-log li[data-seq]',
    (lis) => lis.map((li) => ({ seq: Number(li.dataset.seq), type: li.dataset.type })));
  const expected = events.map(({ seq, type }) => ({ seq, type })).reverse();
  assert.deepEqual(shown, expected, 'the event log shows each event once, newest first');
  assert.deepEqual(expected.map((e) => e.seq), Array.from({ length: last }, (_, i) => last - i), 'seq has no gap');
  const stats = await page.evaluate(() => window.__flowcast.stats());
  assert.equal(stats.duplicates, 0, `no event arrived twice on the stream: ${JSON.stringify(stats)}`);
  assert.equal(stats.gaps, 0, `the stream skipped no event: ${JSON.stringify(stats)}`);
  const current = await call('GET', wfPath(id));
  await page.waitForFunction((v) => document.querySelector('#wf-version').textContent === String(v), current.version);
  assert.deepEqual(JSON.parse(await page.locator('#wf-state').textContent()), current.state,
    'the state shown is the server\'s');
  return { last, stats };
}

/** Every form control has a label, there is one h1, and nothing is an unlabeled button. */
async function expectAccessibleBasics(where) {
  const problems = await page.evaluate(() => {
    const out = [];
    const visible = (el) => el.offsetParent !== null || el.getClientRects().length > 0;
    for (const el of document.querySelectorAll('input, select, textarea')) {
      if (visible(el) && !el.labels?.length && !el.getAttribute('aria-label')) out.push(`unlabeled ${el.outerHTML.slice(0, 80)}`);
    }
    for (const el of document.querySelectorAll('button, a[href]')) {
      if (visible(el) && !el.textContent.trim() && !el.getAttribute('aria-label')) out.push(`nameless ${el.outerHTML.slice(0, 80)}`);
    }
    const h1 = [...document.querySelectorAll('h1')].filter(visible);
    if (h1.length !== 1) out.push(`${h1.length} visible h1`);
    if (!document.documentElement.lang) out.push('no lang');
    return out;
  });
  assert.deepEqual(problems, [], `accessibility basics on ${where}`);
}

/** Records every state the connection indicator goes through. */
async function recordConnection() {
  await page.evaluate(() => {
    const el = document.querySelector('#connection');
    window.__states = [el.dataset.state];
    window.__stateObserver?.disconnect();
    window.__stateObserver = new MutationObserver(() => window.__states.push(el.dataset.state));
    window.__stateObserver.observe(el, { attributes: true, attributeFilter: ['data-state'] });
  });
}

/** Changes the workflow n times through the API, mixing state patches and custom events. */
async function churn(id, n, { from = 0, every = 25, at = null } = {}) {
  for (let i = from; i < from + n; i++) {
    if (i % 3 === 2) await publish(id, 'agent.note', { i });
    else await patch(id, { state: { n: i, [`k${i % 4}`]: `v${i}` } });
    if (at && i === from + Math.floor(n / 3)) await at();
    await sleep(every);
  }
}

let ok = false;
try {
  const uiId = `ui-${RUN}`;

  await step('seed 12 waiting workflows through the API', async () => {
    for (let i = 0; i < 12; i++) {
      await call('POST', '/api/v1/workflows', { id: `page-${RUN}-${String(i).padStart(2, '0')}`, status: 'waiting',
        state: { i } });
    }
  });

  await step('sign-in form; a malformed and a wrongly signed token are refused', async () => {
    await page.goto(`${proxy.url}/`);
    await page.locator('#signin').waitFor({ state: 'visible' });
    assert.equal(await page.locator('#view').isHidden(), true);
    await shot('01-signin');
    await expectAccessibleBasics('sign-in');
    await page.fill('#token', 'not-a-token');
    await page.click('#signin-form button[type=submit]');
    await page.locator('#signin-error').filter({ hasText: 'not a JWT' }).waitFor();
    await page.fill('#token', mintToken(600, 'a-wrong-secret-of-at-least-32-bytes-length!!'));
    await page.click('#signin-form button[type=submit]');
    await page.locator('#signin-error').filter({ hasText: 'rejected' }).waitFor();
    await shot('02-signin-rejected');
    assert.equal(await page.evaluate(() => sessionStorage.getItem('flowcast.token')), null);
  });

  await step('sign in with the token: the list opens, kept in sessionStorage only', async () => {
    await page.fill('#token', TOKEN);
    await page.click('#signin-form button[type=submit]');
    await page.locator('#workflow-list').waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.getItem('flowcast.token')), TOKEN);
    assert.equal(await page.evaluate(() => localStorage.length), 0);
    assert.match(await text('#who-text'), new RegExp(`${CLAIMS.sub} · tenant ${CLAIMS.tenant}`));
  });

  await step('list: status filter and paging, newest first', async () => {
    await page.selectOption('#page-size', '10');
    await page.selectOption('#filter-status', 'waiting');
    const cards = page.locator('#workflow-list li');
    await page.waitForFunction(() => document.querySelectorAll('#workflow-list li').length === 10
      && !document.querySelector('#workflow-list[aria-busy]'));
    const first = await cards.evaluateAll((lis) => lis.map((li) => li.dataset.id));
    assert.deepEqual(first, Array.from({ length: 10 }, (_, i) => `page-${RUN}-${String(11 - i).padStart(2, '0')}`));
    assert.equal(await page.locator('#page-prev').isDisabled(), true);
    await shot('03-list');
    await expectAccessibleBasics('list');
    await page.click('#page-next');
    await page.waitForFunction(() => document.querySelectorAll('#workflow-list li').length === 2);
    assert.deepEqual(await cards.evaluateAll((lis) => lis.map((li) => li.dataset.id)),
      [`page-${RUN}-01`, `page-${RUN}-00`]);
    assert.equal(await page.locator('#page-next').isDisabled(), true);
    await page.click('#page-prev');
    await page.waitForFunction(() => document.querySelectorAll('#workflow-list li').length === 10);
    assert.match(page.url(), /#\/\?status=waiting&limit=10$/);
    await page.selectOption('#filter-status', 'completed');
    await page.locator('#list-message').filter({ hasText: 'No completed workflows' }).waitFor();
  });

  await step('create a workflow through the UI', async () => {
    await page.click('.view-head a[href="#/new"]');
    await page.fill('#new-id', 'bad id!');
    await page.click('#create-form button[type=submit]');
    await page.locator('#new-id-error').waitFor();
    await page.fill('#new-id', uiId);
    await page.selectOption('#new-status', 'running');
    await page.fill('#new-state', '{"step": "triage", "note": "keep me"}');
    await shot('04-create');
    await expectAccessibleBasics('create');
    await page.click('#create-form button[type=submit]');
    await page.locator('h1.wf-id').filter({ hasText: uiId }).waitFor();
    await page.waitForFunction(() => document.querySelector('#connection').dataset.state === 'live');
    await page.locator('#event-log li[data-seq="1"][data-type="workflow.created"]').waitFor();
    const created = await call('GET', wfPath(uiId));
    assert.equal(created.status, 'running');
    assert.deepEqual(created.state, { step: 'triage', note: 'keep me' });
    assert.equal(await text('#wf-version'), '1');
  });

  await step(`a PATCH through the API shows within ${LIVE_WITHIN_MS} ms, its keys highlighted`, async () => {
    const t0 = Date.now();
    await patch(uiId, { state: { step: 'draft', assignee: 'bot-7' } });
    await page.waitForFunction(() => document.querySelector('#wf-version').textContent === '2'
      && document.querySelector('#wf-state').textContent.includes('bot-7'), null, { timeout: LIVE_WITHIN_MS });
    const elapsed = Date.now() - t0;
    log(`  PATCH visible after ${elapsed} ms`);
    assert.ok(elapsed < LIVE_WITHIN_MS, `visible after ${elapsed} ms`);
    const changed = await page.$$eval('#wf-state .j-prop.changed', (els) => els.map((el) => el.dataset.key).sort());
    assert.deepEqual(changed, ['assignee', 'step']);
    await page.locator('#event-log li[data-seq="2"][data-type="state.updated"]').waitFor();
    await patch(uiId, { status: 'waiting' });
    await page.locator('#wf-status .status-waiting').waitFor({ timeout: LIVE_WITHIN_MS });
    assert.equal(await page.locator('#wf-status.changed').count(), 1);
  });

  await step('a custom event of a type never seen before appears', async () => {
    await publish(uiId, 'agent.thought', { text: 'checking logs' });
    await page.locator('#event-log li[data-type="agent.thought"]').waitFor({ timeout: 8000 });
    await shot('05-workflow');
    await expectAccessibleBasics('workflow');
  });

  await step('the network fails for 600 ms while events are published: the browser resumes with Last-Event-ID, '
    + 'nothing lost or repeated', async () => {
    await recordConnection();
    const seen = proxy.streamRequests.length;
    let atCut = 0;
    let outageEnd = null;
    await churn(uiId, 30, {
      at: async () => {
        log(`  cut ${proxy.cut(600)} connection(s)`);
        atCut = (await history(uiId)).at(-1).seq;
        outageEnd = sleep(600).then(async () => (await history(uiId)).at(-1).seq);
      },
    });
    const afterOutage = await outageEnd;
    const { last, stats } = await expectExactlyOnce(uiId);
    const streams = proxy.streamRequests.slice(seen);
    const states = await page.evaluate(() => window.__states);
    assert.ok(states.includes('reconnecting') && states.at(-1) === 'resumed', `indicator went ${states}`);
    assert.match(await text('#connection'), /resumed from event \d+/);
    assert.ok(afterOutage > atCut + 3, `events were published during the outage (seq ${atCut} -> ${afterOutage})`);
    assert.ok(streams.length > 0 && streams.every((r) => r.lastEventIdHeader && !r.lastEventIdParam),
      `the browser itself reconnected, sending Last-Event-ID: ${JSON.stringify(streams)}`);
    log(`  seq ${atCut} at the cut, ${afterOutage} when the network came back, ${last} in the end, each shown once; `
      + `indicator ${states.join(' → ')}; reconnects on the wire: ${JSON.stringify(streams)}`);
    log(`  feed: ${JSON.stringify({ ...stats, types: undefined, received: stats.received.length })}`);
    await shot('06-resumed');
  });

  await step('the page drops its EventSource while events are published: resumes with last_event_id', async () => {
    await recordConnection();
    const seen = proxy.streamRequests.length;
    await churn(uiId, 30, { from: 30, at: () => page.evaluate(() => window.__flowcast.dropStream()) });
    const { last } = await expectExactlyOnce(uiId);
    const streams = proxy.streamRequests.slice(seen);
    const states = await page.evaluate(() => window.__states);
    assert.ok(states.includes('reconnecting') && states.at(-1) === 'resumed', `indicator went ${states}`);
    assert.ok(streams.length === 1 && streams[0].lastEventIdParam, `reopened once with last_event_id: ${JSON.stringify(streams)}`);
    log(`  ${last} events shown once each; indicator ${states.join(' → ')}; reopened with ${JSON.stringify(streams)}`);
  });

  await step('state, metadata and event data holding markup are shown as text', async () => {
    await patch(uiId, { state: { html: XSS }, metadata: { title: XSS } });
    await publish(uiId, 'agent.note', { html: XSS });
    await page.waitForFunction(() => document.querySelectorAll('#event-log li[data-type="agent.note"] .data')[0]
      ?.textContent.includes('<img'));
    await page.waitForFunction((x) => document.querySelector('#wf-state').textContent.includes(JSON.stringify(x)), XSS);
    await sleep(300); // time for an injected onerror to fire
    assert.equal(await page.locator('img, script:not([src]), #view iframe').count(), 0, 'no element was injected');
    assert.equal(await page.evaluate(() => window.__xss), undefined, 'no injected script ran');
    assert.deepEqual(dialogs, []);
    assert.ok((await page.locator('#wf-metadata').textContent()).includes('onerror'));
    await expectExactlyOnce(uiId);
  });

  await step('event log type filter', async () => {
    const notes = (await history(uiId)).filter((e) => e.type === 'agent.note').length;
    await page.selectOption('#log-type', 'agent.note');
    const visible = await page.$$eval('#event-log li[data-seq]:not([hidden])', (lis) => lis.map((li) => li.dataset.type));
    assert.equal(visible.length, notes);
    assert.ok(visible.every((t) => t === 'agent.note'));
    assert.match(await text('#log-count'), new RegExp(`^${notes} of \\d+$`));
    await shot('07-log-filtered');
    await page.selectOption('#log-type', '');
  });

  if (process.env.FLOWCAST_JWT_SECRET) {
    await step('the token expires: a clear message; signed in again, the view resumes without loss', async () => {
      await page.click('#sign-out');
      await page.locator('#signin').waitFor({ state: 'visible' });
      await page.fill('#token', mintToken(6));
      await page.click('#signin-form button[type=submit]');
      await page.locator('h1.wf-id').filter({ hasText: uiId }).waitFor();
      await page.waitForFunction(() => document.querySelector('#connection').dataset.state === 'live');
      await patch(uiId, { state: { before_expiry: true } });
      await page.waitForFunction(() => document.querySelector('#wf-state').textContent.includes('before_expiry'));
      await page.locator('#signin-message').filter({ hasText: 'expired' }).waitFor({ timeout: 10_000 });
      assert.equal(await page.evaluate(() => sessionStorage.getItem('flowcast.token')), null);
      await shot('08-session-expired');
      await churn(uiId, 6, { from: 60 }); // while signed out
      await page.fill('#token', TOKEN);
      await page.click('#signin-form button[type=submit]');
      await page.waitForFunction(() => document.querySelector('#connection').dataset.state === 'resumed');
      const { last } = await expectExactlyOnce(uiId);
      log(`  resumed after sign-in; ${last} events shown once each`);
    });
  } else {
    log('skipping the token expiry step: FLOWCAST_JWT_SECRET is not set');
  }

  await step('review and actions: marked as not available yet', async () => {
    await page.click('nav.tabs a[href$="/review"]');
    await page.locator('[data-placeholder="review"]').filter({ hasText: 'Not available yet' }).waitFor();
    await shot('09-review-placeholder');
    await page.click('nav.tabs a[href$="/actions"]');
    await page.locator('[data-placeholder="actions"]').filter({ hasText: 'Not available yet' }).waitFor();
    await page.click('nav.tabs a:first-child');
    await page.locator('#event-log li[data-seq="1"]').waitFor();
    await expectExactlyOnce(uiId);
  });

  await step('360 px wide: no horizontal scrolling', async () => {
    await page.setViewportSize({ width: 360, height: 780 });
    const fits = () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
    await sleep(100);
    assert.ok(await fits(), 'workflow view fits');
    await shot('10-workflow-360');
    await page.goto(`${proxy.url}/#/?status=waiting&limit=10`);
    await page.waitForFunction(() => document.querySelectorAll('#workflow-list li').length === 10);
    assert.ok(await fits(), 'list fits');
    await shot('11-list-360');
    await page.goto(`${proxy.url}/#/new`);
    await page.locator('#create-form').waitFor();
    assert.ok(await fits(), 'create form fits');
    await shot('12-create-360');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  await step('a deleted workflow ends its view', async () => {
    await page.goto(`${proxy.url}/#/w/${uiId}`);
    await page.waitForFunction(() => document.querySelector('#connection').dataset.state === 'live');
    await call('DELETE', wfPath(uiId));
    await page.waitForFunction(() => document.querySelector('#connection').dataset.state === 'ended');
    assert.match(await text('#connection'), /deleted/);
    await shot('13-deleted');
  });

  assert.deepEqual(pageErrors, [], 'no uncaught error in the page');
  assert.deepEqual(dialogs, [], 'no dialog opened');
  ok = true;
} catch (err) {
  console.error(`FAILED: ${err.stack ?? err}`);
  await shot('failure').catch(() => {});
  if (pageErrors.length) console.error(`page errors: ${pageErrors.join('\n')}`);
} finally {
  clearTimeout(watchdog);
  await context.close().catch(() => {});
  await proxy.close();
  rmSync(profile, { recursive: true, force: true });
}
log(ok ? `PASSED ${steps.length} steps; screenshots in ${SHOTS}` : `FAILED after ${steps.length} steps`);
process.exit(ok ? 0 : 1);
