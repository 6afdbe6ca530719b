// Public probes: /health says the process answers (liveness), /ready that the database does too
// (readiness: a load balancer stops routing here while it is down).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { DocaxisError } from '../../errors.js';
import { ErrorBodySchema } from '../schemas/common.js';

const Ok = Type.Object({ status: Type.Literal('ok') });

export const healthRoutes: FastifyPluginAsyncTypebox<{ ping: () => Promise<void> }> = async (app, { ping }) => {
  app.get('/health', { config: { public: true }, schema: { tags: ['health'], security: [], response: { 200: Ok } } }, async () => ({ status: 'ok' as const }));

  app.get(
    '/ready',
    { config: { public: true }, schema: { tags: ['health'], security: [], response: { 200: Ok, 503: ErrorBodySchema } } },
    async () => {
      try {
        await ping();
      } catch (e) {
        throw new DocaxisError('DB_UNAVAILABLE', undefined, { cause: e });
      }
      return { status: 'ok' as const };
    },
  );
};
