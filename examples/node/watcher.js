#!/usr/bin/env node
// Watch a Flowcast workflow's events over the TCP event-bus bridge (docs/EVENTBUS.md, "The bridge").
//
// Prints `<type> <seq> <compact JSON>` per message: first the snapshot (or, with --last-event-id,
// the events after that id), then every event live. Node 18.3+, no dependencies.
//
// Protocol in short:
// - framing: every frame, both ways, is a 4-byte big-endian length, then that many bytes of UTF-8
//   JSON; a 'data' chunk may hold part of a frame or several frames, so we buffer until one is whole;
// - `register` on `flowcast.events.<workflow id>` with headers.authorization = "Bearer <JWT>" starts
//   the feed; there is no acknowledgement: the first `message` on that address is the snapshot;
// - an `err` frame on that address ends the registration (`code`: expired, revoked, gone, closed);
//   when the token expired we register again with a new one and last_event_id (the id in the
//   headers of the last message), which resumes the feed with no gap and no duplicate;
// - the server closes a TCP connection it has read nothing from for 60 s: a watcher only receives,
//   so it must ping.
'use strict';
const net = require('net');
const http = require('http');
const https = require('https');
const { parseArgs } = require('util');

const PING_EVERY_MS = 20000; // well under the server's bridge.idle_timeout_ms (60 s by default)

// POST the client_credentials grant to the token endpoint (docs/AUTH.md); resolves the JWT
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
        ? resolve(JSON.parse(text).access_token) : reject(new Error(`token endpoint ${res.statusCode}: ${text}`))));
    });
    req.on('error', reject).end(form);
  });
}

function writeFrame(socket, frame) {
  const data = Buffer.from(JSON.stringify(frame), 'utf8');
  const head = Buffer.alloc(4);
  head.writeUInt32BE(data.length);
  socket.write(Buffer.concat([head, data]));
}

// Resolves with the exit code: 0 after `count` messages, 1 on an err frame, 2 if the connection ends.
function watch(a) {
  const address = `flowcast.events.${a.workflow}`;
  const count = a.count ? Number(a.count) : Infinity;
  return new Promise((resolve) => {
    let buf = Buffer.alloc(0);
    let received = 0;
    let lastId = a['last-event-id'];
    let pinger;
    let ended = false;
    const finish = (code) => {
      if (ended) return;
      ended = true; clearInterval(pinger); socket.end(); resolve(code);
    };
    const register = async () => {
      const token = a.token || await fetchToken(a.http, a['client-id'], a['client-secret']);
      const headers = { authorization: `Bearer ${token}` };
      if (lastId) headers.last_event_id = lastId; // resume after it: no snapshot, no gap
      writeFrame(socket, { type: 'register', address, headers });
    };
    const socket = net.connect(Number(a.port), a.host, () => {
      register().catch((e) => { console.error(`error - ${e.message}`); finish(2); });
      pinger = setInterval(() => writeFrame(socket, { type: 'ping' }), PING_EVERY_MS);
    });
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      while (received < count && buf.length >= 4 && buf.length >= 4 + buf.readUInt32BE(0)) {
        const size = buf.readUInt32BE(0);
        const frame = JSON.parse(buf.subarray(4, 4 + size).toString('utf8'));
        buf = buf.subarray(4 + size);
        if (frame.type === 'err' && frame.code === 'expired' && !a.token) {
          // the token of the registration expired: with credentials, take a new one and go on
          console.error(`renewing the token, resuming after ${lastId}`);
          register().catch((e) => { console.error(`error - ${e.message}`); finish(2); });
          continue;
        }
        if (frame.type === 'err') {
          console.error(`error ${frame.failureCode} ${frame.message}`);
          return finish(1);
        }
        if (frame.type === 'message' && frame.address === address) {
          lastId = frame.headers.id;
          const body = frame.body;
          process.stdout.write(`${body.type} ${body.seq} ${JSON.stringify(body)}\n`);
          received += 1;
          // after workflow.deleted / workflow.expired the server ends the feed with an err `gone`
        }
      }
      if (received >= count) finish(0);
    });
    socket.on('error', (e) => { if (!ended) console.error(`error - ${e.message}`); finish(2); });
    socket.on('close', () => {
      if (!ended) { console.error('error - the bridge closed the connection'); finish(2); }
    });
  });
}

async function main() {
  const { values: a } = parseArgs({ options: {
    token: { type: 'string' }, http: { type: 'string' }, 'client-id': { type: 'string' },
    'client-secret': { type: 'string' }, host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string' }, workflow: { type: 'string' }, 'last-event-id': { type: 'string' },
    count: { type: 'string' } } });
  if (!a.port || !a.workflow || !(a.token || (a.http && a['client-id'] && a['client-secret']))) {
    console.error('usage: watcher.js (--token JWT | --http URL --client-id ID --client-secret SECRET)\n'
      + '  [--host 127.0.0.1] --port PORT --workflow W [--last-event-id ID] [--count N]');
    return 2;
  }
  return watch(a);
}

main().then((code) => { process.exitCode = code; }, (e) => {
  console.error(`error - ${e.message}`);
  process.exitCode = 2;
});
