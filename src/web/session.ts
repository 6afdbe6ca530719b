// Who is signed in. The credential is the session cookie, HttpOnly: no script here can read it.
// The page keeps only the session's CSRF token (sessionStorage: gone when the tab closes, never
// in a URL), which is useless without the cookie and which every state-changing request carries.
export type Role = 'clerk' | 'admin' | 'auditor' | 'drafter' | 'signer';

export interface Me {
  /** `roles`: every role the user holds (the primary `role` among them), when the service says. */
  user: { id: string; name: string; role: Role; roles?: Role[] };
  agency: { id: string; code: string; name: string; level: string };
  /** Given by GET /me and by the sign-in answer for a browser session. */
  csrfToken?: string;
}

const CSRF_KEY = 'docaxis.csrf';

/** The CSRF token of this tab's session, if it signed in (the cookie may still have expired). */
export function storedToken(): string | null {
  try {
    return sessionStorage.getItem(CSRF_KEY);
  } catch {
    return null;
  }
}

export function storeToken(csrfToken: string): void {
  sessionStorage.setItem(CSRF_KEY, csrfToken);
}

/**
 * Sign-out: the session ends on the server (DELETE /api/v1/session, which also drops the cookie),
 * then the tab forgets its CSRF token. Fire and forget: the page returns to sign-in either way.
 */
export function forgetToken(): void {
  const csrf = storedToken();
  try {
    sessionStorage.removeItem(CSRF_KEY);
  } catch {
    /* storage unavailable: nothing to forget */
  }
  if (csrf) void fetch('/api/v1/session', { method: 'DELETE', headers: { 'x-csrf-token': csrf }, credentials: 'same-origin' }).catch(() => undefined);
}

/**
 * The session the cookie carries, if any: a new tab or a reload finds it without signing in again.
 * `expired`: the browser still held a session cookie but the server ended it (SESSION_EXPIRED:
 * idle, past its cap, revoked), as opposed to never having signed in.
 */
export async function resumeSession(): Promise<{ me: Me | null; expired: boolean }> {
  try {
    const res = await fetch('/api/v1/me', { credentials: 'same-origin', cache: 'no-store' });
    if (!res.ok) {
      const code = res.status === 401 ? ((await res.json().catch(() => null)) as { error?: { code?: string } } | null)?.error?.code : undefined;
      return { me: null, expired: code === 'SESSION_EXPIRED' };
    }
    const me = (await res.json()) as Me;
    if (me.csrfToken) storeToken(me.csrfToken);
    return { me, expired: false };
  } catch {
    return { me: null, expired: false };
  }
}

/**
 * The session ended under the user (a 401 on a call, or on resuming): the tab forgets its CSRF
 * token (nothing to end on the server) and keeps the screen it was on, so that signing in again
 * returns there.
 */
export function dropExpiredSession(): void {
  try {
    sessionStorage.removeItem(CSRF_KEY);
  } catch {
    /* storage unavailable */
  }
}
