// The tenant feed (GET /api/v1/feed) over the native EventSource: a snapshot of the tenant's newest
// workflows, then each one created, changed, deleted or expired, as {id, version, status, updated_at}.
// The feed is a view, not a log: every (re)connection starts with a fresh snapshot, which replaces what
// the page held, so a network drop needs nothing but the browser's own reconnect. Opened with
// ?format=message: every frame is unnamed, its type in the data (see docs/API.md, "Tenant feed").
//
// Tokens: as for a workflow's feed (feed.js), the access token travels in the URL; when the tab renews
// it, the feed reopens with the new one; an auth.expired renews first.
import { renewAfter, session, token } from './session.js';

const MAX_RETRY_MS = 30000;
/** The newest workflows the snapshot holds: what the counts and the search cover. */
export const SNAPSHOT_LIMIT = 500;

export class TenantFeed {
  #on;
  #es = null;
  #bearer = null;
  #retryMs = 1000;
  #retryTimer = null;
  #stopped = false;

  /** @param on {snapshot(workflows, more), change(type, summary), connection(state)} */
  constructor(on) {
    this.#on = on;
  }

  start() {
    this.#stopped = false;
    session.addEventListener('renewed', this.#onRenewed);
    this.#open();
  }

  stop() {
    this.#stopped = true;
    clearTimeout(this.#retryTimer);
    session.removeEventListener('renewed', this.#onRenewed);
    this.#close();
  }

  #open() {
    const bearer = token();
    if (!bearer || this.#stopped) return;
    this.#on.connection('connecting');
    const url = `/api/v1/feed?format=message&limit=${SNAPSHOT_LIMIT}&access_token=${encodeURIComponent(bearer)}`;
    const es = new EventSource(url);
    this.#es = es;
    this.#bearer = bearer;
    es.onmessage = (e) => {
      if (es !== this.#es) return;
      let frame;
      try {
        frame = JSON.parse(e.data);
      } catch {
        return;
      }
      this.#frame(frame);
    };
    es.onerror = () => {
      if (es !== this.#es) return;
      if (es.readyState === EventSource.CONNECTING) {
        this.#on.connection('reconnecting'); // the browser retries by itself; a snapshot follows
      } else {
        this.#retry(); // refused (401, 429...): try again later, with the token of the moment
      }
    };
  }

  #frame(frame) {
    if (!frame || typeof frame !== 'object') return;
    const { type, ...data } = frame;
    if (type === 'snapshot') {
      this.#retryMs = 1000;
      this.#on.connection('live');
      this.#on.snapshot(Array.isArray(data.workflows) ? data.workflows : [], Boolean(data.next_cursor));
    } else if (type === 'auth.expired') {
      this.#authEnded(data.reason);
    } else if (typeof data.id === 'string' && Number.isInteger(data.version)) {
      this.#on.change(type, data);
    }
  }

  async #authEnded(reason) {
    const used = this.#bearer;
    this.#close();
    const renewed = /revoked/i.test(reason ?? '') ? null : await renewAfter(used);
    if (renewed && !this.#stopped) {
      this.#open();
    } else {
      this.#on.connection('ended');
    }
  }

  #retry() {
    this.#close();
    this.#on.connection('reconnecting');
    clearTimeout(this.#retryTimer);
    this.#retryTimer = setTimeout(() => this.#open(), this.#retryMs);
    this.#retryMs = Math.min(this.#retryMs * 2, MAX_RETRY_MS);
  }

  #close() {
    if (this.#es) {
      this.#es.close();
      this.#es = null;
    }
  }

  #onRenewed = () => {
    if (this.#stopped || !this.#es || this.#bearer === token()) return;
    this.#close();
    this.#open();
  };
}
