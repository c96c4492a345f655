#!/usr/bin/env node
// A Flowcast worker over the TCP event-bus bridge (docs/EVENTBUS.md, "The bridge").
//
// It claims the actions of one workflow, completes each with {handled_by, echo} and prints
// `completed <action id> <action type>` per action. With --work-seconds it "works" that long on each
// action first, renewing its lease with a heartbeat every second; when the workflow is cancelled the
// next heartbeat is refused, and the worker prints `cancelled <action id> <action type>` and stops.
// Node 18.3+, no dependencies.
//
// Protocol in short:
// - framing: every frame, both ways, is a 4-byte big-endian length, then that many bytes of UTF-8
//   JSON; a 'data' chunk may hold part of a frame or several frames, so we buffer until one is whole;
// - every `send` carries headers.authorization = "Bearer <JWT>": each frame is checked on its own;
// - a `send` names a replyAddress of our choosing; the answer is a `message` (or an `err`) whose
//   `address` is that replyAddress, which is how a reply is matched to its command;
// - the server closes a TCP connection it has read nothing from for 60 s: we ping more often.
'use strict';
const net = require('net');
const http = require('http');
const https = require('https');
const { parseArgs } = require('util');

const PING_EVERY_MS = 20000; // well under the server's bridge.idle_timeout_ms (60 s by default)
const POLL_PAUSE_MS = 200; // wait when nothing is claimable
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

class BridgeError extends Error { // an `err` frame; failureCode is the HTTP API's status
  constructor(frame) { super(frame.message); this.code = frame.failureCode; }
}

// POST the client_credentials grant to the token endpoint (docs/AUTH.md): {access_token, expires_in}
function fetchToken(base, clientId, clientSecret) {
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId,
    client_secret: clientSecret }).toString();
  const url = new URL(base.replace(/\/$/, '') + '/api/v1/auth/token');
  return new Promise((resolve, reject) => {
    const req = (url.protocol === 'https:' ? https : http).request(url, { method: 'POST', headers: {
      'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(form) } },
    (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c) => { text += c; }).on('end', () => (res.statusCode === 200
        ? resolve(JSON.parse(text)) : reject(new Error(`token endpoint ${res.statusCode}: ${text}`))));
    });
    req.on('error', reject).end(form);
  });
}

class Bridge {
  constructor(socket) {
    this.socket = socket;
    this.buf = Buffer.alloc(0);
    this.pending = new Map(); // replyAddress -> {resolve, reject}
    this.nextId = 1;
    socket.on('data', (chunk) => {
      this.buf = Buffer.concat([this.buf, chunk]);
      while (this.buf.length >= 4 && this.buf.length >= 4 + this.buf.readUInt32BE(0)) {
        const size = this.buf.readUInt32BE(0);
        const frame = JSON.parse(this.buf.subarray(4, 4 + size).toString('utf8'));
        this.buf = this.buf.subarray(4 + size);
        this.dispatch(frame);
      }
    });
    socket.on('close', () => this.failAll(new Error('the bridge closed the connection')));
    socket.on('error', (e) => this.failAll(e));
    this.pinger = setInterval(() => this.write({ type: 'ping' }), PING_EVERY_MS);
  }

  static connect(host, port) {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, host, () => { socket.off('error', reject); resolve(new Bridge(socket)); });
      socket.once('error', reject);
    });
  }

  write(frame) {
    const data = Buffer.from(JSON.stringify(frame), 'utf8');
    const head = Buffer.alloc(4);
    head.writeUInt32BE(data.length);
    this.socket.write(Buffer.concat([head, data]));
  }

  dispatch(frame) {
    if (frame.type === 'pong') return;
    const waiter = this.pending.get(frame.address);
    if (waiter) {
      this.pending.delete(frame.address);
      if (frame.type === 'err') waiter.reject(new BridgeError(frame)); else waiter.resolve(frame.body);
    } else if (frame.type === 'err') {
      this.failAll(new BridgeError(frame)); // an err for the connection itself (bad frame, shutdown)
    }
  }

  failAll(error) {
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
  }

  // Send a command and resolve with its reply body (the frame addressed to our replyAddress).
  request(address, body, authorization) {
    const replyAddress = `worker.reply.${this.nextId++}`;
    return new Promise((resolve, reject) => {
      if (this.socket.destroyed) return reject(new Error('the bridge closed the connection'));
      this.pending.set(replyAddress, { resolve, reject });
      this.write({ type: 'send', address, replyAddress, headers: { authorization }, body });
    });
  }

  close() { clearInterval(this.pinger); this.socket.end(); }
}

// Works on an action for --work-seconds, renewing its lease every second; false when the workflow was
// cancelled meanwhile (the heartbeat is refused with 409 naming the status: stop at once).
async function work(bridge, authorization, a, action) {
  const until = Date.now() + Number(a['work-seconds']) * 1000;
  while (Date.now() < until) {
    await sleep(Math.min(1000, Math.max(0, until - Date.now())));
    try {
      await bridge.request('flowcast.workflow.action.heartbeat', { id: a.workflow, action_id: action.id,
        body: { worker: a.worker, lease_seconds: Math.max(Number(a.lease || 0), 5) } }, await authorization());
    } catch (e) {
      if (e.code === 409 && / is cancelled /.test(e.message || '')) return false;
      throw e;
    }
  }
  return true;
}

async function main() {
  const { values: a } = parseArgs({ options: {
    token: { type: 'string' }, http: { type: 'string' }, 'client-id': { type: 'string' },
    'client-secret': { type: 'string' }, host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string' }, workflow: { type: 'string' }, worker: { type: 'string' },
    lease: { type: 'string' }, max: { type: 'string' }, 'idle-exit': { type: 'string', default: '10' },
    'work-seconds': { type: 'string', default: '0' } } });
  if (!a.port || !a.workflow || !a.worker || !(a.token || (a.http && a['client-id'] && a['client-secret']))) {
    console.error('usage: worker.js (--token JWT | --http URL --client-id ID --client-secret SECRET)\n'
      + '  [--host 127.0.0.1] --port PORT --workflow W --worker NAME [--lease S] [--max N] [--idle-exit S]'
      + ' [--work-seconds S]');
    return 2;
  }
  // A fixed --token, or one from the client_credentials grant, fetched again before it expires.
  let token = a.token; let renewAt = Infinity;
  const authorization = async () => {
    if (!token || Date.now() >= renewAt) {
      const answer = await fetchToken(a.http, a['client-id'], a['client-secret']);
      token = answer.access_token; renewAt = Date.now() + answer.expires_in * 800;
    }
    return `Bearer ${token}`;
  };
  await authorization();
  const bridge = await Bridge.connect(a.host, Number(a.port));
  const claim = { worker: a.worker, ...(a.lease ? { lease_seconds: Number(a.lease) } : {}) };
  const max = a.max ? Number(a.max) : Infinity;
  let done = 0; let idleSince = Date.now();
  try {
    while (done < max) {
      let action;
      try {
        ({ action } = await bridge.request('flowcast.workflow.action.claim',
          { id: a.workflow, body: claim }, await authorization()));
      } catch (e) {
        if (e.code !== 429) throw e;
        await sleep(1000); // over the write quota: back off, then claim again
        continue;
      }
      if (!action) { // nothing claimable
        if (Date.now() - idleSince >= Number(a['idle-exit']) * 1000) break;
        await sleep(POLL_PAUSE_MS);
        continue;
      }
      if (Number(a['work-seconds']) > 0 && !(await work(bridge, authorization, a, action))) {
        console.log(`cancelled ${action.id} ${action.type}`);
        return 0;
      }
      try {
        await bridge.request('flowcast.workflow.action.complete', { id: a.workflow, action_id: action.id,
          body: { result: { handled_by: a.worker, echo: action.payload }, worker: a.worker } },
        await authorization());
      } catch (e) {
        if (e.code !== 409) throw e;
        // our lease ran out and another worker took the action: its outcome counts
        console.error(`skipped ${action.id} ${e.message}`);
        continue;
      }
      done += 1; idleSince = Date.now();
      console.log(`completed ${action.id} ${action.type}`);
    }
  } finally {
    bridge.close();
  }
  return 0;
}

main().then((code) => { process.exitCode = code; }, (e) => {
  console.error(e instanceof BridgeError ? `error ${e.code} ${e.message}` : `error - ${e.message}`);
  process.exitCode = e instanceof BridgeError ? 1 : 2;
});
