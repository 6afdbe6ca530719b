// Certificates and CRLs arrive as a raw body (PEM or DER, any of the usual content types) or as
// the first file of a multipart form (`curl -F file=@cert.pem`). Both end as one small buffer.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DocaxisError } from '../errors.js';
import { multipartError, nextPart, partsOf } from './multipart-parts.js';

export const PKI_BODY_LIMIT_BYTES = 4 * 1024 * 1024;

export const PKI_CONTENT_TYPES = [
  'application/x-pem-file',
  'application/pkix-cert',
  'application/pkix-crl',
  'application/x-x509-ca-cert',
  'application/pkcs7-mime',
  'application/octet-stream',
  'text/plain',
];

/** Installs raw parsers for the PKI content types in the given (encapsulated) scope. */
export function acceptPkiBodies(app: FastifyInstance): void {
  // Fastify parses text/plain to a string by default; here it is PEM, kept as bytes.
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser(PKI_CONTENT_TYPES, { parseAs: 'buffer', bodyLimit: PKI_BODY_LIMIT_BYTES }, (_request, body, done) => done(null, body));
}

export async function readPkiBody(request: FastifyRequest): Promise<Uint8Array> {
  if (request.isMultipart()) {
    // A malformed body (no boundary, garbage) is MULTIPART_INVALID from nextPart, not a 500.
    const parts = partsOf(request, { fileSize: PKI_BODY_LIMIT_BYTES, files: 1, fields: 8, fieldSize: 64 * 1024 });
    for (let part = await nextPart(parts); part; part = await nextPart(parts)) {
      if (part.type !== 'file') continue;
      const bytes = await part.toBuffer().catch((e: unknown) => Promise.reject(multipartError(e)));
      if (part.file.truncated) throw new DocaxisError('FILE_TOO_LARGE', `at most ${PKI_BODY_LIMIT_BYTES} bytes`);
      if (bytes.length > 0) return bytes;
    }
    throw new DocaxisError('FILE_MISSING', 'expected a PEM or DER file part');
  }
  const body = request.body;
  if (Buffer.isBuffer(body) && body.length > 0) return body;
  throw new DocaxisError('FILE_MISSING', `send the PEM or DER as the body (${PKI_CONTENT_TYPES[0]}) or as a multipart file`);
}
