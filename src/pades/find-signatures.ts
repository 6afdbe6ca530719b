// Finds every signature dictionary the document has carried, in every revision, in file order.
// A signature whose field was removed later is still found (and the removal is a modification).
// One dictionary referenced by several fields is one signature carrying all their names; a
// holder object redefined later with a different dictionary is a new signature.
import { listFields } from '../pdf/acroform.js';
import { DocaxisError } from '../errors.js';
import { PdfDict, PdfRef, nameValue, pdfEquals } from '../pdf/objects.js';
import type { PdfReader } from '../pdf/reader.js';
import type { SignatureHolder } from './contents-location.js';

export interface FoundSignature {
  /** The first field (in /Fields order, first revision first) whose value is this dictionary. */
  fieldName: string;
  /** Every field whose value is this dictionary, in the order found (at most MAX_FIELD_NAMES). */
  fieldNames: string[];
  /** The signature dictionary as first seen. */
  dict: PdfDict;
  ref: PdfRef | undefined;
  /** The object whose bytes hold the dictionary (itself, or the field of an inline /V). */
  holder: SignatureHolder;
  /** The first revision in which the field carries this value. */
  firstSeenRevision: number;
  /** Whether the field still exists (with this value) in the latest revision. */
  presentInLatest: boolean;
  type: 'signature' | 'document-timestamp';
  /** /ByteRange[1], for ordering; Infinity when missing. */
  order: number;
}

/** Names kept per signature: the report stays small even if a hostile file has 100,000 such fields. */
export const MAX_FIELD_NAMES = 50;

export interface FindSignaturesOptions {
  /** More distinct signature dictionaries than this: PDF_TOO_MANY_SIGNATURES, found early. */
  maxSignatures?: number;
}

export function findSignatures(reader: PdfReader, options: FindSignaturesOptions = {}): FoundSignature[] {
  const max = options.maxSignatures ?? Number.POSITIVE_INFINITY;
  /** By holder key: the signatures that holder has carried, the current one last. */
  const byHolder = new Map<string, FoundSignature[]>();
  const all: FoundSignature[] = [];
  const names = new Map<FoundSignature, Set<string>>();
  const last = reader.revisions.length - 1;
  for (let r = 0; r <= last; r++) {
    for (const field of listFields(reader, r)) {
      if (field.type !== 'Sig' || field.value === undefined || field.value === null) continue;
      const ref = field.value instanceof PdfRef ? field.value : undefined;
      const dict = reader.resolve(field.value, r);
      if (!(dict instanceof PdfDict)) continue;
      const holder: SignatureHolder = ref ? { kind: 'object', ref } : { kind: 'inline-value', fieldRef: field.ref };
      const key = ref ? `ref:${ref.key}` : `field:${field.ref.key}`;
      const seen = byHolder.get(key) ?? [];
      const existing = seen.find((s) => s.dict === dict || pdfEquals(s.dict, dict));
      if (existing) {
        if (r === last) existing.presentInLatest = true;
        const known = names.get(existing)!;
        if (known.size < MAX_FIELD_NAMES && !known.has(field.fullName)) {
          known.add(field.fullName);
          existing.fieldNames.push(field.fullName);
        }
        continue;
      }
      if (all.length >= max) {
        throw new DocaxisError('PDF_TOO_MANY_SIGNATURES', `more than ${max} signatures`, { details: { limit: max } });
      }
      const br = dict.get('ByteRange');
      const order = Array.isArray(br) && typeof br[1] === 'number' ? br[1] : Number.POSITIVE_INFINITY;
      const found: FoundSignature = {
        fieldName: field.fullName,
        fieldNames: [field.fullName],
        dict,
        ref,
        holder,
        firstSeenRevision: r,
        presentInLatest: r === last,
        type: nameValue(dict.get('Type')) === 'DocTimeStamp' || nameValue(dict.get('SubFilter')) === 'ETSI.RFC3161' ? 'document-timestamp' : 'signature',
        order,
      };
      seen.push(found);
      names.set(found, new Set([field.fullName]));
      byHolder.set(key, seen);
      all.push(found);
    }
  }
  return all.sort((a, b) => a.order - b.order);
}
