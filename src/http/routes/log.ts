// The exchange log for admins and auditors: search, CSV export, and a chain check that names the
// first broken link. Roles are enforced (and refusals logged) by exchange-log.ts.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import type { LogEvent, LogFilter, StatusCode } from '../../db/ports.js';
import { exportLogCsv, searchLog, verifyLog } from '../../exchange/exchange-log.js';
import { principalOf } from '../auth-plugin.js';
import type { ExchangeDeps } from '../deps.js';
import { dateParam } from '../query-dates.js';
import { PageQuery, Uuid, pageOf, withErrors } from '../schemas/common.js';
import { LogEntrySchema, LogEventSchema, StatusCodeSchema } from '../schemas/records.js';

const DateOrTime = Type.String({ minLength: 10, maxLength: 40, description: 'yyyy-mm-dd or an ISO 8601 timestamp' });

const LogQuery = Type.Object({
  agencyId: Type.Optional(Uuid),
  event: Type.Optional(LogEventSchema),
  documentId: Type.Optional(Uuid),
  documentNumber: Type.Optional(Type.String({ minLength: 1, maxLength: 50, description: 'Số or ký hiệu of the document' })),
  status: Type.Optional(StatusCodeSchema),
  from: Type.Optional(DateOrTime),
  to: Type.Optional(DateOrTime),
});

const ChainCheckSchema = Type.Object({
  ok: Type.Boolean(),
  checked: Type.Integer(),
  firstBroken: Type.Union([Type.Object({ seq: Type.Integer(), reason: Type.String() }), Type.Null()]),
});

export const logRoutes: FastifyPluginAsyncTypebox<{ deps: ExchangeDeps }> = async (app, { deps }) => {
  app.get(
    '/log',
    {
      schema: {
        tags: ['log'],
        summary: 'Search the exchange log (admin, auditor)',
        querystring: Type.Object({ ...LogQuery.properties, ...PageQuery }),
        response: withErrors({ 200: pageOf(LogEntrySchema) }),
      },
    },
    async (request) => {
      const q = request.query;
      return searchLog(deps, principalOf(request), filterOf(q), { limit: q.limit ?? 50, ...(q.after ? { after: q.after } : {}) });
    },
  );

  app.get(
    '/log.csv',
    {
      schema: {
        tags: ['log'],
        summary: 'Export the matching log entries as CSV (admin, auditor)',
        querystring: LogQuery,
        produces: ['text/csv'],
        response: withErrors({ 200: Type.String({ description: 'CSV, one entry per row, with a header row' }) }),
      },
    },
    async (request, reply) => {
      const csv = await exportLogCsv(deps, principalOf(request), filterOf(request.query));
      return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="exchange-log.csv"').send(csv);
    },
  );

  app.post(
    '/log/verify',
    { schema: { tags: ['log'], summary: 'Recompute the hash chain; report the first broken link', response: withErrors({ 200: ChainCheckSchema }) } },
    async (request) => verifyLog(deps, principalOf(request)),
  );
};

function filterOf(q: Static<typeof LogQuery>): LogFilter {
  const f: LogFilter = {};
  if (q.agencyId) f.agencyId = q.agencyId;
  if (q.event) f.event = q.event as LogEvent;
  if (q.documentId) f.documentId = q.documentId;
  if (q.documentNumber) f.documentNumber = q.documentNumber;
  if (q.status) f.status = q.status as StatusCode;
  if (q.from) f.from = dateParam('from', q.from, 'start');
  if (q.to) f.to = dateParam('to', q.to, 'end');
  return f;
}
