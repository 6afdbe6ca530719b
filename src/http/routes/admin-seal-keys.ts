// Admin: the agency seal's key in an HSM (PKCS#11). The body names where the key is and the
// environment variable holding its PIN; the PIN itself never crosses the API.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { bindSealKey, listSealKeys, unbindSealKey } from '../../exchange/admin-seal-keys.js';
import type { SealKeyOptions } from '../../exchange/seal-keys.js';
import { principalOf } from '../auth-plugin.js';
import type { ExchangeDeps } from '../deps.js';
import { AgencyCodeParams, withErrors } from '../schemas/common.js';
import { refuseUnstorableText } from '../text-guard.js';

const Nullable = (t: ReturnType<typeof Type.String>) => Type.Union([t, Type.Null()]);

const SealKeySchema = Type.Object({
  id: Type.String(),
  agencyCode: Type.String(),
  modulePath: Type.String(),
  tokenLabel: Type.String(),
  keyLabel: Nullable(Type.String()),
  keyId: Nullable(Type.String()),
  pinEnv: Type.String({ description: 'The NAME of the environment variable holding the PIN' }),
  fingerprintSha256: Type.String(),
  subject: Type.String(),
  notAfter: Type.String({ format: 'date-time' }),
  active: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
});

export const adminSealKeyRoutes: FastifyPluginAsyncTypebox<{ deps: ExchangeDeps; options: SealKeyOptions }> = async (app, { deps, options }) => {
  // Registered beside apiRoutes (app.ts), so its text guard is added here too.
  app.addHook('preValidation', refuseUnstorableText);

  app.get(
    '/admin/agencies/:code/seal-key',
    { schema: { tags: ['admin'], summary: 'The agency seal keys bound to an agency (HSM), active and retired', params: AgencyCodeParams, response: withErrors({ 200: Type.Array(SealKeySchema) }) } },
    async (request) => listSealKeys(deps, principalOf(request), request.params.code),
  );

  app.post(
    '/admin/agencies/:code/seal-key',
    {
      schema: {
        tags: ['admin'],
        summary: 'Bind a PKCS#11 key as the agency seal (the module must be in PKCS11_MODULES; the certificate is read from the token)',
        params: AgencyCodeParams,
        body: Type.Object(
          {
            modulePath: Type.String({ minLength: 1, maxLength: 1024 }),
            tokenLabel: Type.String({ minLength: 1, maxLength: 32 }),
            keyLabel: Type.Optional(Type.String({ maxLength: 255 })),
            keyId: Type.Optional(Type.String({ maxLength: 128, pattern: '^([0-9A-Fa-f]{2})*$' })),
            pinEnv: Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }),
          },
          { additionalProperties: false },
        ),
        response: withErrors({ 201: SealKeySchema }),
      },
    },
    async (request, reply) => reply.status(201).send(await bindSealKey(deps, principalOf(request), request.params.code, request.body, options)),
  );

  app.delete(
    '/admin/agencies/:code/seal-key',
    { schema: { tags: ['admin'], summary: 'Unbind the agency seal key (kept, inactive)', params: AgencyCodeParams, response: withErrors({ 204: Type.Null() }) } },
    async (request, reply) => {
      await unbindSealKey(deps, principalOf(request), request.params.code);
      return reply.status(204).send(null);
    },
  );
};
