// The tab's sign-in, kept in sessionStorage only (this tab, gone when it closes; never localStorage or
// cookies):
//   flowcast.token          the access token: pasted, or from the token endpoint (docs/AUTH.md)
//   flowcast.refresh_token  a password sign-in's refresh token (none for a pasted token)
//   flowcast.renew_at       when to renew (epoch ms): before expires_in runs out
//
// Renewing: one refresh at a time for the whole tab, before the access token expires or when the
// server refuses it. A refresh token is spent by its first use (the server revokes the whole session
// when one comes back), so it is removed from storage before it is sent and never sent again: a
// request that got no answer counts as spent. See docs/DASHBOARD.md.
import { AuthError, grant, reachable, revoke } from './auth.js';

const KEY = 'flowcast.token';
const REFRESH = 'flowcast.refresh_token';
const RENEW_AT = 'flowcast.renew_at';
const PREFIX = 'flowcast.';
const RESUMES = 'Sign in again: the open view resumes where it stopped.';

/** Events: signedin, signedout {message}, renewed (a new access token is in place). */
export const session = new EventTarget();

let epoch = 0; // bumps on every sign-in and sign-out: answers meant for an earlier sign-in are dropped
let renewing = null; // the refresh in flight
let timer = null;
let owned = Promise.resolve(true); // whether this tab owns the session's refresh token (see claim)
let releaseLock = null;
let notRenewable = null; // why this tab may not renew (it was copied from another)

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function read(key) {
  try {
    return sessionStorage.getItem(key);
  } catch {
    return null;
  }
}

/** Removes everything the dashboard keeps in this tab's storage. */
function forget() {
  try {
    for (let i = sessionStorage.length - 1; i >= 0; i--) {
      const key = sessionStorage.key(i);
      if (key?.startsWith(PREFIX)) sessionStorage.removeItem(key);
    }
  } catch {
    // storage disabled: nothing was kept
  }
}

/** The token's claims (not verified: the server does that); null when it is not a JWT. */
export function decodeClaims(token) {
  const parts = (token ?? '').split('.');
  if (parts.length !== 3) return null;
  try {
    const base64 = parts[1].replace(/-/g, '+').replace(/_/g, '/');
    const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
    const bytes = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
    const claims = JSON.parse(new TextDecoder().decode(bytes));
    return claims && typeof claims === 'object' && !Array.isArray(claims) ? claims : null;
  } catch {
    return null;
  }
}

export function token() {
  return read(KEY);
}

export function claims() {
  return decodeClaims(token());
}

/** Whether this sign-in renews itself (a password sign-in with a refresh token). */
export function renewable() {
  return Boolean(renewing || read(REFRESH));
}

export function expiresAt(c = claims()) {
  return typeof c?.exp === 'number' ? new Date(c.exp * 1000) : null;
}

/** Signs in with a pasted access token: it works until it expires; nothing renews it. */
export function signIn(value) {
  begin();
  sessionStorage.setItem(KEY, value);
  session.dispatchEvent(new CustomEvent('signedin', { detail: decodeClaims(value) }));
}

/** Signs in with a token endpoint answer ({access_token, expires_in, refresh_token?}). */
export function signInWithGrant(answer) {
  begin();
  keep(answer);
  claim(decodeClaims(answer.access_token)?.sid);
  schedule();
  session.dispatchEvent(new CustomEvent('signedin', { detail: decodeClaims(answer.access_token) }));
}

function begin() {
  forget();
  epoch++;
  clearTimeout(timer);
  claim(null);
}

function keep(answer) {
  sessionStorage.setItem(KEY, answer.access_token);
  if (typeof answer.refresh_token === 'string' && answer.refresh_token) {
    sessionStorage.setItem(REFRESH, answer.refresh_token);
  } else {
    sessionStorage.removeItem(REFRESH);
  }
  let life = Number(answer.expires_in);
  if (!(life > 0)) {
    const exp = decodeClaims(answer.access_token)?.exp;
    life = typeof exp === 'number' ? exp - Date.now() / 1000 : 0;
  }
  // renew a quarter of the lifetime ahead, at most a minute: 10 s -> after 7.5 s, 15 min -> after 14
  if (life > 0) sessionStorage.setItem(RENEW_AT, String(Math.round(Date.now() + (life - Math.min(60, life / 4)) * 1000)));
  else sessionStorage.removeItem(RENEW_AT);
}

/**
 * Signs out: forgets the tab's tokens at once, then revokes the session on the server with the refresh
 * token (which ends its streams and refuses its access tokens). Resolves to {revoked, error}.
 */
export async function signOut() {
  const refresh = read(REFRESH);
  end(null);
  if (!refresh) return { revoked: false, error: null }; // a pasted token: this tab only forgets it
  try {
    await revoke(refresh);
    return { revoked: true, error: null };
  } catch (err) {
    return { revoked: false, error: err };
  }
}

/** The server refused the token (expired, revoked, invalid) and it cannot be renewed: ask for a new one. */
export function expire(message) {
  if (!token()) return;
  end(notRenewable ?? message);
}

function end(message) {
  forget();
  epoch++;
  clearTimeout(timer);
  claim(null);
  session.dispatchEvent(new CustomEvent('signedout', { detail: { message } }));
}

/**
 * The server refused `rejected` (a 401, or a stream's auth.expired): the token to use instead, or null
 * when there is none (then the caller signs the tab out; a failed renewal already did, with its reason).
 * Everyone who asks while a refresh is in flight waits for that one.
 */
export async function renewAfter(rejected) {
  const current = token();
  if (!current) return null;
  if (current !== rejected) return current; // renewed since that request went out
  if (!renewing && !read(REFRESH)) return null;
  return renew();
}

function renew() {
  if (!renewing) {
    renewing = refresh(epoch).finally(() => {
      renewing = null;
    });
  }
  return renewing;
}

async function refresh(at) {
  if (!(await owned) || at !== epoch) return null;
  // Spend the refresh token only while the server answers: an answer lost on the way would lose it.
  for (let wait = 1000; !(await reachable()); wait = Math.min(wait * 2, 30_000)) {
    await sleep(wait);
    if (at !== epoch) return null;
  }
  for (;;) {
    const spent = read(REFRESH);
    if (at !== epoch || !spent) return null;
    sessionStorage.removeItem(REFRESH); // gone before it is sent: never presented twice, not even after a reload
    let answer;
    try {
      answer = await grant({ grant_type: 'refresh_token', refresh_token: spent });
    } catch (err) {
      if (at !== epoch) return null;
      if (err instanceof AuthError && err.status === 429) {
        // the rate limit answered before the token service saw it: still unspent
        sessionStorage.setItem(REFRESH, spent);
        await sleep(Math.min(Math.max(Number(err.retryAfter) || 5, 1), 300) * 1000);
        continue;
      }
      end(failure(err));
      return null;
    }
    if (at !== epoch) {
      revoke(answer.refresh_token ?? answer.access_token).catch(() => {}); // signed out meanwhile
      return null;
    }
    keep(answer);
    schedule();
    session.dispatchEvent(new CustomEvent('renewed', { detail: decodeClaims(answer.access_token) }));
    return answer.access_token;
  }
}

function failure(err) {
  if (err?.status === 0) {
    return `Your session could not be renewed: the connection failed while renewing it. ${RESUMES}`;
  }
  if (err?.error === 'invalid_grant') return `Your session has ended (${err.message}). ${RESUMES}`;
  return `Your session could not be renewed (${err?.message ?? err}). ${RESUMES}`;
}

function schedule() {
  clearTimeout(timer);
  timer = null;
  const at = Number(read(RENEW_AT));
  if (!read(KEY) || !read(REFRESH) || !at) return; // no lifetime known: renewed when the server refuses it
  const delay = Math.max(0, at - Date.now());
  timer = setTimeout(() => {
    timer = null;
    renew();
  }, Math.min(delay, 2 ** 31 - 1));
}

/**
 * Duplicating a tab (or window.open) copies its sessionStorage, refresh token included; two tabs
 * renewing with one token would revoke the session. The tab that holds the session's Web Lock owns
 * it; a copy cannot get the lock, forgets the refresh token and keeps its access token until it
 * expires. (Web Locks need a secure context: https or localhost; without them there is no check.)
 */
function claim(sid) {
  releaseLock?.();
  releaseLock = null;
  notRenewable = null;
  owned = Promise.resolve(true);
  if (!sid || !read(REFRESH) || !navigator.locks?.request) return;
  const at = epoch;
  const controller = new AbortController();
  const giveUp = setTimeout(() => controller.abort(), 2000); // a reload's old page lets go well before
  owned = new Promise((resolve) => {
    navigator.locks.request(`flowcast.session.${sid}`, { signal: controller.signal }, () => {
      clearTimeout(giveUp);
      if (at !== epoch) return resolve(false); // signed out meanwhile: let go at once
      resolve(true);
      return new Promise((release) => {
        releaseLock = release;
      });
    }).catch(() => resolve(false));
  });
  owned.then((mine) => {
    if (mine || at !== epoch) return;
    sessionStorage.removeItem(REFRESH);
    clearTimeout(timer);
    notRenewable = 'This tab was copied from another Flowcast tab, which keeps renewing the session. '
      + 'Sign in again here.';
  });
}

// A reloaded tab carries on: the same tokens, the renewal timer again. Background tabs run timers late:
// catch up when the tab is shown.
if (token() && read(REFRESH)) {
  claim(claims()?.sid);
  schedule();
}
document.addEventListener('visibilitychange', () => {
  const at = Number(read(RENEW_AT));
  if (document.visibilityState === 'visible' && token() && read(REFRESH) && at && Date.now() >= at) renew();
});
