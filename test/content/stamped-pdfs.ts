// PDFs built by code for the classification-mark tests: text lines placed where a letter puts them
// (a stamp alone in a box at the top, running text below), in DejaVu Sans (Vietnamese) or in a
// standard font without Vietnamese glyphs (the mark typed without diacritics); and hostile files
// (garbage content, a page tree that claims a billion pages, a page of endless text).
import { deflateSync } from 'node:zlib';
import fontkit from '@pdf-lib/fontkit';
import { degrees, PDFDocument, PDFName, PDFNumber, rgb, StandardFonts, type PDFFont } from 'pdf-lib';
import { fontBytes } from '../support/fixtures.js';

export interface Line {
  text: string;
  /** 1-based; default 1. */
  page?: number;
  x?: number;
  /** Default: the next line down from the top of the page. */
  y?: number;
  size?: number;
  /** Draw a single-bordered rectangle around it, as the stamp is printed. */
  boxed?: boolean;
  /** 'standard': Helvetica-Bold (WinAnsi, no Vietnamese letters). */
  font?: 'dejavu' | 'standard';
  /** Rotation in degrees. */
  rotate?: number;
}

const A4: [number, number] = [595.28, 841.89];

/** A PDF with these lines; `pages` at least as many as the lines name. */
export async function pdfWithLines(lines: Line[], opts: { pages?: number } = {}): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  const fonts: Record<'dejavu' | 'standard', PDFFont> = {
    dejavu: await doc.embedFont(await fontBytes(), { subset: true }),
    standard: await doc.embedFont(StandardFonts.HelveticaBold),
  };
  const pageCount = Math.max(opts.pages ?? 1, ...lines.map((l) => l.page ?? 1));
  const pages = Array.from({ length: pageCount }, () => doc.addPage(A4));
  const nextY = new Map<number, number>();
  for (const l of lines) {
    const page = pages[(l.page ?? 1) - 1]!;
    const size = l.size ?? 12;
    const y = l.y ?? nextY.get(l.page ?? 1) ?? 800;
    nextY.set(l.page ?? 1, y - size * 1.6);
    const font = fonts[l.font ?? 'dejavu'];
    const x = l.x ?? 60;
    if (l.boxed) {
      const w = font.widthOfTextAtSize(l.text, size);
      page.drawRectangle({ x: x - 8, y: y - size * 0.45, width: w + 16, height: size * 1.7, borderWidth: 1.5, borderColor: rgb(0.8, 0, 0) });
    }
    page.drawText(l.text, { x, y, size, font, color: rgb(0.8, 0, 0), ...(l.rotate ? { rotate: degrees(l.rotate) } : {}) });
  }
  return doc.save({ useObjectStreams: false });
}

/** A paragraph wrapped to lines of at most `width` points, one line per entry, from `y` down. */
export async function paragraph(text: string, opts: { y?: number; page?: number; width?: number; size?: number } = {}): Promise<Line[]> {
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  const font = await doc.embedFont(await fontBytes(), { subset: true });
  const size = opts.size ?? 11;
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const next = line ? `${line} ${word}` : word;
    if (line && font.widthOfTextAtSize(next, size) > (opts.width ?? 470)) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  const y0 = opts.y ?? 650;
  return lines.map((t, i) => ({ text: t, y: y0 - i * size * 1.6, size, ...(opts.page ? { page: opts.page } : {}) }));
}

/** Draws a stamp (boxed, top right) on page `page` of an existing PDF, e.g. the sample letter, before it is signed. */
export async function stampExisting(pdf: Uint8Array, text: string, page = 1): Promise<Uint8Array> {
  const doc = await PDFDocument.load(pdf);
  doc.registerFontkit(fontkit);
  const font = await doc.embedFont(await fontBytes(), { subset: true });
  const p = doc.getPage(page - 1);
  const size = 13;
  const w = font.widthOfTextAtSize(text, size);
  const x = 470;
  const y = 812;
  p.drawRectangle({ x: x - 8, y: y - 6, width: w + 16, height: 22, borderWidth: 1.5, borderColor: rgb(0.8, 0, 0) });
  p.drawText(text, { x, y, size, font, color: rgb(0.8, 0, 0) });
  return doc.save({ useObjectStreams: false });
}

/** A one-page PDF whose page content is these raw bytes (stored as they are, or deflated). */
export async function pdfWithContent(content: Uint8Array, opts: { deflate?: boolean; withFont?: boolean } = {}): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const page = doc.addPage(A4);
  if (opts.withFont) {
    const font = await doc.embedFont(StandardFonts.Helvetica);
    page.node.setFontDictionary(PDFName.of('F1'), font.ref);
  }
  // Node's zlib, not pdf-lib's own deflate: the bombs here are tens of megabytes.
  const stream = opts.deflate ? doc.context.stream(deflateSync(content), { Filter: 'FlateDecode' }) : doc.context.stream(content);
  page.node.set(PDFName.of('Contents'), doc.context.register(stream));
  return doc.save({ useObjectStreams: false });
}

/** A content stream of `n` text-showing operations, each on a line of its own (pdf.js joins pieces of one line), then `tail`. */
export function manyPiecesContent(n: number, tail = ''): Uint8Array {
  const parts = ['BT /F1 9 Tf 1 0 0 1 40 700 Tm'];
  for (let i = 0; i < n; i++) parts.push(`(${i % 10}) Tj 0 -0.01 Td`);
  parts.push(tail, 'ET');
  return new TextEncoder().encode(parts.join('\n'));
}

/** The sample page count of the root page tree replaced by a huge claim (the tree itself holds one page). */
export async function claimingPages(count: number): Promise<Uint8Array> {
  const bytes = await pdfWithLines([{ text: 'MẬT', boxed: true }]);
  const doc = await PDFDocument.load(bytes);
  doc.catalog.Pages().set(PDFName.of('Count'), PDFNumber.of(count));
  return doc.save({ useObjectStreams: false });
}

/**
 * One page whose content paints the form /Fm0 `paints` times; Fm0 holds `formBytes` bytes of
 * text operators (deflated) and, with `nested`, paints a second form as often in its turn.
 */
export async function pdfWithForms(o: { paints: number; formBytes: number; nested?: boolean; filter?: 'FlateDecode' | 'LZWDecode' }): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const page = doc.addPage(A4);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const enc = new TextEncoder();
  const text = enc.encode('BT /F1 9 Tf 40 40 Td (x) Tj ET\n'.repeat(Math.ceil(o.formBytes / 31))).subarray(0, o.formBytes);
  const resources = (xobjects?: Record<string, ReturnType<typeof doc.context.register>>) =>
    doc.context.obj({ Font: { F1: font.ref }, ...(xobjects ? { XObject: xobjects } : {}) });
  const form = (content: Uint8Array, xobjects?: Record<string, ReturnType<typeof doc.context.register>>) => {
    const dict = { Type: 'XObject', Subtype: 'Form', BBox: [0, 0, 500, 500], Resources: resources(xobjects) };
    return doc.context.register(o.filter === 'LZWDecode' ? doc.context.stream(content, { ...dict, Filter: 'LZWDecode' }) : doc.context.flateStream(content, dict));
  };
  const paints = (name: string) => enc.encode(`/${name} Do\n`.repeat(o.paints));
  const inner = o.nested ? form(text) : undefined;
  const fm0 = inner ? form(paints('Fm1'), { Fm1: inner }) : form(text);
  page.node.set(PDFName.of('Resources'), resources({ Fm0: fm0 }));
  page.node.set(PDFName.of('Contents'), doc.context.register(doc.context.flateStream(paints('Fm0'))));
  return doc.save({ useObjectStreams: false });
}
