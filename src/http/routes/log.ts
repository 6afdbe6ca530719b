// The exchange log for admins and auditors: search, CSV export, a chain-and-seals check that names
// the first broken link and seal, and the seals themselves (an admin may seal now). Roles are
// enforced (and refusals logged) by exchange-log.ts and seal-log.ts.
import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import type { LogEvent, LogSeal, StatusCode } from '../../db/ports.js';
import { searchLog, verifyLog, type LogQuery as LogSearch } from '../../exchange/exchange-log.js';
import { streamLogCsv, type CsvLang } from '../../exchange/log-export.js';
import { listLogSeals, sealLogNow } from '../../exchange/seal-log.js';
import { principalOf } from '../auth-plugin.js';
import type { ExchangeDeps } from '../deps.js';
import { dateParam } from '../query-dates.js';
import { DateTime, PageQuery, Uuid, pageOf, withErrors } from '../schemas/common.js';
import { LogEntrySchema, LogEventSchema, StatusCodeSchema } from '../schemas/records.js';

const DateOrTime = Type.String({ minLength: 10, maxLength: 40, description: 'yyyy-mm-dd or an ISO 8601 timestamp' });

const LogQuery = Type.Object({
  agency: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Agency code, e.g. 000.00.12.H54' })),
  agencyId: Type.Optional(Uuid),
  event: Type.Optional(LogEventSchema),
  documentId: Type.Optional(Uuid),
  documentNumber: Type.Optional(Type.String({ minLength: 1, maxLength: 50, description: 'Số or ký hiệu of the document' })),
  status: Type.Optional(StatusCodeSchema),
  from: Type.Optional(DateOrTime),
  to: Type.Optional(DateOrTime),
});

const SealCheckSchema = Type.Object({
  ok: Type.Boolean(),
  checked: Type.Integer({ description: 'Seals that verified before the first broken one' }),
  firstBroken: Type.Union([Type.Object({ sealId: Uuid, fromSeq: Type.Integer(), toSeq: Type.Integer(), reason: Type.String() }), Type.Null()]),
});

const ChainCheckSchema = Type.Object({
  ok: Type.Boolean({ description: 'The chain and every seal hold' }),
  checked: Type.Integer(),
  firstBroken: Type.Union([Type.Object({ seq: Type.Integer(), reason: Type.String() }), Type.Null()], { description: 'The first entry whose hash chain breaks' }),
  seals: SealCheckSchema,
});

const LogSealSchema = Type.Object({
  id: Uuid,
  fromSeq: Type.Integer(),
  toSeq: Type.Integer(),
  merkleRoot: Type.String({ description: 'Hex RFC 6962 Merkle root over the entries’ hashes' }),
  timestampToken: Type.String({ description: 'Base64 DER RFC 3161 TimeStampToken; imprint = SHA-256 of the root’s bytes' }),
  sealedAt: DateTime,
});

const sealDto = (s: LogSeal) => ({ ...s, timestampToken: Buffer.from(s.timestampToken).toString('base64') });

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
        summary: 'Export the matching log entries as CSV (admin, auditor): UTF-8 with a BOM, Vietnam time, names instead of ids',
        querystring: Type.Object({
          ...LogQuery.properties,
          lang: Type.Optional(Type.Unsafe<CsvLang>({ type: 'string', enum: ['vi', 'en'], description: 'Column names: vi (default) or en; without it, Accept-Language decides' })),
        }),
        produces: ['text/csv'],
        response: withErrors({ 200: Type.String({ description: 'CSV, one entry per row, with a header row' }) }),
      },
    },
    async (request, reply) => {
      // Streamed: pages are read as the client takes them (backpressure), and a client that goes
      // away stops the reading (the stream is destroyed, the generator returns).
      const lang = request.query.lang ?? langOf(request.headers['accept-language']);
      const csv = Readable.from(await streamLogCsv(deps, principalOf(request), filterOf(request.query), lang), { objectMode: false });
      // The response schema describes the body (a string); a stream is sent as it is, unserialised.
      return reply
        .type('text/csv; charset=utf-8')
        .header('vary', 'accept-language').header('content-disposition', 'attachment; filename="exchange-log.csv"').send(csv as unknown as string);
    },
  );

  app.post(
    '/log/verify',
    { schema: { tags: ['log'], summary: 'Recompute the hash chain; report the first broken link', response: withErrors({ 200: ChainCheckSchema }) } },
    async (request) => verifyLog(deps, principalOf(request)),
  );

  app.post(
    '/log/seal',
    {
      schema: {
        tags: ['log'],
        summary: 'Seal the entries written since the last seal now: Merkle root + RFC 3161 timestamp (admin)',
        response: withErrors({ 200: Type.Object({ seal: Type.Union([LogSealSchema, Type.Null()], { description: 'null: nothing new to seal' }) }) }),
      },
    },
    async (request) => {
      const seal = await sealLogNow(deps, principalOf(request));
      return { seal: seal && sealDto(seal) };
    },
  );

  app.get(
    '/log/seals',
    { schema: { tags: ['log'], summary: 'The seals over the log, oldest first (admin, auditor)', response: withErrors({ 200: Type.Array(LogSealSchema) }) } },
    async (request) => (await listLogSeals(deps, principalOf(request))).map(sealDto),
  );
};

/** English only when the client's first choice is English; the axis speaks Vietnamese otherwise. */
export function langOf(acceptLanguage: string | undefined): CsvLang {
  const first = acceptLanguage?.split(',')[0]?.trim().toLowerCase() ?? '';
  return first === 'en' || first.startsWith('en-') || first.startsWith('en;') ? 'en' : 'vi';
}

function filterOf(q: Static<typeof LogQuery>): LogSearch {
  const f: LogSearch = {};
  if (q.agency) f.agencyCode = q.agency;
  if (q.agencyId) f.agencyId = q.agencyId;
  if (q.event) f.event = q.event as LogEvent;
  if (q.documentId) f.documentId = q.documentId;
  if (q.documentNumber) f.documentNumber = q.documentNumber;
  if (q.status) f.status = q.status as StatusCode;
  if (q.from) f.from = dateParam('from', q.from, 'start');
  if (q.to) f.to = dateParam('to', q.to, 'end');
  return f;
}
