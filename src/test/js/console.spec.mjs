// Drives the dashboard's console views in Debian's chromium (headless) against a running server: a
// workflow's status moves and reopen, publishing an event, a long payload expanded, the version slider
// (time travel) with its diffs, snapshots with rollback, a dead letter retried, delete with a
// confirmation, and the system view, by keyboard where a person would use one, at 360 px and in dark mode.
//
//   FLOWCAST_BASE_URL=http://127.0.0.1:8080 FLOWCAST_TOKEN=<read-write jwt> \
//   FLOWCAST_ADMIN_TOKEN=<jwt with flowcast:admin, same tenant> node src/test/js/console.spec.mjs
//
// Optional: FLOWCAST_READ_TOKEN (scope workflows:read, same tenant), FLOWCAST_SCREENSHOT_DIR (default target/screenshots; the console-*.png are the ones
// docs/img/ holds), FLOWCAST_INSTANCE_ID (the server's instance.id), CHROMIUM (default /usr/bin/chromium).
// Run by DashboardBrowserTest; exits 0 when every step passed.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const BASE = required('FLOWCAST_BASE_URL').replace(/\/$/, '');
const TOKEN = required('FLOWCAST_TOKEN');
const ADMIN_TOKEN = process.env.FLOWCAST_ADMIN_TOKEN;
const READ_TOKEN = process.env.FLOWCAST_READ_TOKEN;
const SHOTS = process.env.FLOWCAST_SCREENSHOT_DIR || 'target/screenshots';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const INSTANCE_ID = process.env.FLOWCAST_INSTANCE_ID;
const RUN = Date.now().toString(36);
const LIVE_MS = 2000; // a change made elsewhere shows within this

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

async function send(method, path, body, contentType = 'application/json') {
  return fetch(BASE + path, {
    method,
    headers: { Authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { 'Content-Type': contentType }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function call(method, path, body, contentType) {
  const response = await send(method, path, body, contentType);
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

const wfPath = (id) => `/api/v1/workflows/${encodeURIComponent(id)}`;
const patch = (id, body) => call('PATCH', wfPath(id), body, 'application/merge-patch+json');
const historyOf = async (id) => (await call('GET', `${wfPath(id)}/events?limit=1000`)).events;

// ---------------------------------------------------------------- the browser

const steps = [];
async function step(name, fn) {
  const t0 = Date.now();
  log(`▶ ${name}`);
  await fn();
  steps.push(name);
  log(`✔ ${name} (${Date.now() - t0} ms)`);
}

const profile = mkdtempSync(join(tmpdir(), 'flowcast-chromium-'));
mkdirSync(SHOTS, { recursive: true });
const context = await chromium.launchPersistentContext(profile, {
  executablePath: CHROMIUM,
  headless: true,
  viewport: { width: 1200, height: 860 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const watchdog = setTimeout(() => {
  console.error('FAILED: the run took longer than 200 s');
  process.exit(1);
}, 200_000);
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

/** A screenshot for the docs: the viewport (small PNGs), or the whole page. */
const shot = (name, fullPage = false) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });
const text = (selector) => page.locator(selector).innerText();
const fitsWidth = () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
const live = () => page.waitForFunction(() => ['live', 'resumed'].includes(document.querySelector('#connection')?.dataset.state));
const shownState = async (selector) => JSON.parse(await page.locator(selector).textContent());

/** Every visible form control has a label, buttons and links a name, and there is one h1. */
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
    return out;
  });
  assert.deepEqual(problems, [], `accessibility basics on ${where}`);
}

async function signIn(token) {
  await page.goto(`${BASE}/#/`);
  if (await page.locator('#sign-out').isVisible()) await page.click('#sign-out');
  await page.locator('#signin').waitFor({ state: 'visible' });
  await page.fill('#token', token);
  await page.click('#signin-form button[type=submit]');
  await page.locator('#list-title').waitFor();
}

/** At 360 px wide nothing scrolls sideways; a screenshot of it; back to the desktop width. */
async function narrow(where, name) {
  await page.setViewportSize({ width: 360, height: 780 });
  await sleep(150);
  assert.ok(await fitsWidth(), `no horizontal scrolling at 360 px on ${where}`);
  if (name) await shot(name);
  await page.setViewportSize({ width: 1200, height: 860 });
}

let ok = false;
try {
  const id = `con-${RUN}`;
  const long = 'x'.repeat(900);

  await step('sign in with a read-write token', () => signIn(TOKEN));

  await step('the live list: a workflow created elsewhere appears within a second, status and version change in '
    + 'place, counts follow, search by id prefix, a preview of the state', async () => {
    const rowOf = (wid) => page.locator(`#workflow-list li[data-id="${wid}"]`);
    const count = async (status) => Number(await page.locator(`#status-counts [data-status="${status}"] strong`)
      .textContent());
    for (const [n, status] of [['a', 'pending'], ['b', 'running'], ['c', 'waiting'], ['d', 'completed']]) {
      await call('POST', '/api/v1/workflows', { id: `ticket-${n}-${RUN}`, status, state: { n } });
    }
    await page.locator('#list-live').filter({ hasText: 'Live' }).waitFor();
    await page.waitForFunction(() => document.querySelectorAll('#workflow-list li').length === 4);
    const runningBefore = await count('running');
    assert.equal(runningBefore, 1);
    const fresh = `live-${RUN}`;
    const t0 = Date.now();
    await call('POST', '/api/v1/workflows', { id: fresh, state: { note: 'made by curl' } });
    await rowOf(fresh).waitFor({ timeout: 1000 });
    log(`  the new workflow showed after ${Date.now() - t0} ms`);
    assert.equal(await page.locator('#workflow-list li').first().getAttribute('data-id'), fresh, 'newest on top');
    const rowElement = await rowOf(fresh).elementHandle();
    await patch(fresh, { status: 'running' });
    await page.locator(`#workflow-list li[data-id="${fresh}"][data-status="running"][data-version="2"]`)
      .waitFor({ timeout: LIVE_MS });
    assert.equal(await page.locator('#workflow-list li').first().getAttribute('data-id'), fresh, 'changed in place');
    assert.equal(await rowElement.evaluate((li) => li.isConnected), false, 'the changed row was drawn again');
    await page.waitForFunction((n) => Number(document.querySelector('#status-counts [data-status="running"] strong')
      ?.textContent) === n, runningBefore + 1);
    await page.fill('#filter-search', `live-${RUN.slice(0, 3)}`);
    await page.locator('#list-message').filter({ hasText: /match/ }).waitFor();
    assert.ok(await rowOf(fresh).isVisible());
    await page.fill('#filter-search', 'no-such-prefix-');
    await page.locator('#list-message').filter({ hasText: 'No workflow id starts with' }).waitFor();
    await page.fill('#filter-search', '');
    await rowOf(fresh).locator('a').focus();
    await page.locator('#list-preview .preview-title').filter({ hasText: fresh }).waitFor();
    assert.match(await text('#list-preview pre'), /made by curl/);
    await shot('console-list');
    await page.click('#status-counts [data-status="running"]');
    await page.waitForFunction(() => [...document.querySelectorAll('#workflow-list li')]
      .every((li) => li.dataset.status === 'running'));
    assert.match(page.url(), /status=running/);
    await call('DELETE', wfPath(fresh));
    await rowOf(fresh).waitFor({ state: 'detached', timeout: LIVE_MS });
    await expectAccessibleBasics('the live list');
    await page.locator('#list-preview').waitFor({ state: 'hidden', timeout: LIVE_MS });
    await narrow('the live list');
    await page.click('#status-counts [data-status=""]');
  });

  await step('status: only the lifecycle\'s moves are offered; a move made in the page reaches the server', async () => {
    await call('POST', '/api/v1/workflows', { id, state: { step: 'triage', owner: 'ops' } }); // v1, pending
    await page.goto(`${BASE}/#/w/${id}`);
    await live();
    await page.locator('#wf-version').filter({ hasText: /^1$/ }).waitFor();
    assert.deepEqual(await page.$$eval('#wf-move option', (os) => os.map((o) => o.value)),
      ['running', 'waiting', 'completed', 'failed', 'cancelled'], 'from pending: every other status');
    await page.selectOption('#wf-move', 'running');
    await page.click('#wf-move-submit');
    await page.locator('#wf-status').filter({ hasText: 'running' }).waitFor();
    assert.equal((await call('GET', wfPath(id))).status, 'running');
    assert.match(await text('#controls-message'), /Status changed to running \(version 2\)/);
    assert.deepEqual(await page.$$eval('#wf-move option', (os) => os.map((o) => o.value)),
      ['pending', 'waiting', 'completed', 'failed', 'cancelled'], 'from running: every other status');
    await patch(id, { state: { step: 'draft', assignee: 'bot-7' } }); // v3
    await patch(id, { state: { owner: null, step: 'review' } }); // v4: a key removed
    await page.locator('#wf-version').filter({ hasText: /^4$/ }).waitFor({ timeout: LIVE_MS });
  });

  await step('publish an event from the form (Enter); bad JSON is refused in the page; a long payload expands',
    async () => {
      const before = (await historyOf(id)).length;
      await page.fill('#event-type', 'agent.note');
      await page.fill('#event-data', '{"text": ');
      await page.click('#event-publish');
      await page.locator('#controls-error').filter({ hasText: 'not JSON' }).waitFor();
      assert.equal(await page.locator('#event-data').getAttribute('aria-invalid'), 'true');
      assert.equal((await historyOf(id)).length, before, 'nothing was sent');
      await page.fill('#event-data', JSON.stringify({ text: long, n: 1 }));
      await page.focus('#event-type');
      await page.keyboard.press('Enter');
      await page.locator('#controls-message').filter({ hasText: 'Published agent.note' }).waitFor();
      const events = await historyOf(id);
      const event = events.at(-1);
      assert.equal(event.type, 'agent.note');
      assert.deepEqual(event.data, { text: long, n: 1 });
      const li = page.locator(`#event-log li[data-seq="${event.seq}"]`);
      await li.waitFor({ timeout: LIVE_MS });
      assert.ok((await li.locator('code.data').textContent()).length < 420, 'the line is cut');
      const summary = li.locator('.payload-details summary');
      assert.match(await summary.textContent(), /Show the whole data/);
      await summary.focus();
      await page.keyboard.press('Enter');
      await li.locator('pre.payload .j-key').first().waitFor();
      assert.deepEqual(JSON.parse(await li.locator('pre.payload').textContent()), { text: long, n: 1 });
      assert.equal(await li.locator('code.data').isHidden(), true, 'the cut line gives way to the whole data');
      await expectAccessibleBasics('the workflow overview');
      await shot('console-workflow', true);
    });

  await step('complete it by keyboard: the view offers only Reopen, and a PATCH is refused with 409', async () => {
    await page.focus('#wf-move');
    await page.selectOption('#wf-move', 'completed');
    await page.keyboard.press('Tab'); // the focus order: the select, then its button
    assert.ok(await page.evaluate(() => document.activeElement?.id === 'wf-move-submit'));
    await page.keyboard.press('Enter');
    await page.locator('#wf-status').filter({ hasText: 'completed' }).waitFor();
    await page.locator('#wf-reopen').waitFor();
    assert.equal(await page.locator('#wf-move').isHidden(), true);
    assert.match(await text('#wf-terminal-note'), /completed, a terminal status/);
    assert.equal(await page.locator('#event-publish').isDisabled(), true, 'no events on a terminal workflow');
    assert.ok(await page.evaluate(() => document.activeElement?.id === 'wf-reopen-status'),
      'focus moved to what is left to do');
    const refused = await send('PATCH', wfPath(id), { state: { step: 'late' } }, 'application/merge-patch+json');
    assert.equal(refused.status, 409);
    assert.match((await refused.json()).detail, /completed/);
    await shot('console-terminal');
  });

  await step('reopen: the workflow is running again, recorded as a reopen', async () => {
    await page.selectOption('#wf-reopen-status', 'running');
    await page.click('#wf-reopen');
    await page.locator('#wf-status').filter({ hasText: 'running' }).waitFor();
    await page.locator('#wf-move').waitFor();
    const last = (await historyOf(id)).filter((e) => e.type === 'status.changed').at(-1);
    assert.deepEqual([last.data.from, last.data.to, last.data.reopened], ['completed', 'running', true]);
  });

  await step('versions: the slider travels to version 1 and steps forward by keyboard, each with its diff', async () => {
    const current = await call('GET', wfPath(id));
    await page.click('nav.tabs a:has-text("Versions")');
    await live();
    await page.waitForFunction((v) => document.querySelector('#version-label')?.textContent === `${v} of ${v}`,
      current.version);
    await page.locator('#version-message').filter({ hasText: `Version ${current.version} is the current one` }).waitFor();
    assert.deepEqual(await shownState('#at-state'), current.state);
    await page.focus('#version-slider');
    await page.keyboard.press('Home');
    await page.locator('#version-label').filter({ hasText: `1 of ${current.version}` }).waitFor();
    await page.locator('#version-message').filter({ hasText: 'Version 1, as it was' }).waitFor();
    const v1 = await call('GET', `${wfPath(id)}?version=1`);
    assert.deepEqual(await shownState('#at-state'), v1.state);
    assert.equal(await text('#at-status'), 'pending');
    for (const version of [2, 3, 4]) {
      await page.keyboard.press('ArrowRight');
      await page.locator('#version-message').filter({ hasText: `Version ${version},` }).waitFor();
      const at = await call('GET', `${wfPath(id)}?version=${version}`);
      const diff = await call('GET', `${wfPath(id)}/diff?from=${version - 1}&to=${version}`);
      assert.deepEqual(await shownState('#at-state'), at.state, `the state at version ${version}`);
      assert.deepEqual(await shownState('#version-diff'), diff, `the diff ${version - 1} → ${version}`);
    }
    assert.deepEqual(await page.$$eval('#at-state .changed', (els) => els.map((e) => e.dataset.key)), ['step']);
    assert.match(await text('#at-removed'), /state\.owner/);
    await expectAccessibleBasics('versions');
    await shot('console-versions', true);
  });

  await step('versions: a change made elsewhere moves the slider\'s end live; Latest follows it', async () => {
    const t0 = Date.now();
    const changed = await patch(id, { state: { step: 'done' } });
    await page.locator('#version-label').filter({ hasText: `4 of ${changed.version}` }).waitFor({ timeout: LIVE_MS });
    log(`  new version on the slider after ${Date.now() - t0} ms`);
    await page.click('#version-latest');
    await page.locator('#version-message').filter({ hasText: `Version ${changed.version} is the current one` }).waitFor();
    assert.deepEqual(await shownState('#at-state'), changed.state);
    assert.deepEqual(await shownState('#version-diff'), { state: { step: 'done' } });
  });

  await step('snapshots: take one; a rollback asks first (Escape cancels, Enter confirms) and restores it', async () => {
    await page.fill('#snapshot-label', 'before-edit');
    await page.keyboard.press('Enter');
    await page.locator('#snapshot-list li[data-label="before-edit"]').waitFor();
    const kept = await call('GET', wfPath(id));
    const edited = await patch(id, { state: { step: 'edited', extra: true } });
    await page.locator('#version-label').filter({ hasText: `${edited.version} of ${edited.version}` }).waitFor();
    const rollback = page.locator('#snapshot-list li[data-label="before-edit"] button[data-action="rollback"]');
    await rollback.click();
    await page.locator('dialog.confirm').waitFor();
    await shot('console-rollback-dialog');
    await page.keyboard.press('Escape');
    await page.locator('dialog.confirm').waitFor({ state: 'detached' });
    assert.ok(await rollback.evaluate((b) => b === document.activeElement), 'focus is back on the button');
    assert.equal((await call('GET', wfPath(id))).version, edited.version, 'Escape rolled nothing back');
    await rollback.click();
    await page.locator('dialog.confirm').waitFor();
    await page.keyboard.press('Enter');
    await page.locator('#version-message').filter({ hasText: 'Rolled back' }).waitFor();
    const after = await call('GET', wfPath(id));
    assert.deepEqual(after.state, kept.state, 'the snapshot\'s state is back');
    assert.equal(after.version, edited.version + 1);
    await page.locator('#version-label').filter({ hasText: `${after.version} of ${after.version}` }).waitFor();
    await page.click('#snapshot-list li[data-label="before-edit"] button[data-action="show"]');
    await page.locator('#version-label').filter({ hasText: `${kept.version} of ${after.version}` }).waitFor();
    await narrow('versions', 'console-versions-360');
  });

  await step('dead letters: a failed action is retried as a copy, queued live', async () => {
    const action = await call('POST', `${wfPath(id)}/actions`, { type: 'summarize', payload: { doc: 'd-7' } });
    await call('POST', `${wfPath(id)}/actions/claim`, { worker: 'w-1' });
    await call('POST', `${wfPath(id)}/actions/${action.id}/fail`, { error: { reason: 'timeout' }, worker: 'w-1' });
    await page.click('nav.tabs a:has-text("Actions")');
    const dead = page.locator(`#actions-failed li[data-id="${action.id}"]`);
    await dead.waitFor();
    assert.match(await text('#dead-letter-help'), /queues a copy/);
    await dead.locator('button[data-action="retry"]').click();
    await page.locator('#actions-queued li').first().waitFor({ timeout: LIVE_MS });
    const copy = await page.locator('#actions-queued li').first().getAttribute('data-id');
    assert.notEqual(copy, action.id);
    assert.match(await text('#actions-message'), new RegExp(`Queued a copy of ${action.id} as ${copy}`));
    const server = await call('GET', `${wfPath(id)}/actions/${copy}`);
    assert.deepEqual([server.type, server.payload, server.status], ['summarize', { doc: 'd-7' }, 'queued']);
    assert.equal((await call('GET', `${wfPath(id)}/actions/${action.id}`)).status, 'failed', 'the dead letter stays');
    await expectAccessibleBasics('actions');
    await shot('console-dead-letters');
  });

  await step('delete: the confirmation needs the id typed; Escape keeps it, Enter deletes it', async () => {
    await page.click('nav.tabs a:has-text("Overview")');
    await live();
    await page.click('#wf-delete');
    const dialog = page.locator('dialog.confirm');
    await dialog.waitFor();
    assert.equal(await dialog.locator('button[data-confirm]').isDisabled(), true, 'not before the id is typed');
    assert.ok(await page.evaluate(() => document.activeElement?.matches('dialog input')), 'focus in the dialog');
    await page.keyboard.type('wrong');
    await page.keyboard.press('Enter');
    assert.equal(await dialog.isVisible(), true, 'Enter with the wrong id does nothing');
    await shot('console-delete-dialog');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.equal((await send('GET', wfPath(id))).status, 200, 'Escape deleted nothing');
    await page.click('#wf-delete');
    await dialog.waitFor();
    await page.keyboard.type(id);
    await page.keyboard.press('Enter');
    await page.locator('#list-title').waitFor();
    assert.equal((await send('GET', wfPath(id))).status, 404, 'deleted on the server');
  });

  await step('system (read-write token): this instance from /ready, streams and events per second live', async () => {
    const busy = `sys-${RUN}`;
    await call('POST', '/api/v1/workflows', { id: busy, status: 'running' });
    const stream = new AbortController();
    const opened = await fetch(`${BASE}${wfPath(busy)}/stream`, { headers: { Authorization: `Bearer ${TOKEN}` },
      signal: stream.signal });
    assert.equal(opened.status, 200);
    await page.click('nav[aria-label="Main"] a[data-nav="system"]');
    await page.locator('h1').filter({ hasText: 'System' }).waitFor();
    await page.waitForFunction(() => Number(document.querySelector('#sys-streams')?.dataset.value) >= 1);
    const publishing = (async () => {
      for (let i = 0; i < 30; i++) {
        await call('POST', `${wfPath(busy)}/events`, { type: 'load.tick', data: { i } });
        await sleep(60);
      }
    })();
    await page.waitForFunction(() => Number(document.querySelector('#sys-published')?.dataset.value) > 0,
      null, { timeout: 8000 });
    await page.waitForFunction(() => Number(document.querySelector('#sys-delivered')?.dataset.value) > 0,
      null, { timeout: 8000 });
    await publishing;
    log(`  published ${await text('#sys-published')}/s, delivered ${await text('#sys-delivered')}/s, `
      + `${await text('#sys-streams')} streams`);
    assert.equal(await text('#sys-backlog'), 'no write buffer', 'the in-memory backend has no write buffer');
    const ready = await (await fetch(`${BASE}/ready`)).json();
    const card = page.locator('#sys-instances li');
    assert.equal(await card.count(), 1);
    assert.equal(await card.getAttribute('data-id'), ready.instance);
    assert.match(await text('#sys-instances-help'), /needs the flowcast:admin scope/);
    assert.match(await text('#sys-ready'), new RegExp(`Backend\\s+${ready.backend}`));
    const stamp = await page.locator('#sys-updated time').getAttribute('datetime');
    await page.waitForFunction((s) => document.querySelector('#sys-updated time')?.getAttribute('datetime') !== s,
      stamp, { timeout: 4000 });
    stream.abort();
    await expectAccessibleBasics('system');
  });

  if (READ_TOKEN) {
    await step('a read-only token: the console says so and offers no write', async () => {
      await patch(`sys-${RUN}`, { state: { checked: true } }); // a second version to travel back from
      await signIn(READ_TOKEN);
      await page.goto(`${BASE}/#/w/sys-${RUN}`);
      await live();
      await page.locator('#controls-read-only').waitFor();
      for (const control of ['#wf-move', '#wf-move-submit', '#event-type', '#event-publish', '#wf-delete']) {
        assert.equal(await page.locator(control).isDisabled(), true, `${control} is disabled`);
      }
      await page.click('nav.tabs a:has-text("Versions")');
      await page.locator('#version-message').filter({ hasText: 'is the current one' }).waitFor();
      assert.equal(await page.locator('#snapshot-take').isDisabled(), true);
      await page.focus('#version-slider');
      await page.keyboard.press('Home'); // reading the past is allowed
      await page.locator('#version-message').filter({ hasText: 'Version 1, as it was' }).waitFor();
      assert.equal(await page.locator('#version-rollback').isDisabled(), true);
    });
  }

  if (ADMIN_TOKEN) {
    await step('system (operator): the instance registry lists this server; 360 px; dark mode', async () => {
      await signIn(ADMIN_TOKEN);
      await page.goto(`${BASE}/#/system`);
      const card = page.locator(`#sys-instances li[data-id="${INSTANCE_ID ?? ''}"]`);
      if (INSTANCE_ID) await card.waitFor();
      else await page.locator('#sys-instances li').first().waitFor();
      const { instances } = await (await fetch(`${BASE}/api/v1/system/instances`,
        { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } })).json();
      assert.deepEqual(await page.$$eval('#sys-instances li', (lis) => lis.map((li) => li.dataset.id)),
        instances.map((i) => i.id));
      assert.match(await text('#sys-instances li .instance-version'), new RegExp(`version ${instances[0].version}`));
      assert.match(await text('#sys-instances-help'), /Every live instance/);
      // some traffic for the screenshot: a stream open and events published while it is taken
      const busy = `sys2-${RUN}`;
      await call('POST', '/api/v1/workflows', { id: busy, status: 'running' });
      const stream = new AbortController();
      await fetch(`${BASE}${wfPath(busy)}/stream`, { headers: { Authorization: `Bearer ${TOKEN}` }, signal: stream.signal });
      let publishing = true;
      const load = (async () => {
        for (let i = 0; publishing; i++) {
          await call('POST', `${wfPath(busy)}/events`, { type: 'load.tick', data: { i } });
          await sleep(40);
        }
      })();
      await page.waitForFunction(() => Number(document.querySelector('#sys-published')?.dataset.value) > 5
        && Number(document.querySelector('#sys-streams')?.dataset.value) >= 1, null, { timeout: 8000 });
      await shot('console-system');
      await narrow('system', 'console-system-360');
      await page.emulateMedia({ colorScheme: 'dark' });
      await shot('console-system-dark');
      await page.emulateMedia({ colorScheme: 'light' });
      publishing = false;
      await load;
      stream.abort();
    });
  } else {
    log('skipping the operator step: FLOWCAST_ADMIN_TOKEN is not set');
  }

  assert.deepEqual(pageErrors, [], 'no uncaught error in the page');
  assert.deepEqual(dialogs, [], 'no browser dialog opened (the confirmations are <dialog> elements)');
  ok = true;
} catch (err) {
  console.error(`FAILED: ${err.stack ?? err}`);
  await shot('console-failure', true).catch(() => {});
  if (pageErrors.length) console.error(`page errors: ${pageErrors.join('\n')}`);
} finally {
  clearTimeout(watchdog);
  await context.close().catch(() => {});
  rmSync(profile, { recursive: true, force: true });
}
log(ok ? `PASSED ${steps.length} steps; screenshots in ${SHOTS}` : `FAILED after ${steps.length} steps`);
process.exit(ok ? 0 : 1);
