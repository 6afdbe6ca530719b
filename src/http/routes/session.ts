// Browser sign-in and sign-out, password changes and set-password links. The sign-in answer sets
// the session cookie and gives the page its CSRF token (never the cookie's secret, which no script
// can read); no answer here carries a bearer token, and every one is no-store.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { changePassword, setPasswordWithLink, signIn } from '../../exchange/accounts.js';
import { currentUser } from '../../exchange/current-user.js';
import { csrfTokenOf, endSession } from '../../exchange/sessions.js';
import { DocaxisError, isDocaxisError } from '../../errors.js';
import { principalOf } from '../auth-plugin.js';
import type { ExchangeDeps } from '../deps.js';
import { withErrors } from '../schemas/common.js';
import { clearSessionCookie, sameOrigin, setSessionCookie } from '../session-cookie.js';
import { MeSchema } from './me.js';

const Password = (description: string) => Type.String({ minLength: 1, maxLength: 1024, description });

export const sessionRoutes: FastifyPluginAsyncTypebox<{ deps: ExchangeDeps }> = async (app, { deps }) => {
  const noStore = (reply: FastifyReply) => reply.header('cache-control', 'no-store');

  app.post(
    '/session',
    {
      config: { public: true },
      schema: {
        tags: ['auth'],
        summary: 'Sign in with a user name and password: sets the session cookie, answers the CSRF token',
        body: Type.Object({ username: Type.String({ minLength: 1, maxLength: 200 }), password: Password('Never logged') }),
        response: withErrors({ 200: Type.Object({ csrfToken: Type.String(), me: MeSchema }) }),
      },
    },
    async (request, reply) => {
      noStore(reply);
      // A cross-site page must not sign the browser in to the attacker's account (login CSRF).
      if (!sameOrigin(request)) throw new DocaxisError('CSRF_INVALID', 'sign-in from another origin');
      const settings = app.sessionConfig;
      try {
        const signed = await signIn(deps, settings, request.body, { ip: request.ip, userAgent: request.headers['user-agent'] });
        setSessionCookie(request, reply, settings, signed.secret);
        return { csrfToken: csrfTokenOf(signed.secret), me: await currentUser(deps, signed.principal) };
      } catch (e) {
        if (isDocaxisError(e, 'AUTH_LOCKED')) reply.header('retry-after', String(e.details?.['retryAfterSeconds'] ?? 60));
        // Wrong passwords count against the address's limit too (AUTH_RATE_LIMITED past it).
        if (isDocaxisError(e, 'AUTH_BAD_CREDENTIALS') || isDocaxisError(e, 'AUTH_LOCKED')) await app.countAuthFailure(request, reply);
        throw e;
      }
    },
  );

  app.delete(
    '/session',
    { schema: { tags: ['auth'], summary: 'Sign out: the session ends on the server and the cookie is dropped', response: withErrors({ 204: Type.Null({ description: 'Signed out' }) }) } },
    async (request, reply) => {
      await endSession(deps, principalOf(request), { ip: request.ip });
      clearSessionCookie(request, reply, app.sessionConfig);
      return noStore(reply).status(204).send(null);
    },
  );

  app.post(
    '/session/set-password',
    {
      config: { public: true },
      schema: {
        tags: ['auth'],
        summary: 'Set a password with a one-time link from an administrator (ends the user’s sessions)',
        body: Type.Object({ token: Type.String({ minLength: 1, maxLength: 100 }), password: Password('At least 12 characters') }),
        response: withErrors({ 200: Type.Object({ username: Type.String() }) }),
      },
    },
    async (request, reply) => {
      noStore(reply);
      if (!sameOrigin(request)) throw new DocaxisError('CSRF_INVALID', 'set-password from another origin');
      return setPasswordWithLink(deps, request.body, { ip: request.ip });
    },
  );

  app.post(
    '/me/password',
    {
      schema: {
        tags: ['auth'],
        summary: 'Change your password (the current one required); your other sessions end',
        body: Type.Object({ currentPassword: Password('Your password now'), newPassword: Password('At least 12 characters') }),
        response: withErrors({ 200: Type.Object({ sessionsEnded: Type.Integer({ minimum: 0 }) }) }),
      },
    },
    async (request, reply) => {
      noStore(reply);
      return changePassword(deps, principalOf(request), request.body, { ip: request.ip });
    },
  );
};
