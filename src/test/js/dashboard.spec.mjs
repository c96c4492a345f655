// Drives the Flowcast dashboard in Debian's chromium (headless) against a running server.
//
//   FLOWCAST_BASE_URL=http://127.0.0.1:8080 FLOWCAST_TOKEN=<jwt> node src/test/js/dashboard.spec.mjs
//
// Environment: FLOWCAST_BASE_URL, FLOWCAST_TOKEN (read-write token), FLOWCAST_SCREENSHOT_DIR (default
// target/screenshots), FLOWCAST_JWT_SECRET / _ISSUER / _AUDIENCE (to mint a short-lived token for the
// expiry step; without a secret that step is skipped), CHROMIUM (default /usr/bin/chromium).
// The password sign-in steps need FLOWCAST_USERNAME, FLOWCAST_PASSWORD (an account of the token
// endpoint), FLOWCAST_ACCOUNT_TOKEN (a read-write token for that account's tenant, for the script's own
// API calls) and FLOWCAST_ACCESS_TTL (the server's auth.access_ttl_seconds; short, e.g. 10, so the page
// renews its token during the run); without them they are skipped.
// Run by DashboardBrowserTest; exits 0 when every step passed.
//
// The page is loaded through a small TCP proxy so the test can cut every connection (a network
// failure, as the browser sees it), watch EventSource resume with Last-Event-ID, and see what the page
// sends to the token endpoint.
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
const USERNAME = process.env.FLOWCAST_USERNAME;
const PASSWORD = process.env.FLOWCAST_PASSWORD;
const ACCOUNT_TOKEN = process.env.FLOWCAST_ACCOUNT_TOKEN;
const ACCESS_TTL = Number(process.env.FLOWCAST_ACCESS_TTL) || 0;
const PASSWORD_STEPS = Boolean(USERNAME && PASSWORD && ACCOUNT_TOKEN && ACCESS_TTL);
const INSTANCE_ID = process.env.FLOWCAST_INSTANCE_ID; // the server's, when known: the instances panel lists it
let apiToken = TOKEN; // the script's own API calls (the account's tenant in the password steps)

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

async function call(method, path, body, { token = apiToken, contentType = 'application/json' } = {}) {
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

const claimsOf = (jwt) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString());

/** Polls fn (node side) until it returns something truthy. */
async function waitUntil(fn, what, timeoutMs = 10_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
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
  const streamRequests = []; // {lastEventIdHeader, lastEventIdParam, accessToken} of every SSE request on the wire
  const authRequests = []; // {path, params} of every POST to /api/v1/auth/* (form bodies)
  let refuseUntil = 0;
  const record = (method, path, header, body) => {
    const url = new URL(path, 'http://x');
    if (method === 'GET' && /\/stream$/.test(url.pathname)) {
      const seen = { lastEventIdHeader: header('last-event-id'), lastEventIdParam: url.searchParams.get('last_event_id') };
      // not enumerable: tokens stay out of the logs
      Object.defineProperty(seen, 'accessToken', { value: url.searchParams.get('access_token') });
      streamRequests.push(seen);
    } else if (method === 'POST' && url.pathname.startsWith('/api/v1/auth/')) {
      authRequests.push({ path: url.pathname, params: Object.fromEntries(new URLSearchParams(body)) });
    }
  };
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
    // reads the requests going by (head, then Content-Length bytes of body); the bytes pass unchanged
    let buffer = Buffer.alloc(0);
    let request = null;
    client.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        if (!request) {
          const end = buffer.indexOf('\r\n\r\n');
          if (end < 0) {
            if (buffer.length > 65536) buffer = Buffer.alloc(0);
            return;
          }
          const [requestLine, ...headers] = buffer.subarray(0, end).toString('latin1').split('\r\n');
          buffer = buffer.subarray(end + 4);
          const header = (name) => {
            const line = headers.find((l) => l.toLowerCase().startsWith(`${name}:`));
            return line ? line.slice(line.indexOf(':') + 1).trim() : null;
          };
          const [method, path = ''] = requestLine.split(' ');
          request = { method, path, header, length: Number(header('content-length')) || 0 };
        }
        if (buffer.length < request.length) return;
        record(request.method, request.path, request.header, buffer.subarray(0, request.length).toString('utf8'));
        buffer = buffer.subarray(request.length);
        request = null;
      }
    });
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    streamRequests,
    authRequests,
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
  console.error('FAILED: the run took longer than 210 s');
  process.exit(1);
}, 210_000);

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
/** The tab's sessionStorage, as an object. */
const storage = (p = page) => p.evaluate(() => Object.fromEntries(Object.entries(sessionStorage)));
/** The storage of a password sign-in between renewals (a refresh token is out of storage while it is spent). */
const sessionTokens = () => waitUntil(async () => {
  const kept = await storage();
  return kept['flowcast.token'] && kept['flowcast.refresh_token'] ? kept : null;
}, 'a stored refresh token', 5000);
/** The refresh-token grants the page sent since the index `from` of proxy.authRequests. */
const refreshesSince = (from) => proxy.authRequests.slice(from).filter((r) => r.params.grant_type === 'refresh_token');
const connectionState = () => page.evaluate(() => document.querySelector('#connection')?.dataset.state);

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

// ---------------------------------------------------------------- review (drafts) and actions views

const LIVE_VIEW_MS = 2000; // an API change shows in the review / actions view within this
const draftPath = (id, section) => `${wfPath(id)}/drafts/${encodeURIComponent(section)}`;
const putDraft = (id, section, rawDraft, diffSummary) =>
  call('PUT', draftPath(id, section), { raw_draft: rawDraft, diff_summary: diffSummary });
const card = (section) => page.locator(`.draft-card[data-section="${section}"]`);
const fitsWidth = () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

/** Waits until fn (in the page) is true; returns how long it took from t0. */
async function within(ms, t0, fn, arg, what) {
  await page.waitForFunction(fn, arg, { timeout: ms }).catch((err) => {
    throw new Error(`${what} not shown within ${ms} ms: ${err.message}`);
  });
  return Date.now() - t0;
}

/** No markup of XSS became an element, no script ran, no dialog opened. */
async function expectNoInjection() {
  await sleep(300); // time for an injected onerror to fire
  assert.equal(await page.locator('img, script:not([src]), #view iframe').count(), 0, 'no element was injected');
  assert.equal(await page.evaluate(() => window.__xss), undefined, 'no injected script ran');
  assert.deepEqual(dialogs, []);
}

async function reviewSteps() {
  const id = `rev-${RUN}`;

  await step('review: committed sections show; a draft put through the API appears live with its diff and summary',
    async () => {
      await call('POST', '/api/v1/workflows', { id, status: 'running',
        state: { sections: { intro: 'The quick brown fox jumps.', body: 'one' } } });
      await call('POST', `${wfPath(id)}/snapshots`, { label: 'start' });
      await page.goto(`${proxy.url}/#/w/${id}/review`);
      await page.waitForFunction(() => document.querySelector('#connection').dataset.state === 'live');
      await page.locator('#review-message').filter({ hasText: 'No drafts in review' }).waitFor();
      assert.deepEqual(await page.$$eval('#committed-sections li', (lis) => lis.map((li) => li.dataset.section)),
        ['body', 'intro']);
      const t0 = Date.now();
      await putDraft(id, 'intro', 'The slow brown fox jumps high.', 'slower fox, higher jump');
      const ms = await within(LIVE_VIEW_MS, t0, () => document.querySelector('.draft-card[data-section="intro"] pre.diff')
        ?.textContent.includes('slow'), null, 'the draft');
      log(`  draft visible after ${ms} ms`);
      const diff = card('intro').locator('pre.diff');
      assert.deepEqual(await diff.locator('del').allTextContents(), ['quick']);
      assert.deepEqual(await diff.locator('ins').allTextContents(), ['slow', ' high']);
      assert.equal(await card('intro').locator('pre.committed').textContent(), 'The quick brown fox jumps.');
      assert.equal(await card('intro').locator('pre.draft').textContent(), 'The slow brown fox jumps high.');
      assert.match(await card('intro').locator('.draft-summary').textContent(), /slower fox, higher jump/);
      assert.match(await card('intro').locator('.diff-stats').textContent(), /2 words added, 1 word removed/);
      assert.equal(await card('intro').locator('button[data-action="undo"]').isDisabled(), true, 'one revision: no undo');
      assert.deepEqual(await page.$$eval('#committed-sections li', (lis) => lis.map((li) => li.dataset.section)),
        ['body'], 'a section with a draft is not listed again');
    });

  await step('review: a second revision arrives live; undo goes back to the first', async () => {
    const t0 = Date.now();
    await putDraft(id, 'intro', 'The slow brown fox jumps very high.', 'even higher');
    await within(LIVE_VIEW_MS, t0, () => document.querySelector('.draft-card[data-section="intro"] pre.draft')
      ?.textContent.includes('very'), null, 'the second revision');
    assert.match(await card('intro').locator('.draft-meta').textContent(), /Revision 2 \(2 kept\)/);
    await card('intro').locator('button[data-action="undo"]').click();
    await page.waitForFunction(() => !document.querySelector('.draft-card[data-section="intro"] pre.draft')
      .textContent.includes('very'));
    assert.match(await card('intro').locator('.draft-meta').textContent(), /Revision 1 \(1 kept\)/);
    assert.match(await card('intro').locator('.draft-summary').textContent(), /slower fox/);
    const draft = await call('GET', draftPath(id, 'intro'));
    assert.equal(draft.raw_draft, 'The slow brown fox jumps high.');
    assert.equal(await card('intro').locator('button[data-action="undo"]').isDisabled(), true);
    await expectAccessibleBasics('review');
    await shot('19-review');
  });

  await step('review: commit refused with 409 says why; the rollback behind it shows live', async () => {
    await patch(id, { state: { sections: { body: 'two' } } });
    await putDraft(id, 'body', 'two, and then three', 'adds three');
    await card('body').waitFor();
    await call('POST', `${wfPath(id)}/rollback`, { label: 'start' }); // body back to "one": the draft is stale
    await page.waitForFunction(() => document.querySelector('.draft-card[data-section="body"] pre.committed')
      ?.textContent === 'one');
    await card('body').locator('button[data-action="commit"]').click();
    const error = card('body').locator('[role="alert"]');
    await error.filter({ hasText: 'Not committed' }).waitFor();
    log(`  409 message: ${await error.textContent()}`);
    assert.match(await error.textContent(), /Discard the draft and write it again/);
    assert.equal((await call('GET', wfPath(id))).state.sections.body, 'one', 'nothing was committed');
  });

  await step('review: commit shows the committed text; discard removes the draft', async () => {
    await card('intro').locator('button[data-action="commit"]').click();
    await card('intro').waitFor({ state: 'detached' });
    await page.locator('#review-message').filter({ hasText: 'Section intro committed' }).waitFor();
    await page.locator('#committed-sections li[data-section="intro"]').waitFor();
    assert.equal(await page.locator('#committed-sections li[data-section="intro"] pre').textContent(),
      'The slow brown fox jumps high.');
    assert.equal((await call('GET', wfPath(id))).state.sections.intro, 'The slow brown fox jumps high.');
    await card('body').locator('button[data-action="discard"]').click();
    await card('body').waitFor({ state: 'detached' });
    await page.locator('#review-message').filter({ hasText: 'discarded' }).waitFor();
    assert.deepEqual((await call('GET', `${wfPath(id)}/drafts`)).drafts, []);
    assert.equal(await page.locator('.draft-card').count(), 0);
  });

  await step('review: a draft committed and discarded elsewhere leaves the view live', async () => {
    await putDraft(id, 'outro', 'Bye.', null);
    await card('outro').waitFor({ timeout: LIVE_VIEW_MS });
    assert.equal(await card('outro').locator('pre.committed').textContent(), '(nothing committed yet)');
    await call('POST', `${draftPath(id, 'outro')}/commit`);
    await card('outro').waitFor({ state: 'detached', timeout: LIVE_VIEW_MS });
    await page.locator('#committed-sections li[data-section="outro"]').waitFor({ timeout: LIVE_VIEW_MS });
    await putDraft(id, 'outro', 'Goodbye.', 'longer');
    await card('outro').waitFor({ timeout: LIVE_VIEW_MS });
    await call('DELETE', draftPath(id, 'outro'));
    await card('outro').waitFor({ state: 'detached', timeout: LIVE_VIEW_MS });
  });

  await step('review: markup in a draft, its summary and a committed section is shown as text', async () => {
    await putDraft(id, 'xss', XSS, XSS);
    await card('xss').waitFor({ timeout: LIVE_VIEW_MS });
    assert.equal(await card('xss').locator('pre.draft').textContent(), XSS);
    assert.ok((await card('xss').locator('.draft-summary').textContent()).includes(XSS));
    assert.ok((await card('xss').locator('pre.diff ins').textContent()).includes('<img'));
    await expectNoInjection();
    await call('POST', `${draftPath(id, 'xss')}/commit`);
    await page.locator('#committed-sections li[data-section="xss"]').waitFor();
    await page.click('#committed-sections li[data-section="xss"] summary');
    assert.equal(await page.locator('#committed-sections li[data-section="xss"] pre').textContent(), XSS);
    await expectNoInjection();
    await putDraft(id, 'xss', `${XSS} more`, 'a second look');
    await card('xss').waitFor();
    await page.setViewportSize({ width: 360, height: 780 });
    await sleep(100);
    assert.ok(await fitsWidth(), 'review fits 360 px');
    await shot('20-review-360');
    await page.setViewportSize({ width: 1280, height: 900 });
  });
}

async function actionsSteps() {
  const id = `act-${RUN}`;
  await call('POST', '/api/v1/workflows', { id, status: 'running' });
  const probe = await fetch(`${BASE}${wfPath(id)}/actions`, { headers: { Authorization: `Bearer ${apiToken}` } });
  if (probe.status === 404 || probe.status === 405) {
    log(`skipping the actions steps: this server has no action listing (GET …/actions answered ${probe.status})`);
    return;
  }
  const actionsPath = `${wfPath(id)}/actions`;
  const item = (status, actionId) => page.locator(`#actions-${status} li[data-id="${actionId}"]`);

  await step('actions: enqueued, claimed, completed and failed through the API, each shown live', async () => {
    const early = await call('POST', actionsPath, { type: 'index', payload: { n: 1 } });
    await page.goto(`${proxy.url}/#/w/${id}/actions`);
    await page.waitForFunction(() => document.querySelector('#connection').dataset.state === 'live');
    await item('queued', early.id).waitFor(); // from the listing
    let t0 = Date.now();
    const a = await call('POST', actionsPath, { type: 'summarize', payload: { doc: XSS } });
    log(`  queued visible after ${await within(LIVE_VIEW_MS, t0, (x) => document.querySelector(
      `#actions-queued li[data-id="${x}"]`), a.id, 'the queued action')} ms`);
    assert.ok((await item('queued', a.id).textContent()).includes('<img'), 'the payload is shown as text');
    await expectNoInjection();
    t0 = Date.now();
    const claimed = await call('POST', `${actionsPath}/claim`, { worker: 'worker-1', lease_seconds: 60 });
    assert.equal(claimed.id, early.id, 'the queue hands out the oldest first');
    await within(LIVE_VIEW_MS, t0, (x) => document.querySelector(`#actions-claimed li[data-id="${x}"]`), early.id,
      'the claimed action');
    assert.equal(await item('queued', early.id).count(), 0, 'it left the queued list');
    assert.match(await item('claimed', early.id).textContent(), /worker worker-1/);
    t0 = Date.now();
    await call('POST', `${actionsPath}/${early.id}/complete`, { result: { pages: 3 } });
    await within(LIVE_VIEW_MS, t0, (x) => document.querySelector(`#actions-completed li[data-id="${x}"]`), early.id,
      'the completed action');
    assert.match(await item('completed', early.id).textContent(), /"pages":3/);
    await call('POST', `${actionsPath}/claim`, { worker: 'worker-2', lease_seconds: 60 });
    await item('claimed', a.id).waitFor({ timeout: LIVE_VIEW_MS });
    await call('POST', `${actionsPath}/${a.id}/fail`, { error: 'model timeout', retry: true });
    await item('queued', a.id).filter({ hasText: 'Last error' }).waitFor({ timeout: LIVE_VIEW_MS });
    await call('POST', `${actionsPath}/claim`, { worker: 'worker-3', lease_seconds: 60 });
    await item('claimed', a.id).waitFor({ timeout: LIVE_VIEW_MS });
    await call('POST', `${actionsPath}/${a.id}/fail`, { error: 'gave up', retry: false });
    await item('failed', a.id).filter({ hasText: 'gave up' }).waitFor({ timeout: LIVE_VIEW_MS });
    assert.deepEqual(await page.$$eval('.action-groups h2', (hs) => hs.map((x) => x.textContent)),
      ['Queued (0)', 'Claimed (0)', 'Completed (1)', 'Failed (1)']);
    await expectAccessibleBasics('actions');
    await shot('21-actions');
  });

  await step('actions: a reload lists the same actions; 360 px wide fits', async () => {
    const b = await call('POST', actionsPath, { type: 'translate', payload: { to: 'fr' } });
    await page.reload();
    await item('queued', b.id).waitFor();
    await item('completed', (await call('GET', `${actionsPath}?status=completed`)).items[0].id).waitFor();
    assert.equal(await page.locator('#actions-failed li').count(), 1);
    await expectNoInjection();
    await page.setViewportSize({ width: 360, height: 780 });
    await sleep(100);
    assert.ok(await fitsWidth(), 'actions fit 360 px');
    await shot('22-actions-360');
    await page.setViewportSize({ width: 1280, height: 900 });
  });
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
    assert.equal(await page.locator('#instances').count(), 0, 'no instances panel without flowcast:admin');
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
    // a type the page never saw arrives live (?format=message), not after a poll of the history
    await page.locator('#event-log li[data-type="agent.thought"]').waitFor({ timeout: LIVE_VIEW_MS });
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

  await step('the workflow tabs open review and actions, and lead back to the overview', async () => {
    await page.click('nav.tabs a[href$="/review"]');
    await page.locator('h1').filter({ hasText: 'Review' }).waitFor();
    assert.equal(await page.getAttribute('nav.tabs a[href$="/review"]', 'aria-current'), 'page');
    await page.click('nav.tabs a[href$="/actions"]');
    await page.locator('h1').filter({ hasText: 'Actions' }).waitFor();
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

  await reviewSteps();
  await actionsSteps();

  if (PASSWORD_STEPS) {
    const authId = `auth-${RUN}`;
    const broken = (jwt) => `${jwt.slice(0, jwt.lastIndexOf('.') + 1)}${Buffer.from('not the signature').toString('base64url')}`;

    await step('password sign-in: a missing and a wrong password are refused with a clear message', async () => {
      await page.click('#sign-out');
      await page.locator('#signin').waitFor({ state: 'visible' });
      assert.equal(await page.evaluate(() => sessionStorage.length), 0, 'signing out empties the tab\'s storage');
      assert.equal(await page.locator('#signin-message').isHidden(), true);
      await page.goto(`${proxy.url}/#/`);
      const sent = proxy.authRequests.length;
      await page.fill('#username', USERNAME);
      await page.click('#password-form button[type=submit]');
      await page.locator('#password-error').filter({ hasText: 'Enter your password' }).waitFor();
      assert.equal(proxy.authRequests.length, sent, 'nothing is sent without a password');
      await page.fill('#password', `${PASSWORD}-wrong`);
      await page.click('#password-form button[type=submit]');
      await page.locator('#password-error').filter({ hasText: 'Wrong user name or password.' }).waitFor();
      assert.equal(await page.getAttribute('#password', 'aria-invalid'), 'true');
      assert.equal(await page.inputValue('#password'), '', 'the wrong password is cleared');
      assert.equal(await page.evaluate(() => sessionStorage.length), 0);
      assert.deepEqual(proxy.authRequests.slice(sent).map((r) => [r.path, r.params.grant_type]),
        [['/api/v1/auth/token', 'password']]);
      await expectAccessibleBasics('sign-in with both ways');
      await shot('14-signin-wrong-password');
      await page.setViewportSize({ width: 360, height: 780 });
      await sleep(100);
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'sign-in fits 360 px');
      await shot('15-signin-360');
      await page.setViewportSize({ width: 1280, height: 900 });
    });

    await step('sign in with user name and password: tokens in sessionStorage only', async () => {
      await page.fill('#username', USERNAME);
      await page.fill('#password', PASSWORD);
      await page.click('#password-form button[type=submit]');
      await page.locator('#list-message').filter({ hasText: 'No ' }).waitFor(); // the account's tenant is empty
      const kept = await storage();
      const claims = claimsOf(kept['flowcast.token']);
      assert.equal(claims.sub, USERNAME);
      assert.equal(claims.exp - claims.iat, ACCESS_TTL, 'an access token of the token endpoint');
      assert.ok(claims.sid && kept['flowcast.refresh_token'], 'a session with a refresh token');
      assert.equal(await page.evaluate(() => localStorage.length), 0);
      assert.equal(await page.evaluate(() => document.cookie), '');
      assert.equal(await text('#who-text'), `${USERNAME} · tenant ${claims.tenant}`);
      assert.equal(await page.inputValue('#password'), '');
    });

    await step('an operator sees the instances panel: this server, its address, version and streams, refreshed', async () => {
      const kept = await sessionTokens();
      assert.ok(claimsOf(kept['flowcast.token']).scope.split(' ').includes('flowcast:admin'),
        'the development account may operate the deployment');
      const listed = await call('GET', '/api/v1/system/instances', undefined, { token: kept['flowcast.token'] });
      const self = INSTANCE_ID ? listed.instances.find((i) => i.id === INSTANCE_ID) : listed.instances[0];
      assert.ok(self, `this server is listed: ${JSON.stringify(listed)}`);
      const row = page.locator(`#instance-list li[data-id="${self.id}"]`);
      await row.waitFor();
      assert.equal(await row.locator('.instance-address').innerText(), new URL(BASE).host);
      assert.equal(await row.locator('.instance-version').innerText(), `version ${self.version}`);
      assert.match(await row.locator('.instance-streams').innerText(), /^\d+ streams?$/);
      assert.match(await row.locator('.instance-rate').innerText(), /^[\d.]+ events\/s$/);
      const seen = await row.locator('time').getAttribute('datetime');
      await page.waitForFunction(([id, before]) => {
        const t = document.querySelector(`#instance-list li[data-id="${id}"] time`);
        return t && t.getAttribute('datetime') > before;
      }, [self.id, seen], { timeout: 10_000 });
      await expectAccessibleBasics('list with the instances panel');
      await shot('23-instances');
    });

    await step('a 401 renews the token once, also for five requests refused at the same time', async () => {
      const sent = proxy.authRequests.length;
      const before = await sessionTokens();
      // the server refuses this copy (wrong signature) as it refuses an expired token
      await page.evaluate((t) => sessionStorage.setItem('flowcast.token', t), broken(before['flowcast.token']));
      const statuses = await page.evaluate(() => window.__flowcast.checkAuth(5));
      assert.deepEqual(statuses, [200, 200, 200, 200, 200], 'each request repeated once with the new token');
      const refreshes = refreshesSince(sent);
      assert.equal(refreshes.length, 1, `one refresh for all: ${JSON.stringify(refreshes.length)}`);
      assert.equal(refreshes[0].params.refresh_token, before['flowcast.refresh_token']);
      const after = await storage();
      assert.notEqual(after['flowcast.refresh_token'], before['flowcast.refresh_token'], 'rotated');
      assert.equal((await fetch(`${BASE}/api/v1/workflows?limit=1`,
        { headers: { Authorization: `Bearer ${after['flowcast.token']}` } })).status, 200);
    });

    await step(`the access token (${ACCESS_TTL} s) is renewed before it expires while events stream: `
      + 'nothing lost or repeated', async () => {
      apiToken = ACCOUNT_TOKEN;
      await call('POST', '/api/v1/workflows', { id: authId, status: 'running', state: { n: 0 } });
      await page.goto(`${proxy.url}/#/w/${authId}`);
      await page.waitForFunction(() => document.querySelector('#connection').dataset.state === 'live');
      await recordConnection();
      const first = await sessionTokens();
      const streams0 = proxy.streamRequests.length;
      const sent = proxy.authRequests.length;
      const rounds = Math.ceil((ACCESS_TTL * 2.3 * 1000) / 250); // long enough for two renewals
      await churn(authId, rounds, { every: 250 });
      const { last } = await expectExactlyOnce(authId);
      // the stream follows each renewal (read when no renewal is half-way)
      const { stats, presented, streams } = await waitUntil(async () => {
        const now = { stats: await page.evaluate(() => window.__flowcast.stats()),
          presented: refreshesSince(sent).map((r) => r.params.refresh_token),
          streams: proxy.streamRequests.slice(streams0) };
        return now.stats.renewals === now.presented.length && now.streams.length === now.presented.length ? now : null;
      }, 'one reopened stream per renewal');
      assert.ok(presented.length >= 2, `renewed at least twice: ${presented.length}`);
      assert.equal(new Set(presented).size, presented.length, 'no refresh token was presented twice');
      assert.equal(presented[0], first['flowcast.refresh_token'], 'the stored refresh token was the one spent');
      assert.ok(streams.every((r) => r.lastEventIdParam && !r.lastEventIdHeader), 'each reopened with last_event_id');
      const tokens = [first['flowcast.token'], ...streams.map((r) => r.accessToken)];
      assert.equal(new Set(tokens).size, tokens.length, 'each stream with the new access token');
      assert.equal(stats.reconnects, 0, 'no reconnect was needed');
      const states = await page.evaluate(() => window.__states);
      assert.ok(states.every((s) => s === 'live'), `the indicator stayed live: ${states}`);
      assert.ok(await page.locator('#signin').isHidden());
      log(`  ${presented.length} renewals, ${last} events shown once each; streams reopened after `
        + `${streams.map((r) => r.lastEventIdParam).join(', ')}`);
      await shot('16-renewed');
    });

    await step('reloaded, then the renewal timer is late (clock paused): the stream\'s auth.expired renews once '
      + 'and the view resumes with last_event_id', async () => {
      await page.clock.install();
      await page.reload();
      await page.waitForFunction(() => document.querySelector('#connection')?.dataset.state === 'live');
      await sessionTokens(); // the reloaded tab keeps its session
      await expectExactlyOnce(authId);
      await recordConnection();
      const streams0 = proxy.streamRequests.length;
      const sent = proxy.authRequests.length;
      await page.clock.pauseAt(await page.evaluate(() => Date.now() + 10));
      // the page's timers stand still; the server still ends the stream when its token expires
      let n = 1000;
      await waitUntil(async () => {
        await patch(authId, { state: { n: n++ } });
        await sleep(200);
        return proxy.streamRequests.length > streams0 && await connectionState() === 'resumed';
      }, 'auth.expired, a renewal and the stream reopened', (ACCESS_TTL + 8) * 1000);
      await churn(authId, 6, { from: 2000, every: 50 });
      const refreshes = refreshesSince(sent);
      const streams = proxy.streamRequests.slice(streams0);
      assert.equal(refreshes.length, 1, 'renewed once');
      assert.equal(streams.length, 1, `reopened once: ${JSON.stringify(streams.length)}`);
      assert.ok(streams[0].lastEventIdParam, 'with last_event_id');
      assert.equal(streams[0].accessToken, (await storage())['flowcast.token'], 'with the new token');
      const states = await page.evaluate(() => window.__states);
      assert.ok(states.includes('reconnecting') && !states.includes('paused'), `indicator went ${states}`);
      await page.clock.resume();
      const { last, stats } = await expectExactlyOnce(authId);
      assert.equal(stats.authExpired, 1, `the stream said auth.expired: ${JSON.stringify(stats.authExpired)}`);
      log(`  ${last} events shown once each; indicator ${states.join(' → ')}; renewals ${stats.renewals}`);
    });

    await step('a copied tab (window.open copies sessionStorage) does not renew with the same refresh token',
      async () => {
        const [copy] = await Promise.all([context.waitForEvent('page'), page.evaluate(() => {
          window.open(location.href);
        })]);
        await copy.waitForLoadState();
        assert.ok((await storage(copy))['flowcast.token'], 'the copy got the access token');
        await waitUntil(async () => !(await storage(copy))['flowcast.refresh_token'], 'the copy to drop the refresh token',
          5000);
        assert.ok((await storage())['flowcast.refresh_token'], 'the original keeps it');
        await copy.close();
      });

    await step('sign-out revokes the session: its access token gets 401', async () => {
      const kept = await sessionTokens();
      const sent = proxy.authRequests.length;
      await page.click('#sign-out');
      await page.locator('#signin').waitFor({ state: 'visible' });
      assert.equal(await page.evaluate(() => sessionStorage.length), 0, 'the tab\'s storage is empty');
      const revoked = await waitUntil(() => proxy.authRequests.slice(sent).find((r) => r.path === '/api/v1/auth/revoke'),
        'the revocation');
      assert.equal(revoked.params.token.split('.')[0], kept['flowcast.refresh_token'].split('.')[0],
        'the session\'s refresh token');
      assert.ok(!proxy.authRequests.slice(0, sent).some((r) => r.params.refresh_token === revoked.params.token),
        'a refresh token that was not spent yet');
      const status = () => fetch(`${BASE}/api/v1/workflows?limit=1`,
        { headers: { Authorization: `Bearer ${kept['flowcast.token']}` } }).then((r) => r.status);
      await waitUntil(async () => (await status()) === 401, 'the old access token to be refused', 3000);
      assert.equal(await page.locator('#signin-message').isHidden(), true, 'no error on a normal sign-out');
      await shot('17-signed-out');
    });

    await step('a refresh that fails shows the sign-in with a clear message; signing in again resumes the view',
      async () => {
        await page.goto(`${proxy.url}/#/w/${authId}`);
        await page.fill('#username', USERNAME);
        await page.fill('#password', PASSWORD);
        await page.click('#password-form button[type=submit]');
        await page.locator('h1.wf-id').filter({ hasText: authId }).waitFor();
        await page.waitForFunction(() => document.querySelector('#connection').dataset.state === 'live');
        await expectExactlyOnce(authId);
        const kept = await sessionTokens();
        await page.evaluate(([t, r]) => {
          sessionStorage.setItem('flowcast.token', t);
          sessionStorage.setItem('flowcast.refresh_token', r);
        }, [broken(kept['flowcast.token']), `${kept['flowcast.refresh_token'].split('.')[0]}.not-the-token`]);
        await page.evaluate(() => window.__flowcast.dropStream()); // reopens with the refused token
        await page.locator('#signin-message').filter({ hasText: 'Your session has ended' }).waitFor();
        log(`  message: ${await text('#signin-message')}`);
        assert.equal(await page.evaluate(() => sessionStorage.length), 0);
        assert.equal(await connectionState(), 'paused');
        await shot('18-renewal-failed');
        await churn(authId, 4, { from: 3000 }); // while signed out
        await page.fill('#username', USERNAME);
        await page.fill('#password', PASSWORD);
        await page.click('#password-form button[type=submit]');
        await page.waitForFunction(() => document.querySelector('#connection').dataset.state === 'resumed');
        await expectExactlyOnce(authId);
      });

    await step('the session revoked elsewhere: the live view stops with a message', async () => {
      const kept = await sessionTokens();
      const answer = await fetch(`${BASE}/api/v1/auth/revoke`, {
        method: 'POST', body: new URLSearchParams({ token: kept['flowcast.refresh_token'] }),
      });
      assert.equal(answer.status, 200);
      await page.locator('#signin-message').filter({ hasText: 'ended on the server' }).waitFor();
      assert.equal(await page.evaluate(() => sessionStorage.length), 0);
    });
  } else {
    log('skipping the password sign-in steps: FLOWCAST_USERNAME, _PASSWORD, _ACCOUNT_TOKEN or _ACCESS_TTL is not set');
  }

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
