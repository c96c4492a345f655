// The agent example of docs/AGENTS.md, run as a user runs it: the worker (examples/python/agent.py) on
// instance A, the page (webroot/examples/agent.html) in Debian's chromium on instance B (the same server
// when both are one). Checks: the page shows the answer as it is streamed, a reload mid-answer shows the
// text so far and continues with no gap and no duplicate (the page's text equals the worker's), an
// approval given on the page reaches the worker and ends the workflow, a cancel from the page stops the
// worker within a second, and the durable log holds one row per roll-up window, not one per token.
//
//   FLOWCAST_WORKER_URL=http://127.0.0.1:8080 FLOWCAST_PAGE_URL=http://127.0.0.1:8081 \
//   FLOWCAST_TOKEN=<read-write jwt of tenant acme> FLOWCAST_ROLLUP_MS=400 node src/test/js/agent.spec.mjs
//
// Optional: CHROMIUM (default /usr/bin/chromium), PYTHON (default python3). Run by AgentExampleTest.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

const WORKER_URL = required('FLOWCAST_WORKER_URL').replace(/\/$/, '');
const PAGE_URL = required('FLOWCAST_PAGE_URL').replace(/\/$/, '');
const TOKEN = required('FLOWCAST_TOKEN');
const ROLLUP_MS = Number(required('FLOWCAST_ROLLUP_MS'));
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const PYTHON = process.env.PYTHON || 'python3';
const RUN = Date.now().toString(36);
const started = Date.now();
const log = (...args) => console.log(`[${((Date.now() - started) / 1000).toFixed(1)}s]`, ...args);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function required(name) {
  if (!process.env[name]) {
    console.error(`${name} is required`);
    process.exit(2);
  }
  return process.env[name];
}

/** The worker as a child process; `line(prefix)` waits for (and answers) its first line starting so. */
function worker(id, tokens, delayMs) {
  const child = spawn(PYTHON, ['examples/python/agent.py', '--http', WORKER_URL, '--workflow', id,
    '--tokens', String(tokens), '--delay-ms', String(delayMs)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = [];
  const waiting = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    log(`  worker ${id}: ${line.length > 120 ? line.slice(0, 120) + '…' : line}`);
    lines.push({ line, at: Date.now() });
    waiting.filter((w) => line.startsWith(w.prefix)).forEach((w) => w.resolve({ line, at: Date.now() }));
  });
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    line(prefix, timeoutMs = 30_000) {
      const seen = lines.find((l) => l.line.startsWith(prefix));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        waiting.push({ prefix, resolve });
        setTimeout(() => reject(new Error(`worker ${id} printed no '${prefix}' within ${timeoutMs} ms; `
          + `stderr: ${err}`)), timeoutMs);
      });
    },
    async exit() {
      const code = await exited;
      assert.equal(code, 0, `worker ${id} exit code; stderr: ${err}`);
    },
  };
}

async function call(method, path) {
  const response = await fetch(WORKER_URL + path, { method, headers: { Authorization: `Bearer ${TOKEN}` } });
  assert.ok(response.ok, `${method} ${path}: ${response.status}`);
  return response.json();
}

const profile = mkdtempSync(join(tmpdir(), 'flowcast-agent-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: CHROMIUM, headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
const watchdog = setTimeout(() => {
  console.error('FAILED: the run took longer than 120 s');
  process.exit(1);
}, 120_000);
const page = context.pages()[0] ?? await context.newPage();
const pageErrors = [];
page.on('pageerror', (e) => pageErrors.push(String(e)));
page.setDefaultTimeout(15_000);
const open = (id) => page.goto(`${PAGE_URL}/examples/agent.html#workflow=${id}&token=${TOKEN}`);
const shown = () => page.locator('#answer').textContent();

let ok = false;
try {
  // ------------------------------------------------ answer, reload mid-answer, approve on the other instance
  const id = `agent-${RUN}-1`;
  const tokens = 120;
  const one = worker(id, tokens, 40);
  await one.line('streaming');
  const t0 = Date.now();
  await open(id);
  await page.waitForFunction(() => document.querySelector('#answer').textContent.length > 40);
  const before = await shown();
  log(`reload with ${before.length} characters shown`);
  await page.reload();
  await page.waitForFunction((n) => document.querySelector('#answer').textContent.length >= n, before.length);
  const afterReload = await shown();
  assert.ok(afterReload.startsWith(before), 'the text so far, again, after the reload');
  const closed = await one.line('closed');
  const full = JSON.parse((await one.line('text')).line.slice('text '.length));
  await page.waitForFunction(() => document.querySelector('#answer').dataset.closed === 'true');
  assert.equal(await shown(), full, 'the page holds exactly the worker\'s answer: no gap, no duplicate');
  log(`answer of ${full.length} characters in ${closed.at - t0} ms`);

  await one.line('raised');
  await page.locator('#question:not([hidden]) #approve').click();
  await one.line('answered approve');
  await one.line('completed');
  await page.locator('#status').filter({ hasText: 'completed' }).waitFor();
  await one.exit();

  const { events } = await call('GET', `/api/v1/workflows/${id}/events?limit=1000`);
  const rows = events.filter((e) => e.type.startsWith('output.'));
  const windows = Math.ceil((closed.at - t0) / ROLLUP_MS) + 2;
  log(`${rows.length} durable rows of the answer (${tokens} tokens, ${closed.at - t0} ms, roll-up ${ROLLUP_MS} ms)`);
  assert.ok(rows.length <= windows, `rows per answer bounded by the roll-up window: ${rows.length} > ${windows}`);
  assert.ok(rows.length < tokens / 4, `far fewer rows than tokens: ${rows.length}`);
  assert.equal(rows.at(-1).type, 'output.closed');
  assert.equal(rows.at(-1).data.text, full);

  // ------------------------------------------------ a cancel from the page stops the worker within a second
  const id2 = `agent-${RUN}-2`;
  const two = worker(id2, 2000, 30);
  await two.line('streaming');
  await open(id2);
  await page.waitForFunction(() => document.querySelector('#answer').textContent.length > 20);
  const clicked = Date.now();
  await page.click('#cancel');
  const stopped = await two.line('cancelled', 5000).catch(async (e) => {
    log(`page status: ${await page.locator('#status').textContent()}`);
    throw e;
  });
  log(`the worker stopped ${stopped.at - clicked} ms after the click (${stopped.line})`);
  assert.ok(stopped.at - clicked < 1000, `the worker stopped within a second: ${stopped.at - clicked} ms`);
  await page.locator('#status').filter({ hasText: 'cancelled' }).waitFor();
  await page.waitForFunction(() => document.querySelector('#answer').dataset.closed === 'true');
  await two.exit();

  assert.deepEqual(pageErrors, [], 'no page error');
  ok = true;
  log('PASSED');
} catch (err) {
  console.error('FAILED:', err);
} finally {
  clearTimeout(watchdog);
  await context.close().catch(() => {});
  rmSync(profile, { recursive: true, force: true });
}
process.exit(ok ? 0 : 1);
