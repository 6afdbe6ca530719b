// Inbox and outbox of the caller's agency, with filters and cursor pagination. The agency comes
// from the token, never from the query (list-documents.ts enforces it again). Inbox items carry
// the caller's own delivery, outbox items every recipient's.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import type { DocumentFilter, Priority, StatusCode } from '../../db/ports.js';
import { listDocuments } from '../../exchange/list-documents.js';
import { principalOf } from '../auth-plugin.js';
import { dateParam } from '../query-dates.js';
import type { ExchangeDeps } from '../deps.js';
import { PageQuery, pageOf, withErrors } from '../schemas/common.js';
import { DeliverySchema, DocumentSchema, StatusCodeSchema } from '../schemas/records.js';

const DateOrTime = Type.String({ minLength: 10, maxLength: 40, description: 'yyyy-mm-dd or an ISO 8601 timestamp' });

const MailboxQuery = Type.Object({
  status: Type.Optional(StatusCodeSchema),
  priority: Type.Optional(Type.Integer({ minimum: 0, maximum: 4 })),
  type: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Document type name, e.g. "Công văn"' })),
  sender: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Sender agency code' })),
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Text in the number/notation or the subject (case-insensitive)' })),
  from: Type.Optional(DateOrTime),
  to: Type.Optional(DateOrTime),
  urgentFirst: Type.Optional(Type.Boolean({ description: 'Hỏa tốc, Thượng khẩn, Khẩn first, then newest' })),
  ...PageQuery,
});

const ITEM_SCHEMAS = {
  inbox: Type.Object({ document: DocumentSchema, delivery: Type.Optional(DeliverySchema) }),
  outbox: Type.Object({ document: DocumentSchema, deliveries: Type.Array(DeliverySchema, { description: 'Every recipient’s delivery' }) }),
};

export const mailboxRoutes: FastifyPluginAsyncTypebox<{ deps: ExchangeDeps }> = async (app, { deps }) => {
  for (const box of ['inbox', 'outbox'] as const) {
    app.get(
      `/${box}`,
      {
        schema: {
          tags: ['documents'],
          summary: box === 'inbox' ? 'Documents delivered to my agency' : 'Documents my agency sent',
          querystring: MailboxQuery,
          response: withErrors({ 200: pageOf(ITEM_SCHEMAS[box]) }),
        },
      },
      async (request) => {
        const q = request.query;
        return listDocuments(deps, principalOf(request), box, filterOf(q), { limit: q.limit ?? 50, ...(q.after ? { after: q.after } : {}) });
      },
    );
  }
};

function filterOf(q: Static<typeof MailboxQuery>): Omit<DocumentFilter, 'recipientAgencyId' | 'senderAgencyId'> {
  const f: Omit<DocumentFilter, 'recipientAgencyId' | 'senderAgencyId'> = {};
  if (q.status) f.status = q.status as StatusCode;
  if (q.priority !== undefined) f.priority = q.priority as Priority;
  if (q.type) f.documentType = q.type;
  if (q.sender) f.senderCode = q.sender;
  if (q.q?.trim()) f.text = q.q.trim();
  if (q.from) f.from = dateParam('from', q.from, 'start');
  if (q.to) f.to = dateParam('to', q.to, 'end');
  if (q.urgentFirst) f.urgentFirst = true;
  return f;
}
