// A PDF sent for inspection (POST /verify): either the raw body (Content-Type: application/pdf) or
// the `file` part of a multipart form, both bounded by the upload limit. The raw parser is
// installed only in the scope of the route plugin that asks for it.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Multipart } from '@fastify/multipart';
import { DocaxisError } from '../errors.js';
import { declaredLength, discard, drainRest, nextPart, partsOf, readBounded } from './multipart-parts.js';

export const PDF_CONTENT_TYPE = 'application/pdf';

/** Raw application/pdf bodies in the given (encapsulated) scope; over `limitBytes` fastify answers 413 (FILE_TOO_LARGE). */
export function acceptPdfBodies(app: FastifyInstance, limitBytes: number): void {
  app.addContentTypeParser(PDF_CONTENT_TYPE, { parseAs: 'buffer', bodyLimit: limitBytes }, (_request, body, done) => done(null, body));
}

export async function readPdfUpload(request: FastifyRequest, limitBytes: number): Promise<Uint8Array> {
  if (request.isMultipart()) return readFilePart(request, limitBytes);
  const body = request.body;
  if (Buffer.isBuffer(body) && body.length > 0) return body;
  throw new DocaxisError('FILE_MISSING', `send the PDF as the body (${PDF_CONTENT_TYPE}) or as a multipart "file" part`);
}

/** The first file part named `file`; other parts are drained unread. */
async function readFilePart(request: FastifyRequest, limitBytes: number): Promise<Uint8Array> {
  const parts = partsOf(request, { fileSize: limitBytes, files: 4, fields: 8, fieldSize: 64 * 1024 });
  let current: Multipart | undefined;
  try {
    for (;;) {
      const part = (current = await nextPart(parts));
      if (!part) throw new DocaxisError('FILE_MISSING', 'expected a "file" part with the PDF');
      if (part.type !== 'file') continue;
      if (part.fieldname !== 'file') {
        await discard(part.file);
        continue;
      }
      const pdf = await readBounded(part.file, limitBytes, declaredLength(request));
      if (pdf.length === 0) throw new DocaxisError('FILE_MISSING', 'the "file" part is empty');
      return pdf;
    }
  } finally {
    // As for a send: leave a clean connection and no part of the body in a buffer.
    if (current?.type === 'file' && !current.file.readableEnded) await discard(current.file).catch(() => undefined);
    await drainRest(parts);
  }
}
