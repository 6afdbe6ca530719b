// The tampering matrix: the sample letter signed by the chairman and sealed by the agency (both
// PAdES B-T), then attacked one way per test. Each row asserts our document verdict, the affected
// signature's indication/sub-indication and modification kinds, and what poppler's pdfsig says.
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyPdf, type VerifyOptions } from '../../src/pades/verify.js';
import type { SignatureReport, VerificationReport } from '../../src/pades/report.js';
import { listFields } from '../../src/pdf/acroform.js';
import { PdfDict, PdfRef, PdfString } from '../../src/pdf/objects.js';
import { PdfReader } from '../../src/pdf/reader.js';
import { fixtureTimestamper, trustedOptions } from '../support/fixtures.js';
import { fixtureNssDb, pdfsig, tempDir, writeTemp, type PdfsigSignature } from '../support/oracles.js';
import {
  CHAIRMAN_FIELD,
  SEAL_FIELD,
  addAnnotation,
  addSignature,
  changePageContent,
  appendRevision,
  lastByteRange,
  nextObjectNumber,
  page1,
  removeField,
  rewriteLastByteRange,
  signWithOpensslSha1,
  signedLetter,
  streamBody,
  type SignedLetter,
} from './support-tamper.js';

/** Kinds the addition of a later signature may explain (ISO 32000-2 §12.8.2.2: allowed). */
const SIGNING_KINDS = ['acroform-fields-extended', 'page-annots-extended', 'signature-added', 'signature-appearance', 'signature-field-added'];

let s: SignedLetter;
let nss: string;
let emptyNss: string;
let dir: string;
let n = 0;

beforeAll(async () => {
  s = await signedLetter();
  nss = fixtureNssDb();
  emptyNss = tempDir('docaxis-nss-empty-');
  // An NSS database that trusts nothing, for the "no trust anchors" row.
  const { execFileSync } = await import('node:child_process');
  execFileSync('certutil', ['-N', '-d', `sql:${emptyNss}`, '--empty-password']);
  dir = tempDir('docaxis-tamper-');
});

interface Checked {
  report: VerificationReport;
  sig(field: string): SignatureReport;
  poppler(db?: string): Record<string, PdfsigSignature>;
}

function check(bytes: Uint8Array, options: VerifyOptions = trustedOptions()): Checked {
  const report = verifyPdf(bytes, options);
  const file = writeTemp(dir, `case-${++n}.pdf`, bytes);
  return {
    report,
    sig(field) {
      const found = report.signatures.find((x) => x.fieldName === field);
      if (!found) throw new Error(`no signature ${field} in the report`);
      return found;
    },
    poppler(db = nss) {
      return Object.fromEntries(pdfsig(file, db).map((p) => [p.field, p]));
    },
  };
}

const kinds = (mods: ReadonlyArray<{ kind: string }>): string[] => [...new Set(mods.map((m) => m.kind))].sort();

/** The first byte of page 1's content stream data (in the original letter, signed by both). */
function contentStreamDataOffset(pdf: Uint8Array): number {
  const reader = PdfReader.open(pdf);
  const contents = page1(reader).dict.get('Contents');
  const ref = Array.isArray(contents) ? contents[0] : contents;
  if (!(ref instanceof PdfRef)) throw new Error('page 1 has no indirect content stream');
  const e = reader.entry(ref.num, 0)?.entry;
  if (e?.offset === undefined) throw new Error('no offset for the content stream');
  const at = Buffer.from(pdf).indexOf('stream', e.offset + reader.base, 'latin1');
  return at + 'stream\n'.length + 1;
}

describe('tampering matrix on a letter signed by the chairman and sealed by the agency (B-T)', () => {
  it('untouched: valid, both TOTAL_PASSED, only allowed changes after the chairman', () => {
    const c = check(s.sealed);
    expect(c.report.document.verdict).toBe('valid');
    const chairman = c.sig(CHAIRMAN_FIELD);
    const seal = c.sig(SEAL_FIELD);
    expect([chairman.indication, seal.indication]).toEqual(['TOTAL_PASSED', 'TOTAL_PASSED']);
    expect(chairman.timestamp?.valid).toBe(true);
    expect(chairman.modifiedAfterSigning).toBe('allowed');
    expect(chairman.modifications.disallowed).toEqual([]);
    expect(SIGNING_KINDS).toEqual(expect.arrayContaining(kinds(chairman.modifications.allowed)));
    expect(kinds(chairman.modifications.allowed)).toContain('signature-added');
    expect(chairman.coverage.kind).toBe('entire-revision');
    expect(seal.modifiedAfterSigning).toBe('none');
    expect(seal.coverage.kind).toBe('entire-file');
    const p = c.poppler();
    expect(p[CHAIRMAN_FIELD]).toMatchObject({ signatureValid: true, certificateTrusted: true, totalDocumentSigned: false });
    expect(p[SEAL_FIELD]).toMatchObject({ signatureValid: true, certificateTrusted: true, totalDocumentSigned: true });
  });

  it('a byte changed in the letter content (signed by both): TOTAL_FAILED/HASH_FAILURE, invalid', () => {
    const bytes = Uint8Array.from(s.sealed);
    const at = contentStreamDataOffset(bytes);
    expect(at).toBeLessThan(s.letter.length);
    bytes[at] = bytes[at]! ^ 0x01;
    const c = check(bytes);
    expect(c.report.document).toMatchObject({ verdict: 'invalid', indication: 'TOTAL_FAILED', subIndication: 'HASH_FAILURE' });
    for (const f of [CHAIRMAN_FIELD, SEAL_FIELD]) expect(c.sig(f)).toMatchObject({ indication: 'TOTAL_FAILED', subIndication: 'HASH_FAILURE' });
    const p = c.poppler();
    expect(p[CHAIRMAN_FIELD]?.validation).toBe('Digest Mismatch.');
    expect(p[SEAL_FIELD]?.validation).toBe('Digest Mismatch.');
  });

  it('page content changed in a later revision: crypto still passes, disallowed page-content-changed, invalid', () => {
    const c = check(changePageContent(s.sealed));
    expect(c.report.document.verdict).toBe('invalid');
    for (const f of [CHAIRMAN_FIELD, SEAL_FIELD]) {
      const sig = c.sig(f);
      expect(sig).toMatchObject({ indication: 'TOTAL_PASSED', subIndication: null, modifiedAfterSigning: 'disallowed' });
      expect(kinds(sig.modifications.disallowed)).toContain('page-content-changed');
    }
    // pdfsig checks the signed bytes only: both valid, neither covers the whole file.
    const p = c.poppler();
    expect(p[SEAL_FIELD]).toMatchObject({ signatureValid: true, totalDocumentSigned: false });
  });

  it('a /FreeText annotation added to page 1 after signing: disallowed annotation-added, invalid', () => {
    const c = check(addAnnotation(s.sealed));
    expect(c.report.document.verdict).toBe('invalid');
    for (const f of [CHAIRMAN_FIELD, SEAL_FIELD]) {
      const sig = c.sig(f);
      expect(sig).toMatchObject({ indication: 'TOTAL_PASSED', modifiedAfterSigning: 'disallowed' });
      expect(kinds(sig.modifications.disallowed)).toEqual(['annotation-added']);
    }
    expect(c.poppler()[SEAL_FIELD]).toMatchObject({ signatureValid: true, totalDocumentSigned: false });
  });

  it('bytes appended after the final %%EOF: trailing-bytes disallowed on the last signature, invalid', () => {
    const c = check(Buffer.concat([s.sealed, Buffer.from('\n% appended after the end: 9.000.000.000 VND\n', 'latin1')]));
    expect(c.report.document.verdict).toBe('invalid');
    const seal = c.sig(SEAL_FIELD);
    expect(seal).toMatchObject({ indication: 'TOTAL_PASSED', modifiedAfterSigning: 'disallowed' });
    expect(kinds(seal.modifications.disallowed)).toEqual(['trailing-bytes']);
    expect(seal.coverage.kind).toBe('entire-revision');
    // pdfsig does not call the signature invalid; it only says the file is not totally signed.
    expect(c.poppler()[SEAL_FIELD]).toMatchObject({ signatureValid: true, totalDocumentSigned: false });
  });

  it('a /ByteRange leaving a gap larger than /Contents: TOTAL_FAILED/FORMAT_FAILURE, invalid', () => {
    const [a, b, cc, d] = lastByteRange(s.sealed).values as [number, number, number, number];
    const bytes = rewriteLastByteRange(s.sealed, [a, b - 10, cc, d]);
    expect(bytes.length).toBe(s.sealed.length);
    const c = check(bytes);
    expect(c.report.document).toMatchObject({ verdict: 'invalid', subIndication: 'FORMAT_FAILURE' });
    expect(c.sig(SEAL_FIELD)).toMatchObject({ indication: 'TOTAL_FAILED', subIndication: 'FORMAT_FAILURE' });
    expect(c.sig(CHAIRMAN_FIELD).indication).toBe('TOTAL_PASSED');
    expect(c.poppler()[SEAL_FIELD]?.signatureValid).toBe(false);
  });

  it('a signature removed (its field deleted from /AcroForm /Fields later): signature-removed, invalid', () => {
    const c = check(removeField(s.sealed, SEAL_FIELD));
    expect(c.report.document.verdict).toBe('invalid');
    const seal = c.sig(SEAL_FIELD);
    expect(seal).toMatchObject({ indication: 'TOTAL_PASSED', modifiedAfterSigning: 'disallowed' });
    expect(kinds(seal.modifications.disallowed)).toContain('signature-removed');
    expect(c.sig(CHAIRMAN_FIELD).modifiedAfterSigning).toBe('disallowed');
    expect(c.poppler()[SEAL_FIELD]).toMatchObject({ signatureValid: true, totalDocumentSigned: false });
  });

  it('signed by the rogue-root leaf: INDETERMINATE/NO_CERTIFICATE_CHAIN_FOUND, indeterminate', async () => {
    const c = check(await addSignature(s.chairman, 'neg-rogue-signer'));
    expect(c.report.document).toMatchObject({ verdict: 'indeterminate', subIndication: 'NO_CERTIFICATE_CHAIN_FOUND' });
    expect(c.sig(SEAL_FIELD)).toMatchObject({ indication: 'INDETERMINATE', subIndication: 'NO_CERTIFICATE_CHAIN_FOUND' });
    expect(c.sig(SEAL_FIELD).chain.trusted).toBe(false);
    expect(c.sig(CHAIRMAN_FIELD).indication).toBe('TOTAL_PASSED');
    expect(c.poppler()[SEAL_FIELD]).toMatchObject({ signatureValid: true, certificateTrusted: false });
  });

  it('no trust anchors at all: INDETERMINATE/NO_CERTIFICATE_CHAIN_FOUND for both, indeterminate', () => {
    const c = check(s.sealed, trustedOptions({ trustAnchors: [] }));
    expect(c.report.document.verdict).toBe('indeterminate');
    for (const f of [CHAIRMAN_FIELD, SEAL_FIELD]) expect(c.sig(f)).toMatchObject({ indication: 'INDETERMINATE', subIndication: 'NO_CERTIFICATE_CHAIN_FOUND' });
    const p = c.poppler(emptyNss);
    for (const f of [CHAIRMAN_FIELD, SEAL_FIELD]) expect(p[f]).toMatchObject({ signatureValid: true, certificateTrusted: false });
  });

  describe('expired certificate (2020-2022)', () => {
    it('B-B with /M in 2021 and no timestamp: INDETERMINATE/OUT_OF_BOUNDS_NO_POE', async () => {
      const c = check(await addSignature(s.chairman, 'neg-expired', { signingTime: new Date('2021-06-01T02:00:00Z') }));
      expect(c.report.document).toMatchObject({ verdict: 'indeterminate', subIndication: 'OUT_OF_BOUNDS_NO_POE' });
      expect(c.sig(SEAL_FIELD)).toMatchObject({ indication: 'INDETERMINATE', subIndication: 'OUT_OF_BOUNDS_NO_POE', timestamp: null });
      expect(c.poppler()[SEAL_FIELD]).toMatchObject({ signatureValid: true, certificate: 'Certificate has Expired' });
    });

    it('B-T timestamped now, after expiry: TOTAL_FAILED/EXPIRED', async () => {
      const c = check(await addSignature(s.chairman, 'neg-expired', { level: 'B-T', timestamper: fixtureTimestamper() }));
      expect(c.report.document).toMatchObject({ verdict: 'invalid', subIndication: 'EXPIRED' });
      const seal = c.sig(SEAL_FIELD);
      expect(seal).toMatchObject({ indication: 'TOTAL_FAILED', subIndication: 'EXPIRED' });
      expect(seal.timestamp?.valid).toBe(true);
      expect(c.poppler()[SEAL_FIELD]).toMatchObject({ signatureValid: true, certificateTrusted: false });
    });
  });

  it('not-yet-valid certificate (from 2040): TOTAL_FAILED/NOT_YET_VALID', async () => {
    const c = check(await addSignature(s.chairman, 'neg-not-yet-valid'));
    expect(c.report.document).toMatchObject({ verdict: 'invalid', subIndication: 'NOT_YET_VALID' });
    expect(c.sig(SEAL_FIELD)).toMatchObject({ indication: 'TOTAL_FAILED', subIndication: 'NOT_YET_VALID' });
    // NSS reports any out-of-validity certificate as expired.
    expect(c.poppler()[SEAL_FIELD]).toMatchObject({ signatureValid: true, certificate: 'Certificate has Expired' });
  });

  // pdfsig has no CRL here (and no OCSP responder exists for the fixtures): it trusts the revoked
  // certificate in every revocation row, so only our verdicts are asserted against the CRL.
  describe('revoked certificate (revoked 2025-06-01, in the intermediate CRL)', () => {
    it('B-B: INDETERMINATE/REVOKED_NO_POE', async () => {
      const c = check(await addSignature(s.chairman, 'neg-revoked'));
      expect(c.report.document).toMatchObject({ verdict: 'indeterminate', subIndication: 'REVOKED_NO_POE' });
      const seal = c.sig(SEAL_FIELD);
      expect(seal).toMatchObject({ indication: 'INDETERMINATE', subIndication: 'REVOKED_NO_POE' });
      expect(seal.chain.revocation[0]).toMatchObject({ status: 'revoked', revokedAt: '2025-06-01T00:00:00.000Z' });
      expect(c.poppler()[SEAL_FIELD]?.signatureValid).toBe(true);
    });

    it('B-T with a TSA clock after the revocation: TOTAL_FAILED/REVOKED', async () => {
      const c = check(await addSignature(s.chairman, 'neg-revoked', { level: 'B-T', timestamper: fixtureTimestamper() }));
      expect(c.report.document).toMatchObject({ verdict: 'invalid', subIndication: 'REVOKED' });
      expect(c.sig(SEAL_FIELD)).toMatchObject({ indication: 'TOTAL_FAILED', subIndication: 'REVOKED' });
    });

    it('B-T with a TSA clock before the revocation (2025-01-10), verified now: TOTAL_PASSED with a warning', async () => {
      const signedAt = new Date('2025-01-10T03:00:00Z');
      const bytes = await addSignature(s.chairman, 'neg-revoked', { level: 'B-T', signingTime: signedAt, timestamper: fixtureTimestamper(() => signedAt) });
      const c = check(bytes);
      expect(c.report.document.verdict).toBe('valid');
      const seal = c.sig(SEAL_FIELD);
      expect(seal).toMatchObject({ indication: 'TOTAL_PASSED', subIndication: null });
      expect(seal.times.proven).toBe(signedAt.toISOString());
      expect(seal.warnings).toEqual(expect.arrayContaining([expect.stringMatching(/revoked after the timestamp/)]));
    });
  });

  it('wrong key usage (keyEncipherment only): INDETERMINATE/CHAIN_CONSTRAINTS_FAILURE', async () => {
    const c = check(await addSignature(s.chairman, 'neg-wrong-key-usage'));
    expect(c.report.document).toMatchObject({ verdict: 'indeterminate', subIndication: 'CHAIN_CONSTRAINTS_FAILURE' });
    expect(c.sig(SEAL_FIELD)).toMatchObject({ indication: 'INDETERMINATE', subIndication: 'CHAIN_CONSTRAINTS_FAILURE' });
    expect(c.poppler()[SEAL_FIELD]).toMatchObject({ signatureValid: true, certificateTrusted: false });
  });

  it('a SHA-1 signature (openssl cms -md sha1): INDETERMINATE/CRYPTO_CONSTRAINTS_FAILURE_NO_POE', async () => {
    const c = check(await signWithOpensslSha1(s.chairman, 'seal-ubnd-thai-binh'));
    expect(c.report.document).toMatchObject({ verdict: 'indeterminate', subIndication: 'CRYPTO_CONSTRAINTS_FAILURE_NO_POE' });
    const seal = c.sig(SEAL_FIELD);
    expect(seal).toMatchObject({ indication: 'INDETERMINATE', subIndication: 'CRYPTO_CONSTRAINTS_FAILURE_NO_POE', digestAlgorithm: 'sha1' });
    expect(seal.chain.status).toBe('valid');
    // pdfsig accepts SHA-1 signatures: it does not flag this row.
    expect(c.poppler()[SEAL_FIELD]).toMatchObject({ signatureValid: true, certificateTrusted: true });
  });

  describe('further later-revision attacks (hand-written updates)', () => {
    const bothDisallow = (bytes: Uint8Array, kind: string): void => {
      const c = check(bytes);
      expect(c.report.document.verdict).toBe('invalid');
      for (const f of [CHAIRMAN_FIELD, SEAL_FIELD]) {
        expect(c.sig(f)).toMatchObject({ indication: 'TOTAL_PASSED', modifiedAfterSigning: 'disallowed' });
        expect(kinds(c.sig(f).modifications.disallowed)).toContain(kind);
      }
    };

    it('page 1 content stream redefined in place (same object number): page-content-changed', () => {
      const reader = PdfReader.open(s.sealed);
      const contents = page1(reader).dict.get('Contents');
      const ref = (Array.isArray(contents) ? contents[0] : contents) as PdfRef;
      bothDisallow(appendRevision(s.sealed, [{ num: ref.num, body: streamBody('', 'BT /F1 24 Tf 100 700 Td (FAKE) Tj ET') }]), 'page-content-changed');
    });

    it("the chairman's signature dictionary redefined (new /Reason): signature-changed", () => {
      const reader = PdfReader.open(s.sealed);
      const ref = listFields(reader).find((f) => f.fullName === CHAIRMAN_FIELD)?.value as PdfRef;
      const dict = (reader.getObject(ref) as PdfDict).clone().set('Reason', PdfString.fromText('Đã sửa sau khi ký'));
      bothDisallow(appendRevision(s.sealed, [{ num: ref.num, body: dict }]), 'signature-changed');
    });

    it("the chairman's visible appearance swapped for another one: annotation-changed", () => {
      const reader = PdfReader.open(s.sealed);
      const field = listFields(reader).find((f) => f.fullName === CHAIRMAN_FIELD)!;
      const n = nextObjectNumber(reader);
      const widget = (reader.getObject(field.ref) as PdfDict).clone().set('AP', new PdfDict([['N', new PdfRef(n, 0)]]));
      const ap = streamBody('/Type /XObject /Subtype /Form /BBox [0 0 100 50]', '1 0 0 rg 0 0 100 50 re f');
      bothDisallow(appendRevision(s.sealed, [{ num: n, body: ap }, { num: field.ref.num, body: widget }]), 'annotation-changed');
    });

    it('a JavaScript /OpenAction added to the catalog: catalog-changed', () => {
      const reader = PdfReader.open(s.sealed);
      const n = nextObjectNumber(reader);
      const root = reader.trailer.get('Root') as PdfRef;
      const catalog = reader.catalog().clone().set('OpenAction', new PdfRef(n, 0));
      bothDisallow(appendRevision(s.sealed, [{ num: n, body: '<< /S /JavaScript /JS (app.alert(1)) >>' }, { num: root.num, body: catalog }]), 'catalog-changed');
    });
  });
});
