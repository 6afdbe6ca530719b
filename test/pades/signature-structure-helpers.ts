// Inputs for the signature-structure tests, built by code: a two-signature letter (B-B, quick),
// hand-written revisions that add signature fields (forged, replayed, inline), and a signature
// whose CMS is made by a caller-supplied function (BER, two signers, encapsulated content...).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { completeSignature, joinDocument } from '../../src/pades/complete.js';
import { prepareSignature } from '../../src/pades/prepare.js';
import { signPdf } from '../../src/pades/sign.js';
import { listFields } from '../../src/pdf/acroform.js';
import { PdfDict, PdfRef, type PdfObject } from '../../src/pdf/objects.js';
import { PdfReader } from '../../src/pdf/reader.js';
import { serializeObject } from '../../src/pdf/serialize.js';
import { assembleSignedData, buildSignedAttributes } from '../../src/pki/cms-build.js';
import { FIXTURES_DIR, fixtureSigner, sampleLetter } from '../support/fixtures.js';
import { tempDir, writeTemp } from '../support/oracles.js';
import { appendRevision, nextObjectNumber, page1, type RawObject } from './support-tamper.js';

export const CHAIRMAN = 'ChuTich';
export const SEAL = 'VanThu';

/** The Decree 30 letter, B-B and invisible: the chairman signs, the agency seals. */
export async function twoSignatureLetter(): Promise<{ chairman: Uint8Array; sealed: Uint8Array }> {
  const letter = await sampleLetter();
  const chairman = joinDocument(await signPdf(letter.pdf, fixtureSigner('signer-nguyen-van-an'), { fieldName: CHAIRMAN, reason: 'Ky ban hanh' }));
  const sealed = joinDocument(await signPdf(chairman, fixtureSigner('seal-ubnd-thai-binh'), { fieldName: SEAL, reason: 'Van thu ky so' }));
  return { chairman, sealed };
}

export interface NewSigField {
  name: string;
  /** The signature dictionary's body, written as is (an indirect object of its own)... */
  sigDict?: string | Uint8Array;
  /** ...or an existing signature dictionary to point /V at. */
  existing?: PdfRef;
  /** Or the dictionary inline in the field's /V (the field then holds its bytes). */
  inline?: string;
}

/** One revision adding signature fields (merged field/widget, on page 1, zero-size) to /Fields. */
export function addSignatureFields(pdf: Uint8Array, fields: readonly NewSigField[]): Uint8Array {
  const reader = PdfReader.open(pdf);
  const page = page1(reader).ref;
  let n = nextObjectNumber(reader);
  const objects: RawObject[] = [];
  const fieldRefs: PdfRef[] = [];
  for (const f of fields) {
    let value: string;
    if (f.inline !== undefined) value = f.inline;
    else if (f.existing) value = String(f.existing);
    else {
      objects.push({ num: n, body: f.sigDict ?? '' });
      value = `${n++} 0 R`;
    }
    objects.push({ num: n, body: `<< /FT /Sig /T (${f.name}) /V ${value} /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /F 132 /P ${String(page)} >>` });
    fieldRefs.push(new PdfRef(n++, 0));
  }
  return appendRevision(pdf, [...objects, ...fieldsUpdate(reader, fieldRefs)]);
}

/** The objects that append `refs` to /AcroForm /Fields, wherever that array lives. */
function fieldsUpdate(reader: PdfReader, refs: PdfRef[]): RawObject[] {
  const catalog = reader.catalog();
  const afEntry = catalog.get('AcroForm');
  const af = reader.resolve(afEntry);
  if (!(af instanceof PdfDict)) throw new Error('the letter has no /AcroForm');
  const fieldsEntry = af.get('Fields');
  const fields = (reader.resolve(fieldsEntry) as PdfObject[] | undefined) ?? [];
  const all = [...fields, ...refs];
  if (fieldsEntry instanceof PdfRef) return [{ num: fieldsEntry.num, body: all }];
  const newAf = af.clone().set('Fields', all);
  if (afEntry instanceof PdfRef) return [{ num: afEntry.num, body: newAf }];
  const root = reader.trailer.get('Root') as PdfRef;
  return [{ num: root.num, body: catalog.clone().set('AcroForm', newAf) }];
}

/** The signature dictionary of a field: its reference and its body bytes exactly as in the file. */
export function signatureDictOf(pdf: Uint8Array, fieldName: string): { ref: PdfRef; body: Uint8Array; byteRange: number[]; contentsHex: string } {
  const reader = PdfReader.open(pdf);
  const field = listFields(reader).find((f) => f.fullName === fieldName);
  if (!(field?.value instanceof PdfRef)) throw new Error(`no indirect signature dictionary in ${fieldName}`);
  const ref = field.value;
  const at = reader.base + (reader.entry(ref.num)?.entry.offset ?? -1);
  const text = Buffer.from(pdf).toString('latin1');
  const start = text.indexOf('obj', at) + 3;
  const end = text.indexOf('endobj', start);
  const body = Buffer.from(pdf).subarray(start, end);
  const dict = reader.getObject(ref) as PdfDict;
  const br = (dict.get('ByteRange') as number[]).slice();
  const hex = text.slice(br[1]! + 1, br[2]! - 1);
  return { ref, body, byteRange: br, contentsHex: hex };
}

/** A signature dictionary body with the given /ByteRange and /Contents hex. */
export function sigDictBody(byteRange: readonly number[], contentsHex: string, extra = ''): string {
  return `<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /ByteRange [${byteRange.join(' ')}] /Contents <${contentsHex}> /M (D:20250301090000+07'00') ${extra}>>`;
}

/**
 * A new signature field signed with a CMS that `makeCms` builds over the covered bytes: the way
 * to put odd but real CMS structures into an otherwise normal PDF signature.
 */
export async function signWithCms(pdf: Uint8Array, fieldName: string, makeCms: (covered: Buffer) => Uint8Array | Promise<Uint8Array>, capacity = 16_384): Promise<Uint8Array> {
  const { document, record } = await prepareSignature(pdf, { contentsCapacity: capacity, digest: 'sha256', fieldName });
  const joined = joinDocument(document);
  const [a, b, c, d] = record.byteRange;
  const covered = Buffer.concat([joined.subarray(a, a + b), joined.subarray(c, c + d)]);
  return joinDocument(completeSignature(document, record, await makeCms(covered)));
}

/** `openssl cms -sign` over `covered` with the fixture key(s); `args` add options (-stream, -nodetach...). */
export function opensslCms(covered: Buffer, signers: readonly string[], args: readonly string[] = []): Uint8Array {
  const dir = tempDir('docaxis-cms-');
  const data = writeTemp(dir, 'covered.bin', covered);
  const out = join(dir, 'cms.der');
  const signerArgs = signers.flatMap((s) => ['-signer', `${FIXTURES_DIR}${s}.cert.pem`, '-inkey', `${FIXTURES_DIR}${s}.key.pem`]);
  const r = spawnSync(
    'openssl',
    ['cms', '-sign', '-binary', '-md', 'sha256', '-outform', 'DER', '-nosmimecap', ...signerArgs, '-certfile', `${FIXTURES_DIR}intermediate-ca.cert.pem`, ...args, '-in', data, '-out', out],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`openssl cms -sign failed: ${r.stderr}`);
  return readFileSync(out);
}

/** Our own detached CMS over `covered`, by a fixture signer. */
export async function fixtureCms(covered: Uint8Array, name = 'signer-nguyen-van-an'): Promise<Uint8Array> {
  const signer = fixtureSigner(name);
  const signedAttributes = buildSignedAttributes({ contentDigest: createHash('sha256').update(covered).digest(), digest: 'sha256', signerCertificate: signer.certificate });
  const signatureValue = await signer.sign(signedAttributes, 'sha256');
  return assembleSignedData({ signedAttributes, signatureValue, signerCertificate: signer.certificate, certificates: signer.chain, digest: 'sha256', keyAlgorithm: signer.keyAlgorithm });
}

const BR_PLACEHOLDER = '[0 0000000000 0000000000 0000000000]';

/**
 * A signature (or document timestamp) written by hand with fixed-width placeholders, then the
 * range filled in and `contents` made over the covered bytes: for dictionaries our signer does
 * not write (inline in the field's /V, /DocTimeStamp).
 */
export async function signByHand(
  pdf: Uint8Array,
  fieldName: string,
  opts: { inline?: boolean; docTimeStamp?: boolean; contents: (covered: Buffer) => Promise<Uint8Array>; capacity?: number },
): Promise<Uint8Array> {
  const capacity = opts.capacity ?? 8192;
  const type = opts.docTimeStamp ? '/Type /DocTimeStamp /SubFilter /ETSI.RFC3161' : '/Type /Sig /SubFilter /ETSI.CAdES.detached';
  const dict = `<< ${type} /Filter /Adobe.PPKLite /ByteRange ${BR_PLACEHOLDER} /Contents <${'0'.repeat(capacity * 2)}> /M (D:20250301090000+07'00') >>`;
  const out = Buffer.from(addSignatureFields(pdf, [opts.inline ? { name: fieldName, inline: dict } : { name: fieldName, sigDict: dict }]));
  const text = out.toString('latin1');
  const brAt = text.lastIndexOf(BR_PLACEHOLDER);
  const b = text.indexOf('<', brAt);
  const c = text.indexOf('>', b) + 1;
  out.write(`[0 ${b} ${c} ${out.length - c}]`.padEnd(BR_PLACEHOLDER.length, ' '), brAt, 'latin1');
  const contents = await opts.contents(Buffer.concat([out.subarray(0, b), out.subarray(c)]));
  if (contents.length > capacity) throw new Error('contents do not fit the placeholder');
  out.write(Buffer.from(contents).toString('hex'), b + 1, 'latin1');
  return out;
}

/** A genuine signature whose dictionary is inline in its field's /V (the field object holds the bytes). */
export function signInline(pdf: Uint8Array, fieldName: string): Promise<Uint8Array> {
  return signByHand(pdf, fieldName, { inline: true, contents: (covered) => fixtureCms(covered) });
}

/**
 * One revision with an xref stream in which the `packed` objects live in an object stream and the
 * `plain` ones are written normally (what a PDF 1.5 writer may do to a signature dictionary).
 */
export function appendObjectStreamRevision(pdf: Uint8Array, packed: readonly { num: number; body: string }[], plain: readonly { num: number; body: string | PdfObject }[]): Uint8Array {
  const reader = PdfReader.open(pdf);
  const ser = (b: string | PdfObject): string => (typeof b === 'string' ? b : Buffer.from(serializeObject(b)).toString('latin1'));
  const parts: string[] = [pdf[pdf.length - 1] === 0x0a ? '' : '\n'];
  let pos = pdf.length + parts[0]!.length;
  const entries = new Map<number, [number, number, number]>();
  const push = (num: number, body: string): void => {
    entries.set(num, [1, pos, 0]);
    const text = `${num} 0 obj\n${body}\nendobj\n`;
    parts.push(text);
    pos += Buffer.byteLength(text, 'latin1');
  };
  for (const o of plain) push(o.num, ser(o.body));
  const stmNum = Math.max(nextObjectNumber(reader), ...plain.map((o) => o.num + 1), ...packed.map((o) => o.num + 1));
  let header = '';
  let data = '';
  packed.forEach((o, i) => {
    header += `${o.num} ${data.length} `;
    data += `${o.body}\n`;
    entries.set(o.num, [2, stmNum, i]);
  });
  push(stmNum, `<< /Type /ObjStm /N ${packed.length} /First ${header.length} /Length ${header.length + data.length} >>\nstream\n${header}${data}\nendstream`);
  const xrefNum = stmNum + 1;
  const xrefAt = pos;
  entries.set(xrefNum, [1, xrefAt, 0]);
  const nums = [...entries.keys()].sort((a, b) => a - b);
  const rows = Buffer.alloc(nums.length * 7);
  nums.forEach((n, i) => {
    const [t, f2, f3] = entries.get(n)!;
    rows.writeUInt8(t, i * 7);
    rows.writeUInt32BE(f2, i * 7 + 1);
    rows.writeUInt16BE(f3, i * 7 + 5);
  });
  const dict = `<< /Type /XRef /W [1 4 2] /Index [${nums.map((n) => `${n} 1`).join(' ')}] /Size ${Math.max(reader.size, xrefNum + 1)} /Root ${String(reader.trailer.get('Root'))} /Prev ${reader.startxref} /Length ${rows.length} >>`;
  const tail = Buffer.concat([Buffer.from(`${xrefNum} 0 obj\n${dict}\nstream\n`, 'latin1'), rows, Buffer.from(`\nendstream\nendobj\nstartxref\n${xrefAt}\n%%EOF\n`, 'latin1')]);
  return Buffer.concat([Buffer.from(pdf), Buffer.from(parts.join(''), 'latin1'), tail]);
}

/** The field-list update (and a field pointing at `sigRef`) for a signature added by hand. */
export function sigFieldObjects(pdf: Uint8Array, name: string, fieldNum: number, value: string): { num: number; body: string | PdfObject }[] {
  const reader = PdfReader.open(pdf);
  const page = page1(reader).ref;
  return [
    { num: fieldNum, body: `<< /FT /Sig /T (${name}) /V ${value} /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /F 132 /P ${String(page)} >>` },
    ...fieldsUpdate(reader, [new PdfRef(fieldNum, 0)]).map((o) => ({ num: o.num, body: o.body as PdfObject })),
  ];
}
