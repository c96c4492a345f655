// Boot, hash routing, sign-in (user name and password through the token endpoint, or a pasted token)
// and the header. Views are functions (container, params) -> controller {unmount?, pause?, resume?,
// feed?}; a view stays mounted (hidden) while the tab signs in again, then resumes where it was.
import { api, describe } from './api.js';
import { AuthError, grant, revoke } from './auth.js';
import { clear, focusHeading, formatTime } from './dom.js';
import {
  claims, decodeClaims, expiresAt, renewable, session, signIn, signInWithGrant, signOut, token,
} from './session.js';
import { actionsView } from './views/actions.js';
import { createView } from './views/create.js';
import { listView } from './views/list.js';
import { reviewView } from './views/review.js';
import { systemView } from './views/system.js';
import { versionsView } from './views/versions.js';
import { workflowView } from './views/workflow.js';

const $ = (id) => document.getElementById(id);
const view = $('view');
const signin = $('signin');
let current = null; // the mounted view's controller
let currentIdentity = null;
let mountedHash = null;

const ROUTES = [
  [/^\/?$/, (m, query) => ['list', listView, { query }]],
  [/^\/new$/, () => ['new', createView, {}]],
  [/^\/system$/, () => ['system', systemView, {}]],
  [/^\/w\/([^/]+)$/, (m) => ['workflow', workflowView, { id: decodeURIComponent(m[1]) }]],
  [/^\/w\/([^/]+)\/review$/, (m) => ['workflow', reviewView, { id: decodeURIComponent(m[1]) }]],
  [/^\/w\/([^/]+)\/versions$/, (m) => ['workflow', versionsView, { id: decodeURIComponent(m[1]) }]],
  [/^\/w\/([^/]+)\/actions$/, (m) => ['workflow', actionsView, { id: decodeURIComponent(m[1]) }]],
];

function resolve() {
  const raw = location.hash.replace(/^#/, '') || '/';
  const [path, search = ''] = raw.split('?');
  for (const [pattern, make] of ROUTES) {
    const match = pattern.exec(path);
    if (match) {
      try {
        return make(match, new URLSearchParams(search));
      } catch {
        break; // a malformed %-escape
      }
    }
  }
  return ['', notFound, {}];
}

function notFound(container) {
  document.title = 'Not found · Flowcast';
  const heading = document.createElement('h1');
  heading.textContent = 'Page not found';
  const back = document.createElement('a');
  back.href = '#/';
  back.textContent = 'Back to the workflows';
  container.append(heading, back);
  focusHeading(container);
  return {};
}

function unmount() {
  current?.unmount?.();
  current = null;
  clear(view);
}

function render() {
  if (!token()) {
    showSignIn(null);
    return;
  }
  hideSignIn();
  unmount();
  const [nav, fn, params] = resolve();
  for (const link of document.querySelectorAll('[data-nav]')) {
    if (link.dataset.nav === nav) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  current = fn(view, params) ?? {};
  currentIdentity = identity(claims());
  mountedHash = location.hash;
}

function identity(c) {
  return c ? `${c.sub}\u0000${c.tenant ?? 'default'}` : null;
}

function showSignIn(message) {
  document.title = 'Sign in · Flowcast';
  view.hidden = true;
  signin.hidden = false;
  $('nav').hidden = true;
  $('who').hidden = true;
  notice(message);
  for (const id of ['signin-error', 'password-error']) $(id).hidden = true;
  for (const id of ['token', 'username', 'password']) $(id).removeAttribute('aria-invalid');
  $('password').value = '';
  $('signin-title').focus();
}

function notice(message) {
  const note = $('signin-message');
  note.hidden = !message;
  note.textContent = message ?? '';
}

function hideSignIn() {
  signin.hidden = true;
  view.hidden = false;
  $('nav').hidden = false;
  $('who').hidden = false;
  showWho();
}

/** Who is signed in; a pasted token also says until when (a password sign-in renews itself). */
function showWho() {
  const c = claims();
  const exp = renewable() ? null : expiresAt(c);
  $('who-text').textContent = `${c?.sub ?? '?'} · tenant ${c?.tenant ?? 'default'}`
    + (exp ? ` · token until ${formatTime(exp.toISOString())}` : '');
}

session.addEventListener('signedout', (e) => {
  const message = e.detail?.message;
  if (message && current) {
    current.pause?.(); // keep the view: it resumes after the next sign-in
  } else {
    unmount();
    currentIdentity = null;
  }
  showSignIn(message);
});

session.addEventListener('signedin', () => {
  if (current && currentIdentity === identity(claims()) && mountedHash === location.hash) {
    hideSignIn();
    current.resume?.();
    focusHeading(view);
  } else {
    render();
  }
});

session.addEventListener('renewed', () => {
  if (!$('who').hidden) showWho();
});

/** The user-facing reason a password sign-in failed (RFC 6749 errors of the token endpoint). */
function passwordFailure(err) {
  if (err.error === 'invalid_grant') return 'Wrong user name or password.';
  if (err.error === 'unsupported_grant_type' || err.status === 404 || err.status === 405) {
    return 'This server does not offer sign-in with a password. Use an access token instead (below).';
  }
  if (err.status === 0) return 'The server cannot be reached. Check the connection and try again.';
  if (err.status === 429) return `Too many sign-in attempts; try again in ${err.retryAfter ?? 'a few'} s.`;
  if (err.status >= 500) return `The server cannot sign you in right now (${err.message}). Try again shortly.`;
  return `The server refused the sign-in: ${err.message}.`;
}

$('password-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const form = e.currentTarget;
  const user = $('username');
  const pass = $('password');
  const error = $('password-error');
  const submit = $('password-submit');
  user.removeAttribute('aria-invalid');
  pass.removeAttribute('aria-invalid');
  const fail = (text, field = pass) => {
    error.hidden = false;
    error.textContent = text;
    field.setAttribute('aria-invalid', 'true');
    field.focus();
  };
  const username = user.value.trim();
  if (!username) return fail('Enter your user name.', user);
  if (!pass.value) return fail('Enter your password.');
  submit.disabled = true;
  form.setAttribute('aria-busy', 'true');
  let answer;
  try {
    answer = await grant({ grant_type: 'password', username, password: pass.value });
    if (!decodeClaims(answer.access_token)) throw new AuthError(200, 'invalid_response', 'the access token is not a JWT');
    await api('GET', '/api/v1/workflows', { query: { limit: 1 }, probe: true, bearer: answer.access_token });
  } catch (err) {
    if (answer?.refresh_token) revoke(answer.refresh_token).catch(() => {}); // signed in, but of no use here
    pass.value = '';
    if (err.status === 403) return fail('This account may not read workflows (it needs the workflows:read scope).');
    return fail(err instanceof AuthError ? passwordFailure(err) : describe(err));
  } finally {
    submit.disabled = false;
    form.removeAttribute('aria-busy');
  }
  user.value = '';
  pass.value = '';
  error.hidden = true;
  signInWithGrant(answer);
});

$('signin-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const field = $('token');
  const error = $('signin-error');
  const fail = (text) => {
    error.hidden = false;
    error.textContent = text;
    field.setAttribute('aria-invalid', 'true');
    field.focus();
  };
  const value = field.value.trim().replace(/^Bearer\s+/i, '');
  if (!value) return fail('Paste a token first.');
  const c = decodeClaims(value);
  if (!c) return fail('That is not a JWT (three base64url parts separated by dots).');
  if (typeof c.exp === 'number' && c.exp * 1000 < Date.now()) {
    return fail(`This token expired at ${formatTime(new Date(c.exp * 1000).toISOString())}. Get a new one.`);
  }
  try {
    await api('GET', '/api/v1/workflows', { query: { limit: 1 }, probe: true, bearer: value });
  } catch (err) {
    if (err.status === 401) return fail(`The server rejected this token: ${err.message}.`);
    if (err.status === 403) return fail('This token may not read workflows (it needs the workflows:read scope).');
    return fail(describe(err));
  }
  field.value = '';
  field.removeAttribute('aria-invalid');
  error.hidden = true;
  signIn(value);
});

$('sign-out').addEventListener('click', async () => {
  const { error } = await signOut();
  if (error && !token()) {
    notice(`Signed out in this tab, but the server did not confirm that the session ended (${error.message}).`);
  }
});
$('skip').addEventListener('click', (e) => {
  e.preventDefault(); // the hash is the route
  (signin.hidden ? view : $('signin-title')).focus();
});
window.addEventListener('hashchange', () => {
  if (token()) render(); // signed out: the sign-in form stays; the new route opens after it
});

// Test and debug hook (no data, no token): inspect the open feed, drop its connection, or send n
// authenticated requests at once through the API layer (their HTTP statuses).
window.__flowcast = Object.freeze({
  stats: () => current?.feed?.stats() ?? null,
  dropStream: () => current?.feed?.dropStream(),
  checkAuth: (n = 1) => Promise.all(Array.from({ length: Math.min(Math.max(1, n), 10) }, () =>
    api('GET', '/api/v1/workflows', { query: { limit: 1 } }).then((r) => r.status, (err) => err.status ?? 0))),
});

render();
