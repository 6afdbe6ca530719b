// GET /events: the caller's live changes as Server-Sent Events; GET /inbox/count: the same
// "not handled" count on request. Both behind the auth hook like every route, so whatever the
// hook accepts (a bearer token today, the session cookie tomorrow) opens the stream: the browser
// reads it with fetch() (src/web/live.ts), which sends any header, not with EventSource, which
// cannot send Authorization and hides the status of a refusal (401, 403, 429) from its caller.
//
// Events (each `event:` line has one JSON `data:` line; ids only, never document contents):
//   count   {"notHandled": n}                      on connect and after each inbox change
//   inbox   {"kind": "sent"|"status"|"recall", "documentId"}  my agency received or its copy changed
//   outbox  {"kind": ..., "documentId"}            a document my agency sent changed
//   draft   {"draftId", "status"}                  a draft of mine (drafter, signer) or of my agency (clerk) moved
//   resync  {}                                     notices may have been lost: re-read the lists
// A drafter's or signer's stream (without the clerk role) carries draft events only.
// plus a `: heartbeat` comment every LIVE_HEARTBEAT_SECONDS. No Last-Event-ID replay: a
// reconnecting client gets a fresh count, and re-reads its list.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Config } from '../../config.js';
import { ensureLiveAllowed, notHandledCount } from '../../exchange/live-access.js';
import { principalOf } from '../auth-plugin.js';
import type { ExchangeDeps } from '../deps.js';
import { LiveHub } from '../live-hub.js';
import { withErrors } from '../schemas/common.js';

/** How long a browser waits before reconnecting after the stream ended (SSE `retry:`). */
const CLIENT_RETRY_MS = 3000;

export const eventRoutes: FastifyPluginAsyncTypebox<{ deps: ExchangeDeps; config: Config }> = async (app, { deps, config }) => {
  const hub = new LiveHub(deps, config.live, app.log);
  // Before the server closes: an open stream would keep its close() waiting.
  app.addHook('preClose', () => hub.close());

  app.get(
    '/inbox/count',
    {
      schema: {
        tags: ['documents'],
        summary: 'How many documents in my inbox wait for my agency (statuses 01, 13, 16: arrived, a recall to answer, kept after a recall)',
        response: withErrors({ 200: Type.Object({ notHandled: Type.Integer({ minimum: 0 }) }) }),
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return { notHandled: await notHandledCount(deps, principalOf(request)) };
    },
  );

  app.get(
    '/events',
    {
      schema: {
        tags: ['documents'],
        summary: 'Live changes to my agency’s inbox and outbox (text/event-stream), with the “not handled” count',
        produces: ['text/event-stream'],
        response: withErrors({ 200: Type.String({ description: 'text/event-stream: events count, inbox, outbox, resync' }) }),
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      await ensureLiveAllowed(deps, p);
      const refused = hub.checkCapacity(p);
      if (refused) {
        reply.header('retry-after', String(refused.details?.['retryAfterSeconds'] ?? 10));
        throw refused;
      }
      await hub.ready();
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        // Proxies (nginx) must pass each event on at once rather than buffer the response.
        'x-accel-buffering': 'no',
        // The stream is the connection's only use: when it ends, so does the socket (no idle keep-alive left for close()).
        connection: 'close',
        'x-request-id': request.id,
      });
      res.write(`retry: ${CLIENT_RETRY_MS}\n\n`);
      const stream = hub.add(p, res);
      res.on('close', () => stream.finish());
      request.log.info({ userId: p.user.id, streams: hub.size }, 'live stream opened');
    },
  );
};
