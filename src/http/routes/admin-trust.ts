// Admin: what verification trusts (root anchors) and the revocation lists it consults.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { addCrl, addTrustAnchor, listCrls, listTrustAnchors } from '../../exchange/admin.js';
import { ensureRole } from '../../exchange/guard.js';
import { principalOf } from '../auth-plugin.js';
import { acceptPkiBodies, readPkiBody } from '../binary-body.js';
import type { ExchangeDeps } from '../deps.js';
import { withErrors } from '../schemas/common.js';
import { CrlSchema, TrustAnchorSchema } from '../schemas/records.js';

const PKI_CONSUMES = ['application/x-pem-file', 'application/pkix-cert', 'application/pkix-crl', 'multipart/form-data'];

export const adminTrustRoutes: FastifyPluginAsyncTypebox<{ deps: ExchangeDeps }> = async (app, { deps }) => {
  acceptPkiBodies(app);

  app.get('/admin/trust-anchors', { schema: { tags: ['admin'], summary: 'Trust anchors', response: withErrors({ 200: Type.Array(TrustAnchorSchema) }) } }, async (request) =>
    listTrustAnchors(deps, principalOf(request)),
  );

  app.post(
    '/admin/trust-anchors',
    { schema: { tags: ['admin'], summary: 'Add trust anchors (every certificate of a PEM bundle, or one DER)', consumes: PKI_CONSUMES, response: withErrors({ 201: Type.Array(TrustAnchorSchema) }) } },
    async (request, reply) => {
      const p = principalOf(request);
      await ensureRole(deps, p, 'add trust anchor', 'admin');
      return reply.status(201).send(await addTrustAnchor(deps, p, await readPkiBody(request)));
    },
  );

  app.get('/admin/crls', { schema: { tags: ['admin'], summary: 'CRLs consulted by verification', response: withErrors({ 200: Type.Array(CrlSchema) }) } }, async (request) =>
    listCrls(deps, principalOf(request)),
  );

  app.post(
    '/admin/crls',
    { schema: { tags: ['admin'], summary: 'Add CRLs (PEM bundle or one DER)', consumes: PKI_CONSUMES, response: withErrors({ 201: Type.Array(CrlSchema) }) } },
    async (request, reply) => {
      const p = principalOf(request);
      await ensureRole(deps, p, 'add CRL', 'admin');
      return reply.status(201).send(await addCrl(deps, p, await readPkiBody(request)));
    },
  );
};
