// The token service (docs/AUTH.md): POST /api/v1/auth/token and /api/v1/auth/revoke, form-encoded.
// Its errors are RFC 6749 JSON ({error, error_description}), not problem details.

export const TOKEN_PATH = '/api/v1/auth/token';
export const REVOKE_PATH = '/api/v1/auth/revoke';

export class AuthError extends Error {
  /** status 0: no answer (network); error: the RFC 6749 code (invalid_grant, ...) when the server sent one */
  constructor(status, error, description, retryAfter) {
    super(description || error || (status ? `HTTP ${status}` : 'network error'));
    this.status = status;
    this.error = error ?? null;
    this.retryAfter = retryAfter ?? null;
  }
}

async function post(path, params, { keepalive = false } = {}) {
  let response;
  try {
    response = await fetch(new URL(path, location.origin), {
      method: 'POST',
      cache: 'no-store',
      credentials: 'omit',
      keepalive,
      headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params).toString(),
    });
  } catch (err) {
    throw new AuthError(0, null, String(err?.message ?? err));
  }
  let data = null;
  try {
    data = JSON.parse(await response.text());
  } catch {
    data = null;
  }
  if (!response.ok) {
    const error = typeof data?.error === 'string' ? data.error : null;
    const description = typeof data?.error_description === 'string' ? data.error_description
      : typeof data?.detail === 'string' ? data.detail : null; // a problem+json (404, 5xx)
    throw new AuthError(response.status, error, description, response.headers.get('Retry-After'));
  }
  return data;
}

/** A token grant; resolves to {access_token, token_type, expires_in, refresh_token?, scope}. */
export async function grant(params) {
  const answer = await post(TOKEN_PATH, params);
  if (typeof answer?.access_token !== 'string' || !answer.access_token
      || (answer.token_type && String(answer.token_type).toLowerCase() !== 'bearer')) {
    throw new AuthError(200, 'invalid_response', 'the token endpoint answered without a bearer access token');
  }
  return answer;
}

/** RFC 7009 revocation (logout). keepalive lets it finish when the tab closes right after. */
export function revoke(token) {
  return post(REVOKE_PATH, { token }, { keepalive: true });
}

/** Whether the server answers at all (before spending a refresh token on a request that may get lost). */
export async function reachable() {
  try {
    await fetch(new URL('/health', location.origin), { cache: 'no-store', credentials: 'omit' });
    return true; // any answer will do
  } catch {
    return false;
  }
}
