// Admin: agencies and the certificates bound to them (an agency's seal must chain to one of these).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { addAgencyCertificate, createAgency, listAgencies, listAgencyCertificates, setAgencyActive } from '../../exchange/admin.js';
import { ensureRole } from '../../exchange/guard.js';
import { principalOf } from '../auth-plugin.js';
import { acceptPkiBodies, readPkiBody } from '../binary-body.js';
import type { ExchangeDeps } from '../deps.js';
import { AgencyCodeParams, AgencyCodePattern, withErrors } from '../schemas/common.js';
import { AgencySchema, CertificateSchema, LevelSchema } from '../schemas/records.js';

export const adminAgencyRoutes: FastifyPluginAsyncTypebox<{ deps: ExchangeDeps }> = async (app, { deps }) => {
  acceptPkiBodies(app);

  app.get('/admin/agencies', { schema: { tags: ['admin'], summary: 'All agencies (admin)', response: withErrors({ 200: Type.Array(AgencySchema) }) } }, async (request) => {
    const p = principalOf(request);
    await ensureRole(deps, p, 'list agencies (admin)', 'admin');
    return listAgencies(deps, p);
  });

  app.post(
    '/admin/agencies',
    {
      schema: {
        tags: ['admin'],
        summary: 'Register an agency',
        body: Type.Object({
          code: Type.String({ pattern: AgencyCodePattern, description: 'QCVN 102 code, e.g. 000.00.12.H54' }),
          name: Type.String({ minLength: 1, maxLength: 255 }),
          level: Type.Optional(LevelSchema),
          parentCode: Type.Optional(Type.Union([Type.String({ pattern: AgencyCodePattern }), Type.Null()])),
        }),
        response: withErrors({ 201: AgencySchema }),
      },
    },
    async (request, reply) => reply.status(201).send(await createAgency(deps, principalOf(request), request.body)),
  );

  app.patch(
    '/admin/agencies/:code',
    {
      schema: {
        tags: ['admin'],
        summary: 'Activate or deactivate an agency',
        params: AgencyCodeParams,
        body: Type.Object({ active: Type.Boolean() }),
        response: withErrors({ 200: AgencySchema }),
      },
    },
    async (request) => setAgencyActive(deps, principalOf(request), request.params.code, request.body.active),
  );

  app.get(
    '/admin/agencies/:code/certificates',
    {
      schema: {
        tags: ['admin'],
        summary: 'Certificates bound to an agency (its seals), active and retired',
        params: AgencyCodeParams,
        response: withErrors({ 200: Type.Array(CertificateSchema) }),
      },
    },
    async (request) => listAgencyCertificates(deps, principalOf(request), request.params.code),
  );

  app.post(
    '/admin/agencies/:code/certificates',
    {
      schema: {
        tags: ['admin'],
        summary: 'Bind a certificate (PEM or DER body, or a multipart file) to an agency',
        params: AgencyCodeParams,
        consumes: ['application/x-pem-file', 'application/pkix-cert', 'multipart/form-data'],
        response: withErrors({ 201: CertificateSchema }),
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      // Role first: a clerk's upload is refused before it is read.
      await ensureRole(deps, p, 'add agency certificate', 'admin');
      return reply.status(201).send(await addAgencyCertificate(deps, p, request.params.code, await readPkiBody(request)));
    },
  );
};
