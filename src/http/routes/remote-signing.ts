// Remote signing through a CSC service (exchange/remote-signing.ts). The web screens (a later task)
// use: admin: GET/POST/PUT /remote-signing/providers; signer: GET /remote-signing/providers (those
// of one's agency), POST /remote-signing/providers/:id/credentials/search (the provider's list),
// POST /remote-signing/credentials (link one), GET /remote-signing/credentials (one's own); then
// POST /drafts/:id/remote-signatures -> {pendingId, needs}; POST .../:pendingId/otp {otp};
// GET .../:pendingId (poll). The provider's callback is the one public route: it is authenticated by
// the per-transaction secret in its URL, and what it delivers is checked by complete anyway.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { CscCredentialBinding, CscProvider } from '../../db/ports.js';
import {
  createProvider,
  linkCredential,
  listProviders,
  listRemoteCredentials,
  myCredentials,
  remoteSignatureCallback,
  remoteSignatureStatus,
  startRemoteSignature,
  submitRemoteOtp,
  updateProvider,
  type CscAccess,
  type ProviderInput,
} from '../../exchange/remote-signing.js';
import { principalOf } from '../auth-plugin.js';
import type { ExchangeDeps } from '../deps.js';
import { DateTime, Uuid, UuidParams, withErrors } from '../schemas/common.js';

const ProviderBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    baseUrl: Type.String({ minLength: 1, maxLength: 500, description: 'The CSC base URL, e.g. https://rssp.example/csc/v2' }),
    apiVersion: Type.Union([Type.Literal('v1'), Type.Literal('v2')]),
    oauthTokenUrl: Type.String({ minLength: 1, maxLength: 500 }),
    clientId: Type.String({ minLength: 1, maxLength: 200 }),
    clientSecretEnv: Type.String({ minLength: 3, maxLength: 64, description: 'The NAME of the environment variable holding the OAuth client secret (the secret itself is never sent nor stored)' }),
    agencyIds: Type.Array(Uuid, { maxItems: 500 }),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

const ProviderSchema = Type.Object({ id: Uuid, name: Type.String(), baseUrl: Type.String(), apiVersion: Type.String(), oauthTokenUrl: Type.String(), clientId: Type.String(), clientSecretEnv: Type.String(), agencyIds: Type.Array(Uuid), active: Type.Boolean(), createdAt: DateTime, updatedAt: DateTime });
const SignerProviderSchema = Type.Object({ id: Uuid, name: Type.String(), apiVersion: Type.String() });
const CredentialSchema = Type.Object({ id: Uuid, providerId: Uuid, credentialId: Type.String(), certificateSha256: Type.String(), subject: Type.String(), keyAlgorithm: Type.String(), authMode: Type.String(), scal: Type.String(), createdAt: DateTime });
const StatusSchema = Type.Object({ pendingId: Uuid, status: Type.String(), errorCode: Type.Union([Type.String(), Type.Null()]), expiresAt: DateTime, result: Type.Optional(Type.Unknown()) });
const Placement = Type.Object(
  { page: Type.Integer({ minimum: 1 }), rect: Type.Tuple([Type.Number(), Type.Number(), Type.Number({ exclusiveMinimum: 0 }), Type.Number({ exclusiveMinimum: 0 })]) },
  { additionalProperties: false },
);
const PendingParams = Type.Object({ id: Uuid, pendingId: Uuid });

const credentialView = (c: CscCredentialBinding) => ({ id: c.id, providerId: c.providerId, credentialId: c.credentialId, certificateSha256: c.certificateSha256, subject: c.subject, keyAlgorithm: c.keyAlgorithm, authMode: c.authMode, scal: c.scal, createdAt: c.createdAt });

export const remoteSigningRoutes: FastifyPluginAsyncTypebox<{ deps: ExchangeDeps; csc: CscAccess; preparedSignatureTtlMinutes: number }> = async (app, { deps, csc, preparedSignatureTtlMinutes }) => {
  const tags = ['remote-signing'];

  app.get('/remote-signing/providers', { schema: { tags, summary: 'Remote signing providers: all for an admin, the usable ones for a signer', response: withErrors({ 200: Type.Array(Type.Union([ProviderSchema, SignerProviderSchema])) }) } }, async (request) => {
    const p = principalOf(request);
    const list = await listProviders(deps, p);
    return p.user.roles.includes('admin') ? list : list.map((x: CscProvider) => ({ id: x.id, name: x.name, apiVersion: x.apiVersion }));
  });

  app.post('/remote-signing/providers', { schema: { tags, summary: 'Configure a CSC provider (admin)', body: ProviderBody, response: withErrors({ 201: ProviderSchema }) } }, async (request, reply) =>
    reply.status(201).send(await createProvider(deps, principalOf(request), request.body as ProviderInput)),
  );

  app.put('/remote-signing/providers/:id', { schema: { tags, summary: 'Change a CSC provider (admin)', params: UuidParams, body: ProviderBody, response: withErrors({ 200: ProviderSchema }) } }, async (request) =>
    updateProvider(deps, principalOf(request), request.params.id, request.body as ProviderInput),
  );

  app.post(
    '/remote-signing/providers/:id/credentials/search',
    {
      schema: {
        tags,
        summary: 'The signer’s credentials at the provider (credentials/list + credentials/info)',
        params: UuidParams,
        body: Type.Object({ providerUserId: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'The signer’s id at the provider (phone number, citizen id)' })) }, { additionalProperties: false }),
        response: withErrors({ 200: Type.Array(Type.Object({ credentialId: Type.String(), subject: Type.String(), notAfter: DateTime, keyAlgorithm: Type.String(), scal: Type.String(), authMode: Type.String() })) }),
      },
    },
    async (request) => listRemoteCredentials(deps, csc, principalOf(request), request.params.id, (request.body as { providerUserId?: string }).providerUserId),
  );

  app.get('/remote-signing/credentials', { schema: { tags, summary: 'The credentials one has linked', response: withErrors({ 200: Type.Array(CredentialSchema) }) } }, async (request) =>
    (await myCredentials(deps, principalOf(request))).map(credentialView),
  );

  app.post(
    '/remote-signing/credentials',
    { schema: { tags, summary: 'Link a provider credential to oneself (its certificate is checked against the trust store)', body: Type.Object({ providerId: Uuid, credentialId: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }), response: withErrors({ 201: CredentialSchema }) } },
    async (request, reply) => reply.status(201).send(credentialView(await linkCredential(deps, csc, principalOf(request), request.body as { providerId: string; credentialId: string }))),
  );

  app.post(
    '/drafts/:id/remote-signatures',
    {
      schema: {
        tags,
        summary: 'Start a remote signature of the draft: prepares it, then asks the provider (an OTP is sent, or the phone asks the signer)',
        params: UuidParams,
        body: Type.Object({ credentialId: Uuid, placement: Type.Optional(Placement) }, { additionalProperties: false, description: 'credentialId: the id of one’s linked credential (GET /remote-signing/credentials)' }),
        response: withErrors({ 201: Type.Object({ pendingId: Uuid, needs: Type.String(), status: Type.String(), expiresAt: DateTime }) }),
      },
    },
    async (request, reply) => {
      const body = request.body as { credentialId: string; placement?: { page: number; rect: [number, number, number, number] } };
      return reply.status(201).header('cache-control', 'no-store').send(await startRemoteSignature(deps, csc, principalOf(request), request.params.id, body, { ttlMinutes: preparedSignatureTtlMinutes }));
    },
  );

  app.post(
    '/drafts/:id/remote-signatures/:pendingId/otp',
    { schema: { tags, summary: 'The OTP the signer received: the provider signs the prepared hash, the draft turns signed', params: PendingParams, body: Type.Object({ otp: Type.String({ minLength: 1, maxLength: 32 }) }, { additionalProperties: false }), response: withErrors({ 200: Type.Unknown() }) } },
    async (request) => {
      const { id, pendingId } = request.params as { id: string; pendingId: string };
      return submitRemoteOtp(deps, csc, principalOf(request), id, pendingId, (request.body as { otp: string }).otp);
    },
  );

  app.get('/drafts/:id/remote-signatures/:pendingId', { schema: { tags, summary: 'Where a remote signature is (asks the provider while the phone has not confirmed)', params: PendingParams, response: withErrors({ 200: StatusSchema }) } }, async (request, reply) => {
    const { id, pendingId } = request.params as { id: string; pendingId: string };
    return reply.header('cache-control', 'no-store').send(await remoteSignatureStatus(deps, csc, principalOf(request), id, pendingId));
  });

  app.post(
    '/remote-signing/callback/:id',
    {
      config: { public: true },
      schema: { tags, summary: 'The provider posts an asynchronous result here (URL with a per-transaction secret)', params: UuidParams, querystring: Type.Object({ s: Type.String({ minLength: 1, maxLength: 100 }) }), body: Type.Object({ responseID: Type.Optional(Type.String({ maxLength: 200 })), status: Type.Optional(Type.String({ maxLength: 20 })), signatures: Type.Optional(Type.Array(Type.String({ maxLength: 4096 }), { maxItems: 4 })) }), response: withErrors({ 204: Type.Null() }) },
    },
    async (request, reply) => {
      await remoteSignatureCallback(deps, request.params.id, (request.query as { s: string }).s, request.body as { responseID?: string; status?: string; signatures?: string[] });
      return reply.status(204).send(null);
    },
  );
};
