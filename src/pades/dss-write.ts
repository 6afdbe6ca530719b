// Writes the Document Security Store (ISO 32000-2 §12.8.4.3, ETSI EN 319 142-1 §5.4.2) as an
// incremental update: /Certs, /CRLs and /OCSPs arrays of streams, and one /VRI dictionary per
// signature keyed by the upper-case hex SHA-1 of that signature's /Contents value, listing what
// validates it (/Cert /CRL /OCSP) and when it was added (/TU). An existing store is merged, never
// dropped: its streams keep their objects, and an item already there (same decoded bytes) is
// referenced again rather than written twice. Nothing but the catalog, the new store and its new
// streams is written, so the diff analysis of earlier signatures sees an allowed DSS update.
import { createHash } from 'node:crypto';
import zlib from 'node:zlib';
import { DocaxisError } from '../errors.js';
import { PdfDict, PdfName, PdfRef, PdfStream, PdfString, type PdfObject } from '../pdf/objects.js';
import { PdfReader } from '../pdf/reader.js';
import { IncrementalWriter } from '../pdf/writer.js';
import type { PreparedDocument } from './prepare.js';
import { pdfDate } from './vn-time.js';

export interface ValidationItems {
  certificates: readonly Uint8Array[];
  crls: readonly Uint8Array[];
  ocspResponses: readonly Uint8Array[];
}

/** The validation data of one signature (or document timestamp), for its /VRI entry. */
export interface VriAddition extends ValidationItems {
  /** The signature's /Contents value, padding included (what the VRI key hashes). */
  contents: Uint8Array;
}

export interface DssAddition extends ValidationItems {
  vri: readonly VriAddition[];
  /** /TU of the new VRI entries; default now. */
  time?: Date;
}

type Kind = 'certificates' | 'crls' | 'ocspResponses';
const ARRAYS: ReadonlyArray<readonly [Kind, string, string]> = [
  ['certificates', 'Certs', 'Cert'],
  ['crls', 'CRLs', 'CRL'],
  ['ocspResponses', 'OCSPs', 'OCSP'],
];

/** ETSI EN 319 142-1 5.4.2.2: the VRI key of a signature. */
export function vriKey(contents: Uint8Array): string {
  return createHash('sha1').update(contents).digest('hex').toUpperCase();
}

/** Appends a revision whose catalog carries the merged /DSS. The input bytes are not modified. */
export function writeDss(pdf: Uint8Array | PdfReader, addition: DssAddition): PreparedDocument {
  const reader = pdf instanceof PdfReader ? pdf : PdfReader.open(pdf);
  const rootRef = reader.trailer.get('Root');
  if (!(rootRef instanceof PdfRef)) throw new DocaxisError('PDF_OBJECT_MALFORMED', 'the trailer /Root is not an indirect reference: the catalog cannot be updated');
  const catalog = reader.catalog();
  const writer = new IncrementalWriter(reader);
  const existing = reader.resolve(catalog.get('DSS'));
  const old = existing instanceof PdfDict ? existing : new PdfDict();

  const store = new StreamStore(reader, writer);
  const dss = new PdfDict();
  for (const [key, value] of old.map) if (key !== 'VRI' && !ARRAYS.some(([, k]) => k === key)) dss.set(key, value);
  const arrays = new Map<Kind, PdfRef[]>();
  for (const [kind, key] of ARRAYS) {
    const refs = store.adoptArray(old.get(key), kind);
    const fromVri = addition.vri.flatMap((v) => v[kind]);
    for (const der of [...addition[kind], ...fromVri]) pushUnique(refs, store.refFor(der, kind));
    arrays.set(kind, refs);
    if (refs.length > 0) dss.set(key, refs);
  }

  const oldVri = reader.resolve(old.get('VRI'));
  const vri = oldVri instanceof PdfDict ? oldVri.clone() : new PdfDict();
  const tu = PdfString.fromLatin1(pdfDate(addition.time ?? new Date()));
  for (const v of addition.vri) {
    const key = vriKey(v.contents);
    const before = reader.resolve(vri.get(key));
    const entry = before instanceof PdfDict ? before.clone() : new PdfDict();
    for (const [kind, , singular] of ARRAYS) {
      const refs = store.adoptArray(entry.get(singular), kind, false);
      for (const der of v[kind]) pushUnique(refs, store.refFor(der, kind));
      if (refs.length > 0) entry.set(singular, refs);
    }
    entry.set('TU', tu);
    vri.set(key, entry);
  }
  if (vri.keys().length > 0) dss.set('VRI', vri);
  dss.set('Type', PdfName.of('DSS'));

  const dssRef = writer.allocateRef();
  writer.set(dssRef, dss);
  const newCatalog = catalog.clone();
  newCatalog.set('DSS', dssRef);
  writer.set(rootRef, newCatalog);
  const u = writer.write();
  return { original: u.original, update: u.update };
}

function pushUnique(refs: PdfRef[], ref: PdfRef): void {
  if (!refs.some((r) => r.equals(ref))) refs.push(ref);
}

/** The store's streams by content: the existing ones (decoded once) and those this update adds. */
class StreamStore {
  readonly #byHash = new Map<string, PdfRef>();
  readonly #seen = new Set<string>();

  constructor(
    private readonly reader: PdfReader,
    private readonly writer: IncrementalWriter,
  ) {}

  /** The references of an existing array, kept in order; their contents become known for dedup. */
  adoptArray(value: PdfObject | undefined, kind: Kind, learn = true): PdfRef[] {
    const array = this.reader.resolve(value);
    if (!Array.isArray(array)) return [];
    const refs: PdfRef[] = [];
    for (const item of array) {
      if (!(item instanceof PdfRef)) continue; // a direct stream cannot exist; anything else is junk we do not carry on
      pushUnique(refs, item);
      if (learn) this.learn(item, kind);
    }
    return refs;
  }

  refFor(der: Uint8Array, kind: Kind): PdfRef {
    const key = `${kind}:${createHash('sha256').update(der).digest('hex')}`;
    const known = this.#byHash.get(key);
    if (known) return known;
    const ref = this.writer.allocateRef();
    this.writer.set(ref, new PdfStream(new PdfDict([['Filter', PdfName.of('FlateDecode')]]), zlib.deflateSync(der)));
    this.#byHash.set(key, ref);
    return ref;
  }

  private learn(ref: PdfRef, kind: Kind): void {
    const id = `${ref.num} ${ref.gen}`;
    if (this.#seen.has(id)) return;
    this.#seen.add(id);
    try {
      const stream = this.reader.getObject(ref);
      if (!(stream instanceof PdfStream)) return;
      const data = this.reader.decodeStream(stream);
      const key = `${kind}:${createHash('sha256').update(data).digest('hex')}`;
      if (!this.#byHash.has(key)) this.#byHash.set(key, ref);
    } catch {
      // An unreadable existing item is kept as it is; it just cannot be matched.
    }
  }
}
