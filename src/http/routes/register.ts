// The outgoing register (sổ đăng ký văn bản đi) of the caller's agency: search, CSV export, and a
// registration for a clerk (the sealing flow calls the use case directly). Roles are enforced, and
// refusals logged, by exchange/register.ts; the agency is always the caller's.
import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import { registerOutgoing, searchRegister, streamRegisterCsv, type RegisterQuery } from '../../exchange/register.js';
import { principalOf } from '../auth-plugin.js';
import type { ExchangeDeps } from '../deps.js';
import { dateParam } from '../query-dates.js';
import { DateTime, PageQuery, Uuid, pageOf, withErrors } from '../schemas/common.js';

const DateOrTime = Type.String({ minLength: 10, maxLength: 40, description: 'yyyy-mm-dd (a whole day in Vietnam time) or an ISO 8601 timestamp' });

const SearchQuery = Type.Object({
  year: Type.Optional(Type.Integer({ minimum: 1, maximum: 9999, description: 'Register year (Vietnam time)' })),
  number: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_147_483_647 })),
  text: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Text in the subject or in "number/notation"' })),
  from: Type.Optional(DateOrTime),
  to: Type.Optional(DateOrTime),
});

const RegisterEntrySchema = Type.Object({
  id: Uuid,
  year: Type.Integer(),
  number: Type.Integer(),
  notation: Type.String({ description: 'Ký hiệu, e.g. QĐ-UBND: the document shows "Số: 123/QĐ-UBND"' }),
  documentType: Type.String(),
  subject: Type.String(),
  signerName: Type.String(),
  registeredAt: DateTime,
  registeredBy: Uuid,
  documentSha256: Type.String(),
  documentId: Type.Union([Uuid, Type.Null()]),
});

const RegisterBody = Type.Object(
  {
    documentType: Type.String({ minLength: 1, maxLength: 50, description: 'Decree 30 type name or abbreviation' }),
    subject: Type.String({ minLength: 1, maxLength: 500 }),
    signerName: Type.String({ minLength: 1, maxLength: 200 }),
    documentSha256: Type.String({ pattern: '^[0-9a-fA-F]{64}$' }),
    unitAbbreviation: Type.Optional(Type.String({ minLength: 1, maxLength: 10, description: 'Công văn only: the drafting unit (45/UBND-VP)' })),
  },
  { additionalProperties: false },
);

const RegistrationSchema = Type.Object({ id: Uuid, number: Type.Integer(), year: Type.Integer(), notation: Type.String(), registeredAt: DateTime });

export const registerRoutes: FastifyPluginAsyncTypebox<{ deps: ExchangeDeps }> = async (app, { deps }) => {
  app.get(
    '/register',
    {
      schema: {
        tags: ['register'],
        summary: "Search the agency's outgoing register, newest first (clerk, auditor, admin)",
        querystring: Type.Object({ ...SearchQuery.properties, ...PageQuery }),
        response: withErrors({ 200: pageOf(RegisterEntrySchema) }),
      },
    },
    async (request) => {
      const q = request.query;
      return searchRegister(deps, principalOf(request), queryOf(q), { limit: q.limit ?? 50, ...(q.after ? { after: q.after } : {}) });
    },
  );

  app.get(
    '/register.csv',
    {
      schema: {
        tags: ['register'],
        summary: "Export the agency's matching register entries as CSV: UTF-8 with BOM, Vietnamese headers, Vietnam time (clerk, auditor, admin)",
        querystring: SearchQuery,
        produces: ['text/csv'],
        response: withErrors({ 200: Type.String({ description: 'CSV, one entry per row, with a header row' }) }),
      },
    },
    async (request, reply) => {
      // Streamed page by page, as the log export is (backpressure; a client that leaves stops the reads).
      const csv = Readable.from(await streamRegisterCsv(deps, principalOf(request), queryOf(request.query)), { objectMode: false });
      return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="so-dang-ky-van-ban-di.csv"').send(csv as unknown as string);
    },
  );

  app.post(
    '/register',
    {
      schema: {
        tags: ['register'],
        summary: 'Register an outgoing document: the next number of the year and its notation (clerk)',
        body: RegisterBody,
        response: withErrors({ 201: RegistrationSchema }),
      },
    },
    async (request, reply) => {
      const registration = await registerOutgoing(deps, principalOf(request), request.body);
      return reply.code(201).send(registration);
    },
  );
};

function queryOf(q: Static<typeof SearchQuery>): RegisterQuery {
  const f: RegisterQuery = {};
  if (q.year !== undefined) f.year = q.year;
  if (q.number !== undefined) f.number = q.number;
  if (q.text) f.text = q.text;
  if (q.from) f.from = dateParam('from', q.from, 'start');
  if (q.to) f.to = dateParam('to', q.to, 'end');
  return f;
}
