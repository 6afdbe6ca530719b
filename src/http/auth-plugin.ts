// Resolves `request.principal` from `Authorization: Bearer <token>` for every route of the scope
// it is registered in (fastify-plugin: the hook applies to the registering scope, not only inside
// this plugin). Deny by default: a route opts out only with `config: { public: true }`.
import fp from 'fastify-plugin';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { authenticate } from '../exchange/auth.js';
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

const authPlugin: FastifyPluginAsync<{ deps: ExchangeDeps }> = async (app, { deps }) => {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config.public) return;
    // authenticate() logs the failure (auth.failed) and throws UNAUTHENTICATED for a missing,
    // unknown or revoked token, so every refusal reaches the exchange log.
    // The raw header: authenticate() strips "Bearer " itself and logs a wrong scheme as malformed.
    request.principal = await authenticate(deps, request.headers.authorization, { ip: request.ip });
  });
};

export default fp(authPlugin, { name: 'docaxis-auth', fastify: '5.x' });

/** The caller of an authenticated route. */
export function principalOf(request: FastifyRequest): Principal {
  // Unreachable on authenticated routes; a clear failure beats acting as nobody.
  if (!request.principal) throw new DocaxisError('UNAUTHENTICATED');
  return request.principal;
}
