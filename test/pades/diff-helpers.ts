// Test inputs for difference analysis: base documents made with pdf-lib, and incremental updates
// written by hand here (objects, a classic xref table or an uncompressed xref stream, a trailer
// with /Prev), so the tests do not depend only on our own writer.

import { createHash } from 'node:crypto';
import { PDFDocument, PDFName, PDFString, StandardFonts } from 'pdf-lib';
import { assembleSignedData, buildSignedAttributes } from '../../src/pki/cms-build.js';
import type { SignerAdapter } from '../../src/pki/signer.js';
import { PdfReader } from '../../src/pdf/reader.js';
import { pageRefs } from '../../src/pdf/pages.js';
import { PdfDict, PdfRef, PdfStream } from '../../src/pdf/objects.js';
import type { PdfObject } from '../../src/pdf/objects.js';
import { serializeObject } from '../../src/pdf/serialize.js';

export interface BaseOptions {
  objectStreams?: boolean;
  pages?: number;
  /** Put a /Text annotation on page 1; 'indirect' makes page 1's /Annots an indirect array. */
  annotation?: boolean | 'indirect';
  /** Add a text field 'name' on page 1. */
  textField?: boolean;
}

export async function makeBase(opts: BaseOptions = {}): Promise<Uint8Array> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.setTitle('Base document');
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 0; i < (opts.pages ?? 2); i++) {
    const page = doc.addPage([595, 842]);
    page.drawText(`Page ${i + 1}`, { x: 50, y: 800, size: 12, font });
  }
  const page1 = doc.getPage(0);
  if (opts.annotation) {
    const annot = doc.context.register(
      doc.context.obj({ Type: 'Annot', Subtype: 'Text', Rect: [50, 700, 70, 720], Contents: PDFString.of('note'), P: page1.ref }),
    );
    const arr = doc.context.obj([annot]);
    page1.node.set(PDFName.of('Annots'), opts.annotation === 'indirect' ? doc.context.register(arr) : arr);
  }
  if (opts.textField) {
    const field = doc.getForm().createTextField('name');
    field.addToPage(page1, { x: 50, y: 600, width: 200, height: 20 });
  }
  return doc.save({ useObjectStreams: opts.objectStreams ?? false });
}

export type Body = string | Uint8Array | PdfObject;
export interface UpdateObject {
  num: number;
  body: Body;
  gen?: number;
}

export function stream(dict: string, data: string | Uint8Array): Uint8Array {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : Buffer.from(data);
  return Buffer.concat([Buffer.from(`<< ${dict} /Length ${bytes.length} >>\nstream\n`, 'latin1'), bytes, Buffer.from('\nendstream', 'latin1')]);
}

function bodyBytes(b: Body): Buffer {
  if (typeof b === 'string') return Buffer.from(b, 'latin1');
  if (b instanceof Uint8Array) return Buffer.from(b);
  return Buffer.from(serializeObject(b));
}

/**
 * Appends one incremental update: the objects, then an xref section ('table' or an uncompressed
 * 'stream'), then a trailer chained with /Prev. `free` lists object numbers the update frees.
 */
export function appendUpdate(
  base: Uint8Array,
  objects: UpdateObject[],
  opts: { xref?: 'table' | 'stream'; free?: number[]; trailer?: Record<string, string> } = {},
): Uint8Array {
  const r = PdfReader.open(base);
  const parts: Buffer[] = [Buffer.from(base)];
  let pos = base.length;
  const push = (b: Buffer): void => {
    parts.push(b);
    pos += b.length;
  };
  if (base[base.length - 1] !== 0x0a) push(Buffer.from('\n'));
  const rows = new Map<number, { type: 0 | 1; offset: number; gen: number }>();
  for (const o of objects) {
    rows.set(o.num, { type: 1, offset: pos, gen: o.gen ?? 0 });
    push(Buffer.concat([Buffer.from(`${o.num} ${o.gen ?? 0} obj\n`), bodyBytes(o.body), Buffer.from('\nendobj\n')]));
  }
  for (const n of opts.free ?? []) rows.set(n, { type: 0, offset: 0, gen: 1 });
  let size = Math.max(r.size, ...[...rows.keys()].map((n) => n + 1));
  const trailer: Record<string, string> = { Root: String(r.trailer.get('Root')) };
  const info = r.trailer.get('Info');
  if (info instanceof PdfRef) trailer['Info'] = String(info);
  Object.assign(trailer, opts.trailer);
  const xrefAt = pos;
  if ((opts.xref ?? 'table') === 'stream') rows.set(size++, { type: 1, offset: xrefAt, gen: 0 });
  const nums = [...rows.keys()].sort((a, b) => a - b);
  const sections: Array<[number, number[]]> = [];
  for (const n of nums) {
    const last = sections[sections.length - 1];
    if (last && last[0] + last[1].length === n) last[1].push(n);
    else sections.push([n, [n]]);
  }
  const extra = Object.entries(trailer)
    .map(([k, v]) => `/${k} ${v}`)
    .join(' ');
  if ((opts.xref ?? 'table') === 'table') {
    let s = 'xref\n';
    for (const [start, ns] of sections) {
      s += `${start} ${ns.length}\n`;
      for (const n of ns) {
        const row = rows.get(n)!;
        s += `${String(row.offset).padStart(10, '0')} ${String(row.gen).padStart(5, '0')} ${row.type === 1 ? 'n' : 'f'}\r\n`;
      }
    }
    s += `trailer\n<< /Size ${size} ${extra} /Prev ${r.startxref} >>\nstartxref\n${xrefAt}\n%%EOF\n`;
    push(Buffer.from(s, 'latin1'));
  } else {
    const data = Buffer.alloc(nums.length * 7);
    nums.forEach((n, i) => {
      const row = rows.get(n)!;
      data.writeUInt8(row.type, i * 7);
      data.writeUInt32BE(row.offset, i * 7 + 1);
      data.writeUInt16BE(row.type === 1 ? row.gen : row.gen, i * 7 + 5);
    });
    const index = sections.map(([start, ns]) => `${start} ${ns.length}`).join(' ');
    const dict = `/Type /XRef /Size ${size} /W [1 4 2] /Index [${index}] ${extra} /Prev ${r.startxref}`;
    push(Buffer.concat([Buffer.from(`${size - 1} 0 obj\n`), stream(dict, data), Buffer.from(`\nendobj\nstartxref\n${xrefAt}\n%%EOF\n`)]));
  }
  return Buffer.concat(parts);
}

/** Handles on the base document's structure, read with our reader. */
export interface Layout {
  reader: PdfReader;
  root: PdfRef;
  catalog: PdfDict;
  pagesRef: PdfRef;
  pages: PdfRef[];
  page1: PdfDict;
  /** The first content stream of page 1. */
  content1: PdfRef;
  info: PdfRef | undefined;
  /** The next free object number. */
  next: number;
}

export function layout(bytes: Uint8Array): Layout {
  const reader = PdfReader.open(bytes);
  const root = reader.trailer.get('Root') as PdfRef;
  const catalog = reader.catalog();
  const pages = pageRefs(reader);
  const page1 = reader.getObject(pages[0]!) as PdfDict;
  const contents = page1.get('Contents');
  const arr = reader.resolve(contents);
  const content1 = (Array.isArray(arr) ? arr[0] : contents) as PdfRef;
  const info = reader.trailer.get('Info');
  return {
    reader,
    root,
    catalog,
    pagesRef: catalog.get('Pages') as PdfRef,
    pages,
    page1,
    content1,
    info: info instanceof PdfRef ? info : undefined,
    next: reader.size,
  };
}

/** A copy of a dictionary with some keys replaced (undefined deletes). */
export function withKeys(d: PdfDict, changes: Record<string, PdfObject | undefined>): PdfDict {
  const c = d.clone();
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) c.delete(k);
    else c.set(k, v);
  }
  return c;
}

export function ref(num: number): PdfRef {
  return new PdfRef(num, 0);
}

/**
 * The objects of a visible signature on page 1, numbered from `n`: sig dict n, merged field/widget
 * n+1, appearance XObject n+2, font n+3, descriptor n+4, font file n+5, new AcroForm n+6. Returns
 * the objects plus the redefined catalog and page 1 (or its indirect /Annots array).
 */
export function signatureUpdate(l: Layout, n: number, opts: { docTimeStamp?: boolean; value?: boolean } = {}): UpdateObject[] {
  const sigType = opts.docTimeStamp ? '/DocTimeStamp /SubFilter /ETSI.RFC3161' : '/Sig /SubFilter /ETSI.CAdES.detached';
  const contents = '0'.repeat(64);
  const objs: UpdateObject[] = [
    { num: n, body: `<< /Type ${sigType} /Filter /Adobe.PPKLite /ByteRange [0 100 200 300] /Contents <${contents}> /M (D:20240101000000Z) >>` },
    {
      num: n + 1,
      body: `<< /FT /Sig /T (Signature1) ${opts.value === false ? '' : `/V ${n} 0 R`} /Type /Annot /Subtype /Widget /Rect [50 50 250 100] /F 4 /P ${l.pages[0]} /AP << /N ${n + 2} 0 R >> >>`,
    },
    { num: n + 2, body: stream(`/Type /XObject /Subtype /Form /BBox [0 0 200 50] /Resources << /Font << /F1 ${n + 3} 0 R >> >>`, 'BT /F1 10 Tf 5 20 Td (Signed) Tj ET') },
    { num: n + 3, body: `<< /Type /Font /Subtype /TrueType /BaseFont /Demo /FirstChar 32 /LastChar 126 /FontDescriptor ${n + 4} 0 R >>` },
    { num: n + 4, body: `<< /Type /FontDescriptor /FontName /Demo /Flags 32 /FontFile2 ${n + 5} 0 R >>` },
    { num: n + 5, body: stream('', 'not really a font') },
  ];
  const afRef = l.catalog.get('AcroForm');
  if (afRef instanceof PdfRef) {
    // An existing form: append the field, set /SigFlags, add the font to /DR.
    const af = l.reader.getObject(afRef) as PdfDict;
    const fields = l.reader.resolve(af.get('Fields')) as PdfObject[];
    const dr = (l.reader.resolve(af.get('DR')) as PdfDict | undefined) ?? new PdfDict();
    const fonts = ((l.reader.resolve(dr.get('Font')) as PdfDict | undefined) ?? new PdfDict()).clone().set('SigF1', ref(n + 3));
    objs.push({ num: n + 6, body: '<< /Unused true >>' });
    objs.push({ num: afRef.num, body: withKeys(af, { Fields: [...fields, ref(n + 1)], SigFlags: 3, DR: withKeys(dr, { Font: fonts }) }) });
  } else {
    objs.push({ num: n + 6, body: `<< /Fields [${n + 1} 0 R] /SigFlags 3 >>` });
    objs.push({ num: l.root.num, body: withKeys(l.catalog, { AcroForm: ref(n + 6) }) });
  }
  const annots = l.page1.get('Annots');
  const widget = ref(n + 1);
  if (annots instanceof PdfRef) {
    const arr = l.reader.resolve(annots) as PdfObject[];
    objs.push({ num: annots.num, body: [...arr, widget] });
  } else {
    const arr = Array.isArray(annots) ? annots : [];
    objs.push({ num: l.pages[0]!.num, body: withKeys(l.page1, { Annots: [...arr, widget] }) });
  }
  return objs;
}

export function contentStreamOf(l: Layout): PdfStream {
  return l.reader.getObject(l.content1) as PdfStream;
}

export interface HandSignOptions {
  signer: SignerAdapter;
  fieldName: string;
  /** DocMDP /P: makes this a certification signature (/Perms in the catalog, /Reference in the signature). */
  docMdp?: 1 | 2 | 3;
  /** FieldMDP: a /Lock on the field and a FieldMDP /Reference in the signature. */
  lock?: { action: 'All' | 'Include' | 'Exclude'; fields?: string[] };
}

const HAND_CAPACITY = 8192;
const BR_PLACEHOLDER = `[0 ${'0'.repeat(10)} ${'0'.repeat(10)} ${'0'.repeat(10)}]`;

/**
 * Signs by hand, without src/pades/prepare.ts (which refuses to sign a P=1 certified document):
 * an invisible signature field with a real CAdES-detached CMS, written as one incremental update.
 * Certification (DocMDP) and FieldMDP locks are the two things our signer cannot write.
 */
export async function handSign(base: Uint8Array, o: HandSignOptions): Promise<Uint8Array> {
  const l = layout(base);
  const n = l.next;
  const refs: string[] = [];
  if (o.docMdp) refs.push(`<< /Type /SigRef /TransformMethod /DocMDP /TransformParams << /Type /TransformParams /P ${o.docMdp} /V /1.2 >> >>`);
  const lockParams = o.lock ? `/Action /${o.lock.action}${o.lock.fields ? ` /Fields [${o.lock.fields.map((f) => `(${f})`).join(' ')}]` : ''}` : '';
  if (o.lock) refs.push(`<< /Type /SigRef /TransformMethod /FieldMDP /TransformParams << /Type /TransformParams ${lockParams} /V /1.2 >> >>`);
  const objs: UpdateObject[] = [
    {
      num: n,
      body: `<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /ByteRange ${BR_PLACEHOLDER} /Contents <${'0'.repeat(HAND_CAPACITY * 2)}> /M (D:20260101000000Z)${refs.length ? ` /Reference [${refs.join(' ')}]` : ''} >>`,
    },
    {
      num: n + 1,
      body: `<< /FT /Sig /T (${o.fieldName}) /V ${n} 0 R /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /F 132 /P ${l.pages[0]}${o.lock ? ` /Lock << /Type /SigFieldLock ${lockParams} >>` : ''} >>`,
    },
  ];
  const catalogChanges: Record<string, PdfObject> = {};
  if (o.docMdp) catalogChanges['Perms'] = new PdfDict([['DocMDP', ref(n)]]);
  const afEntry = l.catalog.get('AcroForm');
  const af = l.reader.resolve(afEntry) as PdfDict | undefined;
  const fields = af ? ((l.reader.resolve(af.get('Fields')) as PdfObject[] | undefined) ?? []) : [];
  const newAF = withKeys(af ?? new PdfDict(), { Fields: [...fields, ref(n + 1)], SigFlags: 3 });
  if (afEntry instanceof PdfRef) objs.push({ num: afEntry.num, body: newAF });
  else catalogChanges['AcroForm'] = newAF;
  if (Object.keys(catalogChanges).length > 0) objs.push({ num: l.root.num, body: withKeys(l.catalog, catalogChanges) });
  const annots = l.page1.get('Annots');
  if (annots instanceof PdfRef) objs.push({ num: annots.num, body: [...(l.reader.resolve(annots) as PdfObject[]), ref(n + 1)] });
  else objs.push({ num: l.pages[0]!.num, body: withKeys(l.page1, { Annots: [...(Array.isArray(annots) ? annots : []), ref(n + 1)] }) });

  const bytes = Buffer.from(appendUpdate(base, objs));
  const at = bytes.indexOf(`\n${n} 0 obj`, base.length - 1, 'latin1');
  const brAt = bytes.indexOf('/ByteRange [', at, 'latin1') + '/ByteRange '.length;
  const cs = bytes.indexOf('/Contents <', at, 'latin1') + '/Contents '.length;
  const ce = cs + 2 + HAND_CAPACITY * 2;
  const range = [0, cs, ce, bytes.length - ce] as const;
  bytes.write(`[${range.join(' ')}`.padEnd(BR_PLACEHOLDER.length - 1, ' ') + ']', brAt, 'latin1');
  const digest = createHash('sha256').update(bytes.subarray(0, cs)).update(bytes.subarray(ce)).digest();
  const signedAttributes = buildSignedAttributes({ contentDigest: digest, digest: 'sha256', signerCertificate: o.signer.certificate });
  const signatureValue = await o.signer.sign(signedAttributes, 'sha256');
  const cms = assembleSignedData({
    signedAttributes,
    signatureValue,
    signerCertificate: o.signer.certificate,
    certificates: o.signer.chain,
    digest: 'sha256',
    keyAlgorithm: o.signer.keyAlgorithm,
  });
  bytes.write(Buffer.from(cms).toString('hex'), cs + 1, 'latin1');
  return bytes;
}
