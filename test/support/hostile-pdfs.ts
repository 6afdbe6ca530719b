// Hostile PDFs built in code (nothing binary is committed): each is a few KB on the wire and asks
// a naive reader for seconds of CPU or gigabytes of memory. Shared by the hostile-input suite
// (test/http/hostile-input.test.ts) and the exchange benchmark's hostile scenario (bench/).
// Pure node: no vitest, no project imports, so the benchmark can compile it on its own.
import { constants, deflateRawSync, deflateSync } from 'node:zlib';

export interface HostilePdf {
  /** A short stable name for reports and test titles. */
  name: string;
  /** What it attacks. */
  what: string;
  bytes: Uint8Array;
}

/** Assembles numbered objects into a PDF with a classic xref table; `tail` goes before the trailer's end. */
function classicPdf(objects: (string | Buffer)[], trailerExtra = '', extraAfterObjects?: (offset: number) => { bytes: Buffer; trailer: string }): Buffer {
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let offset = parts[0]!.length;
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(offset);
    const b = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`, 'latin1'), typeof body === 'string' ? Buffer.from(body, 'latin1') : body, Buffer.from('\nendobj\n', 'latin1')]);
    parts.push(b);
    offset += b.length;
  });
  let trailer = trailerExtra;
  if (extraAfterObjects) {
    const extra = extraAfterObjects(offset);
    parts.push(extra.bytes);
    offset += extra.bytes.length;
    trailer += extra.trailer;
  }
  const xref = [`xref\n0 ${objects.length + 1}\n`, '0000000000 65535 f \n', ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`)].join('');
  parts.push(Buffer.from(`${xref}trailer\n<< /Size ${objects.length + 1} /Root 1 0 R ${trailer}>>\nstartxref\n${offset}\n%%EOF\n`, 'latin1'));
  return Buffer.concat(parts);
}

/**
 * zlib data for `prefix` then `n` zero bytes, built without holding them: one MiB of zeros deflated with a full
 * flush (the dictionary reset, so every MiB encodes the same), repeated, then an empty final
 * block and the Adler-32 of `n` zeros (a = 1, b = n mod 65521).
 */
function deflatedZeros(n: number, prefix: Buffer = Buffer.alloc(0)): Buffer {
  const MIB = 1 << 20;
  // Adler-32 over the prefix, then over n zeros: a stays, b grows by a per byte.
  let a = 1;
  let b = 0;
  for (const byte of prefix) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  b = (b + (n % 65521) * a) % 65521;
  const block = deflateRawSync(Buffer.alloc(MIB), { level: 9, finishFlush: constants.Z_FULL_FLUSH });
  const rest = n % MIB;
  const adler = Buffer.alloc(4);
  adler.writeUInt32BE(((b << 16) | a) >>> 0);
  return Buffer.concat([
    Buffer.from([0x78, 0xda]),
    prefix.length > 0 ? deflateRawSync(prefix, { finishFlush: constants.Z_FULL_FLUSH }) : Buffer.alloc(0),
    ...Array.from({ length: Math.floor(n / MIB) }, () => block),
    rest > 0 ? deflateRawSync(Buffer.alloc(rest), { level: 9, finishFlush: constants.Z_FULL_FLUSH }) : Buffer.alloc(0),
    Buffer.from([0x03, 0x00]),
    adler,
  ]);
}

/** `n` zero bytes under two layers of deflate: ~n/1000 bytes after one, a few KB on the wire. */
function doubleDeflatedZeros(n: number): Buffer {
  return deflateSync(deflatedZeros(n), { level: 9 });
}

const PAGE_OBJECTS = ['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [3 0 R] /Count 1 >>', '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>'];

/**
 * A hybrid file (table + /XRefStm) whose xref stream claims 200 million one-byte entries, its
 * data two layers of deflate over 200 MB of zeros: ~200 KB... then ~1 KB on the wire.
 */
export function hugeXrefStream(entries = 200_000_000): HostilePdf {
  const data = doubleDeflatedZeros(entries);
  const bytes = classicPdf(PAGE_OBJECTS, '', (offset) => {
    const head = Buffer.from(`4 0 obj\n<< /Type /XRef /Size ${entries} /Index [0 ${entries}] /W [0 1 0] /Filter [/FlateDecode /FlateDecode] /Length ${data.length} >>\nstream\n`, 'latin1');
    return { bytes: Buffer.concat([head, data, Buffer.from('\nendstream\nendobj\n', 'latin1')]), trailer: `/XRefStm ${offset} ` };
  });
  return { name: 'xref-200m', what: `hybrid file whose xref stream claims ${entries} entries`, bytes };
}

/** A page whose content stream is deflate over deflate of 1 GB of zeros: what a text extractor (the mark scan) reads. */
export function doubleDeflateBomb(decodedBytes = 1024 * 1024 * 1024): HostilePdf {
  const data = doubleDeflatedZeros(decodedBytes);
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>',
    Buffer.concat([Buffer.from(`<< /Length ${data.length} /Filter [/FlateDecode /FlateDecode] >>\nstream\n`, 'latin1'), data, Buffer.from('\nendstream', 'latin1')]),
  ];
  return { name: 'deflate-bomb-content', what: `page content stream of ${decodedBytes} bytes under two layers of deflate`, bytes: classicPdf(objects) };
}

/**
 * The catalog inside an object stream that inflates (twice) to ~500 MB, just under the reader's
 * cap: it must be decoded before anything else can be read. A plain xref-stream file.
 */
export function objectStreamBomb(decodedBytes = 500 * 1024 * 1024): HostilePdf {
  const head = Buffer.from('1 0 << /Type /Catalog /Pages 2 0 R >>\n', 'latin1');
  const data = deflateSync(deflatedZeros(decodedBytes, head), { level: 9 });
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  const offsets = new Map<number, number>();
  let offset = parts[0]!.length;
  const add = (num: number, body: Buffer) => {
    offsets.set(num, offset);
    const b = Buffer.concat([Buffer.from(`${num} 0 obj\n`, 'latin1'), body, Buffer.from('\nendobj\n', 'latin1')]);
    parts.push(b);
    offset += b.length;
  };
  add(2, Buffer.from(PAGE_OBJECTS[1]!, 'latin1'));
  add(3, Buffer.from(PAGE_OBJECTS[2]!, 'latin1'));
  add(4, Buffer.concat([Buffer.from(`<< /Type /ObjStm /N 1 /First ${'1 0 '.length} /Length ${data.length} /Filter [/FlateDecode /FlateDecode] >>\nstream\n`, 'latin1'), data, Buffer.from('\nendstream', 'latin1')]));
  const xrefAt = offset;
  offsets.set(5, xrefAt);
  const row = (type: number, f2: number, f3: number) => Buffer.from([type, (f2 >>> 24) & 255, (f2 >>> 16) & 255, (f2 >>> 8) & 255, f2 & 255, (f3 >>> 8) & 255, f3 & 255]);
  const rows = Buffer.concat([row(0, 0, 65535), row(2, 4, 0), ...[2, 3, 4, 5].map((n) => row(1, offsets.get(n)!, 0))]);
  add(5, Buffer.concat([Buffer.from(`<< /Type /XRef /Size 6 /W [1 4 2] /Root 1 0 R /Length ${rows.length} >>\nstream\n`, 'latin1'), rows, Buffer.from('\nendstream', 'latin1')]));
  parts.push(Buffer.from(`startxref\n${xrefAt}\n%%EOF\n`, 'latin1'));
  return { name: 'objstm-bomb', what: `the catalog in an object stream of ${decodedBytes} bytes under two layers of deflate`, bytes: Buffer.concat(parts) };
}

/** An array nested a million deep: a recursive parser overflows its stack. */
export function deepNesting(depth = 200_000): HostilePdf {
  const objects = [`<< /Type /Catalog /Pages 2 0 R /Deep ${'['.repeat(depth)}${']'.repeat(depth)} >>`, PAGE_OBJECTS[1]!, PAGE_OBJECTS[2]!];
  return { name: 'deep-nesting', what: `an array nested ${depth} deep`, bytes: classicPdf(objects) };
}

/** Revisions chained through /Prev forever (each section points at the one before, in a loop). */
export function prevLoop(): HostilePdf {
  const bytes = classicPdf(PAGE_OBJECTS);
  const startxref = Number(/startxref\n(\d+)/.exec(bytes.toString('latin1'))![1]);
  const looped = bytes.toString('latin1').replace('/Root 1 0 R ', `/Root 1 0 R /Prev ${startxref} `);
  return { name: 'prev-loop', what: 'an xref /Prev chain that points at itself', bytes: Buffer.from(looped, 'latin1') };
}

/** A signature field whose /ByteRange asks for billions of bytes and a /Contents of junk. */
export function absurdByteRange(): HostilePdf {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R] /SigFlags 3 >> >>',
    PAGE_OBJECTS[1]!,
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Annots [4 0 R] >>',
    '<< /FT /Sig /T (S) /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /P 3 0 R /V 5 0 R >>',
    `<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /ByteRange [0 4000000000 4000000010 4000000000] /Contents <${'30'.repeat(4096)}> >>`,
  ];
  return { name: 'absurd-byterange', what: 'a signature whose /ByteRange covers 8 GB', bytes: classicPdf(objects) };
}

/** All of the above, small enough to build in well under a second. */
export function hostilePdfs(): HostilePdf[] {
  return [hugeXrefStream(), doubleDeflateBomb(), objectStreamBomb(), deepNesting(), prevLoop(), absurdByteRange()];
}
