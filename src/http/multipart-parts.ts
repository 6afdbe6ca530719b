// Reading multipart parts without keeping more than asked for: one part at a time, a file into one
// bounded buffer, and whatever the caller does not want drained and dropped (never buffered).
// Shared by POST /documents (send-upload.ts) and POST /verify (pdf-upload.ts).
import type { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import type { Multipart, MultipartFile } from '@fastify/multipart';
import { DocaxisError } from '../errors.js';

export async function nextPart(parts: AsyncIterableIterator<Multipart>): Promise<Multipart | undefined> {
  const r = await parts.next();
  return r.done ? undefined : r.value;
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
