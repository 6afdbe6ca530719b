// GET /me: the caller's user and agency, so a client knows whom it acts for and what to offer.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { currentUser } from '../../exchange/current-user.js';
import { principalOf } from '../auth-plugin.js';
import type { ExchangeDeps } from '../deps.js';
import { Uuid, withErrors } from '../schemas/common.js';
import { LevelSchema, RoleSchema } from '../schemas/records.js';

const MeSchema = Type.Object({
  user: Type.Object({ id: Uuid, name: Type.String(), role: RoleSchema, roles: Type.Optional(Type.Array(RoleSchema)) }),
  agency: Type.Object({ id: Uuid, code: Type.String(), name: Type.String(), level: LevelSchema }),
});

export const meRoutes: FastifyPluginAsyncTypebox<{ deps: ExchangeDeps }> = async (app, { deps }) => {
  app.get('/me', { schema: { tags: ['auth'], summary: 'The calling user and agency', response: withErrors({ 200: MeSchema }) } }, async (request) =>
    currentUser(deps, principalOf(request)),
  );
};
