// Reading multipart parts without keeping more than asked for: one part at a time, a file into one
// bounded buffer, and whatever the caller does not want drained and dropped (never buffered).
// Shared by POST /documents (send-upload.ts) and POST /verify (pdf-upload.ts).
import type { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import type { Multipart, MultipartFile } from '@fastify/multipart';
import { DocaxisError } from '../errors.js';

/** The next part, or undefined at the end; a malformed body is a typed error (see multipartError). */
export async function nextPart(parts: AsyncIterableIterator<Multipart>): Promise<Multipart | undefined> {
  try {
    const r = await parts.next();
    return r.done ? undefined : r.value;
  } catch (e) {
    throw multipartError(e);
  }
}

/** Opens the parts of a multipart request; not multipart (or no boundary) is MULTIPART_INVALID. */
export function partsOf(request: FastifyRequest, limits: MultipartLimits): AsyncIterableIterator<Multipart> {
  try {
    return request.parts({ limits });
  } catch (e) {
    throw multipartError(e);
  }
}

export interface MultipartLimits {
  fileSize: number;
  files: number;
  fields: number;
  fieldSize: number;
  parts?: number;
}

const ABORT_CODES = new Set(['ECONNRESET', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE', 'FST_MP_PREMATURE_CLOSE']);

/**
 * What busboy and @fastify/multipart throw, as a typed refusal: a client that went away is
 * REQUEST_ABORTED (not a fault of ours), a JSON-typed field that does not parse is METADATA_INVALID,
 * anything else wrong with the body (no boundary, garbage, too many parts) MULTIPART_INVALID.
 */
export function multipartError(e: unknown): unknown {
  if (e instanceof DocaxisError) return e;
  const code = (e as { code?: unknown } | null)?.code;
  const message = e instanceof Error ? e.message : String(e);
  if ((typeof code === 'string' && ABORT_CODES.has(code)) || message === 'aborted') return new DocaxisError('REQUEST_ABORTED', undefined, { cause: e });
  switch (code) {
    case 'FST_INVALID_JSON_FIELD_ERROR':
      return new DocaxisError('METADATA_INVALID', 'a part typed application/json is not valid JSON', { cause: e, details: { fields: { metadata: 'not valid JSON' } } });
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return new DocaxisError('MULTIPART_INVALID', 'expected multipart/form-data', { cause: e });
    case 'FST_PROTO_VIOLATION':
      return new DocaxisError('MULTIPART_INVALID', 'a part is named like a property of Object.prototype', { cause: e });
    case 'FST_PARTS_LIMIT':
    case 'FST_FILES_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return new DocaxisError('MULTIPART_INVALID', 'too many parts', { cause: e });
    default:
      // busboy's own errors ("Multipart: Boundary not found", "Unexpected end of form", "Malformed
      // part header", ...) carry no code; their one-line message is safe to repeat.
      return new DocaxisError('MULTIPART_INVALID', message.split('\n', 1)[0]!.slice(0, 200), { cause: e });
  }
}

export function declaredLength(request: FastifyRequest): number | undefined {
  const v = Number(request.headers['content-length']);
  return Number.isSafeInteger(v) && v > 0 ? v : undefined;
}

/**
 * The whole file in one buffer. With a Content-Length (an upper bound on the file) the buffer is
 * allocated once and chunks are copied in as they arrive, so a 50 MB upload costs ~50 MB, not
 * chunks plus a concatenated copy. Over `limit`: FILE_TOO_LARGE once busboy has drained it.
 */
export async function readBounded(
  stream: MultipartFile['file'],
  limit: number,
  declared: number | undefined,
  tooLarge: 'FILE_TOO_LARGE' | 'METADATA_INVALID' = 'FILE_TOO_LARGE',
): Promise<Uint8Array> {
  const capacity = declared !== undefined ? Math.min(declared, limit) : undefined;
  const target = capacity !== undefined ? Buffer.allocUnsafe(capacity) : undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  let over = false;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (over) continue; // keep draining, keep nothing
      if (size + chunk.length > limit || (target && size + chunk.length > target.length)) {
        over = true;
        chunks.length = 0;
        continue;
      }
      if (target) chunk.copy(target, size);
      else chunks.push(chunk);
      size += chunk.length;
    }
  } catch (e) {
    // The request ended mid-file (client gone, body cut short): busboy destroys the stream.
    throw multipartError(e);
  }
  if (over || stream.truncated) throw new DocaxisError(tooLarge, `the upload limit is ${limit} bytes`);
  return target ? target.subarray(0, size) : Buffer.concat(chunks, size);
}

export async function drainRest(parts: AsyncIterableIterator<Multipart>): Promise<void> {
  try {
    for await (const part of parts) {
      if (part.type === 'file') await discard(part.file);
    }
  } catch {
    // A malformed tail changes nothing about the answer already decided.
  }
}

export async function discard(stream: Readable): Promise<void> {
  for await (const _chunk of stream) {
    // dropped on purpose: never buffered, never written
  }
}
