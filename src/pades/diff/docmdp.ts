// DocMDP and FieldMDP (ISO 32000-1 §12.8.2.2-3): what a certification signature permits after it
// (P=1 nothing, 2 form filling and signing, 3 also annotations; 2 when /P is absent), and which
// fields an approval signature locks (/Action /All, /Include or /Exclude a list of field names).
// Read from the signed revision: a later revision that drops /Perms is itself a catalog change.
import { PdfDict, PdfRef, PdfString, nameValue, numberValue } from '../../pdf/objects.js';
import type { PdfObject } from '../../pdf/objects.js';
import type { PdfReader } from '../../pdf/reader.js';

export type DocMdpPermission = 1 | 2 | 3;

export interface Certification {
  permission: DocMdpPermission;
  /** The certification signature's dictionary (its reference, when indirect). */
  signature: PdfRef | undefined;
}

export interface FieldLock {
  action: 'All' | 'Include' | 'Exclude';
  /** Fully qualified field names. */
  fields: string[];
}

function resolve(reader: PdfReader, o: PdfObject | undefined, at: number | undefined): PdfObject | undefined {
  try {
    return reader.resolve(o, at);
  } catch {
    return undefined;
  }
}

function dict(reader: PdfReader, o: PdfObject | undefined, at: number | undefined): PdfDict | undefined {
  const d = resolve(reader, o, at);
  return d instanceof PdfDict ? d : undefined;
}

/** The transform parameters of the signature reference of one method (DocMDP or FieldMDP). */
function transformParams(reader: PdfReader, sig: PdfDict, method: string, at: number | undefined): PdfDict | undefined {
  const refs = resolve(reader, sig.get('Reference'), at);
  for (const r of Array.isArray(refs) ? refs.slice(0, 32) : []) {
    const sigRef = dict(reader, r, at);
    if (sigRef && nameValue(resolve(reader, sigRef.get('TransformMethod'), at)) === method) {
      return dict(reader, sigRef.get('TransformParams'), at) ?? new PdfDict();
    }
  }
  return undefined;
}

/** The document's certification (catalog /Perms /DocMDP) as of a revision, if it has one. */
export function readCertification(reader: PdfReader, at?: number): Certification | undefined {
  let catalog: PdfDict;
  try {
    catalog = reader.catalog(at);
  } catch {
    return undefined;
  }
  const perms = dict(reader, catalog.get('Perms'), at);
  const ref = perms?.get('DocMDP');
  const sig = dict(reader, ref, at);
  if (!sig) return undefined;
  const params = transformParams(reader, sig, 'DocMDP', at);
  const p = params ? numberValue(resolve(reader, params.get('P'), at)) : undefined;
  // A /P that is neither absent nor 1, 2 or 3 is read as the strictest value.
  const permission: DocMdpPermission = p === undefined ? 2 : p === 2 || p === 3 ? p : 1;
  return { permission, signature: ref instanceof PdfRef ? ref : undefined };
}

/**
 * The fields a signature locks: its FieldMDP transform, else the /Lock dictionary of its field
 * (the instruction a signing tool was given; the transform is what the signature covers).
 */
export function readFieldLock(reader: PdfReader, sig: PdfDict, field: PdfDict | undefined, at?: number): FieldLock | undefined {
  const params = transformParams(reader, sig, 'FieldMDP', at) ?? (field ? dict(reader, field.get('Lock'), at) : undefined);
  if (!params) return undefined;
  const action = nameValue(resolve(reader, params.get('Action'), at));
  if (action !== 'All' && action !== 'Include' && action !== 'Exclude') return undefined;
  const list = resolve(reader, params.get('Fields'), at);
  const fields = (Array.isArray(list) ? list.slice(0, 10_000) : [])
    .map((f) => resolve(reader, f, at))
    .filter((f): f is PdfString => f instanceof PdfString)
    .map((f) => f.text());
  return { action, fields };
}

/** A lock on a field covers it and its descendants (`a.b` locks `a.b.c`). */
export function isLocked(lock: FieldLock, name: string): boolean {
  if (lock.action === 'All') return true;
  const listed = lock.fields.some((f) => name === f || name.startsWith(`${f}.`));
  return lock.action === 'Include' ? listed : !listed;
}
