// POST /documents: a clerk sends a signed PDF. The multipart order (metadata, then file) lets the
// classification be refused before a byte of the file is kept (see send-upload.ts). A refusal
// while the upload is read is logged as send.refused like the later ones (send-document.ts).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ensureRole } from '../../exchange/guard.js';
import { logUploadRefused } from '../../exchange/refusal-log.js';
import { refuseClassified } from '../../exchange/refuse-classified.js';
import { sendDocument } from '../../exchange/send-document.js';
import { screenMetadata } from '../../exchange/validate-metadata.js';
import { principalOf } from '../auth-plugin.js';
import type { ExchangeDeps } from '../deps.js';
import { withErrors } from '../schemas/common.js';
import { DeliverySchema, DocumentSchema } from '../schemas/records.js';
import { readUpload } from '../send-upload.js';

const SendResultSchema = Type.Object({
  document: DocumentSchema,
  deliveries: Type.Array(DeliverySchema),
  replayed: Type.Boolean({ description: 'true: this Idempotency-Key was seen before; this is the original result' }),
});

export const sendRoutes: FastifyPluginAsyncTypebox<{ deps: ExchangeDeps; uploadLimitBytes: number }> = async (app, { deps, uploadLimitBytes }) => {
  app.post(
    '/documents',
    {
      config: { pdfUpload: true },
      schema: {
        tags: ['documents'],
        summary: 'Send a signed official document',
        description:
          'multipart/form-data with exactly two parts IN THIS ORDER: `metadata` (JSON, as a text field or a small file) then `file` (the signed PDF); ' +
          'any other part, or either part twice, is refused. The metadata has a closed shape (an unknown or differently-cased key, or a key given twice, is refused) ' +
          'and `classification` is required: "NONE", or a classified level, which is refused before the file is read. ' +
          'Over the upload limit: 413 FILE_TOO_LARGE. 201: sent; 200: a replay of an earlier send with the same Idempotency-Key.',
        consumes: ['multipart/form-data'],
        headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) }),
        response: withErrors({ 200: SendResultSchema, 201: SendResultSchema }),
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      // Only a clerk may send: refuse before reading the upload at all.
      await ensureRole(deps, p, 'send a document', 'clerk');
      // The metadata as soon as it is read, so that a refusal of the upload can name its number.
      let seen: unknown;
      const policy = { uploadLimitBytes, seen: (m: unknown) => void (seen = m), screen: (m: unknown) => screenMetadata(m) !== 'NONE' };
      const upload = await readUpload(request, policy).catch((e: unknown) => logUploadRefused(deps, p, seen, e));
      if (upload.kind === 'classified') return refuseClassified(deps, p, upload.metadata, screenMetadata(upload.metadata));
      const key = request.headers['idempotency-key'];
      const result = await sendDocument(deps, p, { metadata: upload.metadata, pdf: upload.pdf, ...(key !== undefined ? { idempotencyKey: key } : {}) });
      return reply.status(result.replayed ? 200 : 201).send(result);
    },
  );
};
