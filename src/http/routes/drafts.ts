// Drafts and the signer's staged signature. A web page drives the whole flow with these routes:
// upload (multipart, metadata first as for a send), list, detail with history, file per version,
// revise, submit to a signer (GET /drafts/signers lists them), return with a comment, and the two
// stages of signing (prepare -> the signer's tool signs dataToSign -> complete).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { createDraft, draftFile, getDraft, listDrafts, listSigners, returnDraft, reviseDraft, submitDraft, type DraftUpload } from '../../exchange/drafts.js';
import { DocaxisError } from '../../errors.js';
import { ensureRole } from '../../exchange/guard.js';
import { announceDraftChange } from '../../exchange/notify-events.js';
import { logUploadRefused } from '../../exchange/refusal-log.js';
import { refuseClassified } from '../../exchange/refuse-classified.js';
import { sealAndSend } from '../../exchange/seal-and-send.js';
import { completeDraftSignature, prepareDraftSignature } from '../../exchange/staged-signing.js';
import { screenMetadata } from '../../exchange/validate-metadata.js';
import { DRAFT_EVENT_KINDS, DRAFT_STATUSES, DRAFT_VERSION_KINDS, type Principal } from '../../db/ports.js';
import type { FastifyRequest } from 'fastify';
import { principalOf } from '../auth-plugin.js';
import type { ExchangeDeps } from '../deps.js';
import { DateTime, PageQuery, pageOf, Uuid, UuidParams, withErrors } from '../schemas/common.js';
import { readUpload } from '../send-upload.js';

const literals = (values: readonly string[]) => Type.Unsafe<string>({ type: 'string', enum: [...values] });

const DraftSchema = Type.Object({
  id: Uuid,
  agencyId: Uuid,
  drafterUserId: Uuid,
  signerUserId: Type.Union([Uuid, Type.Null()]),
  status: literals(DRAFT_STATUSES),
  metadata: Type.Unknown({ description: 'The send form’s metadata minus codeNumber (given at registration)' }),
  currentVersion: Type.Integer(),
  createdAt: DateTime,
  updatedAt: DateTime,
});

const VersionSchema = Type.Object({
  draftId: Uuid,
  version: Type.Integer(),
  kind: literals(DRAFT_VERSION_KINDS),
  fileSha256: Type.String(),
  fileSize: Type.Integer(),
  createdByUserId: Uuid,
  createdAt: DateTime,
});

const EventSchema = Type.Object({
  id: Uuid,
  draftId: Uuid,
  kind: literals(DRAFT_EVENT_KINDS),
  actorUserId: Uuid,
  version: Type.Integer(),
  comment: Type.Union([Type.String(), Type.Null()]),
  details: Type.Record(Type.String(), Type.Unknown()),
  at: DateTime,
});

const DetailSchema = Type.Object({ draft: DraftSchema, versions: Type.Array(VersionSchema), events: Type.Array(EventSchema) });

const PrepareBody = Type.Object(
  {
    certificates: Type.Array(Type.String({ minLength: 1, maxLength: 16384 }), { minItems: 1, maxItems: 10, description: 'Base64 DER: the signer’s certificate first, then its chain' }),
    placement: Type.Optional(
      Type.Object(
        {
          page: Type.Integer({ minimum: 1, description: '1-based' }),
          rect: Type.Tuple([Type.Number(), Type.Number(), Type.Number({ exclusiveMinimum: 0 }), Type.Number({ exclusiveMinimum: 0 })], { description: '[x, y, width, height] in points from the page’s lower-left corner' }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

const PrepareAnswerSchema = Type.Object({
  preparedId: Uuid,
  draftId: Uuid,
  version: Type.Integer({ description: 'The draft version this signature is bound to' }),
  digestAlgorithm: Type.String(),
  keyAlgorithm: Type.String(),
  dataToSign: Type.String({ description: 'Base64 DER of the CMS signed attributes: sign these bytes (hashing them with digestAlgorithm)' }),
  digest: Type.String({ description: 'Base64 digest of dataToSign, for keys that sign a hash' }),
  expiresAt: DateTime,
  fieldName: Type.String(),
});

const DraftParams = Type.Object({ id: Uuid });

/** A rectangle in points from the page's lower-left corner, page from 1 (as a click on the rendered page gives it). */
const PageRect = (description: string) =>
  Type.Object(
    {
      page: Type.Integer({ minimum: 1, maximum: 10000 }),
      x: Type.Number({ minimum: -14400, maximum: 14400 }),
      y: Type.Number({ minimum: -14400, maximum: 14400 }),
      width: Type.Number({ exclusiveMinimum: 0, maximum: 14400 }),
      height: Type.Number({ exclusiveMinimum: 0, maximum: 14400 }),
    },
    { additionalProperties: false, description },
  );

const SealAndSendBody = Type.Object(
  {
    numberPlacement: Type.Optional(PageRect('Where "Số: N/..." goes; default: page 1, x 60, 130 pt below the top, 180 x 16 (the left column under the agency name, Decree 30 Appendix I). The place and date go on the same line in the right column.')),
    sealPlacement: Type.Optional(PageRect('Where the seal goes; default: over the left third of the signer’s signature image')),
  },
  { additionalProperties: false },
);

const RECT_KEYS = new Set(['page', 'x', 'y', 'width', 'height']);
const SEAL_AND_SEND_KEYS: Readonly<Record<string, ReadonlySet<string>>> = { numberPlacement: RECT_KEYS, sealPlacement: RECT_KEYS };

/**
 * The schema's additionalProperties only strips unknown keys (the app's ajv removes them): this
 * body is refused instead, so a misspelt "numberPlacment" is an error, not a number at the default place.
 */
function refuseUnknownKeys(body: unknown): void {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return; // the schema refuses it
  const unknown = (field: string): never => {
    throw new DocaxisError('USAGE', `unknown field ${field}`, { details: { fields: { [field]: 'unknown field' } } });
  };
  for (const [key, value] of Object.entries(body)) {
    const allowed = Object.hasOwn(SEAL_AND_SEND_KEYS, key) ? SEAL_AND_SEND_KEYS[key] : undefined;
    if (!allowed) return unknown(key);
    if (value && typeof value === 'object' && !Array.isArray(value)) for (const k of Object.keys(value)) if (!allowed.has(k)) unknown(`${key}.${k}`);
  }
}

const SealAndSendAnswer = Type.Object({
  registerEntry: Type.Object({ number: Type.Integer(), year: Type.Integer(), notation: Type.String(), registeredAt: DateTime }),
  documentId: Uuid,
});
const CompleteParams = Type.Object({ id: Uuid, preparedId: Uuid });

export const draftRoutes: FastifyPluginAsyncTypebox<{ deps: ExchangeDeps; uploadLimitBytes: number; preparedSignatureTtlMinutes: number }> = async (app, opts) => {
  const { deps, uploadLimitBytes } = opts;

  /** The multipart upload, classification refused before a byte of the file is kept (as a send). */
  const upload = async (request: FastifyRequest, p: Principal): Promise<DraftUpload> => {
    let seen: unknown;
    const policy = { uploadLimitBytes, seen: (m: unknown) => void (seen = m), screen: (m: unknown) => screenMetadata(m) !== 'NONE' };
    const got = await readUpload(request, policy).catch((e: unknown) => logUploadRefused(deps, p, seen, e));
    if (got.kind === 'classified') return refuseClassified(deps, p, got.metadata, screenMetadata(got.metadata));
    return { metadata: got.metadata, pdf: got.pdf };
  };

  const multipartDoc =
    'multipart/form-data with exactly two parts IN THIS ORDER: `metadata` (the send form’s JSON without codeNumber) then `file` (the PDF, unsigned or already signed). ' +
    'A classified level is refused before the file is read; a classification stamp in the file before anything is stored.';

  app.post(
    '/drafts',
    { config: { pdfUpload: true }, schema: { tags: ['drafts'], summary: 'Upload a draft (drafter)', description: multipartDoc, consumes: ['multipart/form-data'], response: withErrors({ 201: DetailSchema }) } },
    async (request, reply) => {
      const p = principalOf(request);
      await ensureRole(deps, p, 'create a draft', 'drafter');
      return reply.status(201).send(await createDraft(deps, p, await upload(request, p)));
    },
  );

  app.get(
    '/drafts',
    {
      schema: {
        tags: ['drafts'],
        summary: 'Drafts: the agency’s for clerks, admins and auditors; one’s own (written or to sign) for drafters and signers',
        querystring: Type.Object({ status: Type.Optional(literals(DRAFT_STATUSES)), ...PageQuery }),
        response: withErrors({ 200: pageOf(DraftSchema) }),
      },
    },
    async (request) => {
      const q = request.query as { status?: (typeof DRAFT_STATUSES)[number]; limit?: number; after?: string };
      return listDrafts(deps, principalOf(request), { limit: q.limit ?? 50, ...(q.status ? { status: q.status } : {}), ...(q.after ? { after: q.after } : {}) });
    },
  );

  app.get(
    '/drafts/signers',
    { schema: { tags: ['drafts'], summary: 'The signers of one’s agency (to submit a draft to)', response: withErrors({ 200: Type.Array(Type.Object({ id: Uuid, name: Type.String() })) }) } },
    async (request) => listSigners(deps, principalOf(request)),
  );

  app.get(
    '/drafts/:id',
    { schema: { tags: ['drafts'], summary: 'A draft, its versions and its history', params: UuidParams, response: withErrors({ 200: DetailSchema }) } },
    async (request) => getDraft(deps, principalOf(request), request.params.id),
  );

  app.get(
    '/drafts/:id/file',
    {
      schema: {
        tags: ['drafts'],
        summary: 'The PDF of a version (default: the newest); X-Content-SHA256 carries its hash',
        params: UuidParams,
        querystring: Type.Object({ version: Type.Optional(Type.Integer({ minimum: 1 })) }),
        produces: ['application/pdf'],
        response: withErrors({ 200: Type.Unsafe<Uint8Array>({ type: 'string', format: 'binary' }) }),
      },
    },
    async (request, reply) => {
      const { version } = request.query as { version?: number };
      const f = await draftFile(deps, principalOf(request), request.params.id, version);
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="draft-${f.draft.id}-v${f.version.version}.pdf"`)
        .header('x-content-sha256', f.version.fileSha256)
        .send(Buffer.from(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength));
    },
  );

  app.post(
    '/drafts/:id/versions',
    { config: { pdfUpload: true }, schema: { tags: ['drafts'], summary: 'Revise a draft: a new version (its drafter, while draft or returned)', description: multipartDoc, params: UuidParams, consumes: ['multipart/form-data'], response: withErrors({ 201: DetailSchema }) } },
    async (request, reply) => {
      const p = principalOf(request);
      await ensureRole(deps, p, 'revise a draft', 'drafter');
      return reply.status(201).send(await reviseDraft(deps, p, request.params.id, await upload(request, p)));
    },
  );

  app.post(
    '/drafts/:id/submit',
    {
      schema: {
        tags: ['drafts'],
        summary: 'Submit the draft to a named signer of the same agency',
        params: UuidParams,
        body: Type.Object({ signerUserId: Uuid }, { additionalProperties: false }),
        response: withErrors({ 200: DetailSchema }),
      },
    },
    async (request) => submitDraft(deps, principalOf(request), request.params.id, request.body),
  );

  app.post(
    '/drafts/:id/return',
    {
      schema: {
        tags: ['drafts'],
        summary: 'Return the draft to its drafter with a comment (the named signer)',
        params: UuidParams,
        body: Type.Object({ comment: Type.String({ maxLength: 2000 }) }, { additionalProperties: false }),
        response: withErrors({ 200: DetailSchema }),
      },
    },
    async (request) => returnDraft(deps, principalOf(request), request.params.id, request.body),
  );

  app.post(
    '/drafts/:id/signatures/prepare',
    {
      schema: {
        tags: ['drafts'],
        summary: 'Prepare the signer’s signature over the current version; returns what to sign',
        description: `Bound to this draft version, this user and this certificate; expires after PREPARED_SIGNATURE_TTL_MINUTES (${opts.preparedSignatureTtlMinutes} min here) and completes at most once.`,
        params: DraftParams,
        body: PrepareBody,
        response: withErrors({ 201: PrepareAnswerSchema }),
      },
    },
    async (request, reply) => {
      const body = request.body as { certificates: string[]; placement?: { page: number; rect: [number, number, number, number] } };
      const answer = await prepareDraftSignature(deps, principalOf(request), request.params.id, body, { ttlMinutes: opts.preparedSignatureTtlMinutes });
      return reply.status(201).header('cache-control', 'no-store').send(answer);
    },
  );

  app.post(
    '/drafts/:id/signatures/:preparedId/complete',
    {
      schema: {
        tags: ['drafts'],
        summary: 'Complete a prepared signature with the raw signature value; the signed draft is verified and kept as a new version',
        params: CompleteParams,
        body: Type.Object({ signatureValue: Type.String({ minLength: 1, maxLength: 2048, description: 'Base64: RSA PKCS#1 v1.5, or ECDSA as DER Ecdsa-Sig-Value' }) }, { additionalProperties: false }),
        response: withErrors({
          200: Type.Intersect([
            DetailSchema,
            Type.Object({ signature: Type.Object({ fieldName: Type.String(), indication: Type.String(), subIndication: Type.Union([Type.String(), Type.Null()]), level: Type.String(), signer: Type.Unknown(), times: Type.Unknown() }) }),
          ]),
        }),
      },
    },
    async (request) => {
      const { id, preparedId } = request.params as { id: string; preparedId: string };
      // The drafter's and the clerks' pages see the draft turn signed (staged-signing.ts does not announce).
      return announceDraftChange(deps, completeDraftSignature(deps, principalOf(request), id, preparedId, request.body as { signatureValue: string }));
    },
  );

  app.post(
    '/drafts/:id/seal-and-send',
    {
      schema: {
        tags: ['drafts'],
        summary: 'Register, seal and send a signed draft (a clerk of its agency)',
        description:
          'In one transaction: the next number of the outgoing register, the agency seal (HSM or the demo’s TEST-ONLY key) over the signer’s signature with the number and date as widgets of the seal’s own signature, and the ordinary send (same policy and checks). A failure anywhere consumes no number and sends nothing. The draft becomes sent.',
        params: DraftParams,
        body: SealAndSendBody,
        response: withErrors({ 200: SealAndSendAnswer }),
      },
      preValidation: async (request) => refuseUnknownKeys(request.body),
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const r = await sealAndSend(deps, principalOf(request), id, request.body);
      const { id: _entryId, ...registerEntry } = r.registerEntry;
      return { registerEntry, documentId: r.documentId };
    },
  );
};
