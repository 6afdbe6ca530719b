// OpenAPI built from the route schemas, served at /docs (swagger-ui) and /docs/json. Registered
// before the routes so @fastify/swagger sees each one as it is added.
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

export function registerOpenApi(app: FastifyInstance): void {
  app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'docaxis exchange axis',
        version: '1',
        description: 'Signed official documents between state agencies: send, inbox, status receipts, the exchange log, admin.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
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
