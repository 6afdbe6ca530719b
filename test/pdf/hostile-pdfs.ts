// Generators for hostile PDFs (issue 10 finding 1): small files that claim huge structures.
// Everything is built by code here; no binary is committed. The files are syntactically tidy
// (correct offsets and lengths) so that each one exercises the limit it names, not the repair path.
import zlib from 'node:zlib';

type Body = string | { dict: string; data: Uint8Array };

/** A deflate (zlib) stream that inflates to `n` zero bytes, built in milliseconds, not seconds. */
export function zlibZeros(n: number): Buffer {
  const SEG = 1 << 20;
  // Each segment is compressed on its own and ends on a byte boundary (sync flush, no BFINAL),
  // so copies can be concatenated into one valid raw deflate stream.
  const seg = zlib.deflateRawSync(Buffer.alloc(SEG), { level: 9, finishFlush: zlib.constants.Z_SYNC_FLUSH });
  const rest = n % SEG;
  const parts: Buffer[] = [Buffer.from([0x78, 0xda])];
  for (let i = 0; i < Math.floor(n / SEG); i++) parts.push(seg);
  if (rest > 0) parts.push(zlib.deflateRawSync(Buffer.alloc(rest), { level: 9, finishFlush: zlib.constants.Z_SYNC_FLUSH }));
  parts.push(Buffer.from([0x03, 0x00])); // final empty fixed-Huffman block
  const adler = Buffer.alloc(4);
  adler.writeUInt32BE(((n % 65521) << 16) + 1 >>> 0); // Adler-32 of zeros: a = 1, b = n mod 65521
  parts.push(adler);
  return Buffer.concat(parts);
}

/** Deflate applied twice to `n` zeros: ~1-2 KB that a naive reader inflates to `n` bytes. */
export function doubleDeflateZeros(n: number): Buffer {
  return zlib.deflateSync(zlibZeros(n), { level: 9 });
}

/** Lays out objects after a header; returns the text so far and each object's offset. */
function layout(objects: Array<[number, Body]>, header = '%PDF-1.7\n%\xe2\xe3\xcf\xd3\n'): { parts: Buffer[]; length: number; offsets: Map<number, number> } {
  const parts: Buffer[] = [Buffer.from(header, 'latin1')];
  let length = parts[0]!.length;
  const offsets = new Map<number, number>();
  const push = (b: Buffer): void => {
    parts.push(b);
    length += b.length;
  };
  for (const [num, body] of objects) {
    offsets.set(num, length);
    if (typeof body === 'string') push(Buffer.from(`${num} 0 obj\n${body}\nendobj\n`, 'latin1'));
    else {
      push(Buffer.from(`${num} 0 obj\n${body.dict.replace('%LEN%', String(body.data.length))}\nstream\n`, 'latin1'));
      push(Buffer.from(body.data));
      push(Buffer.from('\nendstream\nendobj\n', 'latin1'));
    }
  }
  return { parts, length, offsets };
}

function table(offsets: Map<number, number>): string {
  let out = `xref\n0 1\n0000000000 65535 f\r\n`;
  for (const n of [...offsets.keys()].sort((a, b) => a - b)) out += `${n} 1\n${String(offsets.get(n)).padStart(10, '0')} 00000 n\r\n`;
  return out;
}

const PAGE_OBJECTS: Array<[number, Body]> = [
  [1, '<< /Type /Catalog /Pages 2 0 R >>'],
  [2, '<< /Type /Pages /Kids [3 0 R] /Count 1 >>'],
  [3, '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>'],
];

/** A classic-xref file of the given objects (1-3 are a catalog and one page unless replaced). */
export function classicPdf(extra: Array<[number, Body]> = [], trailerExtra = ''): Uint8Array {
  const objs = new Map<number, Body>([...PAGE_OBJECTS, ...extra]);
  const { parts, length, offsets } = layout([...objs]);
  const size = Math.max(...objs.keys()) + 1;
  const tail = `${table(offsets)}trailer\n<< /Size ${size} /Root 1 0 R${trailerExtra} >>\nstartxref\n${length}\n%%EOF\n`;
  return new Uint8Array(Buffer.concat([...parts, Buffer.from(tail, 'latin1')]));
}

/**
 * Issue 10 finding 1: a hybrid file (~2.4 KB) whose /XRefStm names an xref stream that claims
 * `entries` rows of /W [1 4 2] and whose data, deflated twice, inflates to all of them.
 */
export function hugeXrefHybrid(entries = 200_000_000, opts: { index?: number[]; w?: number[]; dataBytes?: number } = {}): Uint8Array {
  const w = opts.w ?? [1, 4, 2];
  const index = opts.index ?? [0, entries];
  const width = w.reduce((a, b) => a + b, 0);
  const data = doubleDeflateZeros(opts.dataBytes ?? entries * width);
  const { parts, length, offsets } = layout([
    ...PAGE_OBJECTS,
    [4, { dict: `<< /Type /XRef /Size ${entries} /W [${w.join(' ')}] /Index [${index.join(' ')}] /Filter [/FlateDecode /FlateDecode] /Length %LEN% >>`, data }],
  ]);
  const stm = offsets.get(4)!;
  offsets.delete(4);
  const tail = `${table(offsets)}trailer\n<< /Size 4 /Root 1 0 R /XRefStm ${stm} >>\nstartxref\n${length}\n%%EOF\n`;
  return new Uint8Array(Buffer.concat([...parts, Buffer.from(tail, 'latin1')]));
}

/** A file whose only xref is an xref stream with the given dictionary entries and raw data. */
export function xrefStreamPdf(opts: { dict: string; data: Uint8Array; extra?: Array<[number, Body]> }): Uint8Array {
  const objs = new Map<number, Body>([...PAGE_OBJECTS, ...(opts.extra ?? [])]);
  const { parts, length } = layout([...objs]);
  const num = Math.max(...objs.keys()) + 1;
  const head = `${num} 0 obj\n<< /Type /XRef /Root 1 0 R ${opts.dict} /Length ${opts.data.length} >>\nstream\n`;
  const tail = `\nendstream\nendobj\nstartxref\n${length}\n%%EOF\n`;
  return new Uint8Array(Buffer.concat([...parts, Buffer.from(head, 'latin1'), Buffer.from(opts.data), Buffer.from(tail, 'latin1')]));
}

/** Object 4 is a stream whose data, deflated twice, inflates to `n` zeros. */
export function doubleDeflateStreamPdf(n = 1 << 30): Uint8Array {
  return classicPdf([[4, { dict: '<< /Filter [/FlateDecode /FlateDecode] /Length %LEN% >>', data: doubleDeflateZeros(n) }]], ' /Bomb 4 0 R');
}

/** Object 6 lives in object stream 5, whose data is a double-deflate bomb of `n` bytes. */
export function objectStreamBombPdf(n = 1 << 30, opts: { claimN?: number; insideItself?: boolean } = {}): Uint8Array {
  const head = '6 0 ';
  const body = `${head}(x)`;
  // A real header first so that /First and index 0 make sense, then the zeros.
  const data = n > 0 ? doubleDeflateZeros(n) : zlib.deflateSync(Buffer.from(body, 'latin1'));
  const objs: Array<[number, Body]> = [
    ...PAGE_OBJECTS,
    [5, { dict: `<< /Type /ObjStm /N ${opts.claimN ?? 1} /First ${head.length} /Filter ${n > 0 ? '[/FlateDecode /FlateDecode]' : '/FlateDecode'} /Length %LEN% >>`, data }],
  ];
  const { parts, length, offsets } = layout(objs);
  // Xref stream (object 7) for a compressed object 6; rows /W [1 4 2].
  const row = (t: number, f2: number, f3: number): Buffer => {
    const b = Buffer.alloc(7);
    b[0] = t;
    b.writeUInt32BE(f2, 1);
    b.writeUInt16BE(f3, 5);
    return b;
  };
  const x7 = length;
  // insideItself: the xref says object stream 5 is compressed in object stream 5.
  const row5 = opts.insideItself ? row(2, 5, 1) : row(1, offsets.get(5)!, 0);
  const rows = Buffer.concat([row(0, 0, 65535), ...[1, 2, 3].map((n2) => row(1, offsets.get(n2)!, 0)), row5, row(2, 5, 0), row(1, x7, 0)]);
  const head7 = `7 0 obj\n<< /Type /XRef /Size 8 /W [1 4 2] /Index [0 4 5 3] /Root 1 0 R /Length ${rows.length} >>\nstream\n`;
  const tail = `\nendstream\nendobj\nstartxref\n${x7}\n%%EOF\n`;
  return new Uint8Array(Buffer.concat([...parts, Buffer.from(head7, 'latin1'), rows, Buffer.from(tail, 'latin1')]));
}

/** Object 4 is `depth` nested arrays. */
export function deepNestingPdf(depth = 100_000): Uint8Array {
  return classicPdf([[4, '['.repeat(depth) + ']'.repeat(depth)]], ' /Deep 4 0 R');
}

/** Objects 10..10+n-1 each refer to the next; with `loop` the last refers back to the first. */
export function referenceChainPdf(n: number, loop = false): Uint8Array {
  const objs: Array<[number, Body]> = [];
  for (let i = 0; i < n; i++) objs.push([10 + i, i === n - 1 ? (loop ? '10 0 R' : '(end)') : `${11 + i} 0 R`]);
  return classicPdf(objs, ' /Chain 10 0 R');
}

/** `count` streams of `each` zero bytes, deflated once (object numbers 10..). */
export function manyStreamsPdf(count: number, each: number): Uint8Array {
  const data = zlibZeros(each);
  const objs: Array<[number, Body]> = [];
  for (let i = 0; i < count; i++) objs.push([10 + i, { dict: '<< /Filter /FlateDecode /Length %LEN% >>', data }]);
  return classicPdf(objs);
}

/** A base file plus `updates` incremental updates, each a classic table with /Prev. */
export function manyRevisionsPdf(updates: number): Uint8Array {
  const parts: Buffer[] = [Buffer.from(classicPdf())];
  let length = parts[0]!.length;
  let prev = Number(/startxref\n(\d+)/.exec(parts[0]!.toString('latin1').slice(-64))![1]);
  for (let i = 0; i < updates; i++) {
    const obj = length;
    const body = `4 0 obj\n(rev ${i})\nendobj\n`;
    const xref = obj + body.length;
    const tail = `${body}xref\n4 1\n${String(obj).padStart(10, '0')} 00000 n\r\ntrailer\n<< /Size 5 /Root 1 0 R /Prev ${prev} >>\nstartxref\n${xref}\n%%EOF\n`;
    const b = Buffer.from(tail, 'latin1');
    parts.push(b);
    length += b.length;
    prev = xref;
  }
  return new Uint8Array(Buffer.concat(parts));
}

/**
 * A file whose xref is unusable, made of `n` units that open a string and never close it (`#` is
 * replaced by 1..n): the repair scan must not re-read the rest of the file for each of them.
 */
export function unterminatedUnitsPdf(unit: string, n: number): Uint8Array {
  const body = Array.from({ length: n }, (_, i) => unit.replace('#', String(i + 1))).join('');
  return new Uint8Array(Buffer.from(`%PDF-1.4\n${body}startxref\n999999999\n%%EOF\n`, 'latin1'));
}

/** A well-formed file whose objects 10.. each open a string that never closes. */
export function unterminatedObjectsPdf(n: number): Uint8Array {
  const objs: Array<[number, Body]> = [];
  for (let i = 0; i < n; i++) objs.push([10 + i, '(']);
  return classicPdf(objs);
}
