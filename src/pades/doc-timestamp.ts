// A document timestamp (ISO 32000-2 §12.8.5, ETSI EN 319 142-1 §5.4.3): an RFC 3161 token over the
// byte ranges of its own revision, in a signature dictionary /Type /DocTimeStamp with /SubFilter
// /ETSI.RFC3161 and an invisible field. It proves that everything before it (signatures, their
// timestamps, the /DSS) existed at its genTime: the basis of B-LTA and of archive renewal.
import { DocaxisError } from '../errors.js';
import { listFields } from '../pdf/acroform.js';
import { PdfDict, PdfName } from '../pdf/objects.js';
import { PdfReader } from '../pdf/reader.js';
import { IncrementalWriter } from '../pdf/writer.js';
import type { DigestAlgorithm } from '../pki/oids.js';
import { byteRangePlaceholder, contentsPlaceholder, formatByteRange, indexOfBytes, toHex } from './placeholder.js';
import type { PreparedDocument } from './prepare.js';
import { addSignatureField, nextFieldName } from './signature-field.js';
import type { Timestamper } from './timestamper.js';

export interface DocumentTimestampOptions {
  timestamper: Timestamper;
  digest?: DigestAlgorithm;
  fieldName?: string;
  /** Bytes reserved for the token; default DOC_TIMESTAMP_CAPACITY. */
  capacity?: number;
}

/** A token with a two-certificate RSA chain is ~4.5 KB: room for a three-certificate RSA-4096 chain, twice over
 * (every verifier lexes the hex placeholder, so it is not made bigger than that). */
export const DOC_TIMESTAMP_CAPACITY = 12_288;

export async function addDocumentTimestamp(pdf: Uint8Array | PdfReader, options: DocumentTimestampOptions): Promise<PreparedDocument> {
  const reader = pdf instanceof PdfReader ? pdf : PdfReader.open(pdf);
  const digest = options.digest ?? 'sha256';
  const capacity = options.capacity ?? DOC_TIMESTAMP_CAPACITY;
  // No DocMDP refusal: a /DSS and document timestamps are allowed after a certification at every
  // level (ISO 32000-2 §12.8.2.2.2; the diff analysis, diff/dss.ts, agrees).
  const fields = listFields(reader);
  const fieldName = options.fieldName ?? nextFieldName(fields, 'DocTimeStamp');
  if (fields.some((f) => f.fullName === fieldName)) throw new DocaxisError('USAGE', `a field named "${fieldName}" already exists`);
  const writer = new IncrementalWriter(reader);
  const sigRef = writer.allocateRef();
  writer.set(
    sigRef,
    new PdfDict([
      ['Type', PdfName.of('DocTimeStamp')],
      ['Filter', PdfName.of('Adobe.PPKLite')],
      ['SubFilter', PdfName.of('ETSI.RFC3161')],
      ['ByteRange', byteRangePlaceholder()],
      ['Contents', contentsPlaceholder(capacity)],
    ]),
  );
  addSignatureField(reader, writer, { fieldName, signatureRef: sigRef, pageIndex: 0, rect: [0, 0, 0, 0] }, fields);
  const u = writer.write();
  const span = u.offsets.get(sigRef.num);
  if (!span) throw new DocaxisError('INTERNAL', 'the writer did not report the timestamp dictionary');

  const base = u.original.length;
  const update = u.update;
  const brAt = indexOfBytes(update, '/ByteRange [', span.start - base, span.end - base);
  const contentsAt = indexOfBytes(update, '/Contents <', span.start - base, span.end - base);
  if (brAt < 0 || contentsAt < 0) throw new DocaxisError('INTERNAL', 'timestamp placeholders not found in the written revision');
  const contentsStart = base + contentsAt + '/Contents '.length;
  const contentsEnd = contentsStart + 2 + capacity * 2;
  const total = base + update.length;
  const byteRange: [number, number, number, number] = [0, contentsStart, contentsEnd, total - contentsEnd];
  update.set(formatByteRange(byteRange), brAt + '/ByteRange '.length);

  // The Timestamper takes the data (it hashes it itself): the covered bytes, joined once.
  const covered = new Uint8Array(contentsStart + (total - contentsEnd));
  covered.set(u.original, 0);
  covered.set(update.subarray(0, contentsStart - base), base);
  covered.set(update.subarray(contentsEnd - base), contentsStart);
  const token = await options.timestamper(covered, digest);
  if (token.length > capacity) {
    throw new DocaxisError('SIG_PLACEHOLDER_TOO_SMALL', `the timestamp token needs ${token.length} bytes but the placeholder holds ${capacity}`, {
      details: { needed: token.length, capacity },
    });
  }
  update.set(Buffer.from(toHex(token), 'latin1'), contentsStart + 1 - base);
  return { original: u.original, update };
}
