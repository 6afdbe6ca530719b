// The xref chain of unusual but valid files (issue 9) and of broken ones: tables that share one
// /XRefStm are read (qpdf is the oracle), and a /Prev that leads nowhere keeps what was read.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PdfReader } from '../../src/pdf/reader.js';
import { PdfDict, PdfString } from '../../src/pdf/objects.js';
import { pageRefs } from '../../src/pdf/pages.js';
import { DocaxisError } from '../../src/errors.js';
import { appendHandUpdate, handMadePdf, hybridPdf, latin1, pdfLibDoc, qpdf, qpdfCheck, qpdfTransform, tmpDir } from './helpers.js';

const text = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

/** qpdf --show-xref as "num -> description" in our terms. */
function qpdfXref(bytes: Uint8Array): Map<number, string> {
  const dir = tmpDir();
  const f = path.join(dir, 'x.pdf');
  fs.writeFileSync(f, bytes);
  const out = qpdf(['--show-xref', f]);
  fs.rmSync(dir, { recursive: true, force: true });
  const m = new Map<number, string>();
  for (const line of out.split('\n')) {
    const u = /^(\d+)\/(\d+): uncompressed; offset = (\d+)/.exec(line);
    const c = /^(\d+)\/0: compressed; stream = (\d+), index = (\d+)/.exec(line);
    if (u) m.set(Number(u[1]), `inuse ${u[2]} @${u[3]}`);
    else if (c) m.set(Number(c[1]), `compressed in ${c[2]}[${c[3]}]`);
  }
  return m;
}

function ourXref(r: PdfReader): Map<number, string> {
  const m = new Map<number, string>();
  for (const n of r.objectNumbers()) {
    const e = r.entry(n)!.entry;
    m.set(n, e.type === 'inuse' ? `inuse ${e.gen} @${e.offset}` : `compressed in ${e.objStm}[${e.index}]`);
  }
  return m;
}

/** A hybrid file, then two updates whose tables name the original's /XRefStm again (as Word + DSS do). */
function sharedXrefStmPdf(): Uint8Array {
  const base = hybridPdf();
  const t = text(base);
  const stm = Number(/\/XRefStm (\d+)/.exec(t)![1]);
  const prev0 = Number(/startxref\n(\d+)\n%%EOF\n$/.exec(t)![1]);
  // Update 1: an empty table that only repeats the trailer, with the same /XRefStm.
  const u1 = t.length;
  const s1 = `${t}xref\n0 0\ntrailer\n<< /Size 8 /Root 1 0 R /Prev ${prev0} /XRefStm ${stm} >>\nstartxref\n${u1}\n%%EOF\n`;
  // Update 2: a new page dictionary (object 3) and a new object 8, again naming the same stream.
  const o3 = s1.length;
  const page = '3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 300] /Resources 4 0 R /Contents 6 0 R /Extra 8 0 R >>\nendobj\n';
  const o8 = o3 + page.length;
  const eight = '8 0 obj\n(added)\nendobj\n';
  const x2 = o8 + eight.length;
  const row = (o: number): string => `${String(o).padStart(10, '0')} 00000 n\r\n`;
  const s2 = `${s1}${page}${eight}xref\n3 1\n${row(o3)}8 1\n${row(o8)}trailer\n<< /Size 9 /Root 1 0 R /Prev ${u1} /XRefStm ${stm} >>\nstartxref\n${x2}\n%%EOF\n`;
  return latin1(s2);
}

describe('hybrid files whose tables share one /XRefStm', () => {
  it('are read; the shared stream defines its objects once, in the oldest revision (qpdf agrees)', () => {
    const bytes = sharedXrefStmPdf();
    expect(qpdfCheck(bytes)).not.toMatch(/WARNING|ERROR/);
    const r = PdfReader.open(bytes);
    expect([r.revisions.length, r.brokenPrevChain, r.reconstructed]).toEqual([3, false, false]);
    expect(r.revisions.map((x) => x.xrefKind)).toEqual(['hybrid', 'hybrid', 'hybrid']);
    expect(ourXref(r)).toEqual(qpdfXref(bytes));
    // Object 4 lives in object stream 5; the stream row repeated by later tables is no change of theirs.
    expect(r.entry(4)!.entry.type).toBe('compressed');
    expect(r.definingRevision(4)).toBe(0);
    expect(r.revisions[1]!.entries.size).toBe(0);
    expect(r.definingRevision(3)).toBe(2);
    expect((r.getObject(4) as PdfDict).get('ProcSet')).toBeDefined();
    expect((r.getObject(8) as PdfString).latin1()).toBe('added');
    expect(r.getObject(8, 1)).toBe(null);
    expect(pageRefs(r, 0).length).toBe(1);
  });

  const corpus = path.resolve(import.meta.dirname, '../../../shared/corpus/dss-pades/files');
  const present = fs.existsSync(corpus);
  if (!present) console.log(`corpus tests skipped: ${corpus} is absent`);
  describe.skipIf(!present)('real files (../shared/corpus/dss-pades)', () => {
    const hybrids = [
      'dss__dss-2554__certified-no-change-permitted.pdf',
      'dss__pades-multiple-pages-annots-overlap.pdf',
      'dss__Signature-P-FR_CS-5.pdf',
      'dss__dss-818__Signature-P-IT_ADO-1_HASH_FAILURE_ECDSA_.pdf',
      'dss__pdf-structtreeroot-changes.pdf',
    ];
    for (const f of hybrids) {
      it(`${f}: every object where qpdf --show-xref finds it`, () => {
        const bytes = new Uint8Array(fs.readFileSync(path.join(corpus, f)));
        const r = PdfReader.open(bytes);
        expect([r.brokenPrevChain, r.reconstructed]).toEqual([false, false]);
        expect(ourXref(r)).toEqual(qpdfXref(bytes));
        for (const n of r.objectNumbers()) r.getObject(n);
      });
    }

    it('the two tables of certified-no-change-permitted share /XRefStm 368725 and give 3 revisions', () => {
      const r = PdfReader.open(new Uint8Array(fs.readFileSync(path.join(corpus, 'dss__dss-2554__certified-no-change-permitted.pdf'))));
      expect(r.revisions.map((x) => [x.xrefKind, x.trailer.get('XRefStm') ?? null])).toEqual([
        ['table', null],
        ['hybrid', 368725],
        ['hybrid', 368725],
      ]);
      // Word writes its table, then an empty table naming the stream of its compressed objects:
      // those are defined there. The signer's table names the same stream again, which then adds
      // nothing: that revision defines only the 9 objects of its own table.
      expect(r.revisions[1]!.entries.size).toBeGreaterThan(1000);
      expect(r.definingRevision(112)).toBe(1);
      expect(r.revisions[2]!.entries.size).toBe(9);
      expect(r.definingRevision(1)).toBe(2);
    });

    for (const f of ['dss__pades_infinite_loop.pdf', 'dss__pades_opposite_infinite_loop.pdf']) {
      it(`${f}: a typed error or a reading, fast`, () => {
        const t0 = performance.now();
        let outcome = 'ok';
        try {
          const r = PdfReader.open(new Uint8Array(fs.readFileSync(path.join(corpus, f))));
          for (const n of r.objectNumbers()) r.getObject(n);
          pageRefs(r);
        } catch (e) {
          if (!(e instanceof DocaxisError)) throw e;
          outcome = e.code;
        }
        expect(outcome).toMatch(/^(ok|PDF_[A-Z_]+)$/);
        expect(performance.now() - t0).toBeLessThan(1_000);
      });
    }
  });
});

describe('a /Prev chain that cannot be followed to its end', () => {
  // Long enough that the original xref lies beyond the drift window of a /Prev pointing at the start.
  const base = handMadePdf(Array.from({ length: 30 }, (_, i) => `Trang ${i + 1} `.repeat(10)));
  const r0 = PdfReader.open(base);
  const updated = appendHandUpdate(base, [[1, '<< /Type /Catalog /Pages 2 0 R /Lang (vi) >>'], [100, '(new)']], r0.startxref, 101);
  const withPrev = (prev: string): Uint8Array => latin1(text(updated).replace(`/Prev ${r0.startxref} >>`, `/Prev ${prev} >>`));

  for (const [what, prev] of [
    ['garbage (the header)', '20'],
    ['outside the file', '999999999'],
    ['not an offset', '/Nowhere'],
  ] as const) {
    it(`/Prev pointing at ${what}: the latest revision is read, brokenPrevChain is set`, () => {
      const r = PdfReader.open(withPrev(prev));
      // The latest revision as read, after one synthetic first revision: what a scan of the file
      // finds for the objects the lost revisions defined (their history cannot be established).
      expect([r.brokenPrevChain, r.reconstructed, r.revisions.length, r.revisions[0]!.end]).toEqual([true, false, 2, -1]);
      expect((r.getObject(100) as PdfString).latin1()).toBe('new');
      expect(r.catalog().get('Lang')).toBeInstanceOf(PdfString);
      expect(r.getObject(2)).not.toBe(null);
      expect(r.definingRevision(2)).toBe(0);
    });
  }

  it('a loop further down the chain keeps every revision read before it', () => {
    const r1 = PdfReader.open(updated);
    const u2 = appendHandUpdate(updated, [[101, '(third)']], r1.startxref, 102);
    const r2 = PdfReader.open(u2);
    // The original's trailer now points back at the newest section.
    const looped = latin1(text(u2).replace(/<< \/Size (\d+) \/Root 1 0 R >>/, `<< /Size $1 /Root 1 0 R /Prev ${r2.startxref} >>`));
    expect(looped.length).toBeGreaterThan(u2.length);
    const r = PdfReader.open(looped);
    expect([r.brokenPrevChain, r.reconstructed, r.revisions.length, r.revisions[0]!.end]).toEqual([true, false, 4, -1]);
    expect(pageRefs(r).length).toBe(30);
  });

  it('an intact chain reads as before', () => {
    const r = PdfReader.open(updated);
    expect([r.brokenPrevChain, r.reconstructed, r.revisions.length]).toEqual([false, false, 2]);
    expect(pageRefs(r).length).toBe(30);
  });

  it('an unreadable latest xref is still repaired by scanning (not a broken chain)', () => {
    const t = text(updated);
    const last = t.lastIndexOf('xref\n0 1');
    const broken = latin1(t.slice(0, last) + 'XXXX' + t.slice(last + 4));
    const r = PdfReader.open(broken);
    expect([r.reconstructed, r.brokenPrevChain]).toEqual([true, false]);
    expect((r.getObject(100) as PdfString).latin1()).toBe('new');
  });

  it('a linearized file whose main xref is unreadable is repaired, as before', async () => {
    const lin = qpdfTransform(await pdfLibDoc({ pages: 3 }), ['--linearize', '--object-streams=disable']);
    const t = text(lin);
    const main = t.lastIndexOf('\nxref') + 1;
    expect(main).toBeGreaterThan(1500);
    const broken = latin1(t.slice(0, main) + 'XXXX' + t.slice(main + 4));
    const r = PdfReader.open(broken);
    expect([r.reconstructed, r.brokenPrevChain]).toEqual([true, false]);
    expect(pageRefs(r).length).toBe(3);
    const ok = PdfReader.open(lin);
    expect([ok.reconstructed, ok.brokenPrevChain, ok.revisions.length]).toEqual([false, false, 1]);
  });
});
