// OpenAPI built from the route schemas, served at /docs (swagger-ui) and /docs/json. Registered
// before the routes so @fastify/swagger sees each one as it is added.
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { CSRF_HEADER, SESSION_COOKIE } from './session-cookie.js';

export function registerOpenApi(app: FastifyInstance): void {
  app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'docaxis exchange axis',
        version: '1',
        description: 'Signed official documents between state agencies: send, inbox, status receipts, the exchange log, admin.',
      },
      // Two ways in: a bearer token (programs, the CLI), or the browser's session cookie with the
      // session's CSRF token in a header (checked on every state-changing request). OpenAPI ANDs
      // the schemes of one requirement object and ORs the objects.
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'An API token an administrator created for a user (programs, the CLI).' },
          session: {
            type: 'apiKey',
            in: 'cookie',
            name: SESSION_COOKIE,
            description: 'The browser session: HttpOnly, SameSite=Strict, set by POST /api/v1/session, ended by DELETE /api/v1/session or after idle minutes.',
          },
          csrf: {
            type: 'apiKey',
            in: 'header',
            name: CSRF_HEADER,
            description: 'The session’s CSRF token (answered by POST /api/v1/session and GET /api/v1/me): required with the session cookie on every POST, PATCH, PUT and DELETE (CSRF_MISSING / CSRF_INVALID otherwise).',
          },
        },
      },
      security: [{ bearer: [] }, { session: [], csrf: [] }],
    },
  });
  // A public route (sign-in, set-password, health) asks for no credential: say so, rather than
  // let it inherit the global requirement. (@fastify/swagger reads the schemas when /docs/json is
  // first built, after every route was added.)
  app.addHook('onRoute', (route) => {
    if (route.config && (route.config as { public?: boolean }).public && route.schema && !('security' in route.schema)) {
      (route.schema as Record<string, unknown>)['security'] = [];
    }
  });
  app.register(swaggerUi, {
    routePrefix: '/docs',
    // No call to validator.swagger.io: the page talks to this origin only.
    uiConfig: { docExpansion: 'list', validatorUrl: null },
    staticCSP: DOCS_CSP,
  });
}

/**
 * The UI's policy (web-ui.ts) adapted to swagger-ui: its page has no inline script (the
 * initialiser is a file), so scripts stay 'self' only; it applies inline styles (under
 * style-src 'self' Chromium blocks them: tried in test/e2e/viewer.test.ts's /docs check), hence
 * 'unsafe-inline' for styles alone; "Try it out" calls this origin. frame-ancestors 'none':
 * the page cannot be framed for clickjacking. Every response under /docs carries it (the plugin's
 * onSend hook), the JSON and the static files included.
 */
export const DOCS_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "script-src-attr 'none'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');
