// Reading one document: detail (metadata, stored report, status history), the signed file, and a
// fresh verification. Visibility is decided by the use cases: another agency's id is a 404.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { downloadArchivalCopy } from '../../exchange/archive-download.js';
import { downloadDocument, getDocument, reverifyDocument } from '../../exchange/get-document.js';
import { principalOf } from '../auth-plugin.js';
import type { ExchangeDeps } from '../deps.js';
import { deliveryWithEventsDto } from '../dto.js';
import { UuidParams, withErrors } from '../schemas/common.js';
import { DeliverySchema, DocumentSchema, ReportSchema, StatusEventSchema } from '../schemas/records.js';

const DetailSchema = Type.Object({
  document: Type.Intersect([DocumentSchema, Type.Object({ verification: ReportSchema })]),
  deliveries: Type.Array(Type.Intersect([DeliverySchema, Type.Object({ events: Type.Array(StatusEventSchema) })]), {
    description: 'The sender sees every recipient; a recipient sees its own delivery only',
  }),
  archive: Type.Union(
    [
      Type.Object({
        sha256: Type.String({ description: 'Hex SHA-256 of the archival copy (GET .../file?copy=archival)' }),
        archivedAt: Type.String({ format: 'date-time', description: 'When its last document timestamp was added' }),
        nextRenewalAt: Type.String({ format: 'date-time', description: 'When that timestamp is due for renewal' }),
        digest: Type.String({ description: 'The last document timestamp’s digest' }),
      }),
      Type.Null(),
    ],
    { description: 'The archival copy (B-LTA) the axis keeps once a recipient accepted; null until it is made' },
  ),
});

export const documentRoutes: FastifyPluginAsyncTypebox<{ deps: ExchangeDeps }> = async (app, { deps }) => {
  app.get(
    '/documents/:id',
    { schema: { tags: ['documents'], summary: 'Document detail', params: UuidParams, response: withErrors({ 200: DetailSchema }) } },
    async (request) => {
      const detail = await getDocument(deps, principalOf(request), request.params.id);
      // After getDocument: the visibility check has passed.
      const archive = await deps.stores.archives.state(detail.document.id);
      return {
        document: detail.document,
        deliveries: detail.deliveries.map(deliveryWithEventsDto),
        archive: archive ? { sha256: archive.archivalSha256, archivedAt: archive.archivedAt.toISOString(), nextRenewalAt: archive.nextRenewalAt.toISOString(), digest: archive.digest } : null,
      };
    },
  );

  app.get(
    '/documents/:id/file',
    {
      schema: {
        tags: ['documents'],
        summary: 'Download the signed PDF (X-Content-SHA256 carries its hash); ?copy=archival: the axis’s archival copy (B-LTA)',
        params: UuidParams,
        querystring: Type.Object(
          {
            copy: Type.Optional(
              Type.Union([Type.Literal('received'), Type.Literal('archival')], {
                description: 'received (default): the bytes as sent; archival: those bytes plus the axis’s validation data and document timestamp(s), 409 ARCHIVE_NOT_READY until made',
              }),
            ),
          },
          { additionalProperties: false },
        ),
        produces: ['application/pdf'],
        response: withErrors({ 200: Type.Unsafe<Uint8Array>({ type: 'string', format: 'binary', description: 'The signed PDF, byte for byte as sent' }) }),
      },
    },
    async (request, reply) => {
      const file = request.query.copy === 'archival' ? await downloadArchivalCopy(deps, principalOf(request), request.params.id) : await downloadDocument(deps, principalOf(request), request.params.id);
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="${file.fileName}"`)
        .header('x-content-sha256', file.sha256)
        // A Buffer view, not a copy: fastify sends it as is (no serialiser for binary bodies).
        .send(Buffer.from(file.bytes.buffer, file.bytes.byteOffset, file.bytes.byteLength));
    },
  );

  app.post(
    '/documents/:id/verify',
    { schema: { tags: ['documents'], summary: 'Verify again against today’s trust anchors and CRLs', params: UuidParams, response: withErrors({ 200: Type.Object({ report: ReportSchema }) }) } },
    async (request) => ({ report: await reverifyDocument(deps, principalOf(request), request.params.id) }),
  );
};
