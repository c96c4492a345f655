// fetch() against /api/v1 with the bearer token; problem+json errors become ApiError. A 401 renews the
// token once (when the sign-in can renew) and repeats the request with the new one.
import { expire, renewAfter, token } from './session.js';

export class ApiError extends Error {
  constructor(status, problem, retryAfter) {
    const detail = problem?.detail || problem?.title || (status ? `HTTP ${status}` : 'network error');
    super(detail);
    this.status = status;
    this.problem = problem;
    this.retryAfter = retryAfter;
  }
}

/** A readable sentence for any error thrown by api(). */
export function describe(err) {
  if (!(err instanceof ApiError)) return `Something went wrong: ${err?.message ?? err}`;
  switch (err.status) {
    case 0: return 'The server cannot be reached. Check the connection and try again.';
    case 401: return `Not signed in: ${err.message}`;
    case 403: return `Not allowed: ${err.message}`;
    case 404: return `Not found: ${err.message}`;
    case 429: return `Too many requests; try again in ${err.retryAfter ?? 'a few'} s.`;
    case 503: return `The service is unavailable right now (${err.message}); try again in ${err.retryAfter ?? 'a few'} s.`;
    default: return err.message;
  }
}

/**
 * api('GET', '/api/v1/workflows', {query: {limit: 5}}) -> {status, data, etag}
 * A 401 renews the token and repeats the request once; when it cannot be renewed the tab signs out
 * (with the server's reason). {probe: true} (a token being checked, passed as bearer) does neither.
 */
export async function api(method, path, { query, body, headers, probe = false, bearer = token() } = {}) {
  const url = new URL(path, location.origin);
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value != null && value !== '') url.searchParams.set(name, String(value));
  }
  let response = await send(url, method, body, headers, bearer);
  if (response.status === 401 && !probe && bearer) {
    const renewed = await renewAfter(bearer);
    if (renewed) {
      response.body?.cancel().catch(() => {});
      response = await send(url, method, body, headers, renewed);
    }
  }
  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!response.ok) {
    const error = new ApiError(response.status, data, response.headers.get('Retry-After'));
    if (response.status === 401 && !probe) {
      expire(`The server no longer accepts your token (${error.message}). Sign in again to continue.`);
    }
    throw error;
  }
  return { status: response.status, data, etag: response.headers.get('ETag') };
}

async function send(url, method, body, headers, bearer) {
  const init = {
    method,
    cache: 'no-store',
    headers: { Accept: 'application/json, application/problem+json', ...headers },
  };
  if (bearer) init.headers.Authorization = `Bearer ${bearer}`;
  if (body !== undefined) {
    init.headers['Content-Type'] = init.headers['Content-Type'] ?? 'application/json';
    init.body = JSON.stringify(body);
  }
  try {
    return await fetch(url, init);
  } catch (err) {
    throw new ApiError(0, { detail: String(err?.message ?? err) });
  }
}

export const workflowPath = (id) => `/api/v1/workflows/${encodeURIComponent(id)}`;
