// Cuts an upload that arrives slower than a floor rate: a client trickling a body holds an upload
// slot, a socket and, once its file part starts, a buffer the size it declared. Node's
// requestTimeout bounds the whole request; this catches a trickle long before it.
// The rate is measured on the socket's bytes over a sliding window of `graceSeconds`, and only
// while the body is being read (the stream is flowing): a pause of ours, e.g. while the metadata is
// checked, never counts against the client. A cut fails the body's stream with UPLOAD_TOO_SLOW
// (408), which the parser reading it passes on as the answer; the connection is then closed.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DocaxisError } from '../errors.js';

export interface SlowUploadLimits {
  /** 0 turns the guard off. */
  minBytesPerSecond: number;
  graceSeconds: number;
}

/** How often the rate is looked at. */
const TICK_MS = 250;

export function registerSlowUploadGuard(app: FastifyInstance, limits: SlowUploadLimits): void {
  if (limits.minBytesPerSecond <= 0) return;
  app.addHook('preParsing', async (request: FastifyRequest, reply: FastifyReply, payload) => {
    if (!request.routeOptions.config.pdfUpload) return payload;
    watch(request, reply, limits);
    return payload;
  });
}

function watch(request: FastifyRequest, reply: FastifyReply, limits: SlowUploadLimits): void {
  const raw = request.raw;
  const socket = raw.socket;
  const windowMs = limits.graceSeconds * 1000;
  const need = limits.minBytesPerSecond * limits.graceSeconds;
  /** (time, socket bytes) while the body flowed; reset whenever it did not. */
  let samples: { at: number; bytes: number }[] = [];
  const timer = setInterval(() => {
    if (raw.complete || raw.destroyed || reply.sent) return stop();
    const now = performance.now();
    if (raw.readableFlowing !== true) {
      samples = [];
      return;
    }
    samples.push({ at: now, bytes: socket.bytesRead });
    while (samples.length > 1 && now - samples[1]!.at >= windowMs) samples.shift();
    const first = samples[0]!;
    if (now - first.at < windowMs) return;
    const got = socket.bytesRead - first.bytes;
    if (got >= need) return;
    stop();
    cut(request, reply, new DocaxisError('UPLOAD_TOO_SLOW', `${got} bytes in the last ${limits.graceSeconds} s, at least ${limits.minBytesPerSecond} bytes/s required`));
  }, TICK_MS);
  timer.unref();
  const stop = () => clearInterval(timer);
  reply.raw.once('close', stop);
}

function cut(request: FastifyRequest, reply: FastifyReply, why: DocaxisError): void {
  request.log.info({ code: why.code }, 'slow upload cut');
  const raw = request.raw;
  if (!reply.sent) reply.header('connection', 'close');
  // The parser reading the body (multipart's busboy, Fastify's raw reader) listens for 'error'
  // and turns it into this request's answer; with nobody reading, there is nobody to answer.
  if (raw.listenerCount('error') > 0) raw.emit('error', why);
  else raw.socket.destroy();
}
