// Form-filling rules (src/pades/diff/form.ts, appearance-update.ts) and the DSS rule: what PDFBox,
// iText and DSS do when they fill a form or sign (allowed since pyHanko and Adobe allow it), and
// the neighbouring changes that stay disallowed.
import { beforeAll, describe, expect, it } from 'vitest';
import { analyseModifications, type DiffResult } from '../../src/pades/diff/index.js';
import { PdfDict, PdfRef, PdfStream, PdfString } from '../../src/pdf/objects.js';
import { PdfReader } from '../../src/pdf/reader.js';
import { appendUpdate, layout, makeBase, ref, signatureUpdate, stream, withKeys, type Layout } from './diff-helpers.js';

const analyse = (bytes: Uint8Array, signed = 0): DiffResult => analyseModifications(PdfReader.open(bytes), signed);
const kinds = (mods: Array<{ kind: string }>): string[] => [...new Set(mods.map((m) => m.kind))].sort();

let form: Uint8Array;
let l: Layout;
let afRef: PdfRef;
let af: PdfDict;
let fieldRef: PdfRef;
let field: PdfDict;

beforeAll(async () => {
  form = await makeBase({ textField: true });
  l = layout(form);
  afRef = l.catalog.get('AcroForm') as PdfRef;
  af = l.reader.getObject(afRef) as PdfDict;
  fieldRef = (l.reader.resolve(af.get('Fields')) as PdfRef[])[0]!;
  field = l.reader.getObject(fieldRef) as PdfDict;
});

/** The normal appearance stream of the field's widget (pdf-lib writes the widget as a kid). */
function apStream(): PdfRef {
  const widget = l.reader.getObject((field.get('Kids') as PdfRef[])[0]!) as PdfDict;
  const ap = l.reader.resolve(widget.get('AP')) as PdfDict;
  return ap.get('N') as PdfRef;
}

describe('AcroForm changes that signing tools make', () => {
  it('allows /DA added and /DR gaining a resource; disallows a /DR font replaced', () => {
    const n = l.next;
    const withDr = appendUpdate(form, [
      { num: n, body: '<< /Type /Font /Subtype /Type1 /BaseFont /ZapfDingbats >>' },
      { num: afRef.num, body: withKeys(af, { DA: PdfString.fromLatin1('/Helv 0 Tf 0 g '), DR: new PdfDict([['Font', new PdfDict([['ZaDb', ref(n)]])]]) }) },
    ]);
    const added = analyse(withDr);
    expect(added.disallowed).toEqual([]);
    expect(kinds(added.allowed)).toEqual(['acroform-default-appearance', 'acroform-dr-font-added']);
    const af1 = PdfReader.open(withDr).getObject(afRef.num) as PdfDict;
    const more = analyse(appendUpdate(withDr, [{ num: afRef.num, body: withKeys(af1, { DR: new PdfDict([['Font', new PdfDict([['ZaDb', ref(n)]])], ['ColorSpace', new PdfDict()]]) }) }]), 1);
    expect(more.disallowed).toEqual([]);
    const replaced = analyse(appendUpdate(withDr, [{ num: afRef.num, body: withKeys(af1, { DR: new PdfDict([['Font', new PdfDict([['ZaDb', ref(4)]])]]) }) }]), 1);
    expect(kinds(replaced.disallowed)).toEqual(['acroform-changed']);
    const daChanged = analyse(appendUpdate(withDr, [{ num: afRef.num, body: withKeys(af1, { DA: PdfString.fromLatin1('/Helv 0 Tf 1 g ') }) }]), 1);
    expect(daChanged.disallowed).toEqual([]); // form filling may change it
  });

  it('allows /Fields reordered; disallows a field dropped', () => {
    const rev1 = appendUpdate(form, signatureUpdate(l, l.next));
    const af1 = PdfReader.open(rev1).getObject(afRef.num) as PdfDict;
    const fields = (af1.get('Fields') as PdfRef[]).slice().reverse();
    const r = analyse(appendUpdate(rev1, [{ num: afRef.num, body: withKeys(af1, { Fields: fields }) }]), 1);
    expect(r.disallowed).toEqual([]);
    expect(kinds(r.allowed)).toEqual(['acroform-fields-reordered']);
    const dropped = analyse(appendUpdate(rev1, [{ num: afRef.num, body: withKeys(af1, { Fields: fields.slice(1) }) }]), 1);
    expect(kinds(dropped.disallowed)).toEqual(['field-removed']);
  });
});

describe('a filled field whose appearance stream is rewritten in place (iText, PDFBox)', () => {
  it('is allowed with the value change, and not without it', () => {
    const ap = apStream();
    const old = l.reader.getObject(ap) as PdfStream;
    const rewritten = new PdfStream(old.dict, Buffer.from('/Tx BMC BT /Helv 12 Tf 2 5 Td (Nguyen Van A) Tj ET EMC'));
    const filled = analyse(appendUpdate(form, [
      { num: fieldRef.num, body: withKeys(field, { V: PdfString.fromText('Nguyen Van A') }) },
      { num: ap.num, body: rewritten },
    ]));
    expect(filled.disallowed).toEqual([]);
    expect(kinds(filled.allowed)).toEqual(['form-appearance', 'form-filled']);
    expect(filled.allowed.find((m) => m.kind === 'form-appearance')!.object).toBe(ap.num);
    // The same stream rewritten while the value stays: a change of what the page shows.
    const alone = analyse(appendUpdate(form, [{ num: ap.num, body: rewritten }]));
    expect(alone.disallowed.map((m) => m.object)).toEqual([ap.num]);
  });

  it('is disallowed when the stream is also page content (a shared object cannot be laundered)', () => {
    const ap = apStream();
    const old = l.reader.getObject(ap) as PdfStream;
    // Revision 1 makes the field's appearance stream also a content stream of page 1.
    const shared = appendUpdate(form, [{ num: l.pages[0]!.num, body: withKeys(l.page1, { Contents: [l.content1, ap] }) }]);
    const r = analyse(appendUpdate(shared, [
      { num: fieldRef.num, body: withKeys(field, { V: PdfString.fromText('x') }) },
      { num: ap.num, body: new PdfStream(old.dict, Buffer.from('1 g 0 0 595 842 re f')) },
    ]), 1);
    expect(r.disallowed.map((m) => m.object)).toContain(ap.num);
    expect(kinds(r.disallowed)).toContain('page-content-changed');
  });
});

describe('DSS and VRI', () => {
  it('allows VRI entries added to an existing DSS, and rejects a DSS rewrite of page content', () => {
    const n = l.next;
    const dss1 = appendUpdate(form, [
      { num: n, body: `<< /Certs [${n + 1} 0 R] /VRI ${n + 2} 0 R >>` },
      { num: n + 1, body: stream('', 'cert') },
      { num: n + 2, body: `<< /ABCDEF0123456789ABCDEF0123456789ABCDEF01 << /Cert [${n + 1} 0 R] >> >>` },
      { num: l.root.num, body: withKeys(l.catalog, { DSS: ref(n) }) },
    ]);
    const m = PdfReader.open(dss1).size;
    const dss2 = appendUpdate(dss1, [
      { num: m, body: stream('', 'ocsp') },
      { num: n + 2, body: `<< /ABCDEF0123456789ABCDEF0123456789ABCDEF01 << /Cert [${n + 1} 0 R] >> /1111111111111111111111111111111111111111 << /OCSP [${m} 0 R] >> >>` },
    ]);
    const r = analyse(dss2, 1);
    expect(r.disallowed).toEqual([]);
    expect(kinds(r.allowed)).toEqual(['dss-updated']);
    // A DSS that points at page 1's content stream does not make rewriting that stream an LTA update.
    const sneaky = appendUpdate(form, [
      { num: n, body: `<< /Certs [${l.content1}] >>` },
      { num: l.root.num, body: withKeys(l.catalog, { DSS: ref(n) }) },
    ]);
    const r2 = analyse(appendUpdate(sneaky, [{ num: l.content1.num, body: stream('', '1 g 0 0 595 842 re f') }]), 1);
    expect(kinds(r2.disallowed)).toEqual(['page-content-changed']);
  });
});
