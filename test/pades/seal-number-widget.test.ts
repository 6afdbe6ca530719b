// The agency seal with the register number and date as a second (and third) widget of its own
// signature field: the signer's signature stays valid, our verifier names the change as the seal's
// appearance, and poppler (pdfsig, pdftotext) and qpdf agree.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { isDocaxisError } from '../../src/errors.js';
import { numberLine, placeDateLine } from '../../src/exchange/document-notation.js';
import { listFields } from '../../src/pdf/acroform.js';
import { PdfReader } from '../../src/pdf/reader.js';
import { sealLines } from '../../src/pades/appearance.js';
import { joinDocument } from '../../src/pades/complete.js';
import { signPdf } from '../../src/pades/sign.js';
import { verifyPdf } from '../../src/pades/verify.js';
import { PdfDict, PdfRef } from '../../src/pdf/objects.js';
import { FIXTURES_DIR, fixtureSigner, fontBytes, image, sampleLetter, trustedOptions } from '../support/fixtures.js';
import { appendUpdate, layout, ref, stream, withKeys, type UpdateObject } from './diff-helpers.js';
import { WHITE_BOX_AND_AMOUNT } from './overlay-helpers.js';
import { fixtureNssDb, pdfsig, qpdfCheck, tempDir, writeTemp } from '../support/oracles.js';

const SEAL_TIME = new Date('2026-12-07T03:15:00Z');
const NUMBER = numberLine(7, 'QĐ-UBND');
const DATE = placeDateLine('Thái Bình', SEAL_TIME);

let signed: Uint8Array;
let sealed: Uint8Array;
let fonts: Uint8Array;

async function seal(pdf: Uint8Array, extraWidgets: NonNullable<NonNullable<Parameters<typeof signPdf>[2]>['visible']>['extraWidgets'], fieldName = 'VanThu') {
  return joinDocument(
    await signPdf(pdf, fixtureSigner('seal-ubnd-thai-binh'), {
      fieldName,
      signingTime: SEAL_TIME,
      visible: {
        placement: { kind: 'over', field: 'ChuTich' },
        layout: 'seal',
        lines: sealLines({ signerName: 'Ủy ban nhân dân tỉnh Thái Bình', time: SEAL_TIME }),
        image: image('seal-ubnd-thai-binh'),
        fontBytes: fonts,
        ...(extraWidgets ? { extraWidgets } : {}),
      },
    }),
  );
}

beforeAll(async () => {
  fonts = await fontBytes();
  const letter = await sampleLetter();
  signed = joinDocument(
    await signPdf(letter.pdf, fixtureSigner('signer-nguyen-van-an'), {
      fieldName: 'ChuTich',
      visible: { placement: { kind: 'rect', ...letter.signerBox }, layout: 'signer', lines: [], image: image('handwritten-nguyen-van-an'), fontBytes: fonts },
    }),
  );
  // The number under the agency name (left column), the place and date on the right, as the letter lays them out.
  sealed = await seal(signed, [
    { placement: { kind: 'rect', page: 1, x: 60, y: 712, width: 180, height: 16 }, lines: [NUMBER], fontSize: 12, align: 'center' },
    { placement: { kind: 'rect', page: 1, x: 300, y: 712, width: 230, height: 16 }, lines: [DATE], fontSize: 11, align: 'center' },
  ]);
});

describe('the seal with the number widget', () => {
  it('is one field with three widgets on page 1, each with its own appearance', () => {
    const field = listFields(PdfReader.open(sealed)).find((f) => f.fullName === 'VanThu');
    expect(field?.type).toBe('Sig');
    expect(field?.widgets).toHaveLength(3);
    expect(field?.widgets.map((w) => w.rect?.[1])).toEqual([expect.any(Number), 712, 712]);
  });

  it('our verifier: both signatures valid, the change after the signer named as the seal’s widgets and appearance', () => {
    const report = verifyPdf(sealed, trustedOptions());
    expect(report.document.verdict, JSON.stringify(report.signatures.map((s) => [s.fieldName, s.indication, s.errors, s.modifications]))).toBe('valid');
    const [signer, agency] = report.signatures;
    expect(signer).toMatchObject({ fieldName: 'ChuTich', indication: 'TOTAL_PASSED', modifiedAfterSigning: 'allowed' });
    expect(agency).toMatchObject({ fieldName: 'VanThu', indication: 'TOTAL_PASSED', modifiedAfterSigning: 'none' });
    const allowed = signer!.modifications.allowed;
    expect(signer!.modifications.disallowed).toEqual([]);
    const kinds = allowed.map((m) => m.kind);
    expect(kinds).toContain('signature-added');
    expect(kinds).toContain('signature-field-added');
    // The main widget and the two text widgets: each named as a widget of the seal's field.
    const widgets = allowed.filter((m) => m.kind === 'signature-widget-added');
    expect(widgets).toHaveLength(3);
    expect(widgets.every((m) => m.description.includes('VanThu'))).toBe(true);
    expect(allowed.filter((m) => m.kind === 'signature-appearance').every((m) => m.description.includes('VanThu'))).toBe(true);
  });

  it('pdfsig: both valid and trusted; the signer’s covers all but the later revision; qpdf --check is clean', () => {
    const dir = tempDir();
    const file = writeTemp(dir, 'sealed-with-number.pdf', sealed);
    const sigs = pdfsig(file, fixtureNssDb());
    expect(sigs.map((s) => [s.field, s.validation])).toEqual([
      ['ChuTich', 'Signature is Valid.'],
      ['VanThu', 'Signature is Valid.'],
    ]);
    expect(sigs.every((s) => s.certificateTrusted)).toBe(true);
    expect(sigs.map((s) => s.totalDocumentSigned)).toEqual([false, true]);
    const q = qpdfCheck(file);
    expect(q.ok, q.output).toBe(true);
  });

  it('pdftotext shows the number and the date on page 1; the signed letter alone does not', () => {
    const dir = tempDir();
    const text = (bytes: Uint8Array, name: string) => execFileSync('pdftotext', ['-f', '1', '-l', '1', writeTemp(dir, name, bytes), '-'], { encoding: 'utf8' });
    const after = text(sealed, 'sealed.pdf');
    expect(after).toContain(NUMBER);
    expect(after).toContain(DATE);
    expect(text(signed, 'signed.pdf')).not.toContain(NUMBER);
  });

  it('the docaxis command line: VALID, the signer’s signature followed by allowed changes only (the seal’s widgets)', async () => {
    let out = '';
    const sink = new Writable({
      write: (c: Buffer, _e, cb) => {
        out += c.toString('utf8');
        cb();
      },
    });
    const trust = ['--trust', `${FIXTURES_DIR}trust-anchors.pem`, '--intermediate', `${FIXTURES_DIR}intermediates.pem`, '--crl', `${FIXTURES_DIR}crls.pem`];
    expect(await main(['verify', writeTemp(tempDir(), 'sealed.pdf', sealed), ...trust], sink, sink, {})).toBe(0);
    expect(out).toMatch(/: VALID/);
    expect(out).toMatch(/\[1\] ChuTich[\s\S]*after it: {2}allowed changes only \([^)]*signature-widget-added/);
  });

  it('pdftoppm: the number’s rectangle is blank on the signed letter and inked, centred, on the sealed one', () => {
    const dir = tempDir();
    // The number widget's rectangle (x 60..240, y 712..728 on an 841.89 pt page) at 72 dpi, as gray PGM.
    const ink = (bytes: Uint8Array, name: string, columns = 180): number => {
      const file = writeTemp(dir, `${name}.pdf`, bytes);
      execFileSync('pdftoppm', ['-f', '1', '-l', '1', '-r', '72', '-gray', '-x', '60', '-y', String(Math.round(841.89 - 728)), '-W', '180', '-H', '16', file, `${dir}/${name}`]);
      const pgm = readFileSync(`${dir}/${name}-1.pgm`);
      // P5 header: magic, width, height, maxval, each followed by whitespace; then the pixels.
      const header = /^P5\s+\d+\s+\d+\s+\d+\s/.exec(pgm.toString('latin1', 0, 40))![0].length;
      return [...pgm.subarray(header)].filter((v, i) => v < 128 && i % 180 < columns).length;
    };
    expect(ink(signed, 'signed')).toBe(0);
    expect(ink(sealed, 'sealed')).toBeGreaterThan(50);
    // Centred: the line (about 90 pt at 12 pt) leaves the first 30 pt of its 180 pt box blank.
    expect(ink(sealed, 'sealed-left', 30)).toBe(0);
  });

  it('refuses extra widgets on an existing field, and too many of them', async () => {
    const box = { placement: { kind: 'rect' as const, page: 1, x: 60, y: 712, width: 180, height: 16 }, lines: [NUMBER] };
    const onExisting = await seal(signed, [box], 'ChuTich').catch((e: unknown) => e);
    expect(isDocaxisError(onExisting, 'PDF_FIELD_EXISTS')).toBe(true);
    const tooMany = await seal(signed, Array.from({ length: 9 }, () => box)).catch((e: unknown) => e);
    expect(isDocaxisError(tooMany, 'SIG_APPEARANCE_INVALID')).toBe(true);
  });
});

/**
 * A new field with one kid widget that has no /Parent (as the seal's widgets have none), painting
 * a white box and a new amount over the signed text; `value` gives the field a /V.
 */
function parentlessKid(bytes: Uint8Array, type: 'Sig' | 'Tx'): Uint8Array {
  const l = layout(bytes);
  const n = l.next;
  const objs: UpdateObject[] = [
    { num: n, body: `<< /FT /${type} /T (Them) /Kids [${n + 1} 0 R] >>` },
    { num: n + 1, body: `<< /Type /Annot /Subtype /Widget /Rect [60 560 420 600] /F 4 /P ${l.pages[0]} /AP << /N ${n + 2} 0 R >> >>` },
    { num: n + 2, body: stream(`/Type /XObject /Subtype /Form /BBox [0 0 360 40] /Resources << /Font << /F1 ${n + 3} 0 R >> >>`, WHITE_BOX_AND_AMOUNT) },
    { num: n + 3, body: '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>' },
  ];
  const afEntry = l.catalog.get('AcroForm');
  const af = l.reader.resolve(afEntry) as PdfDict;
  const newAF = withKeys(af, { Fields: [...(l.reader.resolve(af.get('Fields')) as PdfRef[]), ref(n)] });
  if (afEntry instanceof PdfRef) objs.push({ num: afEntry.num, body: newAF });
  else objs.push({ num: l.root.num, body: withKeys(l.catalog, { AcroForm: newAF }) });
  const annots = l.page1.get('Annots');
  if (annots instanceof PdfRef) objs.push({ num: annots.num, body: [...(l.reader.resolve(annots) as PdfRef[]), ref(n + 1)] });
  else objs.push({ num: l.pages[0]!.num, body: withKeys(l.page1, { Annots: [...((annots as PdfRef[] | undefined) ?? []), ref(n + 1)] }) });
  return appendUpdate(bytes, objs);
}

describe('a kid widget without /Parent is allowed only as a widget of the signature made in its revision', () => {
  for (const type of ['Sig', 'Tx'] as const) {
    it(`an unsigned ${type} field whose Parent-less kid paints over the signed letter: disallowed`, () => {
      const report = verifyPdf(parentlessKid(signed, type), trustedOptions());
      const signer = report.signatures.find((x) => x.fieldName === 'ChuTich')!;
      expect(signer.modifiedAfterSigning).toBe('disallowed');
      expect(report.document.verdict).toBe('invalid');
    });
  }
});

describe('after the seal, its number widget is part of what it signed', () => {
  it('a later revision that repaints the number ("Số: 8/...") is a disallowed change for both signatures', () => {
    const reader = PdfReader.open(sealed);
    const field = listFields(reader).find((f) => f.fullName === 'VanThu')!;
    const numberWidget = field.widgets[1]!;
    const widget = reader.getObject(numberWidget.ref) as PdfDict;
    const l = layout(sealed);
    const n = l.next;
    const repainted = appendUpdate(sealed, [
      { num: n, body: stream(`/Type /XObject /Subtype /Form /BBox [0 0 180 16] /Resources << /Font << /F1 ${n + 1} 0 R >> >>`, '1 g 0 0 180 16 re f BT /F1 12 Tf 0 g 40 3 Td (So: 8/QD-UBND) Tj ET') },
      { num: n + 1, body: '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>' },
      { num: numberWidget.ref.num, body: withKeys(widget, { AP: new PdfDict([['N', ref(n)]]) }) },
    ]);
    const report = verifyPdf(repainted, trustedOptions());
    expect(report.document.verdict).toBe('invalid');
    for (const sig of report.signatures) {
      expect(sig.modifiedAfterSigning, `${sig.fieldName}: ${JSON.stringify(sig.modifications)}`).toBe('disallowed');
      // Named as the widget it is (the Parent-less widget has no field name of its own to show).
      expect(sig.modifications.disallowed.find((m) => m.object === numberWidget.ref.num)).toMatchObject({ kind: 'field-changed', description: expect.stringContaining('/AP') });
    }
  });
});
