// Shared fixtures for the PDF layer tests: inputs from several producers and the qpdf oracle.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PDFDocument, PDFName, StandardFonts } from 'pdf-lib';
import { DocaxisError, type ErrorCode } from '../../src/errors.js';

export function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'docaxis-pdf-'));
}

/** A small multi-page document with text, an image-free page tree and a text field. */
export async function pdfLibDoc(opts: { pages?: number; objectStreams?: boolean; annots?: boolean } = {}): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const form = doc.getForm();
  for (let i = 0; i < (opts.pages ?? 3); i++) {
    const page = doc.addPage([595, 842]);
    page.drawText(`Trang ${i + 1}`, { x: 50, y: 780, size: 14, font });
    if (opts.annots && i === 0) {
      const tf = form.createTextField(`field${i}`);
      tf.setText('xin chao');
      tf.addToPage(page, { x: 50, y: 600, width: 200, height: 30 });
    }
  }
  if (opts.annots) {
    const link = doc.context.obj({ Type: 'Annot', Subtype: 'Link', Rect: [0, 0, 10, 10], Border: [0, 0, 0] });
    const ref = doc.context.register(link);
    const p = doc.getPage(1).node;
    p.set(PDFName.of('Annots'), doc.context.obj([ref]));
  }
  return doc.save({ useObjectStreams: opts.objectStreams ?? false });
}

export function qpdf(args: string[]): string {
  try {
    return execFileSync('qpdf', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { status?: number; stdout?: string; stderr?: string };
    // Exit code 3 means "succeeded with warnings".
    if (err.status === 3) return `${err.stdout ?? ''}${err.stderr ?? ''}`;
    throw new Error(`qpdf ${args.join(' ')} failed: ${err.stdout ?? ''}${err.stderr ?? ''}`);
  }
}

/** Runs qpdf on `input` and returns the produced bytes. */
export function qpdfTransform(input: Uint8Array, args: string[]): Uint8Array {
  const dir = tmpDir();
  const a = path.join(dir, 'in.pdf');
  const b = path.join(dir, 'out.pdf');
  fs.writeFileSync(a, input);
  qpdf([...args, a, b]);
  const out = new Uint8Array(fs.readFileSync(b));
  fs.rmSync(dir, { recursive: true, force: true });
  return out;
}

/** `qpdf --check` output; throws if qpdf reports errors. */
export function qpdfCheck(bytes: Uint8Array): string {
  const dir = tmpDir();
  const f = path.join(dir, 'check.pdf');
  fs.writeFileSync(f, bytes);
  try {
    return qpdf(['--check', f]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function latin1(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'latin1'));
}

/** Lays out "n 0 obj" bodies after a header and returns bytes plus each object's offset. */
function layout(header: string, objects: Array<[number, string]>): { text: string; offsets: Map<number, number> } {
  let text = header;
  const offsets = new Map<number, number>();
  for (const [num, body] of objects) {
    offsets.set(num, text.length);
    text += `${num} 0 obj\n${body}\nendobj\n`;
  }
  return { text, offsets };
}

function tableFor(offsets: Map<number, number>, withZero: boolean, base = 0): string {
  const nums = [...offsets.keys()].sort((a, b) => a - b);
  let out = 'xref\n';
  if (withZero) out += '0 1\n0000000000 65535 f\r\n';
  for (const n of nums) out += `${n} 1\n${String(offsets.get(n)! + base).padStart(10, '0')} 00000 n\r\n`;
  return out;
}

/** A classic-xref PDF written by hand (independent of our writer), one page per content string. */
export function handMadePdf(pageTexts: string[] = ['Hello']): Uint8Array {
  const objs: Array<[number, string]> = [[1, '<< /Type /Catalog /Pages 2 0 R >>']];
  const kids = pageTexts.map((_, i) => `${3 + i * 2} 0 R`).join(' ');
  objs.push([2, `<< /Type /Pages /Kids [${kids}] /Count ${pageTexts.length} /MediaBox [0 0 595 842] >>`]);
  pageTexts.forEach((t, i) => {
    const content = `BT /F1 12 Tf 50 700 Td (${t}) Tj ET`;
    objs.push([3 + i * 2, `<< /Type /Page /Parent 2 0 R /Contents ${4 + i * 2} 0 R /Resources << >> >>`]);
    objs.push([4 + i * 2, `<< /Length ${content.length} >>\nstream\n${content}\nendstream`]);
  });
  const { text, offsets } = layout('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', objs);
  const size = 3 + pageTexts.length * 2;
  const xref = text.length;
  return latin1(`${text}${tableFor(offsets, true).replace('xref\n0 1\n0000000000 65535 f\r\n', `xref\n0 ${size}\n0000000000 65535 f\r\n`).replace(/\n\d+ 1\n/g, '\n')}trailer\n<< /Size ${size} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`);
}

/** Appends a hand-written incremental update (classic table) replacing/adding `objects`. */
export function appendHandUpdate(bytes: Uint8Array, objects: Array<[number, string]>, prev: number, size: number): Uint8Array {
  const head = Buffer.from(bytes).toString('latin1');
  const { text, offsets } = layout(head, objects);
  const xref = text.length;
  return latin1(`${text}${tableFor(offsets, true)}trailer\n<< /Size ${size} /Root 1 0 R /Prev ${prev} >>\nstartxref\n${xref}\n%%EOF\n`);
}

/**
 * A hybrid-reference file (§7.5.8.4): a classic table for readers of PDF 1.4 plus an xref stream,
 * named by /XRefStm, for object 4 which lives in an object stream.
 */
export function hybridPdf(opts: { markFree?: boolean } = {}): Uint8Array {
  const inner = '<< /ProcSet [/PDF /Text] >>';
  const objstmHead = '4 0 ';
  const objstm = `${objstmHead}${inner}`;
  const content = 'BT /F1 12 Tf 50 700 Td (hybrid) Tj ET';
  const objs: Array<[number, string]> = [
    [1, '<< /Type /Catalog /Pages 2 0 R >>'],
    [2, '<< /Type /Pages /Kids [3 0 R] /Count 1 >>'],
    [3, '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 300] /Resources 4 0 R /Contents 6 0 R >>'],
    [5, `<< /Type /ObjStm /N 1 /First ${objstmHead.length} /Length ${objstm.length} >>\nstream\n${objstm}\nendstream`],
    [6, `<< /Length ${content.length} >>\nstream\n${content}\nendstream`],
  ];
  const { text, offsets } = layout('%PDF-1.5\n%\xe2\xe3\xcf\xd3\n', objs);
  // Xref stream (object 7): entry for 4 (type 2 in stream 5, index 0) and for itself.
  const x7 = text.length;
  const row = (t: number, f2: number, f3: number): string => String.fromCharCode(t, (f2 >> 8) & 0xff, f2 & 0xff, f3);
  const data = row(2, 5, 0) + row(1, x7, 0);
  const xs = `7 0 obj\n<< /Type /XRef /Size 8 /W [1 2 1] /Index [4 1 7 1] /Length ${data.length} >>\nstream\n${data}\nendstream\nendobj\n`;
  const all = text + xs;
  offsets.set(7, x7);
  const xref = all.length;
  // The table either omits the compressed object or marks it free; both occur in the wild.
  const row1 = (n: number): string => `${String(offsets.get(n)).padStart(10, '0')} 00000 n\r\n`;
  const table = opts.markFree
    ? `xref\n0 8\n0000000000 65535 f\r\n${row1(1)}${row1(2)}${row1(3)}0000000000 00000 f\r\n${row1(5)}${row1(6)}${row1(7)}`
    : `xref\n0 4\n0000000000 65535 f\r\n${row1(1)}${row1(2)}${row1(3)}5 3\n${row1(5)}${row1(6)}${row1(7)}`;
  return latin1(`${all}${table}trailer\n<< /Size 8 /Root 1 0 R /XRefStm ${x7} >>\nstartxref\n${xref}\n%%EOF\n`);
}

/** The catalogue code a call ends in, or 'ok'; anything but a DocaxisError fails the test. */
export function codeOf(f: () => unknown): ErrorCode | 'ok' {
  try {
    f();
    return 'ok';
  } catch (e) {
    if (!(e instanceof DocaxisError)) throw new Error(`not a DocaxisError: ${String(e)}`, { cause: e });
    return e.code;
  }
}
