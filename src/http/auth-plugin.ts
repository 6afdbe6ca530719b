// Resolves `request.principal` for every route of the scope it is registered in (fastify-plugin:
// the hook applies to the registering scope, not only inside this plugin), from either credential:
//   - `Authorization: Bearer <token>`: programs (CLI, curl, API clients). No ambient credential,
//     so no CSRF check.
//   - the session cookie (the browser, see session-cookie.ts). A cookie is sent by the browser on
//     its own, so every state-changing request (not GET/HEAD/OPTIONS) must also carry the
//     session's CSRF token in X-CSRF-Token (compared in constant time) and must not come from
//     another origin: CSRF_MISSING / CSRF_INVALID (403), logged as access.denied.
// A request carrying an Authorization header is judged by it alone. Deny by default: a route opts
// out only with `config: { public: true }`.
//
// Failed authentications are limited per address (@fastify/rate-limit, counting failures only):
// past `maxFailures` in a window the answer is 429 AUTH_RATE_LIMITED with Retry-After instead of
// 401. A valid credential always passes, so a misbehaving client does not lock out the others
// behind the same NAT address. Every failure, limited or not, is logged, aggregated per address
// (exchange/auth-failures.ts). Both counters are this process's memory. Wrong passwords at
// sign-in count against the same limit (`app.countAuthFailure`, used by routes/session.ts).
import rateLimit from '@fastify/rate-limit';
import { normalizeIP } from '@fastify/rate-limit';
import fp from 'fastify-plugin';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { SessionConfig } from '../config.js';
import { identify, logDenied } from '../exchange/auth.js';
import { AuthFailureLog, DEFAULT_AUTH_FAILURE_POLICY, type AuthFailurePolicy } from '../exchange/auth-failures.js';
import { csrfMatches, resolveSession } from '../exchange/sessions.js';
import type { Principal } from '../db/ports.js';
import { DocaxisError } from '../errors.js';
import type { ExchangeDeps } from './deps.js';
import { CSRF_HEADER, DEFAULT_SESSION_CONFIG, clearSessionCookie, sameOrigin, sessionCookieOf } from './session-cookie.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth plugin before any authenticated handler runs; null on public routes. */
    principal: Principal | null;
    /** The session cookie's secret when the principal came from it (the CSRF token derives from it). */
    sessionSecret: string | null;
  }
  interface FastifyContextConfig {
    /** Reachable without credentials (health, readiness, docs, sign-in). */
    public?: boolean;
  }
  interface FastifyInstance {
    /** Counts one failed authentication of this address; throws AUTH_RATE_LIMITED past the limit. */
    countAuthFailure(request: FastifyRequest, reply: FastifyReply): Promise<void>;
    /** The session settings the plugin was given (routes/session.ts sets the cookie with them). */
    sessionConfig: SessionConfig;
  }
}

export interface FailedAuthOptions extends AuthFailurePolicy {
  /** Failed authentications per address per `intervalMs` before 429. */
  maxFailures: number;
}

export const DEFAULT_FAILED_AUTH: FailedAuthOptions = { ...DEFAULT_AUTH_FAILURE_POLICY, maxFailures: 30 };

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const authPlugin: FastifyPluginAsync<{ deps: ExchangeDeps; failedAuth?: Partial<FailedAuthOptions>; sessions?: SessionConfig }> = async (app, { deps, failedAuth, sessions }) => {
  const policy = { ...DEFAULT_FAILED_AUTH, ...failedAuth };
  const sessionConfig = sessions ?? DEFAULT_SESSION_CONFIG;
  const failures = new AuthFailureLog(deps, policy, (err) => app.log.error({ err }, 'auth.failed counts not logged; retrying'));
  // global: false: no route is limited as a whole; the hook below counts failures only.
  await app.register(rateLimit, { global: false });
  const countFailure = app.createRateLimit({ max: policy.maxFailures, timeWindow: policy.intervalMs });
  const limited = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const limit = await countFailure(request);
    if (!limit.isAllowed && limit.isExceeded) {
      reply.header('retry-after', String(limit.ttlInSeconds));
      throw new DocaxisError('AUTH_RATE_LIMITED', undefined, { details: { retryAfterSeconds: limit.ttlInSeconds } });
    }
  };
  app.decorate('countAuthFailure', limited);
  app.decorate('sessionConfig', sessionConfig);

  app.decorateRequest('principal', null);
  app.decorateRequest('sessionSecret', null);
  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.config.public) return;
    const cookie = sessionCookieOf(request);
    if (request.headers.authorization === undefined && cookie !== undefined) {
      const who = await resolveSession(deps, { idleMinutes: sessionConfig.idleMinutes, maxHours: sessionConfig.maxHours }, cookie);
      if ('principal' in who) {
        if (!SAFE_METHODS.has(request.method)) await checkCsrf(deps, request, who.principal, cookie);
        request.principal = who.principal;
        request.sessionSecret = cookie;
        return;
      }
      if (who.failure === 'expired') {
        // Not an attack: the user was away. Tell the page, and drop the cookie.
        clearSessionCookie(request, reply, sessionConfig);
        throw new DocaxisError('SESSION_EXPIRED');
      }
      await failures.record(normalizeIP(request.ip), 'session-unknown');
      await limited(request, reply);
      clearSessionCookie(request, reply, sessionConfig);
      throw new DocaxisError('UNAUTHENTICATED');
    }
    // The raw header: identify() strips "Bearer " itself and treats a wrong scheme as malformed.
    const who = await identify(deps, request.headers.authorization);
    if ('principal' in who) {
      request.principal = who.principal;
      return;
    }
    await failures.record(normalizeIP(request.ip), who.failure);
    await limited(request, reply);
    throw new DocaxisError('UNAUTHENTICATED');
  });
  // Counts still open are written before the database closes (main.ts closes the app first).
  app.addHook('onClose', () => failures.close());
};

/** A cross-site form can send the cookie, never this header, nor our Origin. */
async function checkCsrf(deps: ExchangeDeps, request: FastifyRequest, p: Principal, secret: string): Promise<void> {
  const presented = request.headers[CSRF_HEADER];
  let code: 'CSRF_MISSING' | 'CSRF_INVALID' | undefined;
  if (!sameOrigin(request)) code = 'CSRF_INVALID';
  else if (typeof presented !== 'string' || presented === '') code = 'CSRF_MISSING';
  else if (!csrfMatches(secret, presented)) code = 'CSRF_INVALID';
  if (code === undefined) return;
  await logDenied(deps, p, `${request.method} ${request.routeOptions.url ?? ''}: ${code}`);
  throw new DocaxisError(code);
}

export default fp(authPlugin, { name: 'docaxis-auth', fastify: '5.x' });

/** The caller of an authenticated route. */
export function principalOf(request: FastifyRequest): Principal {
  // Unreachable on authenticated routes; a clear failure beats acting as nobody.
  if (!request.principal) throw new DocaxisError('UNAUTHENTICATED');
  return request.principal;
}
