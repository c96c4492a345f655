// The signed-in token: kept in sessionStorage (this tab only), never in localStorage or cookies.
const KEY = 'flowcast.token';

export const session = new EventTarget();

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
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function claims() {
  return decodeClaims(token());
}

export function signIn(value) {
  sessionStorage.setItem(KEY, value);
  session.dispatchEvent(new CustomEvent('signedin', { detail: decodeClaims(value) }));
}

export function signOut() {
  sessionStorage.removeItem(KEY);
  session.dispatchEvent(new CustomEvent('signedout', { detail: { message: null } }));
}

/** The server refused the token (expired, revoked, invalid): forget it and ask for a new one. */
export function expire(message) {
  if (!token()) return;
  sessionStorage.removeItem(KEY);
  session.dispatchEvent(new CustomEvent('signedout', { detail: { message } }));
}

export function expiresAt(c = claims()) {
  return typeof c?.exp === 'number' ? new Date(c.exp * 1000) : null;
}
