// Drives the dashboard's interrupts panel (docs/API.md, "Interrupts") in Debian's chromium (headless)
// against a running server: a person signed in with an answer-only token sees the open interrupts of the
// open workflow as a worker raises them, answers them (buttons for a schema's choices, text, JSON that the
// server checks against the schema), sees an answer given elsewhere disappear, and the workflow run again.
//
//   FLOWCAST_BASE_URL=http://127.0.0.1:8080 FLOWCAST_TOKEN=<read-write jwt: the worker> \
//   FLOWCAST_ANSWER_TOKEN=<jwt with interrupts:answer, same tenant> FLOWCAST_ANSWER_SUB=<its sub> \
//   node src/test/js/interrupts.spec.mjs
//
// Optional: FLOWCAST_SCREENSHOT_DIR (default target/screenshots), CHROMIUM (default /usr/bin/chromium).
// Run by InterruptsBrowserTest; exits 0 when every step passed.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const BASE = required('FLOWCAST_BASE_URL').replace(/\/$/, '');
const TOKEN = required('FLOWCAST_TOKEN');
const ANSWER_TOKEN = required('FLOWCAST_ANSWER_TOKEN');
const ANSWER_SUB = required('FLOWCAST_ANSWER_SUB');
const SHOTS = process.env.FLOWCAST_SCREENSHOT_DIR || 'target/screenshots';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const RUN = Date.now().toString(36);

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

// ---------------------------------------------------------------- the worker (node fetch, straight to the server)

async function call(method, path, body) {
  const response = await fetch(BASE + path, {
    method,
    headers: { Authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

const wfPath = (id) => `/api/v1/workflows/${encodeURIComponent(id)}`;
const raise = (id, body) => call('POST', `${wfPath(id)}/interrupts`, body);
const interrupt = (id, iid) => call('GET', `${wfPath(id)}/interrupts/${iid}`);

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
  console.error('FAILED: the run took longer than 120 s');
  process.exit(1);
}, 120_000);
const page = context.pages()[0] ?? await context.newPage();
const pageErrors = [];
page.on('pageerror', (err) => pageErrors.push(String(err)));
page.on('console', (msg) => {
  if (msg.type() === 'error') log(`  (browser console) ${msg.text()}`);
});
page.setDefaultTimeout(10_000);

const card = (iid) => page.locator(`#interrupts li.interrupt[data-id="${iid}"]`);
const live = () => page.waitForFunction(() => ['live', 'resumed'].includes(document.querySelector('#connection')?.dataset.state));

let ok = false;
try {
  const id = `int-${RUN}`;
  let approval;
  let note;
  let count;

  await step('sign in with an answer-only token', async () => {
    await page.goto(`${BASE}/#/`);
    await page.locator('#signin').waitFor({ state: 'visible' });
    await page.fill('#token', ANSWER_TOKEN);
    await page.click('#signin-form button[type=submit]');
    await page.locator('#list-title').waitFor();
  });

  await step('a raised interrupt shows on the open workflow, which waits', async () => {
    await call('POST', '/api/v1/workflows', { id, status: 'running', state: { reply: 'Dear customer, ...' } });
    await page.goto(`${BASE}/#/w/${id}`);
    await live();
    await page.locator('#interrupts-empty').waitFor({ state: 'visible' });
    approval = await raise(id, { kind: 'approve', prompt: 'Send this reply to the customer?', schema: {
      type: 'object', required: ['decision'], properties: { decision: { enum: ['approve', 'reject'] } } } });
    await card(approval.id).waitFor();
    assert.match(await card(approval.id).innerText(), /Send this reply to the customer\?/);
    assert.deepEqual(await card(approval.id).locator('button').allInnerTexts(), ['approve', 'reject'],
      'the schema\'s choices as buttons');
    await page.locator('#wf-status').filter({ hasText: 'waiting' }).waitFor();
    assert.ok(await page.locator('#interrupts-empty').isHidden());
  });

  await step('a free-text question is answered with text', async () => {
    note = await raise(id, { kind: 'edit', prompt: 'Anything to add?' });
    await card(note.id).waitFor();
    await card(note.id).locator('textarea').fill('Mention the refund.');
    await card(note.id).locator('button[data-answer=submit]').click();
    await card(note.id).waitFor({ state: 'detached' });
    const answered = await interrupt(id, note.id);
    assert.equal(answered.status, 'resolved');
    assert.equal(answered.value, 'Mention the refund.');
    assert.equal(answered.resolved_by, ANSWER_SUB);
  });

  await step('an answer the schema refuses shows the server\'s reason and changes nothing', async () => {
    count = await raise(id, { kind: 'count', prompt: 'How many vouchers?', schema: { type: 'integer', minimum: 1 } });
    await card(count.id).waitFor();
    await card(count.id).locator('textarea').fill('0');
    await card(count.id).locator('button[data-answer=submit]').click();
    await card(count.id).locator('.error').filter({ hasText: /does not match the interrupt's schema/ }).waitFor();
    assert.equal((await interrupt(id, count.id)).status, 'open');
    await card(count.id).locator('textarea').fill('not json');
    await card(count.id).locator('button[data-answer=submit]').click();
    await card(count.id).locator('.error').filter({ hasText: /not valid JSON/ }).waitFor();
    await card(count.id).locator('textarea').fill('3');
    await card(count.id).locator('button[data-answer=submit]').click();
    await card(count.id).waitFor({ state: 'detached' });
    assert.equal((await interrupt(id, count.id)).value, 3);
  });

  await step('an interrupt answered elsewhere leaves the page', async () => {
    const other = await raise(id, { kind: 'approve', prompt: 'Close the ticket?' });
    await card(other.id).waitFor();
    await page.screenshot({ path: join(SHOTS, 'interrupts.png') });
    await call('POST', `${wfPath(id)}/interrupts/${other.id}/resolve`, { value: 'yes' });
    await card(other.id).waitFor({ state: 'detached' });
  });

  await step('the last answer, by a button, makes the workflow run again', async () => {
    assert.equal(await page.locator('#interrupts li.interrupt').count(), 1);
    await card(approval.id).locator('button[data-answer=approve]').click();
    await card(approval.id).waitFor({ state: 'detached' });
    await page.locator('#interrupts-empty').waitFor({ state: 'visible' });
    await page.locator('#wf-status').filter({ hasText: 'running' }).waitFor();
    const answered = await interrupt(id, approval.id);
    assert.deepEqual(answered.value, { decision: 'approve' });
    assert.equal((await call('GET', wfPath(id))).status, 'running');
    const types = (await call('GET', `${wfPath(id)}/events?limit=100`)).events.map((e) => e.type);
    assert.equal(types.filter((t) => t === 'interrupt.resolved').length, 4);
  });

  assert.deepEqual(pageErrors, [], 'no uncaught error in the page');
  ok = true;
} catch (err) {
  console.error(`FAILED: ${err.stack ?? err}`);
  await page.screenshot({ path: join(SHOTS, 'interrupts-failure.png'), fullPage: true }).catch(() => {});
  if (pageErrors.length) console.error(`page errors: ${pageErrors.join('\n')}`);
} finally {
  clearTimeout(watchdog);
  await context.close().catch(() => {});
  rmSync(profile, { recursive: true, force: true });
}
log(ok ? `PASSED ${steps.length} steps; screenshots in ${SHOTS}` : `FAILED after ${steps.length} steps`);
process.exit(ok ? 0 : 1);
