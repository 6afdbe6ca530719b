// POST /verify: verify a PDF that is not stored (any role) and, for a clerk, tell whether the
// clerk's agency could send it. The use case writes nothing; the bytes are never logged.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { SIGNATURE_REFUSALS, type SignatureRefusal } from '../../exchange/signature-policy.js';
import { verifyUpload } from '../../exchange/verify-upload.js';
import { principalOf } from '../auth-plugin.js';
import type { ExchangeDeps } from '../deps.js';
import { acceptPdfBodies, PDF_CONTENT_TYPE, readPdfUpload } from '../pdf-upload.js';
import { withErrors } from '../schemas/common.js';
import { ReportSchema } from '../schemas/records.js';

const RefusalCodeSchema = Type.Union([Type.Unsafe<SignatureRefusal>({ type: 'string', enum: [...SIGNATURE_REFUSALS] }), Type.Null()], {
  description: 'The code a send would be refused with by these checks; null: they pass',
});

const PolicySchema = Type.Union(
  [
    Type.Object({
      agencyCode: Type.String({ description: 'The caller’s agency, whose seal is looked for' }),
      documentValid: Type.Boolean({ description: 'Every signature passed and nothing disallowed changed' }),
      agencySeal: Type.Boolean({ description: 'A passed signature by an active certificate bound to the caller’s agency' }),
      sealSignatureIndex: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
      signerBeforeSeal: Type.Boolean({ description: 'A passed personal signature before that seal (Decree 30 art. 32)' }),
      code: RefusalCodeSchema,
    }),
    Type.Null(),
  ],
  { description: 'The signature rules of a send by the caller’s agency (metadata not checked); null unless the caller is a clerk' },
);

const ClassificationMarksSchema = Type.Array(
  Type.Object({
    page: Type.Integer({ minimum: 1 }),
    level: Type.Union([Type.Literal('MAT'), Type.Literal('TOI_MAT'), Type.Literal('TUYET_MAT')]),
    text: Type.String({ description: 'The stamp as it stands on the page' }),
  }),
  { description: 'Classification stamps (Decree 26/2020) in the file’s text; a send of this file is refused (CLASSIFICATION_MARK_FOUND). [] when none' },
);

export const verifyRoutes: FastifyPluginAsyncTypebox<{ deps: ExchangeDeps; uploadLimitBytes: number }> = async (app, { deps, uploadLimitBytes }) => {
  acceptPdfBodies(app, uploadLimitBytes);

  app.post(
    '/verify',
    {
      config: { pdfUpload: true },
      schema: {
        tags: ['documents'],
        summary: 'Verify a PDF without storing it, and preview the send policy',
        description: `The PDF as the raw body (${PDF_CONTENT_TYPE}) or as the "file" part of multipart/form-data. Nothing is stored.`,
        consumes: [PDF_CONTENT_TYPE, 'multipart/form-data'],
        response: withErrors({ 200: Type.Object({ report: ReportSchema, policy: PolicySchema, classificationMarks: ClassificationMarksSchema }) }),
      },
    },
    async (request) => verifyUpload(deps, principalOf(request), await readPdfUpload(request, uploadLimitBytes)),
  );
};
