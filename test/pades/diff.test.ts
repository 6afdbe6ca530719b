import { beforeAll, describe, expect, it } from 'vitest';
import { PdfReader } from '../../src/pdf/reader.js';
import { PdfDict, PdfName, PdfRef, PdfStream, PdfString } from '../../src/pdf/objects.js';
import { IncrementalWriter, concatUpdate } from '../../src/pdf/writer.js';
import { analyseModifications } from '../../src/pades/diff/index.js';
import type { DiffResult } from '../../src/pades/diff/index.js';
import { appendUpdate, contentStreamOf, layout, makeBase, ref, signatureUpdate, stream, withKeys } from './diff-helpers.js';
import type { UpdateObject } from './diff-helpers.js';

/** Analyses, and checks that no description names an object number (that is what `object` is for). */
function analyse(bytes: Uint8Array, signed = 0, docMdpPermission?: 1 | 2 | 3): DiffResult {
  const reader = PdfReader.open(bytes);
  const r = analyseModifications(reader, signed, docMdpPermission ? { docMdpPermission } : {});
  for (const m of [...r.allowed, ...r.disallowed]) expect(m.description, m.kind).not.toMatch(/\bobj(?:ect)?s? \d|\b\d+ \d+ R\b/i);
  return r;
}

const kinds = (mods: Array<{ kind: string }>): string[] => [...new Set(mods.map((m) => m.kind))].sort();

let plain: Uint8Array;
let objStm: Uint8Array;
let annotated: Uint8Array;
let annotatedIndirect: Uint8Array;

beforeAll(async () => {
  plain = await makeBase();
  objStm = await makeBase({ objectStreams: true });
  annotated = await makeBase({ annotation: true });
  annotatedIndirect = await makeBase({ annotation: 'indirect' });
});

describe.each([
  ['classic xref table', 'table' as const, () => plain],
  ['object streams + xref stream update', 'stream' as const, () => objStm],
])('difference analysis on a base with %s', (_label, xref, base) => {
  it('reports none when no revision follows the signed one', () => {
    const r = analyse(base());
    expect(r).toEqual({ level: 'none', allowed: [], disallowed: [] });
  });

  it('allows a new visible signature, explaining every object it adds', () => {
    const l = layout(base());
    const objs = signatureUpdate(l, l.next);
    const r = analyse(appendUpdate(base(), objs, { xref }));
    expect(r.disallowed).toEqual([]);
    expect(r.level).toBe('allowed');
    const explained = new Set(r.allowed.map((m) => m.object));
    for (const o of objs) expect(explained, `object ${o.num}`).toContain(o.num);
    expect(kinds(r.allowed)).toEqual(
      expect.arrayContaining(['signature-added', 'signature-field-added', 'signature-appearance', 'acroform-fields-extended', 'page-annots-extended']),
    );
    if (xref === 'stream') expect(kinds(r.allowed)).toContain('xref-stream');
  });

  it('allows a DSS, and a later DSS update', () => {
    const l = layout(base());
    const n = l.next;
    const dss1 = appendUpdate(
      base(),
      [
        { num: n, body: `<< /Certs [${n + 1} 0 R] /VRI ${n + 2} 0 R >>` },
        { num: n + 1, body: stream('', 'certificate bytes') },
        { num: n + 2, body: `<< /ABCDEF << /Cert [${n + 1} 0 R] >> >>` },
        { num: l.root.num, body: withKeys(l.catalog, { DSS: ref(n) }) },
      ],
      { xref },
    );
    const r1 = analyse(dss1);
    expect(r1.level).toBe('allowed');
    expect(kinds(r1.allowed)).toEqual(['dss-added', ...(xref === 'stream' ? ['xref-stream'] : [])]);
    const m = n + (xref === 'stream' ? 4 : 3);
    const dss2 = appendUpdate(
      dss1,
      [
        { num: n, body: `<< /Certs [${n + 1} 0 R] /VRI ${n + 2} 0 R /CRLs [${m} 0 R] >>` },
        { num: m, body: stream('', 'crl bytes') },
      ],
      { xref },
    );
    const r2 = analyse(dss2, 1);
    expect(r2.level).toBe('allowed');
    expect(kinds(r2.allowed)).toContain('dss-updated');
    // A DSS update is allowed even under DocMDP P=1.
    expect(analyse(dss2, 0, 1).level).toBe('allowed');
  });

  it('flags a replaced page content stream', () => {
    const l = layout(base());
    const old = contentStreamOf(l);
    const r = analyse(appendUpdate(base(), [{ num: l.content1.num, body: new PdfStream(old.dict, Buffer.from('BT /F1 12 Tf 50 800 Td (Forged) Tj ET')) }], { xref }));
    expect(r.level).toBe('disallowed');
    expect(r.disallowed.map((m) => m.kind)).toEqual(['page-content-changed']);
    expect(r.disallowed[0]!.object).toBe(l.content1.num);
  });

  it('flags a new /Contents array on a page', () => {
    const l = layout(base());
    const n = l.next;
    const r = analyse(
      appendUpdate(base(), [
        { num: n, body: stream('', '0 0 1 rg 0 0 595 842 re f') },
        { num: l.pages[0]!.num, body: withKeys(l.page1, { Contents: [l.content1, ref(n)] }) },
      ], { xref }),
    );
    expect(r.level).toBe('disallowed');
    expect(kinds(r.disallowed)).toEqual(['object-added', 'page-content-changed']);
    expect(r.disallowed.find((m) => m.kind === 'page-content-changed')!.description).toMatch(/page 1/);
  });

  it('flags a page added to the page tree', () => {
    const l = layout(base());
    const n = l.next;
    const pages = l.reader.getObject(l.pagesRef) as PdfDict;
    const kids = l.reader.resolve(pages.get('Kids')) as unknown[];
    const r = analyse(
      appendUpdate(base(), [
        { num: n, body: withKeys(l.page1, { Annots: undefined }) },
        { num: l.pagesRef.num, body: withKeys(pages, { Kids: [...(kids as never[]), ref(n)], Count: kids.length + 1 }) },
      ], { xref }),
    );
    expect(r.level).toBe('disallowed');
    expect(kinds(r.disallowed)).toEqual(['page-tree-changed']);
    expect(r.disallowed.map((m) => m.object).sort()).toEqual([l.pagesRef.num, n].sort());
  });

  it('flags a FreeText annotation, allowed only under DocMDP P=3', () => {
    const l = layout(base());
    const n = l.next;
    const bytes = appendUpdate(base(), [
      { num: n, body: `<< /Type /Annot /Subtype /FreeText /Rect [100 100 300 150] /Contents (Approved) /DA (/Helv 12 Tf 0 g) /AP << /N ${n + 1} 0 R >> >>` },
      { num: n + 1, body: stream('/Type /XObject /Subtype /Form /BBox [0 0 200 50]', 'BT ET') },
      { num: l.pages[0]!.num, body: withKeys(l.page1, { Annots: [ref(n)] }) },
    ], { xref });
    const r = analyse(bytes);
    expect(r.level).toBe('disallowed');
    expect(kinds(r.disallowed)).toEqual(['annotation-added']);
    const r3 = analyse(bytes, 0, 3);
    expect(r3.level).toBe('allowed');
    expect(r3.disallowed).toEqual([]);
    expect(new Set(r3.allowed.map((m) => m.object))).toContain(n + 1);
  });

  it('flags a catalog /OpenAction', () => {
    const l = layout(base());
    const r = analyse(appendUpdate(base(), [{ num: l.root.num, body: withKeys(l.catalog, { OpenAction: [l.pages[1]!, PdfName.of('Fit')] }) }], { xref }));
    expect(r.level).toBe('disallowed');
    expect(r.disallowed.map((m) => m.kind)).toEqual(['catalog-changed']);
    expect(r.disallowed[0]!.description).toMatch(/OpenAction/);
  });

  it('allows an /Info change as metadata-info', () => {
    const l = layout(base());
    expect(l.info).toBeDefined();
    const info = l.reader.getObject(l.info!) as PdfDict;
    const r = analyse(appendUpdate(base(), [{ num: l.info!.num, body: withKeys(info, { Title: PdfString.fromText('Changed title') }) }], { xref }));
    expect(r.level).toBe('allowed');
    expect(r.allowed.filter((m) => m.kind !== 'xref-stream').map((m) => m.kind)).toEqual(['metadata-info']);
    expect(r.allowed.find((m) => m.kind === 'metadata-info')!.description).toMatch(/Title/);
  });

  it('ignores objects redefined identically', () => {
    const l = layout(base());
    const r = analyse(
      appendUpdate(base(), [
        { num: l.pages[0]!.num, body: l.page1 },
        { num: l.content1.num, body: contentStreamOf(l) },
        { num: l.root.num, body: l.catalog },
      ], { xref }),
    );
    expect(r.level).toBe('none');
    expect(r.disallowed).toEqual([]);
    expect(r.allowed.filter((m) => m.kind !== 'xref-stream')).toEqual([]);
  });

  it('disallows a new signature under DocMDP P=1, but allows a document timestamp', () => {
    const l = layout(base());
    const sig = analyse(appendUpdate(base(), signatureUpdate(l, l.next), { xref }), 0, 1);
    expect(sig.level).toBe('disallowed');
    expect(kinds(sig.disallowed)).toEqual(expect.arrayContaining(['signature-added', 'signature-field-added', 'page-annots-extended']));
    const ts = analyse(appendUpdate(base(), signatureUpdate(l, l.next, { docTimeStamp: true }), { xref }), 0, 1);
    expect(ts.disallowed).toEqual([]);
    expect(kinds(ts.allowed)).toContain('document-timestamp-added');
  });
});

describe('difference analysis: annotations', () => {
  it('flags a changed /Rect of an existing annotation (allowed under P=3)', () => {
    const l = layout(annotated);
    const annotRef = (l.page1.get('Annots') as PdfRef[])[0]!;
    const annot = l.reader.getObject(annotRef) as PdfDict;
    const bytes = appendUpdate(annotated, [{ num: annotRef.num, body: withKeys(annot, { Rect: [400, 700, 420, 720] }) }]);
    const r = analyse(bytes);
    expect(r.level).toBe('disallowed');
    expect(r.disallowed.map((m) => m.kind)).toEqual(['annotation-changed']);
    expect(r.disallowed[0]!.description).toMatch(/\/Rect/);
    expect(analyse(bytes, 0, 3).level).toBe('allowed');
  });

  it('allows a signature widget appended after an existing annotation (direct and indirect /Annots)', () => {
    for (const base of [annotated, annotatedIndirect]) {
      const l = layout(base);
      const r = analyse(appendUpdate(base, signatureUpdate(l, l.next)));
      expect(r.disallowed).toEqual([]);
      expect(kinds(r.allowed)).toContain('page-annots-extended');
    }
  });

  it('flags a removed annotation', () => {
    const l = layout(annotated);
    const r = analyse(appendUpdate(annotated, [{ num: l.pages[0]!.num, body: withKeys(l.page1, { Annots: [] }) }]));
    expect(r.disallowed.map((m) => m.kind)).toEqual(['annotation-removed']);
    expect(analyse(appendUpdate(annotated, [{ num: l.pages[0]!.num, body: withKeys(l.page1, { Annots: [] }) }]), 0, 3).level).toBe('allowed');
  });
});

describe('difference analysis: fields, deletions, orphans', () => {
  it('allows signing an empty signature field created in an earlier revision', () => {
    const l = layout(plain);
    const n = l.next;
    const rev1 = appendUpdate(plain, signatureUpdate(l, n, { value: false }).filter((o) => o.num !== n));
    const field = PdfReader.open(rev1).getObject(n + 1) as PdfDict;
    const rev2 = appendUpdate(rev1, [
      { num: n, body: `<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /ByteRange [0 1 2 3] /Contents <00> >>` },
      { num: n + 1, body: withKeys(field, { V: ref(n) }) },
    ]);
    const r = analyse(rev2, 1);
    expect(r.disallowed).toEqual([]);
    expect(kinds(r.allowed)).toEqual(['signature-added', 'signature-field-filled']);
    // Re-signing an already signed field is not allowed.
    const rev3 = appendUpdate(rev2, [{ num: n + 1, body: withKeys(field, { V: ref(n + 50) }) }]);
    expect(analyse(rev3, 2).disallowed.map((m) => m.kind)).toEqual(['annotation-changed']);
  });

  it('allows a signature added to an existing AcroForm that gains a /DR font', async () => {
    const base = await makeBase({ textField: true });
    const l = layout(base);
    const r = analyse(appendUpdate(base, signatureUpdate(l, l.next)));
    expect(r.disallowed).toEqual([]);
    expect(kinds(r.allowed)).toEqual(
      expect.arrayContaining(['acroform-dr-font-added', 'acroform-fields-extended', 'acroform-sigflags', 'object-added-unreferenced']),
    );
    expect(r.allowed.find((m) => m.kind === 'object-added-unreferenced')!.object).toBe(l.next + 6);
  });

  it('allows filling a text field (form-filled), not a read-only one', async () => {
    const base = await makeBase({ textField: true });
    const l = layout(base);
    const fields = l.reader.resolve((l.reader.resolve(l.catalog.get('AcroForm')) as PdfDict).get('Fields')) as unknown[];
    const fieldRef = fields[0] as PdfRef;
    const field = l.reader.getObject(fieldRef) as PdfDict;
    const fill = (d: PdfDict): UpdateObject[] => [{ num: fieldRef.num, body: d }];
    const r = analyse(appendUpdate(base, fill(withKeys(field, { V: PdfString.fromText('Nguyen Van A') }))));
    expect(r.disallowed).toEqual([]);
    expect(kinds(r.allowed)).toEqual(['form-filled']);
    expect(analyse(appendUpdate(base, fill(withKeys(field, { V: PdfString.fromText('x') }))), 0, 1).level).toBe('disallowed');
    const ro = withKeys(field, { Ff: 1 });
    const base2 = appendUpdate(base, fill(ro));
    // Setting the read-only flag alone is what a locking signature does: allowed, but not filling.
    expect(analyse(base2).disallowed).toEqual([]);
    expect(analyse(appendUpdate(base, fill(withKeys(field, { Ff: 4096 }))), 0).level).toBe('disallowed');
    const r2 = analyse(appendUpdate(base2, fill(withKeys(ro, { V: PdfString.fromText('x') }))), 1);
    expect(r2.disallowed[0]!.description).toMatch(/read-only/);
  });

  it('flags a freed content stream, allows a freed unused object, lists orphans as allowed', () => {
    const l = layout(plain);
    const freed = analyse(appendUpdate(plain, [], { free: [l.content1.num] }));
    expect(freed.disallowed.map((m) => m.kind)).toEqual(['object-deleted']);
    const n = l.next;
    const orphanRev = appendUpdate(plain, [{ num: n, body: '<< /Foo (bar) >>' }]);
    const orphan = analyse(orphanRev);
    expect(orphan.level).toBe('allowed');
    expect(orphan.allowed.map((m) => m.kind)).toEqual(['object-added-unreferenced']);
    expect(analyse(appendUpdate(orphanRev, [], { free: [n] }), 1).allowed.map((m) => m.kind)).toEqual(['object-deleted']);
  });

  it('flags an object that fills a reference the signed revision could not resolve', () => {
    const l = layout(plain);
    const rev1 = appendUpdate(plain, [{ num: l.pages[0]!.num, body: withKeys(l.page1, { Contents: [l.content1, ref(999)] }) }]);
    const r = analyse(appendUpdate(rev1, [{ num: 999, body: stream('', '1 0 0 rg 0 0 595 842 re f') }]), 1);
    expect(r.disallowed.map((m) => m.kind)).toEqual(['page-content-changed']);
    expect(r.disallowed[0]!.description).toMatch(/page 1 referred to an object that was missing/);
  });

  it('flags a non-signature field and a /Perms change', () => {
    const l = layout(plain);
    const n = l.next;
    const r = analyse(
      appendUpdate(plain, [
        { num: n, body: `<< /FT /Tx /T (extra) /Type /Annot /Subtype /Widget /Rect [0 0 10 10] /P ${l.pages[0]} >>` },
        { num: n + 1, body: `<< /Fields [${n} 0 R] >>` },
        { num: l.root.num, body: withKeys(l.catalog, { AcroForm: ref(n + 1), Perms: new PdfDict([['DocMDP', ref(n + 2)]]) }) },
        { num: l.pages[0]!.num, body: withKeys(l.page1, { Annots: [ref(n)] }) },
      ]),
    );
    expect(r.level).toBe('disallowed');
    expect(kinds(r.disallowed)).toEqual(['annotation-added', 'catalog-changed', 'field-added']);
  });

  it('agrees on an update written by our IncrementalWriter', () => {
    const reader = PdfReader.open(objStm);
    const l = layout(objStm);
    const w = new IncrementalWriter(reader);
    const dss = w.allocateRef();
    const cert = w.allocateRef();
    w.set(cert, new PdfStream(new PdfDict(), Buffer.from('cert')));
    w.set(dss, new PdfDict([['Certs', [cert]]]));
    w.set(l.root, withKeys(l.catalog, { DSS: dss }));
    const r = analyse(concatUpdate(w.write()));
    expect(r.disallowed).toEqual([]);
    expect(kinds(r.allowed).filter((k) => k !== 'xref-stream' && k !== 'object-stream')).toEqual(['dss-added']);
  });
});

describe('difference analysis: performance', () => {
  it('stays cheap on a 1,000-page document', async () => {
    const base = await makeBase({ pages: 1000, objectStreams: true });
    const l = layout(base);
    const bytes = appendUpdate(base, signatureUpdate(l, l.next), { xref: 'stream' });
    const t0 = performance.now();
    const reader = PdfReader.open(bytes);
    const t1 = performance.now();
    const r = analyseModifications(reader, 0);
    const t2 = performance.now();
    const r2 = analyseModifications(reader, 0);
    const t3 = performance.now();
    // Printed, not asserted: timings depend on the machine.
    console.log(
      `[diff perf] 1000 pages, ${reader.size} objects, ${bytes.length} bytes: open ${(t1 - t0).toFixed(1)} ms, ` +
        `analyse ${(t2 - t1).toFixed(1)} ms (again, warm: ${(t3 - t2).toFixed(1)} ms), level ${r.level}`,
    );
    expect(r.level).toBe('allowed');
    expect(r2).toEqual(r);
    const forged = appendUpdate(base, [{ num: l.content1.num, body: new PdfStream(contentStreamOf(l).dict, Buffer.from('BT ET')) }], { xref: 'stream' });
    const fr = PdfReader.open(forged);
    const t4 = performance.now();
    const f = analyseModifications(fr, 0);
    console.log(`[diff perf] 1000 pages, forged content (builds the page index): ${(performance.now() - t4).toFixed(1)} ms, level ${f.level}`);
    expect(f.level).toBe('disallowed');
  });
});
