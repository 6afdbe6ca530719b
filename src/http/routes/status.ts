// A recipient's status changes (01 -> 02 | 03 -> 04 -> 05 -> 06) and the recall dialogue (sender
// asks 13, recipient answers 15 or 16). Each answer carries the axis's signed receipt.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { StatusCode } from '../../db/ports.js';
import { answerRecall, requestRecall } from '../../exchange/recall.js';
import { updateStatus } from '../../exchange/update-status.js';
import { principalOf } from '../auth-plugin.js';
import type { ExchangeDeps } from '../deps.js';
import { eventDto } from '../dto.js';
import { UuidParams, withErrors } from '../schemas/common.js';
import { DeliverySchema, StatusCodeSchema, StatusEventSchema } from '../schemas/records.js';

const ChangeSchema = Type.Object({ delivery: DeliverySchema, event: StatusEventSchema });

export const statusRoutes: FastifyPluginAsyncTypebox<{ deps: ExchangeDeps }> = async (app, { deps }) => {
  app.post(
    '/documents/:id/status',
    {
      schema: {
        tags: ['status'],
        summary: 'Change my agency’s status for a document (recipient)',
        params: UuidParams,
        body: Type.Object({
          status: StatusCodeSchema,
          reason: Type.Optional(Type.String({ minLength: 1, maxLength: 1000, description: 'Required for 02 (rejected)' })),
        }),
        response: withErrors({ 200: ChangeSchema }),
      },
    },
    async (request) => {
      const { status, reason } = request.body;
      const r = await updateStatus(deps, principalOf(request), request.params.id, { status: status as StatusCode, ...(reason !== undefined ? { reason } : {}) });
      return { delivery: r.delivery, event: eventDto(r.event) };
    },
  );

  app.post(
    '/documents/:id/recall',
    {
      schema: {
        tags: ['status'],
        summary: 'Ask the recipients to give a document back (sender; before acceptance)',
        params: UuidParams,
        response: withErrors({ 200: Type.Object({ deliveries: Type.Array(DeliverySchema) }) }),
      },
    },
    async (request) => ({ deliveries: await requestRecall(deps, principalOf(request), request.params.id) }),
  );

  app.post(
    '/documents/:id/recall-answer',
    {
      schema: {
        tags: ['status'],
        summary: 'Answer a recall: accept (15, the copy leaves my inbox) or refuse (16)',
        params: UuidParams,
        body: Type.Object({ accept: Type.Boolean() }),
        response: withErrors({ 200: ChangeSchema }),
      },
    },
    async (request) => {
      const r = await answerRecall(deps, principalOf(request), request.params.id, request.body.accept);
      return { delivery: r.delivery, event: eventDto(r.event) };
    },
  );
};
