// Timing sanity check (printed, not asserted): opening must be lazy, so a 10 MB file should cost
// far less than hashing it, and a 1,000-page document must not be slow to walk.
import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PDFDocument, PDFName, StandardFonts } from 'pdf-lib';
import { PdfReader } from '../../src/pdf/reader.js';
import { IncrementalWriter } from '../../src/pdf/writer.js';
import { pageDict, pageRefs } from '../../src/pdf/pages.js';
import { listFields } from '../../src/pdf/acroform.js';
import { PdfDict, PdfName as Name, PdfRef } from '../../src/pdf/objects.js';

function ms(f: () => void, reps = 5): number {
  let best = Infinity;
  for (let i = 0; i < reps; i++) {
    const t = process.hrtime.bigint();
    f();
    best = Math.min(best, Number(process.hrtime.bigint() - t) / 1e6);
  }
  return best;
}

function openAndUpdate(bytes: Uint8Array): number {
  const r = PdfReader.open(bytes);
  const { ref, dict } = pageDict(r, 0);
  listFields(r);
  const w = new IncrementalWriter(r);
  const sig = w.allocateRef();
  w.set(sig, new PdfDict([['Type', Name.of('Sig')]]));
  const page = dict.clone();
  page.set('Annots', [sig]);
  w.set(ref, page);
  const u = w.write();
  crypto.createHash('sha256').update(u.original).update(u.update).digest();
  return u.update.length;
}

describe('timing (printed)', () => {
  it('10 MB document with a big image stream', async () => {
    const doc = await PDFDocument.create();
    const page = doc.addPage();
    const big = doc.context.flateStream(crypto.randomBytes(10 * 1024 * 1024), { Type: 'XObject', Subtype: 'Image', Width: 1024, Height: 3413, ColorSpace: 'DeviceRGB', BitsPerComponent: 8 });
    page.node.set(PDFName.of('Big'), doc.context.register(big));
    const bytes = await doc.save();
    expect(bytes.length).toBeGreaterThan(10_000_000);
    const open = ms(() => PdfReader.open(bytes));
    const hash = ms(() => crypto.createHash('sha256').update(bytes).digest());
    const full = ms(() => openAndUpdate(bytes));
    console.log(`10 MB: open ${open.toFixed(2)} ms, open+update+hash ${full.toFixed(2)} ms, sha256 alone ${hash.toFixed(2)} ms (ratio ${(full / hash).toFixed(2)})`);
  });

  it('1,000 pages with tens of thousands of objects', async () => {
    const doc = await PDFDocument.create();
    const font = await doc.embedFont(StandardFonts.Helvetica);
    for (let i = 0; i < 1000; i++) {
      const p = doc.addPage([595, 842]);
      p.drawText(`Trang ${i + 1}`, { x: 50, y: 780, size: 12, font });
      // Extra small objects per page (annotations), to reach tens of thousands of objects.
      const annots = [];
      for (let k = 0; k < 20; k++) annots.push(doc.context.register(doc.context.obj({ Type: 'Annot', Subtype: 'Square', Rect: [k, k, k + 5, k + 5] })));
      p.node.set(PDFName.of('Annots'), doc.context.obj(annots));
    }
    for (const objectStreams of [false, true]) {
      const bytes = await doc.save({ useObjectStreams: objectStreams });
      const r = PdfReader.open(bytes);
      expect(r.objectNumbers().length).toBeGreaterThan(20_000);
      const hash = ms(() => crypto.createHash('sha256').update(bytes).digest());
      const open = ms(() => PdfReader.open(bytes));
      const walk = ms(() => pageRefs(PdfReader.open(bytes)).length, 3);
      const full = ms(() => openAndUpdate(bytes));
      const last = ms(() => pageDict(PdfReader.open(bytes), 999), 3);
      expect(pageRefs(r).length).toBe(1000);
      expect((r.getObject(pageRefs(r)[999]!) as PdfDict).get('Parent')).toBeInstanceOf(PdfRef);
      console.log(
        `1000 pages (${objectStreams ? 'object streams' : 'classic'}, ${(bytes.length / 1e6).toFixed(1)} MB, ${r.objectNumbers().length} objects): ` +
          `open ${open.toFixed(2)} ms, walk all pages ${walk.toFixed(2)} ms, page 999 ${last.toFixed(2)} ms, ` +
          `open+update+hash ${full.toFixed(2)} ms, sha256 alone ${hash.toFixed(2)} ms`,
      );
    }
  });
});
