// Finds every signature dictionary the document has carried, in every revision, in file order.
// A signature whose field was removed later is still found (and the removal is a modification).
import { listFields } from '../pdf/acroform.js';
import { PdfDict, PdfRef, nameValue } from '../pdf/objects.js';
import type { PdfReader } from '../pdf/reader.js';

export interface FoundSignature {
  fieldName: string;
  /** The signature dictionary as first seen. */
  dict: PdfDict;
  ref: PdfRef | undefined;
  /** The first revision in which the field carries this value. */
  firstSeenRevision: number;
  /** Whether the field still exists (with this value) in the latest revision. */
  presentInLatest: boolean;
  type: 'signature' | 'document-timestamp';
  /** /ByteRange[1], for ordering; Infinity when missing. */
  order: number;
}

export function findSignatures(reader: PdfReader): FoundSignature[] {
  const found = new Map<string, FoundSignature>();
  const last = reader.revisions.length - 1;
  for (let r = 0; r <= last; r++) {
    for (const field of listFields(reader, r)) {
      if (field.type !== 'Sig' || field.value === undefined || field.value === null) continue;
      const ref = field.value instanceof PdfRef ? field.value : undefined;
      const dict = reader.resolve(field.value, r);
      if (!(dict instanceof PdfDict)) continue;
      const key = ref ? `ref:${ref.key}` : `field:${field.ref.key}:${r}`;
      const existing = found.get(key);
      if (existing) {
        if (r === last) existing.presentInLatest = true;
        continue;
      }
      const br = dict.get('ByteRange');
      const order = Array.isArray(br) && typeof br[1] === 'number' ? br[1] : Number.POSITIVE_INFINITY;
      found.set(key, {
        fieldName: field.fullName,
        dict,
        ref,
        firstSeenRevision: r,
        presentInLatest: r === last,
        type: nameValue(dict.get('Type')) === 'DocTimeStamp' || nameValue(dict.get('SubFilter')) === 'ETSI.RFC3161' ? 'document-timestamp' : 'signature',
        order,
      });
    }
  }
  return [...found.values()].sort((a, b) => a.order - b.order);
}
