// A client that knows nothing of Flowcast's event types: a page in Debian's chromium with a plain
// EventSource and only `onmessage`, and the `eventsource` library in Node the same way, each on a
// stream opened with ?format=message. Each must receive every frame of the workflow, custom types
// included, in order (resume rules are tested in MessageFormatTest).
//
//   FLOWCAST_BASE_URL=http://127.0.0.1:8080 FLOWCAST_TOKEN=<jwt> node src/test/js/onmessage.spec.mjs
//
// Run by PlainEventSourceTest; exits 0 when every step passed.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventSource } from 'eventsource';
import { chromium } from 'playwright-core';

const BASE = process.env.FLOWCAST_BASE_URL.replace(/\/$/, '');
const TOKEN = process.env.FLOWCAST_TOKEN;
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const TYPES = ['agent.thought', 'tool.call', 'tick', 'agent.answer'];
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function call(method, path, body) {
  const response = await fetch(BASE + path, {
    method,
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  assert.ok(response.ok, `${method} ${path} answered ${response.status}: ${text}`);
  return JSON.parse(text);
}

async function until(what, probe, ms = 10000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await probe()) {
      return;
    }
    await sleep(50);
  }
  throw new Error(`${what}: not within ${ms} ms`);
}

/** Sends the custom events; returns the types every client must see, after the snapshot. */
async function publish(id) {
  for (const type of TYPES) {
    await call('POST', `/api/v1/workflows/${id}/events`, { type, data: { type } });
  }
  await call('PATCH', `/api/v1/workflows/${id}`, { state: { done: true } });
  return ['snapshot', ...TYPES, 'state.updated'];
}

function streamUrl(id) {
  return `${BASE}/api/v1/workflows/${id}/stream?format=message&access_token=${encodeURIComponent(TOKEN)}`;
}

function check(frames, expected, who) {
  assert.deepEqual(frames.map((f) => f.type), expected, `${who}: the types, in order`);
  frames.forEach((f, i) => assert.equal(f.seq, i + 1, `${who}: seq of frame ${i}`));
}

// ---------------------------------------------------------------- the browser

async function browser(id) {
  const profile = mkdtempSync(join(tmpdir(), 'flowcast-onmessage-'));
  const launched = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await launched.newPage();
    await page.goto(`${BASE}/health`);
    await page.evaluate((url) => {
      window.frames_ = [];
      const source = new EventSource(url);
      source.onmessage = (m) => window.frames_.push(JSON.parse(m.data));
    }, streamUrl(id));
    await until('the browser got the snapshot', () => page.evaluate(() => window.frames_.length >= 1));
    const expected = await publish(id);
    await until('the browser got every frame', () => page.evaluate((n) => window.frames_.length >= n, expected.length));
    check(await page.evaluate(() => window.frames_), expected, 'EventSource in chromium');
    console.log('chromium: onmessage received', expected.join(', '));
  } finally {
    await launched.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- a non-browser library

async function library(id) {
  const frames = [];
  const source = new EventSource(streamUrl(id));
  source.onmessage = (m) => frames.push(JSON.parse(m.data));
  try {
    await until('the library got the snapshot', () => frames.length >= 1);
    const expected = await publish(id);
    await until('the library got every frame', () => frames.length >= expected.length);
    check(frames, expected, 'the eventsource library');
    console.log('eventsource library: onmessage received', expected.join(', '));
  } finally {
    source.close();
  }
}

try {
  for (const id of ['plain-browser', 'plain-library']) {
    await call('POST', '/api/v1/workflows', { id, state: { started: true } });
  }
  await browser('plain-browser');
  await library('plain-library');
  console.log('every step passed');
  process.exit(0);
} catch (err) {
  console.error(err);
  process.exit(1);
}
