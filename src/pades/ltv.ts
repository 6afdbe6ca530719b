// PAdES B-LT and B-LTA (ETSI EN 319 142-1 §6.3, §6.4) on an already signed PDF, each step its own
// incremental revision so that every earlier signature stays valid:
//   B-LT  = + /DSS with the chains and revocation data of every signature (and their timestamps)
//   B-LTA = B-LT + a document timestamp + a /DSS update covering that timestamp's TSA chain, so
//           that the next renewal (a later document timestamp) finds it already in the document.
// The input's bytes are never copied more than once per revision; the result is the input plus
// one appended update, as signPdf returns it.
import { DocaxisError } from '../errors.js';
import { PdfReader } from '../pdf/reader.js';
import type { DigestAlgorithm } from '../pki/oids.js';
import { addDocumentTimestamp } from './doc-timestamp.js';
import { writeDss } from './dss-write.js';
import { collectValidationData, type CollectOptions } from './ltv-collect.js';
import type { PreparedDocument } from './prepare.js';
import type { Timestamper } from './timestamper.js';

export type { RevocationFetcher } from './ltv-collect.js';
export { NULL_FETCHER } from './ltv-collect.js';

export interface LtOptions extends Omit<CollectOptions, 'only'> {
  /** /TU of the VRI entries; default now. */
  time?: Date;
}

export interface LtaOptions extends LtOptions {
  timestamper: Timestamper;
  digest?: DigestAlgorithm;
  /** Name of the document timestamp's field; default DocTimeStamp<n>. */
  fieldName?: string;
}

/** The input untouched, the appended revisions, and what the caller should know. */
export interface ExtendedDocument extends PreparedDocument {
  warnings: string[];
}

export async function extendToLt(pdf: Uint8Array | PreparedDocument, options: LtOptions = {}): Promise<ExtendedDocument> {
  const doc = asPrepared(pdf);
  const reader = PdfReader.open(joined(doc));
  const collected = await collectValidationData(reader, options);
  if (collected.vri.length === 0) throw new DocaxisError('LTV_NO_SIGNATURE');
  const dss = writeDss(reader, { certificates: [], crls: [], ocspResponses: [], vri: collected.vri, ...(options.time ? { time: options.time } : {}) });
  return { original: doc.original, update: concat(doc.update, dss.update), warnings: collected.warnings };
}

export async function extendToLta(pdf: Uint8Array | PreparedDocument, options: LtaOptions): Promise<ExtendedDocument> {
  const lt = await extendToLt(pdf, options);
  const timestamped = await addDocumentTimestamp(joined(lt), {
    timestamper: options.timestamper,
    ...(options.digest ? { digest: options.digest } : {}),
    ...(options.fieldName ? { fieldName: options.fieldName } : {}),
  });
  const afterTs: PreparedDocument = { original: lt.original, update: concat(lt.update, timestamped.update) };
  // The new timestamp's own chain and revocation data, under its own VRI key.
  const reader = PdfReader.open(joined(afterTs));
  const known = new Set(lt.warnings);
  const tsContents = lastContentsOf(timestamped.update);
  const collected = await collectValidationData(reader, { ...options, only: (contents) => sameBytes(contents, tsContents) });
  const dss = writeDss(reader, { certificates: [], crls: [], ocspResponses: [], vri: collected.vri, ...(options.time ? { time: options.time } : {}) });
  return {
    original: lt.original,
    update: concat(afterTs.update, dss.update),
    warnings: [...lt.warnings, ...collected.warnings.filter((w) => !known.has(w))],
  };
}

function asPrepared(pdf: Uint8Array | PreparedDocument): PreparedDocument {
  return pdf instanceof Uint8Array ? { original: pdf, update: new Uint8Array() } : pdf;
}

function joined(doc: PreparedDocument): Uint8Array {
  if (doc.update.length === 0) return doc.original;
  return concat(doc.original, doc.update);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** The /Contents value of the document timestamp just written (the only one in its update). */
function lastContentsOf(update: Uint8Array): Uint8Array {
  const text = Buffer.from(update.buffer, update.byteOffset, update.byteLength).toString('latin1');
  const m = /\/Contents <([0-9a-fA-F]*)>/.exec(text);
  if (!m) throw new DocaxisError('INTERNAL', 'the document timestamp revision has no /Contents');
  return Buffer.from(m[1]!, 'hex');
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;
}
