// One workflow's live feed over the native EventSource, delivered to the view exactly once and in
// seq order: the snapshot (or a reset), the history up to it, then every event.
//
// Resuming: after a network drop the browser reconnects by itself and sends Last-Event-ID; when the
// browser gives up (a non-200 answer) or the stream is dropped on purpose, the feed opens a new
// EventSource with last_event_id=<the last event it delivered>. Either way the server replays what
// came after, and the seq check below drops anything already delivered.
//
// Event types: the stream is opened with ?format=message, so every frame is an unnamed SSE event that
// onmessage receives, its type inside the data: an event of a type never seen before arrives live like
// any other. A hole in seq (not expected) is still filled from the history endpoint. See docs/DASHBOARD.md.
//
// Tokens: EventSource carries the access token in its URL and the server ends the stream when that token
// expires (auth.expired). When the tab renews its token the feed reopens the stream with the new one,
// after the last delivered event; an auth.expired or a refused stream renews the token first.
import { api, workflowPath } from './api.js';
import { renewAfter, session, token } from './session.js';

const TERMINAL = { 'workflow.deleted': 'deleted', 'workflow.expired': 'expired' };
const HISTORY_PAGE = 1000;
const MAX_HISTORY_PAGES = 20;
const MAX_SEEN_TYPES = 500;
const MAX_RETRY_MS = 30000;

export class WorkflowFeed {
  #id;
  #on;
  #es = null;
  #bearer = null; // the access token #es was opened with
  #types = new Set(); // event types seen, for stats
  #lastSeq = null; // seq of the last event delivered (null: not known yet)
  #lastId = null; // its id (or the snapshot's), where a resume starts
  #anchorId = null;
  #pending = []; // live events waiting for history or a gap fill, by seq
  #fromRest = new Set(); // seqs delivered from the history endpoint; a late stream copy is expected
  #ready = false; // history up to the snapshot is loaded
  #busy = false; // a gap fill or poll is in flight
  #epoch = 0; // bumps on every snapshot/reset so stale async work is dropped
  #reconnecting = false;
  #retryMs = 500;
  #retryTimer = null;
  #paused = false;
  #ended = false;
  #stats = { received: [], duplicates: 0, gaps: 0, lateCopies: 0, learnedTypes: [], reconnects: 0, resets: 0,
    renewals: 0, authExpired: 0 };

  /**
   * @param on {snapshot(workflow, kind), history(events), event(event), connection(state, info),
   *            authExpired(reason), end(reason)}
   */
  constructor(id, on) {
    this.#id = id;
    this.#on = on;
  }

  start() {
    this.#emit('connecting');
    this.#open(null);
    session.addEventListener('renewed', this.#onRenewed);
  }

  stop() {
    this.#ended = true;
    this.#close();
    clearTimeout(this.#retryTimer);
    session.removeEventListener('renewed', this.#onRenewed);
  }

  /** Signed out: stop listening, keep where we were. */
  pause() {
    if (this.#ended) return;
    this.#paused = true;
    this.#close();
    clearTimeout(this.#retryTimer);
    this.#emit('paused');
  }

  /** Signed in again: carry on after the last delivered event. */
  resume() {
    if (this.#ended || !this.#paused) return;
    this.#paused = false;
    this.#startReconnect();
    this.#reopen();
  }

  /** Test and debug hook: drop the connection as a network failure would, then resume. */
  dropStream() {
    if (this.#ended || this.#paused || !this.#es) return;
    this.#close();
    this.#startReconnect();
    this.#retryTimer = setTimeout(() => this.#reopen(), 50);
  }

  stats() {
    return { ...structuredClone(this.#stats), lastSeq: this.#lastSeq, types: [...this.#types] };
  }

  #emit(state, info = {}) {
    this.#on.connection(state, info);
  }

  #open(lastEventId) {
    const bearer = token();
    if (!bearer) {
      this.#paused = true;
      this.#emit('paused');
      return;
    }
    let url = `${workflowPath(this.#id)}/stream?format=message&access_token=${encodeURIComponent(bearer)}`;
    if (lastEventId) url += `&last_event_id=${encodeURIComponent(lastEventId)}`;
    const es = new EventSource(url);
    this.#es = es;
    this.#bearer = bearer;
    es.onopen = () => {
      if (es !== this.#es) return;
      this.#retryMs = 500;
      if (this.#reconnecting) {
        this.#reconnecting = false;
        this.#emit('resumed', { fromSeq: this.#lastSeq });
      } else {
        this.#emit('live');
      }
    };
    es.onerror = () => {
      if (es !== this.#es) return;
      if (es.readyState === EventSource.CONNECTING) {
        this.#startReconnect(); // the browser retries by itself, with Last-Event-ID
      } else {
        this.#recover();
      }
    };
    es.onmessage = this.#onFrame;
  }

  #close() {
    if (this.#es) {
      this.#es.close();
      this.#es = null;
    }
  }

  #startReconnect() {
    if (!this.#reconnecting) {
      this.#reconnecting = true;
      this.#stats.reconnects++;
      this.#emit('reconnecting');
    }
  }

  #reopen() {
    if (this.#ended || this.#paused) return;
    // the server replays everything after #lastId; what was waiting comes again
    this.#pending = [];
    this.#open(this.#lastId);
  }

  /** The browser gave up on the stream (an error answer): find out why, then retry or stop. */
  async #recover() {
    this.#close();
    if (this.#ended || this.#paused) return;
    this.#startReconnect();
    try {
      await api('GET', workflowPath(this.#id));
    } catch (err) {
      if (this.#ended || this.#paused) return;
      if (err.status === 401) return; // signed out; resume() follows a new sign-in
      if (err.status === 404 || err.status === 403) {
        this.#end(err.status === 404 ? 'gone' : 'forbidden');
        return;
      }
    }
    clearTimeout(this.#retryTimer);
    this.#retryTimer = setTimeout(() => this.#reopen(), this.#retryMs);
    this.#retryMs = Math.min(this.#retryMs * 2, MAX_RETRY_MS);
  }

  /**
   * The tab has a new access token: the open stream would end when the old one expires, so reopen it
   * now with the new one, after the last delivered event (the indicator stays as it is).
   */
  #onRenewed = () => {
    if (this.#ended || this.#paused || !this.#es || this.#bearer === token()) return;
    this.#stats.renewals++;
    this.#close();
    this.#reopen();
  };

  /** auth.expired: the stream's token expired (renew it, then resume) or the session ended. */
  async #authEnded(reason) {
    const used = this.#bearer;
    this.#close();
    this.#startReconnect();
    const renewed = /revoked/i.test(reason ?? '') ? null : await renewAfter(used);
    if (this.#ended || this.#paused) return;
    if (renewed) {
      this.#stats.renewals++;
      clearTimeout(this.#retryTimer);
      this.#reopen();
      return;
    }
    this.#paused = true;
    this.#emit('paused', { reason: 'expired' });
    this.#on.authExpired(reason);
  }

  /** Every frame: its type is in its data (?format=message). */
  #onFrame = (e) => {
    if (e.target !== this.#es) return;
    let data;
    try {
      data = JSON.parse(e.data);
    } catch {
      return;
    }
    if (!data || typeof data !== 'object') return;
    if (data.type === 'auth.expired') {
      this.#stats.authExpired++;
      this.#authEnded(typeof data.reason === 'string' ? data.reason : null);
    } else if (data.type === 'snapshot' || data.type === 'reset') {
      const { type, seq, epoch, ...workflow } = data; // the frame's own fields; the rest is the workflow
      this.#anchor(type, workflow, e.lastEventId);
    } else if (Number.isInteger(data.seq)) {
      this.#learn([data]);
      this.#receive(data);
    }
  };

  #anchor(kind, workflow, id) {
    this.#epoch++;
    this.#anchorId = id || null;
    this.#lastSeq = null;
    this.#lastId = id || null;
    this.#pending = [];
    this.#ready = false;
    this.#busy = false;
    if (kind === 'reset') this.#stats.resets++;
    this.#on.snapshot(workflow, kind);
    if (kind === 'reset') this.#emit('reset');
    this.#loadHistory(this.#epoch);
  }

  /** Reads the history up to the snapshot's event: it fills the log and tells the snapshot's seq. */
  async #loadHistory(epoch) {
    let after = null;
    let last = null;
    let anchorSeq = null;
    try {
      for (let page = 0; page < MAX_HISTORY_PAGES && anchorSeq === null; page++) {
        const { data } = await api('GET', `${workflowPath(this.#id)}/events`,
          { query: { after, limit: HISTORY_PAGE } });
        if (epoch !== this.#epoch) return;
        const batch = [];
        for (const event of data.events ?? []) {
          if (this.#pending.length && event.seq >= this.#pending[0].seq) {
            anchorSeq = event.seq - 1;
            break;
          }
          batch.push(event);
          last = event;
          if (event.id === this.#anchorId) {
            anchorSeq = event.seq;
            break;
          }
        }
        this.#learn(batch);
        this.#on.history(batch);
        if (!data.has_more) break;
        after = data.next_after;
      }
    } catch {
      if (epoch !== this.#epoch) return;
      // without history the log starts with the live events; the state is complete anyway
    }
    if (anchorSeq === null && last) anchorSeq = last.seq;
    if (anchorSeq !== null && last && last.seq === anchorSeq) this.#lastId = last.id;
    this.#lastSeq = anchorSeq;
    this.#ready = true;
    this.#drain();
  }

  #receive(event) {
    const received = this.#stats.received;
    received.push(event.seq);
    if (received.length > 5000) received.splice(0, received.length - 5000);
    if (!this.#ready || this.#busy) {
      this.#queue(event);
    } else {
      this.#process(event);
    }
  }

  #queue(event) {
    const at = this.#pending.findIndex((p) => p.seq >= event.seq);
    if (at >= 0 && this.#pending[at].seq === event.seq) {
      this.#stats.duplicates++;
    } else if (at < 0) {
      this.#pending.push(event);
    } else {
      this.#pending.splice(at, 0, event);
    }
  }

  #process(event) {
    if (this.#lastSeq !== null && event.seq <= this.#lastSeq) {
      if (this.#fromRest.delete(event.seq)) this.#stats.lateCopies++;
      else this.#stats.duplicates++;
      return;
    }
    if (this.#lastSeq === null || event.seq === this.#lastSeq + 1) {
      this.#deliver(event, false);
      return;
    }
    this.#queue(event);
    this.#fillGap();
  }

  #drain() {
    while (this.#ready && !this.#busy && this.#pending.length && !this.#ended) {
      this.#process(this.#pending.shift());
    }
  }

  /** Events between #lastSeq and the first waiting one were not dispatched: read them from history. */
  async #fillGap() {
    this.#busy = true;
    const epoch = this.#epoch;
    try {
      let progress = true;
      while (progress && this.#pending.length && this.#pending[0].seq > this.#lastSeq + 1) {
        const missing = this.#pending[0].seq - this.#lastSeq - 1;
        const { data } = await api('GET', `${workflowPath(this.#id)}/events`,
          { query: { after: this.#lastId, limit: Math.min(HISTORY_PAGE, missing) } });
        if (epoch !== this.#epoch) return;
        progress = false;
        for (const event of data.events ?? []) {
          if (event.seq <= this.#lastSeq) continue;
          if (!this.#pending.length || event.seq >= this.#pending[0].seq) break;
          this.#stats.gaps++; // the stream skipped an event
          this.#learn([event]);
          this.#deliver(event, true);
          progress = true;
        }
      }
      if (!progress && this.#pending.length) {
        this.#stats.gaps++; // not in the history any more: accept the hole
        this.#lastSeq = this.#pending[0].seq - 1;
      }
    } catch {
      if (epoch !== this.#epoch) return;
      this.#busy = false;
      clearTimeout(this.#retryTimer);
      this.#retryTimer = setTimeout(() => this.#drain(), 1000);
      return;
    }
    this.#busy = false;
    this.#drain();
  }

  /** Counts the event types seen (stats only: every type arrives through onmessage). */
  #learn(events) {
    for (const { type } of events) {
      if (typeof type !== 'string' || this.#types.has(type)) continue;
      if (this.#stats.learnedTypes.length >= MAX_SEEN_TYPES) return;
      this.#types.add(type);
      this.#stats.learnedTypes.push(type);
    }
  }

  #deliver(event, fromRest) {
    this.#lastSeq = event.seq;
    this.#lastId = event.id;
    if (fromRest) {
      this.#fromRest.add(event.seq);
      if (this.#fromRest.size > 1000) this.#fromRest.delete(this.#fromRest.values().next().value);
    }
    this.#on.event(event);
    const reason = TERMINAL[event.type];
    if (reason) this.#end(reason);
  }

  #end(reason) {
    if (this.#ended) return;
    this.stop();
    this.#emit('ended', { reason });
    this.#on.end(reason);
  }
}
