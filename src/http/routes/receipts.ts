// POST /receipts/verify: check a receipt (base64 DER CMS, as status events carry it) against this
// axis's receipt certificate. Any user; a bad receipt is a 200 with valid: false and the reasons.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { verifyAxisReceipt } from '../../exchange/verify-axis-receipt.js';
import { principalOf } from '../auth-plugin.js';
import type { ExchangeDeps } from '../deps.js';
import { withErrors } from '../schemas/common.js';

/** A receipt is a few kilobytes; 256 KiB of base64 is far beyond any the axis issues. */
const RECEIPT_MAX_CHARS = 256 * 1024;

const ReceiptCheckSchema = Type.Object({
  valid: Type.Boolean({ description: 'Signed by this axis’s receipt key, content intact, within the certificate’s validity' }),
  signedAt: Type.Union([Type.String(), Type.Null()], { description: 'The event time the receipt signs (ISO 8601)' }),
  content: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()], { description: 'The signed event (canonical JSON, parsed)' }),
  signer: Type.Union([Type.String(), Type.Null()], { description: 'Subject of the signing certificate' }),
  errors: Type.Array(Type.String()),
});

export const receiptRoutes: FastifyPluginAsyncTypebox<{ deps: ExchangeDeps }> = async (app, { deps }) => {
  app.post(
    '/receipts/verify',
    {
      schema: {
        tags: ['status'],
        summary: 'Verify an axis receipt',
        body: Type.Object({
          receipt: Type.String({ minLength: 4, maxLength: RECEIPT_MAX_CHARS, pattern: '^[A-Za-z0-9+/]+={0,2}$', description: 'base64 DER CMS, as in a status event' }),
        }),
        response: withErrors({ 200: ReceiptCheckSchema }),
      },
    },
    async (request) => verifyAxisReceipt(deps, principalOf(request), Buffer.from(request.body.receipt, 'base64')),
  );
};
