// Admin: users, their bearer tokens, set-password links and browser sessions. A token's secret and
// a link's token are shown once, in the answer that issues them (never stored, never logged), so
// those answers are marked no-store.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { createUser, issueToken, listUserTokens, revokeToken } from '../../exchange/admin.js';
import { createPasswordLink, listUserSessions, revokeSession, revokeUserSessions } from '../../exchange/admin-accounts.js';
import { setUserRoles } from '../../exchange/admin-users.js';
import { listUsersWithUsernames } from '../../exchange/admin-usernames.js';
import { principalOf } from '../auth-plugin.js';
import type { ExchangeDeps } from '../deps.js';
import { DateTime, Uuid, UuidParams, withErrors } from '../schemas/common.js';
import { RoleSchema, TokenSchema, UserSchema } from '../schemas/records.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

const SessionSchema = Type.Object({
  id: Uuid,
  userId: Uuid,
  createdAt: DateTime,
  lastSeenAt: DateTime,
  expiresAt: DateTime,
  revokedAt: Nullable(DateTime),
  ip: Nullable(Type.String()),
  userAgent: Nullable(Type.String()),
});

/** A listed user with their sign-in name (null: none yet). */
const ListedUserSchema = Type.Object({ ...UserSchema.properties, username: Nullable(Type.String()) });

export const adminUserRoutes: FastifyPluginAsyncTypebox<{ deps: ExchangeDeps }> = async (app, { deps }) => {
  app.get(
    '/admin/users',
    {
      schema: {
        tags: ['admin'],
        summary: 'Users, optionally of one agency',
        querystring: Type.Object({ agency: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Agency code' })) }),
        response: withErrors({ 200: Type.Array(ListedUserSchema) }),
      },
    },
    async (request) => listUsersWithUsernames(deps, principalOf(request), request.query.agency),
  );

  app.post(
    '/admin/users',
    {
      schema: {
        tags: ['admin'],
        summary: 'Create a user in an agency',
        body: Type.Object({
          agencyCode: Type.String({ minLength: 1, maxLength: 64 }),
          name: Type.String({ minLength: 1, maxLength: 255 }),
          role: RoleSchema,
          username: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Sign-in name; its password is set through POST /admin/users/{id}/password-link' })),
        }),
        response: withErrors({ 201: UserSchema }),
      },
    },
    async (request, reply) => reply.status(201).send(await createUser(deps, principalOf(request), request.body)),
  );

  app.put(
    '/admin/users/:id/roles',
    {
      schema: {
        tags: ['admin'],
        summary: 'Set every role a user holds (clerk, admin, auditor, drafter, signer)',
        params: UuidParams,
        body: Type.Object({ roles: Type.Array(RoleSchema, { minItems: 1, maxItems: 5 }) }, { additionalProperties: false }),
        response: withErrors({ 200: UserSchema }),
      },
    },
    async (request) => setUserRoles(deps, principalOf(request), request.params.id, request.body.roles),
  );

  app.get(
    '/admin/users/:id/tokens',
    {
      schema: {
        tags: ['admin'],
        summary: 'A user’s tokens, revoked ones included (never a secret or hash)',
        params: UuidParams,
        response: withErrors({ 200: Type.Array(TokenSchema) }),
      },
    },
    async (request) => listUserTokens(deps, principalOf(request), request.params.id),
  );

  app.post(
    '/admin/users/:id/tokens',
    {
      schema: {
        tags: ['admin'],
        summary: 'Issue a bearer token (the secret is shown once)',
        params: UuidParams,
        body: Type.Object({ label: Type.String({ minLength: 1, maxLength: 100 }) }),
        response: withErrors({ 201: Type.Object({ token: TokenSchema, secret: Type.String({ description: 'Bearer token; store it now, it cannot be shown again' }) }) }),
      },
    },
    async (request, reply) => {
      const issued = await issueToken(deps, principalOf(request), request.params.id, request.body.label);
      return reply.status(201).header('cache-control', 'no-store').send(issued);
    },
  );

  app.delete(
    '/admin/tokens/:id',
    { schema: { tags: ['admin'], summary: 'Revoke a token', params: UuidParams, response: withErrors({ 204: Type.Null({ description: 'Revoked' }) }) } },
    async (request, reply) => {
      await revokeToken(deps, principalOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/admin/users/:id/password-link',
    {
      schema: {
        tags: ['admin'],
        summary: 'A one-time set-password link (24 h, single use; the token is shown once; older links end)',
        params: UuidParams,
        body: Type.Object({ username: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Required when the user has no sign-in name yet' })) }),
        response: withErrors({
          201: Type.Object({
            username: Type.String(),
            token: Type.String({ description: 'Give it to the user as <service>/#/set-password/<token>; it cannot be shown again' }),
            expiresAt: DateTime,
          }),
        }),
      },
    },
    async (request, reply) => {
      const issued = await createPasswordLink(deps, principalOf(request), request.params.id, request.body);
      return reply.status(201).header('cache-control', 'no-store').send({ username: issued.username, token: issued.token, expiresAt: issued.link.expiresAt });
    },
  );

  app.get(
    '/admin/users/:id/sessions',
    { schema: { tags: ['admin'], summary: 'A user’s open browser sessions, newest first', params: UuidParams, response: withErrors({ 200: Type.Array(SessionSchema) }) } },
    async (request) => listUserSessions(deps, principalOf(request), request.params.id),
  );

  app.delete(
    '/admin/users/:id/sessions',
    { schema: { tags: ['admin'], summary: 'End every session of a user', params: UuidParams, response: withErrors({ 200: Type.Object({ ended: Type.Integer({ minimum: 0 }) }) }) } },
    async (request) => ({ ended: await revokeUserSessions(deps, principalOf(request), request.params.id) }),
  );

  app.delete(
    '/admin/sessions/:id',
    { schema: { tags: ['admin'], summary: 'End one session', params: UuidParams, response: withErrors({ 204: Type.Null({ description: 'Ended' }) }) } },
    async (request, reply) => {
      await revokeSession(deps, principalOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
};
