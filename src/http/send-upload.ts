// Reads POST /documents' multipart body in the order policy needs: the `metadata` part first
// (a field, or a small file as `curl -F metadata=@meta.json` sends it), then the screen (strict
// shape and classification) BEFORE any byte of the PDF is kept, then the PDF into one bounded
// buffer, then nothing: exactly two parts. Whatever else comes (a second metadata saying MAT after
// the file, a second file, a part of another name) refuses the send, never ignored, so what is
// stored is what was screened. A refused upload is drained and discarded: nothing is written.
import type { FastifyRequest } from 'fastify';
import type { Multipart } from '@fastify/multipart';
import { DocaxisError } from '../errors.js';
import { parseStrictJson } from '../exchange/strict-json.js';
import { declaredLength, discard, drainRest, nextPart, partsOf, readBounded } from './multipart-parts.js';

export const METADATA_LIMIT_BYTES = 256 * 1024;

/** The metadata is two levels deep (signer, lists); a little room, no more. */
const METADATA_MAX_DEPTH = 8;

export type Upload =
  | { kind: 'classified'; metadata: unknown }
  | { kind: 'document'; metadata: unknown; pdf: Uint8Array };

export interface UploadPolicy {
  uploadLimitBytes: number;
  /**
   * Sees the metadata as soon as it is parsed, before any byte of the file is read: throws to
   * refuse it, returns true when it declares a classification (the file is then never read).
   */
  screen(metadata: unknown): boolean;
  /** Sees whatever the metadata part parsed to, even when it is then refused (for the refusal's log line). */
  seen?(metadata: unknown): void;
}

export async function readUpload(request: FastifyRequest, policy: UploadPolicy): Promise<Upload> {
  const parts = partsOf(request, {
    // throwFileSizeLimit is off (app.ts): we watch `truncated` ourselves, so the rest of an
    // oversized file is drained rather than left hanging. One part more than allowed of each kind
    // reaches us, so that we can name it in the refusal; beyond that busboy stops.
    fileSize: Math.max(policy.uploadLimitBytes, METADATA_LIMIT_BYTES),
    files: 3,
    fields: 3,
    parts: 4,
    fieldSize: METADATA_LIMIT_BYTES,
  });
  // The part in hand: if we refuse before reading its stream, the drain below must start there.
  let current: Multipart | undefined;
  try {
    const first = (current = await nextPart(parts));
    if (!first) throw new DocaxisError('FILE_MISSING', 'the request carries neither metadata nor a file');
    if (first.fieldname === 'file') {
      throw partError('METADATA_INVALID', 'metadata', 'must come before the "file" part', `the "metadata" part must come before the "file" part (got "${first.fieldname}" first)`);
    }
    if (first.fieldname !== 'metadata') throw unknownPart(first.fieldname);
    const metadata = await readMetadata(first, policy);
    if (policy.screen(metadata)) return { kind: 'classified', metadata };

    const filePart = (current = await nextPart(parts));
    if (!filePart) throw new DocaxisError('FILE_MISSING', 'expected a "file" part with the PDF after "metadata"');
    if (filePart.fieldname === 'metadata') throw partError('METADATA_INVALID', 'metadata', 'given more than once');
    if (filePart.fieldname !== 'file') throw unknownPart(filePart.fieldname);
    if (filePart.type !== 'file') throw new DocaxisError('FILE_MISSING', 'the "file" part must be a file, not a text field');
    const pdf = await readBounded(filePart.file, policy.uploadLimitBytes, declaredLength(request));

    const extra = (current = await nextPart(parts));
    if (extra) {
      if (extra.fieldname === 'metadata') throw partError('METADATA_INVALID', 'metadata', 'given more than once');
      if (extra.fieldname === 'file') throw partError('MULTIPART_INVALID', 'file', 'given more than once');
      throw unknownPart(extra.fieldname);
    }
    return { kind: 'document', metadata, pdf };
  } finally {
    // Whatever happened, consume what is left of the body without keeping it: the client gets
    // its answer on a clean connection and no part of a refused file lingers in a buffer.
    if (current?.type === 'file' && !current.file.readableEnded) await discard(current.file).catch(() => undefined);
    await drainRest(parts);
  }
}

function partError(code: 'METADATA_INVALID' | 'MULTIPART_INVALID', part: string, message: string, detail = `${part}: ${message}`): DocaxisError {
  return new DocaxisError(code, detail, { details: { fields: { [part]: message } } });
}

function unknownPart(name: string): DocaxisError {
  // The name is the client's: cut short, and kept out of the message's structure.
  const shown = name.slice(0, 64);
  return partError('MULTIPART_INVALID', shown, 'unknown part: send "metadata", then "file"', `unknown part ${JSON.stringify(shown)}: send "metadata", then "file"`);
}

async function readMetadata(part: Multipart, policy: UploadPolicy): Promise<unknown> {
  let text: string;
  if (part.type === 'file') {
    const bytes = await readBounded(part.file, METADATA_LIMIT_BYTES, undefined, 'METADATA_INVALID');
    text = Buffer.from(bytes).toString('utf8');
  } else {
    if (part.valueTruncated) throw partError('METADATA_INVALID', 'metadata', `larger than ${METADATA_LIMIT_BYTES} bytes`);
    // @fastify/multipart parses a field typed application/json itself, keeping the last of two
    // equal keys: the text that would show a duplicate is gone, so such a field is refused.
    if (typeof part.value !== 'string') {
      policy.seen?.(part.value);
      throw partError('METADATA_INVALID', 'metadata', 'send it as a text field or a file, not a field typed application/json');
    }
    text = part.value;
  }
  const parsed = parseStrictJson(text, METADATA_MAX_DEPTH);
  policy.seen?.(parsed.value);
  if (!parsed.ok) {
    if (parsed.field === '') throw partError('METADATA_INVALID', 'metadata', parsed.message, `the "metadata" part is ${parsed.message}`);
    throw partError('METADATA_INVALID', parsed.field, parsed.message);
  }
  return parsed.value;
}
