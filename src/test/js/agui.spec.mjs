// A workflow's stream with ?format=ag-ui, read and checked with the AG-UI protocol's own packages: every
// event must parse with @ag-ui/core's schemas, the sequence must pass @ag-ui/client's verifyEvents (run
// started first, text messages opened before content and closed before the run ends, nothing after the
// run), the STATE_SNAPSHOT plus every STATE_DELTA applied with fast-json-patch must give the workflow's
// state on the server, and the text messages must give the output's text.
//
//   FLOWCAST_BASE_URL=http://127.0.0.1:8080 FLOWCAST_TOKEN=<read-write jwt> node src/test/js/agui.spec.mjs
//
// Run by AgUiStreamTest; exits 0 when every check passed.
import assert from 'node:assert/strict';
import { EventSchemas } from '@ag-ui/core/schemas';
import { verifyEvents } from '@ag-ui/client';
import fastJsonPatch from 'fast-json-patch';
import { from, lastValueFrom, toArray } from 'rxjs';

const BASE = process.env.FLOWCAST_BASE_URL.replace(/\/$/, '');
const TOKEN = process.env.FLOWCAST_TOKEN;
const id = `agui-${Date.now().toString(36)}`;
const path = `/api/v1/workflows/${id}`;

async function call(method, to, body, contentType = 'application/json') {
  const response = await fetch(BASE + to, {
    method,
    headers: { Authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { 'Content-Type': contentType }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  assert.ok(response.ok, `${method} ${to}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/** Reads the stream's SSE frames until `done(events)`; every frame's data is one AG-UI event. */
async function read(response, done) {
  const events = [];
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of response.body) {
    buffer += decoder.decode(chunk, { stream: true });
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = frame.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).join('\n');
      if (data) events.push(JSON.parse(data));
    }
    if (done(events)) return events;
  }
  throw new Error(`the stream ended after ${events.length} events`);
}

let ok = false;
try {
  await call('POST', '/api/v1/workflows', { id, status: 'running',
    state: { step: 1, doc: { title: 'draft', tags: ['a'] }, note: 'goes away', 'odd/key~': 1 } });
  const response = await fetch(`${BASE}${path}/stream?format=ag-ui`, { headers: { Authorization: `Bearer ${TOKEN}` } });
  assert.equal(response.status, 200);
  const reading = read(response, (events) => events.some((e) => e.type === 'RUN_FINISHED' || e.type === 'RUN_ERROR'));

  await new Promise((resolve) => setTimeout(resolve, 300)); // the stream has its snapshot
  await call('PATCH', path, { state: { step: 2, doc: { title: 'final' }, note: null, 'odd/key~': 2 } },
    'application/merge-patch+json');
  let text = '';
  for (const token of ['The ', 'answer ', 'is ', '42.']) {
    await call('POST', `${path}/outputs/answer/append`, { text: token, offset: text.length });
    text += token;
  }
  await call('POST', `${path}/outputs/answer/close`, {});
  const raised = await call('POST', `${path}/interrupts`, { kind: 'approve', prompt: 'Ship it?' });
  await call('POST', `${path}/interrupts/${raised.id}/resolve`, { value: 'yes' });
  await call('PATCH', path, { state: { doc: { tags: ['a', 'b'] } } }, 'application/merge-patch+json');
  await call('PATCH', path, { status: 'completed' }, 'application/merge-patch+json');
  const events = await reading;
  console.log(`${events.length} AG-UI events: ${events.map((e) => e.type).join(' ')}`);

  // the protocol's own schema, event by event
  for (const event of events) {
    const parsed = EventSchemas.safeParse(event);
    assert.ok(parsed.success, `${JSON.stringify(event)}: ${parsed.error}`);
  }
  // the protocol's own ordering rules
  await lastValueFrom(from(events).pipe(verifyEvents(false), toArray()));
  assert.equal(events[0].type, 'RUN_STARTED');
  assert.equal(events[0].threadId, id);
  assert.equal(events.at(-1).type, 'RUN_FINISHED');

  // the state: the snapshot, then every delta, equals the server's
  let state = events.find((e) => e.type === 'STATE_SNAPSHOT').snapshot;
  for (const e of events.filter((x) => x.type === 'STATE_DELTA')) {
    state = fastJsonPatch.applyPatch(state, e.delta, true, false).newDocument;
  }
  const workflow = await call('GET', path);
  assert.deepEqual(state, workflow.state, 'STATE_SNAPSHOT + STATE_DELTAs = the workflow\'s state');
  assert.equal(events.filter((e) => e.type === 'STATE_DELTA').length, 2, 'one delta per state change');

  // the text: the message's content is the output's text
  const messageId = `${id}/answer`;
  const content = events.filter((e) => e.type === 'TEXT_MESSAGE_CONTENT' && e.messageId === messageId)
    .map((e) => e.delta).join('');
  assert.equal(content, (await call('GET', `${path}/outputs/answer`)).text);
  assert.equal(content, text);

  // interrupts and status moves as CUSTOM events named by their type
  const custom = events.filter((e) => e.type === 'CUSTOM').map((e) => e.name);
  assert.ok(custom.includes('interrupt.raised') && custom.includes('interrupt.resolved'), custom.join(' '));
  // a new connection to the finished workflow: the run, its state and its end, nothing after
  const again = await fetch(`${BASE}${path}/stream?format=ag-ui`, { headers: { Authorization: `Bearer ${TOKEN}` } });
  const rebuilt = await read(again, (evs) => evs.some((e) => e.type === 'RUN_FINISHED'));
  await again.body.cancel().catch(() => {});
  await lastValueFrom(from(rebuilt).pipe(verifyEvents(false), toArray()));
  assert.deepEqual(rebuilt.map((e) => e.type), ['RUN_STARTED', 'STATE_SNAPSHOT', 'RUN_FINISHED']);
  assert.deepEqual(rebuilt[1].snapshot, workflow.state);

  // a reconnect while the run goes on starts from a snapshot, with the text of an open output so far
  const live = `${id}-live`;
  await call('POST', '/api/v1/workflows', { id: live, status: 'running', state: { n: 1 } });
  await call('POST', `/api/v1/workflows/${live}/outputs/answer/append`, { text: 'half ' });
  const joined = await fetch(`${BASE}/api/v1/workflows/${live}/stream?format=ag-ui`, {
    headers: { Authorization: `Bearer ${TOKEN}`, 'Last-Event-ID': 'ignored' } });
  const first = await read(joined, (evs) => evs.some((e) => e.type === 'TEXT_MESSAGE_CONTENT'));
  await joined.body.cancel().catch(() => {});
  await lastValueFrom(from(first).pipe(verifyEvents(false), toArray()));
  assert.deepEqual(first.map((e) => e.type), ['RUN_STARTED', 'STATE_SNAPSHOT', 'TEXT_MESSAGE_START',
    'TEXT_MESSAGE_CONTENT']);
  assert.equal(first[3].delta, 'half ');

  // only a workflow's own stream speaks AG-UI
  const multi = await fetch(`${BASE}/api/v1/stream?workflow=${id}&format=ag-ui`, {
    headers: { Authorization: `Bearer ${TOKEN}` } });
  assert.equal(multi.status, 400);
  assert.equal(multi.headers.get('content-type'), 'application/problem+json');

  ok = true;
  console.log('PASSED');
} catch (err) {
  console.error('FAILED:', err);
}
process.exit(ok ? 0 : 1);
