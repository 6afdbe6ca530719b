// GET /statistics: the province's figures per agency, per level and in total (admin, auditor).
// Roles are enforced (and refusals logged) by exchange/statistics.ts.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { getStatistics } from '../../exchange/statistics.js';
import { principalOf } from '../auth-plugin.js';
import type { ExchangeDeps } from '../deps.js';
import { dateParam } from '../query-dates.js';
import { DateTime, withErrors } from '../schemas/common.js';
import { LevelSchema } from '../schemas/records.js';

const DateOrTime = Type.String({ minLength: 10, maxLength: 40, description: 'yyyy-mm-dd (a whole day in Vietnam time) or an ISO 8601 timestamp' });
const Share = Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()], { description: 'A ratio between 0 and 1; null when its denominator is 0' });
const Count = Type.Integer({ minimum: 0 });

const FiguresProps = {
  sent: Type.Integer({ minimum: 0, description: 'Documents sent' }),
  received: Type.Integer({ minimum: 0, description: 'Deliveries received' }),
  accepted: Type.Integer({ minimum: 0, description: 'Deliveries now at 03, 04, 05 or 06 (16, kept after a recall, is not accepted yet)' }),
  rejected: Type.Integer({ minimum: 0, description: 'Deliveries now at 02' }),
  acceptedShare: Share,
  rejectedShare: Share,
  medianSecondsToAcceptance: Type.Union([Type.Number({ minimum: 0 }), Type.Null()], { description: 'Median of first 03 minus arrival, in seconds' }),
  signedByBoth: Type.Integer({ minimum: 0, description: 'Sent documents whose stored report shows the signer’s signature before the agency seal' }),
  signedByBothShare: Share,
  classifiedRefusals: Count,
};

const StatisticsSchema = Type.Object({
  range: Type.Object({ from: Type.Union([DateTime, Type.Null()]), to: Type.Union([DateTime, Type.Null()]) }),
  agencies: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), level: LevelSchema, ...FiguresProps })),
  levels: Type.Array(Type.Object({ level: LevelSchema, ...FiguresProps })),
  total: Type.Object(FiguresProps),
});

export const statisticsRoutes: FastifyPluginAsyncTypebox<{ deps: ExchangeDeps }> = async (app, { deps }) => {
  app.get(
    '/statistics',
    {
      schema: {
        tags: ['log'],
        summary: 'Figures per agency, per level and for the province (admin, auditor)',
        description: 'Documents (and their deliveries) sent in [from, to); classified refusals made in [from, to).',
        querystring: Type.Object({ from: Type.Optional(DateOrTime), to: Type.Optional(DateOrTime) }),
        response: withErrors({ 200: StatisticsSchema }),
      },
    },
    async (request) => {
      const { from, to } = request.query;
      return getStatistics(deps, principalOf(request), {
        ...(from ? { from: dateParam('from', from, 'start') } : {}),
        ...(to ? { to: dateParam('to', to, 'end') } : {}),
      });
    },
  );
};
