// Reads POST /documents' multipart body in the order policy needs: the `metadata` part first
// (a field, or a small file as `curl -F metadata=@meta.json` sends it), then the classification
// check BEFORE any byte of the PDF is kept, then the PDF into one bounded buffer. A classified
// upload is drained and discarded: busboy hands us chunks, we drop them, nothing is written.
import type { FastifyRequest } from 'fastify';
import type { Multipart } from '@fastify/multipart';
import { DocaxisError } from '../errors.js';
import { declaredLength, discard, drainRest, nextPart, readBounded } from './multipart-parts.js';

export const METADATA_LIMIT_BYTES = 256 * 1024;

export type Upload =
  | { kind: 'classified'; metadata: unknown }
  | { kind: 'document'; metadata: unknown; pdf: Uint8Array };

export interface UploadPolicy {
  uploadLimitBytes: number;
  /** True when the metadata declares a classification: then the file is never read. */
  isClassified(metadata: unknown): boolean;
}

export async function readUpload(request: FastifyRequest, policy: UploadPolicy): Promise<Upload> {
  const parts = request.parts({
    // throwFileSizeLimit is off (app.ts): we watch `truncated` ourselves, so the rest of an
    // oversized file is drained rather than left hanging.
    limits: { fileSize: Math.max(policy.uploadLimitBytes, METADATA_LIMIT_BYTES), files: 2, fields: 8, fieldSize: METADATA_LIMIT_BYTES },
  });
  // The part in hand: if we refuse before reading its stream, the drain below must start there.
  let current: Multipart | undefined;
  try {
    const first = (current = await nextPart(parts));
    if (!first) throw new DocaxisError('FILE_MISSING', 'the request carries neither metadata nor a file');
    if (first.fieldname !== 'metadata') {
      throw new DocaxisError('METADATA_INVALID', `the "metadata" part must come before the "file" part (got "${first.fieldname}" first)`);
    }
    const metadata = await readMetadata(first);
    if (policy.isClassified(metadata)) return { kind: 'classified', metadata };
    const filePart = (current = await nextPart(parts));
    if (!filePart || filePart.type !== 'file' || filePart.fieldname !== 'file') {
      throw new DocaxisError('FILE_MISSING', 'expected a "file" part with the PDF after "metadata"');
    }
    const pdf = await readBounded(filePart.file, policy.uploadLimitBytes, declaredLength(request));
    return { kind: 'document', metadata, pdf };
  } finally {
    // Whatever happened, consume what is left of the body without keeping it: the client gets
    // its answer on a clean connection and no part of a refused file lingers in a buffer.
    if (current?.type === 'file' && !current.file.readableEnded) await discard(current.file).catch(() => undefined);
    await drainRest(parts);
  }
}

async function readMetadata(part: Multipart): Promise<unknown> {
  let text: string;
  if (part.type === 'file') {
    const bytes = await readBounded(part.file, METADATA_LIMIT_BYTES, undefined, 'METADATA_INVALID');
    text = Buffer.from(bytes).toString('utf8');
  } else {
    if (part.valueTruncated) throw new DocaxisError('METADATA_INVALID', `the metadata is larger than ${METADATA_LIMIT_BYTES} bytes`);
    // @fastify/multipart already parsed a field sent as application/json.
    if (typeof part.value !== 'string') return part.value;
    text = part.value;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new DocaxisError('METADATA_INVALID', 'the "metadata" part is not valid JSON');
  }
}

