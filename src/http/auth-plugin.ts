// Resolves `request.principal` from `Authorization: Bearer <token>` for every route of the scope
// it is registered in (fastify-plugin: the hook applies to the registering scope, not only inside
// this plugin). Deny by default: a route opts out only with `config: { public: true }`.
//
// Failed authentications are limited per address (@fastify/rate-limit, counting failures only):
// past `maxFailures` in a window the answer is 429 AUTH_RATE_LIMITED with Retry-After instead of
// 401. A valid token always passes, so a misbehaving client does not lock out the others behind
// the same NAT address. Every failure, limited or not, is logged, aggregated per address
// (exchange/auth-failures.ts). Both counters are this process's memory.
import rateLimit from '@fastify/rate-limit';
import { normalizeIP } from '@fastify/rate-limit';
import fp from 'fastify-plugin';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { identify } from '../exchange/auth.js';
import { AuthFailureLog, DEFAULT_AUTH_FAILURE_POLICY, type AuthFailurePolicy } from '../exchange/auth-failures.js';
import type { Principal } from '../db/ports.js';
import { DocaxisError } from '../errors.js';
import type { ExchangeDeps } from './deps.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth plugin before any authenticated handler runs; null on public routes. */
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** Reachable without a token (health, readiness, docs). */
    public?: boolean;
  }
}

export interface FailedAuthOptions extends AuthFailurePolicy {
  /** Failed authentications per address per `intervalMs` before 429. */
  maxFailures: number;
}

export const DEFAULT_FAILED_AUTH: FailedAuthOptions = { ...DEFAULT_AUTH_FAILURE_POLICY, maxFailures: 30 };

const authPlugin: FastifyPluginAsync<{ deps: ExchangeDeps; failedAuth?: Partial<FailedAuthOptions> }> = async (app, { deps, failedAuth }) => {
  const policy = { ...DEFAULT_FAILED_AUTH, ...failedAuth };
  const failures = new AuthFailureLog(deps, policy, (err) => app.log.error({ err }, 'auth.failed counts not logged; retrying'));
  // global: false: no route is limited as a whole; the hook below counts failures only.
  await app.register(rateLimit, { global: false });
  const countFailure = app.createRateLimit({ max: policy.maxFailures, timeWindow: policy.intervalMs });

  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.config.public) return;
    // The raw header: identify() strips "Bearer " itself and treats a wrong scheme as malformed.
    const who = await identify(deps, request.headers.authorization);
    if ('principal' in who) {
      request.principal = who.principal;
      return;
    }
    const limit = await countFailure(request);
    await failures.record(normalizeIP(request.ip), who.failure);
    if (!limit.isAllowed && limit.isExceeded) {
      reply.header('retry-after', String(limit.ttlInSeconds));
      throw new DocaxisError('AUTH_RATE_LIMITED', undefined, { details: { retryAfterSeconds: limit.ttlInSeconds } });
    }
    throw new DocaxisError('UNAUTHENTICATED');
  });
  // Counts still open are written before the database closes (main.ts closes the app first).
  app.addHook('onClose', () => failures.close());
};

export default fp(authPlugin, { name: 'docaxis-auth', fastify: '5.x' });

/** The caller of an authenticated route. */
export function principalOf(request: FastifyRequest): Principal {
  // Unreachable on authenticated routes; a clear failure beats acting as nobody.
  if (!request.principal) throw new DocaxisError('UNAUTHENTICATED');
  return request.principal;
}
