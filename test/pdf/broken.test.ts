// Damaged and hostile inputs: each must give the right DocaxisError (or a tolerant read), never
// another exception, a hang or a stack overflow.
import { describe, expect, it } from 'vitest';
import { PdfReader } from '../../src/pdf/reader.js';
import { IncrementalWriter, concatUpdate } from '../../src/pdf/writer.js';
import { pageRefs } from '../../src/pdf/pages.js';
import { listFields } from '../../src/pdf/acroform.js';
import { PdfStream, PdfString } from '../../src/pdf/objects.js';
import { appendHandUpdate, codeOf, handMadePdf, latin1, pdfLibDoc, qpdfCheck, qpdfTransform } from './helpers.js';

const open = (b: Uint8Array | string): (() => PdfReader) => () => PdfReader.open(typeof b === 'string' ? latin1(b) : b);
const text = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

describe('broken inputs', () => {
  const good = handMadePdf(['A', 'B', 'C']);

  it('empty, not a PDF, too large', () => {
    expect(codeOf(open(new Uint8Array(0)))).toBe('PDF_EMPTY');
    expect(codeOf(open('hello world, this is not a pdf'))).toBe('PDF_NOT_PDF');
    expect(codeOf(open(' '.repeat(2000) + text(good)))).toBe('PDF_NOT_PDF'); // header beyond 1024 bytes
    expect(codeOf(() => PdfReader.open(good, { maxBytes: 100 }))).toBe('PDF_TOO_LARGE');
    expect(codeOf(() => PdfReader.open('x' as unknown as Uint8Array))).toBe('PDF_NOT_PDF');
  });

  it('truncated at several points', () => {
    for (const cut of [10, Math.floor(good.length / 2), good.length - 40, good.length - 12, good.length - 3]) {
      expect(codeOf(open(good.subarray(0, cut))), `cut at ${cut}`).toBe('PDF_TRUNCATED');
    }
  });

  it('rebuilds a garbage xref from the object headers', () => {
    const t = text(good);
    const x = t.lastIndexOf('xref\n0 ');
    const tr = t.indexOf('trailer', x);
    expect(x).toBeGreaterThan(0);
    const broken = t.slice(0, x) + 'garbage!'.repeat(Math.ceil((tr - x) / 8)).slice(0, tr - x) + t.slice(tr);
    const r = PdfReader.open(latin1(broken));
    expect(r.reconstructed).toBe(true);
    expect(pageRefs(r).length).toBe(3);
    // The update after a rebuilt xref lists every object and needs no /Prev.
    const w = new IncrementalWriter(r);
    w.set(w.allocateRef(), 1);
    const out = concatUpdate(w.write());
    expect(qpdfCheck(out)).not.toMatch(/WARNING|ERROR/);
    const r2 = PdfReader.open(out);
    expect(r2.reconstructed).toBe(false);
    expect(pageRefs(r2).length).toBe(3);
  });

  it('rejects a file whose xref and objects are both unusable', () => {
    expect(codeOf(open('%PDF-1.4\nnothing useful here\nstartxref\n9\n%%EOF\n'))).toBe('PDF_XREF_BROKEN');
    expect(codeOf(open('%PDF-1.4\n1 0 obj\n<< /Type /Page >>\nendobj\nstartxref\n999999\n%%EOF\n'))).toBe('PDF_XREF_BROKEN');
  });

  it('a /Prev loop (self and two-section cycles) ends the chain: what was read is kept, brokenPrevChain is set', () => {
    const r = PdfReader.open(good);
    expect(r.brokenPrevChain).toBe(false);
    const self = text(good).replace('<< /Size 9 /Root 1 0 R >>', `<< /Size 9 /Root 1 0 R /Prev ${r.startxref} >>`);
    const rs = PdfReader.open(latin1(self));
    // The read revision, after one synthetic revision of what a scan finds (its history unknown).
    expect([rs.brokenPrevChain, rs.reconstructed, rs.revisions.length, rs.revisions[0]!.end]).toEqual([true, false, 2, -1]);
    expect(pageRefs(rs).length).toBe(3);
    // update whose /Prev is right, but the original's trailer points back at the update.
    const updated = appendHandUpdate(good, [[9, '(x)']], r.startxref, 10);
    const r2 = PdfReader.open(updated);
    const cyc = text(updated).replace('<< /Size 9 /Root 1 0 R >>', `<< /Size 9 /Root 1 0 R /Prev ${r2.startxref} >>`);
    expect(cyc.length).toBe(updated.length + ` /Prev ${r2.startxref}`.length);
    const rc = PdfReader.open(latin1(cyc));
    expect([rc.brokenPrevChain, rc.reconstructed, rc.revisions.length, rc.revisions[0]!.end]).toEqual([true, false, 3, -1]);
    expect(rc.getObject(9)).toBeInstanceOf(PdfString);
  });

  it('refuses encrypted files (qpdf --encrypt)', async () => {
    const enc = qpdfTransform(await pdfLibDoc(), ['--encrypt', 'user', 'owner', '256', '--']);
    expect(codeOf(open(enc))).toBe('PDF_ENCRYPTED');
    const rc4 = qpdfTransform(await pdfLibDoc(), ['--allow-weak-crypto', '--encrypt', '', 'owner', '128', '--use-aes=n', '--']);
    expect(codeOf(open(rc4))).toBe('PDF_ENCRYPTED');
  });

  it('tolerates a startxref a few bytes off and object offsets a few bytes off', () => {
    const r0 = PdfReader.open(good);
    const t = text(good);
    const drift = t.replace(/startxref\n(\d+)/, (_, n: string) => `startxref\n${Number(n) - 3}`);
    const r = PdfReader.open(latin1(drift));
    expect(r.reconstructed).toBe(false);
    expect(pageRefs(r).length).toBe(3);
    // Shift every object offset in the table by +2 (pointing into the header's digits/whitespace).
    const shifted = t.replace(/^(\d{10}) 00000 n/gm, (_, o: string) => `${String(Number(o) + 2).padStart(10, '0')} 00000 n`);
    const r2 = PdfReader.open(latin1(shifted));
    expect(r2.reconstructed).toBe(false);
    expect(pageRefs(r2).length).toBe(3);
    expect(r2.getObject(4)).toBeInstanceOf(PdfStream);
    expect(r0.startxref).toBe(r.startxref);
  });

  it('handles junk before the header and bytes after %%EOF', () => {
    const junk = latin1('JUNK'.repeat(25) + text(good));
    const r = PdfReader.open(junk);
    expect(r.base).toBe(100);
    expect(pageRefs(r).length).toBe(3);
    const w = new IncrementalWriter(r);
    w.set(w.allocateRef(), 7);
    const out = concatUpdate(w.write());
    const r2 = PdfReader.open(out);
    expect(r2.revisions.length).toBe(2);
    expect(r2.getObject(r2.size - 1)).toBe(7);

    const trailing = latin1(text(good) + 'trailing garbage');
    const r3 = PdfReader.open(trailing);
    expect(r3.trailingBytes).toBe('trailing garbage'.length);
    expect(r3.revisions[0]!.end).toBe(good.length);
  });

  it('reports malformed objects as PDF_OBJECT_MALFORMED and free/missing ones as null', () => {
    const t = text(good).replace('<< /Type /Pages /Kids', '<< /Type /Pages /Bad (unterminated /Kids');
    expect(t).toContain('/Bad (unterminated');
    const r = PdfReader.open(latin1(t));
    expect(codeOf(() => r.getObject(2))).toBe('PDF_OBJECT_MALFORMED');
    expect(codeOf(() => pageRefs(r))).toBe('PDF_OBJECT_MALFORMED');
    expect(r.getObject(0)).toBe(null);
    expect(r.getObject(12345)).toBe(null);
    expect(codeOf(() => r.getObject(1, 5))).toBe('PDF_OBJECT_NOT_FOUND');
  });

  it('survives a page tree with a /Kids cycle and self-referencing /Length', () => {
    const t = text(good)
      .replace('/Kids [3 0 R 5 0 R 7 0 R]', '/Kids [3 0 R 2 0 R 5 0 R 2 0 R 7 0 R]')
      .replace('<< /Length 32 >>', '<< /Length 4 0 R >>');
    expect(t).toContain('/Kids [3 0 R 2 0 R');
    expect(t).toContain('<< /Length 4 0 R >>');
    const r = PdfReader.open(latin1(t));
    expect(pageRefs(r).length).toBe(3);
    const s = r.getObject(4);
    expect(s).toBeInstanceOf(PdfStream); // falls back to the endstream search
    expect(text((s as PdfStream).raw)).toContain('(A) Tj');
  });

  it('random corruption never escapes as another exception (fuzz, fixed seed)', async () => {
    const bases = [good, await pdfLibDoc({ annots: true, objectStreams: true }), qpdfTransform(await pdfLibDoc({ annots: true }), ['--object-streams=generate'])];
    let seed = 12345;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const outcomes = new Map<string, number>();
    for (let i = 0; i < 600; i++) {
      const src = bases[i % bases.length]!;
      const b = Uint8Array.from(src);
      const flips = 1 + rnd(8);
      for (let k = 0; k < flips; k++) b[rnd(b.length)] = rnd(256);
      const code = codeOf(() => {
        const r = PdfReader.open(b);
        pageRefs(r);
        listFields(r);
        for (const n of r.objectNumbers()) {
          const o = r.getObject(n);
          if (o instanceof PdfStream) r.decodeStream(o);
        }
      });
      outcomes.set(code, (outcomes.get(code) ?? 0) + 1);
    }
    expect(outcomes.get('ok') ?? 0).toBeGreaterThan(0);
    console.log('fuzz outcomes', Object.fromEntries(outcomes));
  });
});
