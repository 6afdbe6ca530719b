// The session cookie: HttpOnly (no script reads it), SameSite=Strict (no other site's page sends
// it), Path=/, Secure when the request came over TLS (or always, SESSION_COOKIE_SECURE). The
// browser drops it at the absolute cap (Max-Age); the server enforces idle expiry and revocation.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SessionConfig } from '../config.js';

export const SESSION_COOKIE = 'docaxis_session';
export const CSRF_HEADER = 'x-csrf-token';

/** What the auth plugin uses when app.ts gives it nothing (loadConfig's defaults). */
export const DEFAULT_SESSION_CONFIG: SessionConfig = Object.freeze({ idleMinutes: 30, maxHours: 12, cookieSecure: 'auto' as const });

/** The session cookie's value, or undefined. Reads the raw header: no cookie plugin needed for one name. */
export function sessionCookieOf(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === SESSION_COOKIE) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function secure(request: FastifyRequest, config: SessionConfig): boolean {
  return config.cookieSecure === 'always' || request.protocol === 'https';
}

export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, config: SessionConfig, secret: string): void {
  const attrs = [`${SESSION_COOKIE}=${secret}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${config.maxHours * 3600}`];
  if (secure(request, config)) attrs.push('Secure');
  reply.header('set-cookie', attrs.join('; '));
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply, config: SessionConfig): void {
  const attrs = [`${SESSION_COOKIE}=`, 'Path=/', 'HttpOnly', 'SameSite=Strict', 'Max-Age=0'];
  if (secure(request, config)) attrs.push('Secure');
  reply.header('set-cookie', attrs.join('; '));
}

/**
 * False when the browser says the request comes from another site: Sec-Fetch-Site: cross-site, or
 * an Origin whose host is not the one the request was sent to. The scheme is not compared: behind
 * a TLS-terminating proxy without TRUST_PROXY the service sees http while the page is https (the
 * proxy must pass the Host header on). Requests with neither header (curl, old browsers) pass
 * this check; the CSRF token still guards them.
 */
export function sameOrigin(request: FastifyRequest): boolean {
  if (request.headers['sec-fetch-site'] === 'cross-site') return false;
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === new URL(`http://${request.host}`).host || new URL(origin).host === new URL(`https://${request.host}`).host;
  } catch {
    // "null" (a sandboxed frame, a file: page) or garbage: not us.
    return false;
  }
}
