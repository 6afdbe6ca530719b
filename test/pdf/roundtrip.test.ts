// Inputs from several producers: open, walk, read every object, append an incremental update,
// and check the result with our reader, qpdf and pdf-lib.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PDFDocument } from 'pdf-lib';
import { PdfReader, type XrefKind } from '../../src/pdf/reader.js';
import { IncrementalWriter, concatUpdate } from '../../src/pdf/writer.js';
import { pageDict, pageRefs, inheritedPageAttribute } from '../../src/pdf/pages.js';
import { listFields } from '../../src/pdf/acroform.js';
import { PdfDict, PdfName, PdfRef, PdfStream, PdfString } from '../../src/pdf/objects.js';
import { appendHandUpdate, handMadePdf, hybridPdf, pdfLibDoc, qpdfCheck, qpdfTransform, tmpDir } from './helpers.js';

interface Case {
  name: string;
  bytes: Uint8Array;
  kind: XrefKind;
  revisions: number;
  pages: number;
  fields: number;
}

const cases: Case[] = [];

beforeAll(async () => {
  const lib = await pdfLibDoc({ annots: true });
  const libStm = await pdfLibDoc({ annots: true, objectStreams: true });
  const hand = handMadePdf(['Mot', 'Hai']);
  const handReader = PdfReader.open(hand);
  const handUpdated = appendHandUpdate(
    hand,
    [
      [1, '<< /Type /Catalog /Pages 2 0 R /Lang (vi) >>'],
      [7, '<< /Producer (hand) >>'],
    ],
    handReader.startxref,
    8,
  );
  cases.push(
    { name: 'pdf-lib, classic xref', bytes: lib, kind: 'table', revisions: 1, pages: 3, fields: 1 },
    { name: 'pdf-lib, object streams', bytes: libStm, kind: 'stream', revisions: 1, pages: 3, fields: 1 },
    { name: 'qpdf --object-streams=generate', bytes: qpdfTransform(lib, ['--object-streams=generate']), kind: 'stream', revisions: 1, pages: 3, fields: 1 },
    { name: 'qpdf --linearize', bytes: qpdfTransform(lib, ['--linearize']), kind: 'table', revisions: 1, pages: 3, fields: 1 },
    { name: 'qpdf --linearize --object-streams=generate', bytes: qpdfTransform(libStm, ['--linearize', '--object-streams=generate']), kind: 'stream', revisions: 1, pages: 3, fields: 1 },
    { name: 'qpdf --qdf', bytes: qpdfTransform(lib, ['--qdf']), kind: 'table', revisions: 1, pages: 3, fields: 1 },
    { name: 'hybrid (table + /XRefStm)', bytes: hybridPdf(), kind: 'hybrid', revisions: 1, pages: 1, fields: 0 },
    { name: 'hand-made with an incremental update', bytes: handUpdated, kind: 'table', revisions: 2, pages: 2, fields: 0 },
  );
});

function update(reader: PdfReader): { out: Uint8Array; newRef: PdfRef; offsets: Map<number, { start: number; end: number }> } {
  const w = new IncrementalWriter(reader);
  const newRef = w.allocateRef();
  w.set(newRef, new PdfDict([['Note', PdfString.fromText('chữ ký số')], ['Kind', PdfName.of('Test')]]));
  const rootRef = reader.trailer.get('Root') as PdfRef;
  const cat = reader.catalog().clone();
  cat.set('DocaxisTest', newRef);
  w.set(rootRef, cat);
  const u = w.write();
  expect(u.original).toBe(reader.bytes);
  return { out: concatUpdate(u), newRef, offsets: u.offsets };
}

describe('producers', () => {
  it('has all cases', () => expect(cases.length).toBe(8));

  for (let i = 0; i < 8; i++) {
    it(`case ${i}: open, walk, read, update, re-open`, async () => {
      const c = cases[i]!;
      const r = PdfReader.open(c.bytes);
      expect(r.xrefKind, c.name).toBe(c.kind);
      expect(r.revisions.length, c.name).toBe(c.revisions);
      expect(r.reconstructed).toBe(false);
      expect(r.trailingBytes).toBe(0);
      expect(r.revisions[r.revisions.length - 1]!.end).toBe(c.bytes.length);
      for (let k = 1; k < r.revisions.length; k++) {
        // Each earlier revision ends exactly where the next update's bytes start (after %%EOF\n).
        expect(Buffer.from(c.bytes.subarray(r.revisions[k - 1]!.end - 6, r.revisions[k - 1]!.end)).toString('latin1')).toBe('%%EOF\n');
      }

      // Walk and read everything.
      const pages = pageRefs(r);
      expect(pages.length, c.name).toBe(c.pages);
      pages.forEach((ref, idx) => {
        const p = pageDict(r, idx);
        expect(p.ref.equals(ref)).toBe(true);
        expect(inheritedPageAttribute(r, p.dict, 'MediaBox')).toBeInstanceOf(Array);
      });
      for (const n of r.objectNumbers()) {
        const o = r.getObject(n);
        if (o instanceof PdfStream) r.decodeStream(o);
      }
      expect(listFields(r).length).toBe(c.fields);

      // Update and verify with independent tools.
      const { out, newRef, offsets } = update(r);
      expect(Buffer.compare(out.subarray(0, c.bytes.length), c.bytes)).toBe(0);
      const check = qpdfCheck(out);
      expect(check, `${c.name}\n${check}`).toContain('No syntax or stream encoding errors');
      expect(check).not.toMatch(/WARNING|ERROR/);
      for (const [num, span] of offsets) {
        const text = Buffer.from(out.subarray(span.start, span.end)).toString('latin1');
        expect(text.startsWith(`${num} 0 obj`)).toBe(true);
        expect(text.endsWith('endobj')).toBe(true);
      }

      const r2 = PdfReader.open(out);
      expect(r2.revisions.length).toBe(c.revisions + 1);
      const last = r2.revisions[r2.revisions.length - 1]!;
      expect(last.trailer.get('Prev')).toBe(r.startxref);
      expect(r2.xrefKind).toBe(c.kind === 'hybrid' ? 'table' : c.kind);
      expect(r2.trailingBytes).toBe(0);
      // pdf-lib ends without an EOL; the writer adds one, which counts as the %%EOF's line end.
      const eol = c.bytes[c.bytes.length - 1] === 0x0a || c.bytes[c.bytes.length - 1] === 0x0d;
      expect(r2.revisions[c.revisions - 1]!.end).toBe(c.bytes.length + (eol ? 0 : 1));
      expect(r2.catalog().get('DocaxisTest')).toEqual(newRef);
      expect(r2.catalog(c.revisions - 1).has('DocaxisTest')).toBe(false);
      expect((r2.getObject(newRef) as PdfDict).get('Note')).toBeInstanceOf(PdfString);
      expect(r2.getObject(newRef, c.revisions - 1)).toBe(null);
      expect(r2.definingRevision(newRef.num)).toBe(c.revisions);
      expect(r2.definingRevision((r.trailer.get('Root') as PdfRef).num)).toBe(c.revisions);
      // An xref-stream update also adds the xref stream object itself.
      const extra = r2.xrefKind === 'stream' ? [r2.startxref === 0 ? -1 : Math.max(...r2.revisions[c.revisions]!.entries.keys())] : [];
      expect(r2.objectNumbers()).toEqual([...r.objectNumbers(), newRef.num, ...extra].sort((a, b) => a - b));
      expect(pageRefs(r2).length).toBe(c.pages);

      // pdf-lib (an independent parser) and poppler load it and see the new catalog entry.
      const doc = await PDFDocument.load(out, { updateMetadata: false });
      expect(doc.getPageCount()).toBe(c.pages);
      expect(doc.catalog.get(PdfLibName('DocaxisTest'))).toBeDefined();
      const dir = tmpDir();
      const f = path.join(dir, 'u.pdf');
      fs.writeFileSync(f, out);
      expect(execFileSync('pdfinfo', [f], { encoding: 'utf8' })).toMatch(new RegExp(`Pages:\\s+${c.pages}`));
      fs.rmSync(dir, { recursive: true, force: true });

      // A second update on top of ours (as a second signature would do).
      const w3 = new IncrementalWriter(r2);
      const ref3 = w3.allocateRef();
      expect(ref3.num).toBeGreaterThan(newRef.num);
      w3.set(ref3, 42);
      const out3 = concatUpdate(w3.write());
      expect(qpdfCheck(out3)).not.toMatch(/WARNING|ERROR/);
      const r3 = PdfReader.open(out3);
      expect(r3.revisions.length).toBe(c.revisions + 2);
      expect(r3.getObject(ref3)).toBe(42);
      expect(r3.revisions[r3.revisions.length - 1]!.trailer.get('Prev')).toBe(r2.startxref);
    });
  }

  it.each([false, true])('reads the hybrid file’s compressed object through /XRefStm (marked free in the table: %s)', (markFree) => {
    const r = PdfReader.open(hybridPdf({ markFree }));
    const res = inheritedPageAttribute(r, pageDict(r, 0).dict, 'Resources');
    expect(res).toBeInstanceOf(PdfDict);
    expect((res as PdfDict).get('ProcSet')).toEqual([PdfName.of('PDF'), PdfName.of('Text')]);
    expect(r.revisions[0]!.entries.get(4)).toMatchObject({ type: 'compressed', objStm: 5, index: 0 });
  });

  it('sees the hand-made update as a second revision with its own entries', () => {
    const c = cases[7]!;
    const r = PdfReader.open(c.bytes);
    expect([...r.revisions[1]!.entries.keys()].sort()).toEqual([0, 1, 7]);
    expect(r.catalog(0).has('Lang')).toBe(false);
    expect(r.catalog(1).get('Lang')).toBeInstanceOf(PdfString);
    expect(r.definingRevision(1, 0)).toBe(0);
    expect(r.definingRevision(1)).toBe(1);
    expect(r.objectNumbers(0)).not.toContain(7);
  });

  it('keeps existing /Annots on pages and finds widget pages', () => {
    const r = PdfReader.open(cases[0]!.bytes);
    const f = listFields(r)[0]!;
    expect(f.fullName).toBe('field0');
    expect(f.type).toBe('Tx');
    expect(f.widgets[0]!.pageRef?.equals(pageRefs(r)[0])).toBe(true);
    expect(f.widgets[0]!.rect).toEqual([49.5, 599.5, 250.5, 630.5]) // pdf-lib widens by half the border;
    const page1 = pageDict(r, 1).dict;
    expect(r.resolve(page1.get('Annots'))).toHaveLength(1);
  });
});

// pdf-lib's own name type, to query its parsed catalog.
import { PDFName } from 'pdf-lib';
function PdfLibName(s: string): PDFName {
  return PDFName.of(s);
}
