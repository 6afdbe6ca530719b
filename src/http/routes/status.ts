// A recipient's status changes (01 -> 02 | 03 -> 04 -> 05 -> 06) and the recall dialogue (sender
// asks 13, recipient answers 15 or 16). Each answer carries the axis's signed receipt.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { StatusCode } from '../../db/ports.js';
import { MAX_REASON } from '../../exchange/reason.js';
import { answerRecall, requestRecall, type RecallAnswer } from '../../exchange/recall.js';
import { updateStatus } from '../../exchange/update-status.js';
import { principalOf } from '../auth-plugin.js';
import type { ExchangeDeps } from '../deps.js';
import { ownEventDto } from '../dto.js';
import { UuidParams, withErrors } from '../schemas/common.js';
import { DeliverySchema, StatusCodeSchema, StatusEventSchema } from '../schemas/records.js';

const ReasonSchema = (description: string) => Type.String({ minLength: 1, maxLength: MAX_REASON, description });

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
          reason: Type.Optional(ReasonSchema('Required for 02 (rejected)')),
        }),
        response: withErrors({ 200: ChangeSchema }),
      },
    },
    async (request) => {
      const { status, reason } = request.body;
      const p = principalOf(request);
      const r = await updateStatus(deps, p, request.params.id, { status: status as StatusCode, ...(reason !== undefined ? { reason } : {}) });
      return { delivery: r.delivery, event: ownEventDto(r.event, p) };
    },
  );

  app.post(
    '/documents/:id/recall',
    {
      schema: {
        tags: ['status'],
        summary: 'Ask the recipients to give a document back (sender; before acceptance), saying why',
        params: UuidParams,
        body: Type.Object({ reason: ReasonSchema('Why the document is recalled: shown to each recipient and written to the log') }, { additionalProperties: false }),
        response: withErrors({ 200: Type.Object({ deliveries: Type.Array(DeliverySchema) }) }),
      },
    },
    async (request) => ({ deliveries: await requestRecall(deps, principalOf(request), request.params.id, request.body.reason) }),
  );

  app.post(
    '/documents/:id/recall-answer',
    {
      schema: {
        tags: ['status'],
        summary: 'Answer a recall: 15 agree (Đồng ý thu hồi: the copy leaves my inbox) or 16 refuse (Từ chối thu hồi: I keep it)',
        params: UuidParams,
        body: Type.Object(
          {
            answer: Type.Unsafe<RecallAnswer>({ type: 'string', enum: ['15', '16'], description: '15 agree to the recall, 16 refuse it; nothing else is accepted here' }),
            reason: Type.Optional(ReasonSchema('Optional note to the sender')),
          },
          { additionalProperties: false },
        ),
        response: withErrors({ 200: ChangeSchema }),
      },
    },
    async (request) => {
      const p = principalOf(request);
      const r = await answerRecall(deps, p, request.params.id, request.body.answer, request.body.reason);
      return { delivery: r.delivery, event: ownEventDto(r.event, p) };
    },
  );
};
