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
  app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list' } });
}
