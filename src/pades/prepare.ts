// Stage 1 of signing: append a revision with the signature dictionary, its field and widget, and
// fixed-width placeholders; fix /ByteRange; digest the covered bytes. The result is the prepared
// document plus a small serialisable record, so that any key (PKCS#12 here, an HSM, a clerk's
// token, a remote service) can produce the CMS later and `completeSignature` embeds it.
import { createHash, type Hash } from 'node:crypto';
import { DocaxisError } from '../errors.js';
import { PdfDict, PdfName, PdfRef, PdfString } from '../pdf/objects.js';
import { listFields, type FormField } from '../pdf/acroform.js';
import { PdfReader } from '../pdf/reader.js';
import { IncrementalWriter, type IncrementalUpdate } from '../pdf/writer.js';
import type { DigestAlgorithm } from '../pki/oids.js';
import type { AppearanceLayout } from './appearance.js';
import { byteRangePlaceholder, contentsPlaceholder, formatByteRange, indexOfBytes, toHex } from './placeholder.js';
import { MAX_EXTRA_WIDGETS, resolvePlacement, type ExtraWidget, type Placement } from './placement.js';
import { isLocked, readCertification, readFieldLock } from './diff/docmdp.js';
import { addSignatureField, nextFieldName } from './signature-field.js';
import { pdfDate } from './vn-time.js';

export type SubFilter = 'ETSI.CAdES.detached' | 'adbe.pkcs7.detached';

export interface VisibleSignature {
  placement: Placement;
  layout: AppearanceLayout;
  lines: string[];
  image?: Uint8Array;
  fontBytes: Uint8Array;
  fontSize?: number;
  textAlign?: 'left' | 'center' | 'right';
  /** More widgets of this signature's field, text only (placement.ts). */
  extraWidgets?: ExtraWidget[];
}

export interface PrepareOptions {
  /** Bytes reserved for the DER CMS (the hex placeholder is twice that). */
  contentsCapacity: number;
  digest?: DigestAlgorithm;
  subFilter?: SubFilter;
  /** New field name, or the name of an existing empty signature field to sign into. */
  fieldName?: string;
  /** Claimed signing time, written as /M. */
  signingTime?: Date;
  reason?: string;
  location?: string;
  contactInfo?: string;
  /** Signer name for /Name (viewers show it before parsing the certificate). */
  name?: string;
  visible?: VisibleSignature;
  /**
   * The `digest` hash state over exactly the input bytes, from a caller that hashed the file while
   * reading it (the CLI): spares hashing the input again. Ignored unless algorithm and length match.
   */
  inputHash?: { algorithm: DigestAlgorithm; length: number; state: Hash };
}

/** The prepared document: the input bytes untouched, and the appended revision. */
export interface PreparedDocument {
  original: Uint8Array;
  update: Uint8Array;
}

/** Everything `completeSignature` needs besides the bytes; JSON-serialisable. */
export interface PreparedSignatureRecord {
  version: 1;
  fieldName: string;
  subFilter: SubFilter;
  digestAlgorithm: DigestAlgorithm;
  /** Hex digest of the covered bytes: the CMS messageDigest. */
  documentDigest: string;
  byteRange: [number, number, number, number];
  /** Bytes of DER the placeholder holds. */
  contentsCapacity: number;
  totalLength: number;
  originalLength: number;
  signingTime: string;
}

export interface Prepared {
  document: PreparedDocument;
  record: PreparedSignatureRecord;
  /** Things the signer should know, e.g. that the field is locked by an earlier signature. */
  warnings: string[];
}

export async function prepareSignature(pdf: Uint8Array | PdfReader, options: PrepareOptions): Promise<Prepared> {
  const reader = pdf instanceof PdfReader ? pdf : PdfReader.open(pdf);
  const digest = options.digest ?? 'sha256';
  const subFilter = options.subFilter ?? 'ETSI.CAdES.detached';
  const signingTime = options.signingTime ?? new Date();
  if (!Number.isInteger(options.contentsCapacity) || options.contentsCapacity < 256) {
    throw new DocaxisError('SIG_PLACEHOLDER_TOO_SMALL', 'the /Contents capacity must be at least 256 bytes');
  }
  refuseCertifiedWithoutChanges(reader);
  // The AcroForm is walked once: the default name, the anchor field and the target field come from it.
  const fields = listFields(reader);
  const fieldName = options.fieldName ?? nextFieldName(fields);
  const warnings = lockWarnings(reader, fields, fieldName, options.visible !== undefined);
  const writer = new IncrementalWriter(reader);

  const sigRef = writer.allocateRef();
  writer.set(sigRef, signatureDictionary(options, subFilter, signingTime));

  let pageIndex = 0;
  let rect: [number, number, number, number] = [0, 0, 0, 0];
  let appearanceRef: PdfRef | undefined;
  if (options.visible) {
    const placed = resolvePlacement(reader, options.visible.placement, fields);
    ({ pageIndex, rect } = placed);
    appearanceRef = await addAppearance(writer, options.visible, rect, placed.textSide);
  }
  const extraWidgets = await addExtraWidgets(reader, writer, options.visible, fields);
  addSignatureField(reader, writer, { fieldName, signatureRef: sigRef, pageIndex, rect, ...(appearanceRef ? { appearanceRef } : {}), ...(extraWidgets.length ? { extraWidgets } : {}) }, fields);

  const update = writer.write();
  const span = update.offsets.get(sigRef.num);
  if (!span) throw new DocaxisError('INTERNAL', 'the writer did not report the signature dictionary');
  const inputHash = options.inputHash?.algorithm === digest && options.inputHash.length === update.original.length ? options.inputHash.state : undefined;
  const record = fixByteRange(update, span, { fieldName, subFilter, digest, capacity: options.contentsCapacity, signingTime, inputHash });
  return { document: { original: update.original, update: update.update }, record, warnings };
}

/** A certification with DocMDP P=1 permits no change at all, a new signature included. */
function refuseCertifiedWithoutChanges(reader: PdfReader): void {
  if (readCertification(reader)?.permission === 1) {
    throw new DocaxisError('SIG_DOCMDP_LOCKED', 'its certification signature forbids any change after it');
  }
}

/**
 * Signing into a field an earlier signature locks (FieldMDP) is possible, but verifiers will
 * report it as a disallowed change for that signature: say so before signing. A new invisible
 * field changes no field, so only an existing field or a visible new one is checked (pyHanko's
 * reading of /All).
 */
function lockWarnings(reader: PdfReader, fields: FormField[], fieldName: string, visible: boolean): string[] {
  const existing = fields.some((f) => f.fullName === fieldName);
  if (!existing && !visible) return [];
  const warnings: string[] = [];
  for (const f of fields) {
    if (f.type !== 'Sig' || f.value === undefined || f.value === null) continue;
    const sig = reader.resolve(f.value);
    const fieldDict = reader.getObject(f.ref);
    if (!(sig instanceof PdfDict)) continue;
    const lock = readFieldLock(reader, sig, fieldDict instanceof PdfDict ? fieldDict : undefined);
    if (lock && isLocked(lock, fieldName)) {
      warnings.push(`the field '${fieldName}' is locked by the signature in '${f.fullName}' (FieldMDP /${lock.action}): verifiers will report this signature as a disallowed change for it`);
    }
  }
  return warnings;
}

function signatureDictionary(o: PrepareOptions, subFilter: SubFilter, signingTime: Date): PdfDict {
  // /ByteRange and /Contents come first so that no user text can precede them in the bytes.
  const d = new PdfDict([
    ['Type', PdfName.of('Sig')],
    ['Filter', PdfName.of('Adobe.PPKLite')],
    ['SubFilter', PdfName.of(subFilter)],
    ['ByteRange', byteRangePlaceholder()],
    ['Contents', contentsPlaceholder(o.contentsCapacity)],
    ['M', PdfString.fromLatin1(pdfDate(signingTime))],
  ]);
  if (o.name) d.set('Name', PdfString.fromText(o.name));
  if (o.reason) d.set('Reason', PdfString.fromText(o.reason));
  if (o.location) d.set('Location', PdfString.fromText(o.location));
  if (o.contactInfo) d.set('ContactInfo', PdfString.fromText(o.contactInfo));
  return d;
}

async function addAppearance(writer: IncrementalWriter, v: VisibleSignature, rect: [number, number, number, number], textSide?: 'left' | 'right'): Promise<PdfRef> {
  // pdf-lib and fontkit cost ~100 ms to load: only visible signatures pay for them.
  const { buildAppearance } = await import('./appearance.js');
  const first = writer.allocateRef();
  const built = await buildAppearance(
    {
      layout: v.layout,
      width: rect[2] - rect[0],
      height: rect[3] - rect[1],
      lines: v.lines,
      fontBytes: v.fontBytes,
      ...(v.image ? { image: v.image } : {}),
      ...(v.fontSize !== undefined ? { fontSize: v.fontSize } : {}),
      ...(v.textAlign ? { textAlign: v.textAlign } : {}),
      ...(textSide ? { textSide } : {}),
    },
    first.num,
  );
  // Reserve the numbers the appearance used, in order, so the writer hands out no duplicate.
  for (let n = first.num + 1; n < built.nextObjectNumber; n++) {
    const ref = writer.allocateRef();
    if (ref.num !== n) throw new DocaxisError('INTERNAL', 'object numbers for the appearance are not contiguous');
  }
  let xobject: PdfRef | undefined;
  for (const o of built.objects) {
    const ref = o.num === first.num ? first : new PdfRef(o.num, 0);
    writer.setRaw(ref, o.body);
    if (o.num === built.xobjectNum) xobject = ref;
  }
  if (!xobject) throw new DocaxisError('INTERNAL', 'the appearance has no form XObject');
  return xobject;
}

async function addExtraWidgets(reader: PdfReader, writer: IncrementalWriter, v: VisibleSignature | undefined, fields: FormField[]) {
  const extra = v?.extraWidgets ?? [];
  if (!v || extra.length === 0) return [];
  if (extra.length > MAX_EXTRA_WIDGETS) throw new DocaxisError('SIG_APPEARANCE_INVALID', `at most ${MAX_EXTRA_WIDGETS} extra widgets`);
  const out: Array<{ pageIndex: number; rect: [number, number, number, number]; appearanceRef: PdfRef }> = [];
  for (const w of extra) {
    const placed = resolvePlacement(reader, w.placement, fields);
    const text: VisibleSignature = {
      placement: w.placement,
      layout: 'text',
      lines: w.lines,
      fontBytes: v.fontBytes,
      ...(w.fontSize !== undefined ? { fontSize: w.fontSize } : {}),
      ...(w.align ? { textAlign: w.align } : {}),
    };
    out.push({ pageIndex: placed.pageIndex, rect: placed.rect, appearanceRef: await addAppearance(writer, text, placed.rect) });
  }
  return out;
}

function fixByteRange(
  u: IncrementalUpdate,
  span: { start: number; end: number },
  p: { fieldName: string; subFilter: SubFilter; digest: DigestAlgorithm; capacity: number; signingTime: Date; inputHash: Hash | undefined },
): PreparedSignatureRecord {
  const base = u.original.length;
  const local = { start: span.start - base, end: span.end - base };
  const brAt = indexOfBytes(u.update, '/ByteRange [', local.start, local.end);
  const contentsAt = indexOfBytes(u.update, '/Contents <', local.start, local.end);
  if (brAt < 0 || contentsAt < 0) throw new DocaxisError('INTERNAL', 'signature placeholders not found in the written revision');
  const contentsStart = base + contentsAt + '/Contents '.length; // at '<'
  const contentsEnd = contentsStart + 2 + p.capacity * 2; // after '>'
  const total = base + u.update.length;
  const byteRange: [number, number, number, number] = [0, contentsStart, contentsEnd, total - contentsEnd];
  u.update.set(formatByteRange(byteRange), brAt + '/ByteRange '.length);

  // The signature dictionary is in the update, so [0, contentsStart) covers the whole input.
  const fromInput = p.inputHash !== undefined && contentsStart >= base ? p.inputHash : undefined;
  const hash = fromInput ? fromInput.copy() : createHash(p.digest);
  hashRange(hash, u, fromInput ? base : 0, contentsStart);
  hashRange(hash, u, contentsEnd, total);
  return {
    version: 1,
    fieldName: p.fieldName,
    subFilter: p.subFilter,
    digestAlgorithm: p.digest,
    documentDigest: toHex(hash.digest()),
    byteRange,
    contentsCapacity: p.capacity,
    totalLength: total,
    originalLength: base,
    signingTime: p.signingTime.toISOString(),
  };
}

/** Feeds [from, to) of original+update into the hash without concatenating them. */
function hashRange(hash: ReturnType<typeof createHash>, u: IncrementalUpdate, from: number, to: number): void {
  const base = u.original.length;
  if (from < base) hash.update(u.original.subarray(from, Math.min(to, base)));
  if (to > base) hash.update(u.update.subarray(Math.max(from, base) - base, to - base));
}
