// A cap on the PDF uploads in progress, per user and in total. An upload holds its slot from the
// moment its headers are in (before a byte of the body is read) until its answer is sent or its
// connection closes, so the memory the uploads, their verification and their storing hold at once
// is bounded by the caps times UPLOAD_LIMIT_BYTES. Over a cap the request is refused at once with
// Retry-After, and its connection closed rather than its body drained.
// Routes opt in with `config: { pdfUpload: true }`; the hook runs at preParsing, after the auth
// plugin's onRequest hook has named the user and before any body parser has read anything.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DocaxisError } from '../errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route takes a PDF upload: it counts against the upload caps and the slow-body guard. */
    pdfUpload?: boolean;
  }
}

export interface UploadCaps {
  perUser: number;
  total: number;
}

/** Seconds a refused client is asked to wait: about one upload's time. */
const RETRY_AFTER_PER_USER_SECONDS = 2;
const RETRY_AFTER_TOTAL_SECONDS = 5;

/** The counts themselves, apart from Fastify, for the hook below and its tests. */
export class UploadSlots {
  readonly #byUser = new Map<string, number>();
  #total = 0;

  constructor(readonly caps: UploadCaps) {}

  get total(): number {
    return this.#total;
  }

  /** A release function, or the refusal to answer with. */
  acquire(user: string): (() => void) | DocaxisError {
    const mine = this.#byUser.get(user) ?? 0;
    if (mine >= this.caps.perUser) return new DocaxisError('UPLOADS_PER_USER_LIMIT', `${mine} in progress, at most ${this.caps.perUser}`, { details: { retryAfterSeconds: RETRY_AFTER_PER_USER_SECONDS } });
    if (this.#total >= this.caps.total) return new DocaxisError('UPLOAD_SLOTS_FULL', `${this.#total} in progress`, { details: { retryAfterSeconds: RETRY_AFTER_TOTAL_SECONDS } });
    this.#byUser.set(user, mine + 1);
    this.#total++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#total--;
      const left = (this.#byUser.get(user) ?? 1) - 1;
      if (left > 0) this.#byUser.set(user, left);
      else this.#byUser.delete(user);
    };
  }
}

function userKey(request: FastifyRequest): string {
  // The routes that take a PDF are authenticated; the address is a fallback, not a loophole.
  return request.principal ? `user:${request.principal.user.id}` : `ip:${request.ip}`;
}

export function registerUploadSlots(app: FastifyInstance, slots: UploadSlots): void {
  app.addHook('preParsing', async (request: FastifyRequest, reply: FastifyReply, payload) => {
    if (!request.routeOptions.config.pdfUpload) return payload;
    const got = slots.acquire(userKey(request));
    if (got instanceof DocaxisError) {
      reply.header('retry-after', String(got.details?.['retryAfterSeconds'] ?? RETRY_AFTER_TOTAL_SECONDS));
      // The body is not wanted: closing beats reading 64 MiB to keep the connection.
      reply.header('connection', 'close');
      throw got;
    }
    // 'close' follows both a sent answer and a dropped connection.
    reply.raw.once('close', got);
    return payload;
  });
}
