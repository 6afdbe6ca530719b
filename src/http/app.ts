// buildApp: the whole HTTP service as a Fastify instance, not listening (tests drive it through
// app.inject; src/main.ts listens). Everything it needs arrives as arguments: no globals.
import { randomUUID } from 'node:crypto';
import multipart from '@fastify/multipart';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyServerOptions } from 'fastify';
import type { Config, TrustProxy } from '../config.js';
import type { Stores } from '../db/ports.js';
import authPlugin from './auth-plugin.js';
import type { ExchangeDeps } from './deps.js';
import { createAgencySealKeys, type SealKeyOptions } from '../exchange/seal-keys.js';
import { InProcessVerifier } from '../pades/verifier.js';
import { isDocaxisError } from '../errors.js';
import { answerClientError } from './client-errors.js';
import { toHttpError } from './error-body.js';
import { loggerOptions } from './logger.js';
import { registerOpenApi } from './openapi.js';
import { healthRoutes } from './routes/health.js';
import { apiRoutes } from './routes/api.js';
import { eventRoutes } from './routes/events.js';
import { adminSealKeyRoutes } from './routes/admin-seal-keys.js';
import { registerSlowUploadGuard } from './slow-upload.js';
import { registerUploadSlots, UploadSlots } from './upload-slots.js';
import { registerWebUi, type WebUiDirs } from './web-ui.js';

export interface BuildAppOptions {
  stores: Stores;
  config: Config;
  clock?: ExchangeDeps['clock'];
  /** A pino logger to write to (tests capture it); default: pino at config.logLevel on stdout. */
  logger?: FastifyBaseLogger;
  /** Readiness probe, e.g. the database's ping(); default: a cheap store query. */
  ping?: () => Promise<void>;
  intermediates?: ExchangeDeps['intermediates'];
  /** The axis key that signs receipts; without it events carry no receipt. */
  receiptSigner?: ExchangeDeps['receiptSigner'];
  /** The TSA for POST /log/seal (main.ts also runs the periodic sealer with it). */
  timestamper?: ExchangeDeps['timestamper'];
  /**
   * Verifies PDFs, keeping the parsed trust store for the app's lifetime; default: on the event
   * loop. main.ts passes a worker pool (config.verifyWorkers) and closes it after the app.
   */
  verifier?: ExchangeDeps['verifier'];
  /** Tells live sessions of arrivals and status changes, across instances (Database.notifications). */
  notifications?: ExchangeDeps['notifications'];
  /** Queues the archival copy of accepted documents (exchange/archive.ts); main.ts starts the runner. */
  archive?: ExchangeDeps['archive'];
  /** Binding agency seal keys (PKCS#11): allow-list and PIN source; default: config.pkcs11Modules, no PINs. */
  sealKeys?: SealKeyOptions;
  /** Where the browser UI's files are; default: dist/web and src/web/public; false: no UI. */
  webUi?: WebUiDirs | false;
}

export function buildApp(opts: BuildAppOptions): FastifyInstance {
  const { config } = opts;
  const app: FastifyInstance = Fastify({
    ...logging(opts.logger, config),
    trustProxy: trustProxyOption(config.trustProxy),
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    // JSON and PEM bodies only; PDFs come as multipart, which has its own limit (uploadLimitBytes).
    bodyLimit: 4 * 1024 * 1024,
    // Let the in-flight requests finish on close(), refusing new ones (graceful shutdown).
    return503OnClosing: true,
    // Slow clients (config.http): headers, the whole request and an idle connection each have a
    // deadline, checked every second rather than Node's default 30 s.
    requestTimeout: config.http.requestTimeoutSeconds * 1000,
    connectionTimeout: config.http.connectionTimeoutSeconds * 1000,
    http: { headersTimeout: config.http.headersTimeoutSeconds * 1000, connectionsCheckingInterval: 1000 },
    clientErrorHandler: (err, socket) => answerClientError(err, socket, app.log),
    // A URL the router cannot decode (%ED%A0%80, an over-long parameter) answers in the one error
    // shape too, not fastify's own.
    frameworkErrors: (err, _request, reply) => {
      const mapped = toHttpError(err);
      // The reply's generics are the route's, unknown here: send as a plain reply.
      void (reply as FastifyReply).status(mapped.status).send(mapped.body);
    },
  });

  const sealKeyOptions = opts.sealKeys ?? { allowedModules: config.pkcs11Modules, env: {} };
  const deps: ExchangeDeps = {
    stores: opts.stores,
    clock: opts.clock ?? (() => new Date()),
    // The parsed trust store lives as long as the app; it is rebuilt when an admin changes it.
    verifier: opts.verifier ?? new InProcessVerifier(),
    ...(opts.intermediates !== undefined ? { intermediates: opts.intermediates } : {}),
    ...(opts.receiptSigner !== undefined ? { receiptSigner: opts.receiptSigner } : {}),
    ...(opts.timestamper !== undefined ? { timestamper: opts.timestamper } : {}),
    ...(opts.notifications !== undefined ? { notifications: opts.notifications } : {}),
    ...(opts.archive !== undefined ? { archive: opts.archive } : {}),
    // Built once: an HSM key is opened (login, probe) on its first seal and kept for the app's life.
    sealKeys: createAgencySealKeys(opts.stores, sealKeyOptions),
  };

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
    // Every API answer carries user data or answers for a user (me, mailboxes, documents and their
    // files, the log and its CSV, admin lists, errors): no cache may keep it (a shared computer's
    // browser, a proxy), and no browser may read it as another type than the one declared.
    if (request.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
    if (request.url.startsWith('/api/') || request.url.startsWith('/docs')) reply.header('x-content-type-options', 'nosniff');
  });

  // The routes that take a PDF (config.pdfUpload): capped in number, cut when they trickle.
  registerUploadSlots(app, new UploadSlots({ perUser: config.http.uploadsPerUser, total: config.http.uploadsTotal }));
  registerSlowUploadGuard(app, { minBytesPerSecond: config.http.uploadMinBytesPerSecond, graceSeconds: config.http.uploadGraceSeconds });

  app.setErrorHandler((err, request, reply) => {
    const mapped = toHttpError(err);
    // A full house is load, not a fault: one warning, no stack.
    if (isDocaxisError(err, 'UPLOAD_SLOTS_FULL')) request.log.warn({ code: err.code, status: mapped.status }, 'request refused');
    else if (mapped.serious) request.log.error({ err }, 'request failed');
    else request.log.info({ code: mapped.body.error.code, status: mapped.status }, 'request refused');
    return reply.status(mapped.status).send(mapped.body);
  });
  app.setNotFoundHandler((request, reply) => {
    return reply.status(404).send({ error: { code: 'NOT_FOUND', message: `Not found: ${request.method} ${request.url.split('?')[0]}` } });
  });

  registerOpenApi(app);
  if (opts.webUi !== false) registerWebUi(app, opts.webUi);
  app.register(multipart, { limits: { fileSize: config.uploadLimitBytes }, throwFileSizeLimit: false });
  app.register(healthRoutes, { ping: opts.ping ?? (async () => void (await opts.stores.agencies.byCode('000.00.00.A00'))) });
  app.register(
    async (api) => {
      await api.register(authPlugin, { deps, sessions: config.sessions });
      await api.register(apiRoutes, { deps, config });
      await api.register(eventRoutes, { deps, config });
      await api.register(adminSealKeyRoutes, { deps, options: sealKeyOptions });
    },
    { prefix: '/api/v1' },
  );
  return app;
}

/** Fastify takes either a ready pino instance or options to build one, never both. */
function logging(logger: FastifyBaseLogger | undefined, config: Config): Pick<FastifyServerOptions, 'logger' | 'loggerInstance'> {
  return logger ? { loggerInstance: logger } : { logger: loggerOptions(config.logLevel) };
}

/** A hop count becomes the function proxy-addr would build from it (fastify's types omit numbers). */
function trustProxyOption(tp: TrustProxy): FastifyServerOptions['trustProxy'] {
  return typeof tp === 'number' ? (_address: string, hop: number) => hop < tp : tp;
}
