// GET /agencies: the recipients picker, for any signed-in user. Active agencies only, and only
// what a clerk needs to address a document (the id lets a log reader name the agency of an entry).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { listAgencies } from '../../exchange/admin.js';
import { principalOf } from '../auth-plugin.js';
import type { ExchangeDeps } from '../deps.js';
import { Uuid, withErrors } from '../schemas/common.js';
import { LevelSchema } from '../schemas/records.js';

const PickerEntry = Type.Object({ id: Uuid, code: Type.String(), name: Type.String(), level: LevelSchema, parentCode: Type.Union([Type.String(), Type.Null()]) });

export const agencyRoutes: FastifyPluginAsyncTypebox<{ deps: ExchangeDeps }> = async (app, { deps }) => {
  app.get('/agencies', { schema: { tags: ['agencies'], summary: 'Active agencies (recipients picker)', response: withErrors({ 200: Type.Array(PickerEntry) }) } }, async (request) =>
    (await listAgencies(deps, principalOf(request))).filter((a) => a.active),
  );
};
