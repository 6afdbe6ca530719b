// The overlay attack ("hide and replace" shadow attacks, Mainka et al., USENIX Security 2021):
// after a valid signature, an incremental update adds an UNSIGNED field whose widget paints a
// white box and a new amount over the signed text. The verifier must call that a disallowed
// change; an unsigned field that paints nothing, and a signature's own widgets, stay allowed.
// pdfsig is the oracle for the signature's integrity only: it checks the signed bytes and cannot
// judge what a later revision shows (it reports the signature valid, not covering the file).
import { Writable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { joinDocument } from '../../src/pades/complete.js';
import { analyseModifications } from '../../src/pades/diff/index.js';
import { contentPaintsNothing } from '../../src/pades/diff/paints.js';
import { signPdf } from '../../src/pades/sign.js';
import { verifyPdf } from '../../src/pades/verify.js';
import { PdfDict, PdfRef } from '../../src/pdf/objects.js';
import { PdfReader } from '../../src/pdf/reader.js';
import { FIXTURES_DIR, fixtureSigner, sampleLetter, trustedOptions } from '../support/fixtures.js';
import { fixtureNssDb, pdfsig, tempDir, writeTemp } from '../support/oracles.js';
import { appendUpdate, layout, makeBase, ref, stream, withKeys } from './diff-helpers.js';
import { WHITE_BOX_AND_AMOUNT, addField, type FieldSpec } from './overlay-helpers.js';


let signed: Uint8Array;
let dir: string;

beforeAll(async () => {
  const letter = await sampleLetter();
  signed = joinDocument(await signPdf(letter.pdf, fixtureSigner('signer-nguyen-van-an'), { fieldName: 'ChuTich' }));
  dir = tempDir('docaxis-overlay-');
});


function chairman(bytes: Uint8Array) {
  const report = verifyPdf(bytes, trustedOptions());
  return { report, sig: report.signatures.find((s) => s.fieldName === 'ChuTich')! };
}

const kinds = (mods: ReadonlyArray<{ kind: string }>): string[] => [...new Set(mods.map((m) => m.kind))].sort();

describe('overlay after signing', () => {
  it('an unsigned signature field painting a white box and a new amount: disallowed, document invalid', async () => {
    const attacked = addField(signed, { appearance: WHITE_BOX_AND_AMOUNT });
    const { report, sig } = chairman(attacked);
    expect(sig.indication).toBe('TOTAL_PASSED');
    expect(sig.modifiedAfterSigning).toBe('disallowed');
    expect(kinds(sig.modifications.disallowed)).toContain('unsigned-field-appearance');
    const overlay = sig.modifications.disallowed.find((m) => m.kind === 'unsigned-field-appearance')!;
    expect(overlay.description).toMatch(/'VanThu' is not signed but its appearance paints/);
    expect(overlay.object).toBe(layout(signed).next);
    expect(report.document.verdict).toBe('invalid');

    // The command line exits 1 on it.
    const file = writeTemp(dir, 'overlay.pdf', attacked);
    const sink = new Writable({ write: (_c, _e, cb) => cb() });
    const trust = ['--trust', `${FIXTURES_DIR}trust-anchors.pem`, '--intermediate', `${FIXTURES_DIR}intermediates.pem`, '--crl', `${FIXTURES_DIR}crls.pem`];
    expect(await main(['verify', file, ...trust], sink, sink, {})).toBe(1);
    expect(await main(['verify', writeTemp(dir, 'signed.pdf', signed), ...trust], sink, sink, {})).toBe(0);

    // pdfsig judges the signed bytes only: valid, and not covering the whole file.
    // It lists the new field as "not signed", and says nothing of what its widget paints.
    const p = pdfsig(file, fixtureNssDb());
    expect(p.map((x) => x.field)).toEqual(['ChuTich', 'VanThu']);
    expect(p[0]).toMatchObject({ signatureValid: true, totalDocumentSigned: false });
    expect(p[1]!.signatureValid).toBe(false);
  });

  it('an unsigned field that paints nothing (no /AP, an empty or no-op stream, hidden) stays allowed', () => {
    for (const spec of [{}, { appearance: '' }, { appearance: 'q 1 0 0 1 0 0 cm 0 0 10 10 re W n Q' }, { appearance: WHITE_BOX_AND_AMOUNT, flags: 2 | 4 }] as FieldSpec[]) {
      const { report, sig } = chairman(addField(signed, spec));
      expect(sig.modifications.disallowed, JSON.stringify(spec)).toEqual([]);
      expect(sig.modifiedAfterSigning).toBe('allowed');
      expect(report.document.verdict).toBe('valid');
    }
  });

  it('a new text field painting over the page is disallowed too', () => {
    const { sig } = chairman(addField(signed, { type: 'Tx', appearance: WHITE_BOX_AND_AMOUNT }));
    expect(sig.modifiedAfterSigning).toBe('disallowed');
    expect(kinds(sig.modifications.disallowed)).toEqual(expect.arrayContaining(['field-added']));
  });

  it('a new field whose /V points at the earlier signature is not signed here: its widget may not paint', () => {
    // The signed letter's only field holds the chairman's signature.
    const reader = PdfReader.open(signed);
    const afDict = reader.resolve(reader.catalog().get('AcroForm')) as PdfDict;
    const first = reader.getObject((reader.resolve(afDict.get('Fields')) as PdfRef[])[0]!) as PdfDict;
    const v = first.get('V') as PdfRef;
    const { sig } = chairman(addField(signed, { appearance: WHITE_BOX_AND_AMOUNT, extra: ` /V ${v}` }));
    expect(kinds(sig.modifications.disallowed)).toContain('unsigned-field-appearance');
  });

  it('an empty signature field given a painting appearance later, without being signed: disallowed', () => {
    const withEmpty = addField(signed, {});
    const fieldNum = layout(signed).next; // addField numbers the field first
    const field = PdfReader.open(withEmpty).getObject(fieldNum) as PdfDict;
    expect(chairman(withEmpty).sig.modifications.disallowed).toEqual([]);
    const n = layout(withEmpty).next;
    const painted = appendUpdate(withEmpty, [
      { num: n, body: stream('/Type /XObject /Subtype /Form /BBox [0 0 360 40]', '1 g 0 0 360 40 re f') },
      { num: fieldNum, body: withKeys(field, { AP: new PdfDict([['N', ref(n)]]) }) },
    ]);
    const { sig } = chairman(painted);
    expect(kinds(sig.modifications.disallowed)).toContain('unsigned-field-appearance');
    // Given an appearance that paints nothing, it stays allowed.
    const blank = appendUpdate(withEmpty, [
      { num: n, body: stream('/Type /XObject /Subtype /Form /BBox [0 0 360 40]', '') },
      { num: fieldNum, body: withKeys(field, { AP: new PdfDict([['N', ref(n)]]) }) },
    ]);
    expect(chairman(blank).sig.modifications.disallowed).toEqual([]);
  });
});

describe("a signature's own widgets", () => {
  it('may paint, one or more, on any page, in the revision that applies the signature', async () => {
    const base = await makeBase({ pages: 2 });
    const l = layout(base);
    const n = l.next;
    const page2 = l.reader.getObject(l.pages[1]!) as PdfDict;
    // One field with a widget on each page, both painting; signed (with /V) or left unsigned.
    const twoWidgetField = (signed: boolean) =>
      appendUpdate(base, [
        ...(signed ? [{ num: n, body: `<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /ByteRange [0 1 2 3] /Contents <00> >>` }] : []),
        { num: n + 1, body: `<< /FT /Sig /T (Seal)${signed ? ` /V ${n} 0 R` : ''} /Kids [${n + 2} 0 R ${n + 3} 0 R] >>` },
        { num: n + 2, body: `<< /Type /Annot /Subtype /Widget /Parent ${n + 1} 0 R /Rect [50 50 250 100] /F 4 /P ${l.pages[0]} /AP << /N ${n + 4} 0 R >> >>` },
        { num: n + 3, body: `<< /Type /Annot /Subtype /Widget /Parent ${n + 1} 0 R /Rect [50 50 250 100] /F 4 /P ${l.pages[1]} /AP << /N ${n + 4} 0 R >> >>` },
        { num: n + 4, body: stream('/Type /XObject /Subtype /Form /BBox [0 0 200 50]', '1 0 0 rg 0 0 200 50 re f') },
        { num: n + 5, body: `<< /Fields [${n + 1} 0 R] /SigFlags 3 >>` },
        { num: l.root.num, body: withKeys(l.catalog, { AcroForm: ref(n + 5) }) },
        { num: l.pages[0]!.num, body: withKeys(l.page1, { Annots: [ref(n + 2)] }) },
        { num: l.pages[1]!.num, body: withKeys(page2, { Annots: [ref(n + 3)] }) },
      ]);
    const r = analyseModifications(PdfReader.open(twoWidgetField(true)), 0);
    expect(r.disallowed).toEqual([]);
    expect(kinds(r.allowed)).toEqual(expect.arrayContaining(['signature-widget-added', 'signature-appearance', 'page-annots-extended']));
    // The same field left unsigned (no /V): both painting widgets are disallowed.
    const unsigned = twoWidgetField(false);
    const u = analyseModifications(PdfReader.open(unsigned), 0);
    const overlays = u.disallowed.filter((m) => m.kind === 'unsigned-field-appearance').map((m) => m.object);
    expect(overlays).toEqual(expect.arrayContaining([n + 2, n + 3])); // both widgets (and their stream)
  });
});

describe('what paints', () => {
  it.each([
    ['', true],
    ['q Q', true],
    ['% a comment only\n', true],
    ['/Tx BMC EMC', true],
    ['0 0 10 10 re W n', true],
    ['1 g 0 0 10 10 re f', false],
    ['0 0 m 10 10 l S', false],
    ['BT /F1 12 Tf (x) Tj ET', false],
    ['BT [(x)] TJ ET', false],
    ['/Im1 Do', false],
    ['/Sh1 sh', false],
    ['BI /W 1 /H 1 ID x EI', false],
    ['q 1 0 0 1 0 0 cm unknownop Q', false],
    ['(unterminated', false],
  ])('%j paints nothing: %s', (content, expected) => {
    expect(contentPaintsNothing(Buffer.from(content, 'latin1'))).toBe(expected);
  });
});
