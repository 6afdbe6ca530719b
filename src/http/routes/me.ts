// GET /me: the caller's user and agency, so a client knows whom it acts for and what to offer;
// for a browser session also the CSRF token its state-changing requests must carry.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { currentUser } from '../../exchange/current-user.js';
import { csrfTokenOf } from '../../exchange/sessions.js';
import { principalOf } from '../auth-plugin.js';
import type { ExchangeDeps } from '../deps.js';
import { Uuid, withErrors } from '../schemas/common.js';
import { LevelSchema, RoleSchema } from '../schemas/records.js';

export const MeSchema = Type.Object({
  user: Type.Object({ id: Uuid, name: Type.String(), role: RoleSchema, roles: Type.Optional(Type.Array(RoleSchema)) }),
  agency: Type.Object({ id: Uuid, code: Type.String(), name: Type.String(), level: LevelSchema }),
});

const MeWithCsrfSchema = Type.Object({
  ...MeSchema.properties,
  csrfToken: Type.Optional(Type.String({ description: 'Browser sessions only: send it as X-CSRF-Token on every POST, PATCH, PUT and DELETE' })),
});

export const meRoutes: FastifyPluginAsyncTypebox<{ deps: ExchangeDeps }> = async (app, { deps }) => {
  app.get('/me', { schema: { tags: ['auth'], summary: 'The calling user and agency', response: withErrors({ 200: MeWithCsrfSchema }) } }, async (request, reply) => {
    const me = await currentUser(deps, principalOf(request));
    if (request.sessionSecret === null) return me;
    reply.header('cache-control', 'no-store');
    return { ...me, csrfToken: csrfTokenOf(request.sessionSecret) };
  });
};
