// DocMDP and FieldMDP, end to end: certification and locking signatures made by hand (our signer
// writes neither), then what `signPdf`, `docaxis sign` and `verifyPdf` make of them. pdfsig is the
// oracle for the signatures' integrity; it does not judge DocMDP or FieldMDP (poppler 22 reports a
// signature valid whatever changed after it), so what it says is asserted as exactly that.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { isDocaxisError } from '../../src/errors.js';
import { joinDocument } from '../../src/pades/complete.js';
import { isLocked, readCertification } from '../../src/pades/diff/index.js';
import { signPdf } from '../../src/pades/sign.js';
import { verifyPdf } from '../../src/pades/verify.js';
import type { SignatureReport } from '../../src/pades/report.js';
import { PdfDict, PdfRef, PdfString } from '../../src/pdf/objects.js';
import { PdfReader } from '../../src/pdf/reader.js';
import { FIXTURES_DIR, P12_PASSWORD, fixtureSigner, trustedOptions } from '../support/fixtures.js';
import { fixtureNssDb, pdfsig, tempDir, writeTemp } from '../support/oracles.js';
import { appendUpdate, handSign, layout, makeBase, withKeys } from './diff-helpers.js';

const signer = fixtureSigner('signer-nguyen-van-an');
const seal = fixtureSigner('seal-ubnd-thai-binh');
let base: Uint8Array;
let certifiedP1: Uint8Array;
let certifiedP2: Uint8Array;
let dir: string;

beforeAll(async () => {
  base = await makeBase({ textField: true });
  certifiedP1 = await handSign(base, { signer, fieldName: 'Certification', docMdp: 1 });
  certifiedP2 = await handSign(base, { signer, fieldName: 'Certification', docMdp: 2 });
  dir = tempDir('docaxis-docmdp-');
});

function sig(bytes: Uint8Array, field: string): SignatureReport {
  const s = verifyPdf(bytes, trustedOptions()).signatures.find((x) => x.fieldName === field);
  if (!s) throw new Error(`no signature ${field}`);
  return s;
}

/** Fills the text field 'name' of the base document in a new revision. */
function fillName(bytes: Uint8Array, value: string): Uint8Array {
  const l = layout(bytes);
  const af = l.reader.resolve(l.catalog.get('AcroForm')) as PdfDict;
  const fields = l.reader.resolve(af.get('Fields')) as PdfRef[];
  const nameRef = fields.find((f) => (l.reader.getObject(f) as PdfDict).get('T') instanceof PdfString && ((l.reader.getObject(f) as PdfDict).get('T') as PdfString).text() === 'name')!;
  return appendUpdate(bytes, [{ num: nameRef.num, body: withKeys(l.reader.getObject(nameRef) as PdfDict, { V: PdfString.fromText(value) }) }]);
}

describe('DocMDP', () => {
  it('reads the certification: P=1 from the signature /Reference, and a hand-made certification verifies', () => {
    expect(readCertification(PdfReader.open(certifiedP1))?.permission).toBe(1);
    expect(readCertification(PdfReader.open(certifiedP2))?.permission).toBe(2);
    expect(readCertification(PdfReader.open(base))).toBeUndefined();
    const s = sig(certifiedP1, 'Certification');
    expect(s).toMatchObject({ indication: 'TOTAL_PASSED', modifiedAfterSigning: 'none' });
  });

  it('signPdf refuses a P=1 certified document with SIG_DOCMDP_LOCKED, and signs a P=2 one', async () => {
    const err = await signPdf(certifiedP1, seal, { fieldName: 'VanThu' }).catch((e: unknown) => e);
    expect(isDocaxisError(err, 'SIG_DOCMDP_LOCKED')).toBe(true);
    expect((err as Error).message).not.toContain('\n');
    expect((err as { category: string }).category).toBe('usage');
    const signed = joinDocument(await signPdf(certifiedP2, seal, { fieldName: 'VanThu' }));
    const cert = sig(signed, 'Certification');
    expect(cert.modifiedAfterSigning).toBe('allowed');
    expect(sig(signed, 'VanThu').indication).toBe('TOTAL_PASSED');
  });

  it('docaxis sign exits 2 with one line naming SIG_DOCMDP_LOCKED and writes nothing', async () => {
    const input = join(dir, 'certified-p1.pdf');
    const output = join(dir, 'out.pdf');
    writeFileSync(input, certifiedP1);
    let err = '';
    const sink = (f: (s: string) => void) =>
      new Writable({
        write(chunk: Buffer, _e, cb) {
          f(chunk.toString('utf8'));
          cb();
        },
      });
    const code = await main(
      ['sign', input, '-o', output, '--p12', `${FIXTURES_DIR}seal-ubnd-thai-binh.p12`, '--password-env', 'PW'],
      sink(() => undefined),
      sink((s) => (err += s)),
      { PW: P12_PASSWORD },
    );
    expect(code).toBe(2);
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).toContain('SIG_DOCMDP_LOCKED');
    const { existsSync } = await import('node:fs');
    expect(existsSync(output)).toBe(false);
  });

  it('a signature appended by hand to a P=1 document: disallowed for the certification, document invalid', async () => {
    const bytes = await handSign(certifiedP1, { signer: seal, fieldName: 'VanThu' });
    const report = verifyPdf(bytes, trustedOptions());
    const cert = report.signatures.find((s) => s.fieldName === 'Certification')!;
    const later = report.signatures.find((s) => s.fieldName === 'VanThu')!;
    expect(cert.indication).toBe('TOTAL_PASSED');
    expect(cert.modifiedAfterSigning).toBe('disallowed');
    expect(cert.modifications.disallowed.map((m) => m.kind)).toContain('signature-added');
    expect(cert.modifications.disallowed.find((m) => m.kind === 'signature-added')!.description).toMatch(/DocMDP P=1/);
    expect(later).toMatchObject({ indication: 'TOTAL_PASSED', modifiedAfterSigning: 'none' });
    expect(report.document.verdict).toBe('invalid');
    // The same appended signature after a P=2 certification is allowed.
    const p2 = await handSign(certifiedP2, { signer: seal, fieldName: 'VanThu' });
    expect(verifyPdf(p2, trustedOptions()).document.verdict).toBe('valid');
    const p = Object.fromEntries(pdfsig(writeTemp(dir, 'p1-plus-sig.pdf', bytes), fixtureNssDb()).map((x) => [x.field, x]));
    // pdfsig checks bytes only: both signatures valid, the certification not covering the file.
    expect(p['Certification']).toMatchObject({ signatureValid: true, totalDocumentSigned: false });
    expect(p['VanThu']).toMatchObject({ signatureValid: true, totalDocumentSigned: true });
  });

  it('form filling is disallowed after P=1 and allowed after P=2; a DSS is allowed after P=1', () => {
    expect(sig(fillName(certifiedP1, 'Nguyen Van A'), 'Certification').modifiedAfterSigning).toBe('disallowed');
    expect(sig(fillName(certifiedP2, 'Nguyen Van A'), 'Certification').modifiedAfterSigning).toBe('allowed');
    const l = layout(certifiedP1);
    const dss = appendUpdate(certifiedP1, [
      { num: l.next, body: `<< /Certs [${l.next + 1} 0 R] >>` },
      { num: l.next + 1, body: '<< /Length 4 >>\nstream\ncert\nendstream' },
      { num: l.root.num, body: withKeys(l.catalog, { DSS: new PdfRef(l.next, 0) }) },
    ]);
    expect(sig(dss, 'Certification').modifiedAfterSigning).toBe('allowed');
  });
});

describe('FieldMDP', () => {
  it('a locked field filled later is a disallowed field-locked change; an unlocked one is allowed', async () => {
    const include = await handSign(base, { signer, fieldName: 'Approval', lock: { action: 'Include', fields: ['name'] } });
    const locked = sig(fillName(include, 'Forged'), 'Approval');
    expect(locked.modifiedAfterSigning).toBe('disallowed');
    expect(locked.modifications.disallowed.map((m) => m.kind)).toEqual(['field-locked']);
    expect(locked.modifications.disallowed[0]!.description).toMatch(/'name' is locked/);
    const exclude = await handSign(base, { signer, fieldName: 'Approval', lock: { action: 'Exclude', fields: ['name'] } });
    expect(sig(fillName(exclude, 'Fine'), 'Approval').modifiedAfterSigning).toBe('allowed');
    const all = await handSign(base, { signer, fieldName: 'Approval', lock: { action: 'All' } });
    expect(sig(fillName(all, 'Forged'), 'Approval').modifiedAfterSigning).toBe('disallowed');
    // An invisible new signature changes no field: allowed even after /All.
    expect(sig(await handSign(all, { signer: seal, fieldName: 'VanThu' }), 'Approval').modifiedAfterSigning).toBe('allowed');
  });

  it('signing into an empty signature field a signature locks gives a warning, and verifies as field-locked', async () => {
    // An empty signature field 'VanThu', then an approval signature locking it.
    const l = layout(base);
    const n = l.next;
    const af = l.reader.resolve(l.catalog.get('AcroForm')) as PdfDict;
    const afRef = l.catalog.get('AcroForm') as PdfRef;
    const fields = l.reader.resolve(af.get('Fields')) as PdfRef[];
    const withEmpty = appendUpdate(base, [
      { num: n, body: `<< /FT /Sig /T (VanThu) /Type /Annot /Subtype /Widget /Rect [300 50 500 100] /F 4 /P ${l.pages[0]} >>` },
      { num: afRef.num, body: withKeys(af, { Fields: [...fields, new PdfRef(n, 0)] }) },
      { num: l.pages[0]!.num, body: withKeys(l.page1, { Annots: [...((l.page1.get('Annots') as PdfRef[] | undefined) ?? []), new PdfRef(n, 0)] }) },
    ]);
    const lockedDoc = await handSign(withEmpty, { signer, fieldName: 'Approval', lock: { action: 'Include', fields: ['VanThu'] } });
    const signed = await signPdf(lockedDoc, seal, { fieldName: 'VanThu' });
    expect(signed.warnings).toHaveLength(1);
    expect(signed.warnings[0]).toMatch(/'VanThu' is locked by the signature in 'Approval'/);
    const approval = sig(joinDocument(signed), 'Approval');
    expect(approval.modifications.disallowed.map((m) => m.kind)).toContain('field-locked');
    // No lock on the field: no warning.
    expect((await signPdf(withEmpty, seal, { fieldName: 'VanThu' })).warnings).toEqual([]);
    // docaxis sign prints the warning and still signs.
    const input = writeTemp(dir, 'locked.pdf', lockedDoc);
    const output = join(dir, 'locked-signed.pdf');
    let out = '';
    const capture = new Writable({
      write(chunk: Buffer, _e, cb) {
        out += chunk.toString('utf8');
        cb();
      },
    });
    const code = await main(['sign', input, '-o', output, '--p12', `${FIXTURES_DIR}seal-ubnd-thai-binh.p12`, '--password-env', 'PW', '--field', 'VanThu'], capture, capture, { PW: P12_PASSWORD });
    expect(code).toBe(0);
    expect(out).toMatch(/^warning: the field 'VanThu' is locked/m);
  });
});

describe('DocMDP and FieldMDP dictionaries', () => {
  it('a lock covers the named fields and their descendants; /Exclude the rest; /All everything', () => {
    expect(isLocked({ action: 'Include', fields: ['a.b'] }, 'a.b')).toBe(true);
    expect(isLocked({ action: 'Include', fields: ['a.b'] }, 'a.b.c')).toBe(true);
    expect(isLocked({ action: 'Include', fields: ['a.b'] }, 'a.bc')).toBe(false);
    expect(isLocked({ action: 'Exclude', fields: ['a'] }, 'a.x')).toBe(false);
    expect(isLocked({ action: 'Exclude', fields: ['a'] }, 'b')).toBe(true);
    expect(isLocked({ action: 'All', fields: [] }, 'anything')).toBe(true);
  });

  it('a /P other than 1, 2 or 3 reads as the strictest; no /P reads as 2', () => {
    const certify = (params: string): Uint8Array => {
      const l = layout(base);
      const n = l.next;
      return appendUpdate(base, [
        { num: n, body: `<< /Type /Sig /Filter /Adobe.PPKLite /ByteRange [0 1 2 3] /Contents <00> /Reference [<< /TransformMethod /DocMDP /TransformParams << ${params} >> >>] >>` },
        { num: l.root.num, body: withKeys(l.catalog, { Perms: new PdfDict([['DocMDP', new PdfRef(n, 0)]]) }) },
      ]);
    };
    expect(readCertification(PdfReader.open(certify('/P 7')))?.permission).toBe(1);
    expect(readCertification(PdfReader.open(certify('')))?.permission).toBe(2);
    expect(readCertification(PdfReader.open(certify('/P 3')))?.permission).toBe(3);
  });
});
