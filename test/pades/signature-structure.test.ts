// A signature dictionary is judged by its own /Contents, where it stands in the file. The forged
// field attack (issue 9): a later revision adds a field whose dictionary copies a genuine
// /ByteRange and carries junk (or another document's CMS) as /Contents. Before, the CMS was read
// from the gap, so the forgery passed as a second valid signature. pdfsig is the oracle.
import { Writable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { verifyPdf } from '../../src/pades/verify.js';
import { PdfReader } from '../../src/pdf/reader.js';
import { FIXTURES_DIR, trustedOptions } from '../support/fixtures.js';
import { fixtureNssDb, pdfsig, tempDir, writeTemp, type PdfsigSignature } from '../support/oracles.js';
import {
  CHAIRMAN,
  SEAL,
  addSignatureFields,
  appendObjectStreamRevision,
  signInline,
  sigDictBody,
  sigFieldObjects,
  signatureDictOf,
  twoSignatureLetter,
} from './signature-structure-helpers.js';
import { appendRevision, nextObjectNumber } from './support-tamper.js';

let chairman: Uint8Array;
let sealed: Uint8Array;
let nss: string;
let dir: string;
let n = 0;

beforeAll(async () => {
  ({ chairman, sealed } = await twoSignatureLetter());
  nss = fixtureNssDb();
  dir = tempDir('docaxis-sigstruct-');
});

function poppler(bytes: Uint8Array): Record<string, PdfsigSignature> {
  return Object.fromEntries(pdfsig(writeTemp(dir, `case-${++n}.pdf`, bytes), nss).map((p) => [p.field, p]));
}

/** `docaxis verify` in process, trusting the fixture PKI: its exit code and what it printed. */
async function cliVerify(bytes: Uint8Array): Promise<{ code: number; text: string }> {
  let text = '';
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  const file = writeTemp(dir, `cli-${++n}.pdf`, bytes);
  const trust = ['--trust', `${FIXTURES_DIR}trust-anchors.pem`, '--intermediate', `${FIXTURES_DIR}intermediates.pem`, '--crl', `${FIXTURES_DIR}crls.pem`];
  const code = await main(['verify', file, ...trust], sink, sink, {});
  return { code, text };
}

const sig = (report: ReturnType<typeof verifyPdf>, field: string) => {
  const s = report.signatures.find((x) => x.fieldNames.includes(field));
  if (!s) throw new Error(`no signature ${field} in the report`);
  return s;
};

describe('forged signature field', () => {
  it('a field copying the first /ByteRange with junk /Contents: FORMAT_FAILURE, document invalid; pdfsig rejects it too', () => {
    const first = signatureDictOf(chairman, CHAIRMAN);
    const forged = addSignatureFields(chairman, [{ name: SEAL, sigDict: sigDictBody(first.byteRange, 'DEADBEEF'.repeat(64), '/Reason (Van thu ky so)') }]);

    const report = verifyPdf(forged, trustedOptions());
    expect(report.document.verdict).toBe('invalid');
    expect(report.signatures).toHaveLength(2);
    expect(sig(report, CHAIRMAN).indication).toBe('TOTAL_PASSED');
    const seal = sig(report, SEAL);
    expect(seal).toMatchObject({ indication: 'TOTAL_FAILED', subIndication: 'FORMAT_FAILURE', signer: null, modifiedAfterSigning: 'disallowed' });
    expect(seal.errors.join('\n')).toMatch(/not this signature dictionary's own \/Contents/);
    expect(seal.modifications.disallowed.map((m) => m.kind)).toContain('signature-dictionary-misplaced');

    const p = poppler(forged);
    expect(p[CHAIRMAN]?.signatureValid).toBe(true);
    expect(p[SEAL]?.signatureValid).toBe(false);
  });

  it('docaxis verify says INVALID and exits 1 on the forged field (it said VALID, exit 0)', async () => {
    const first = signatureDictOf(chairman, CHAIRMAN);
    const forged = addSignatureFields(chairman, [{ name: SEAL, sigDict: sigDictBody(first.byteRange, 'DEADBEEF'.repeat(64)) }]);
    const r = await cliVerify(forged);
    expect(r.code).toBe(1);
    expect(r.text).toMatch(/INVALID - Signature 2 \(VanThu\) failed: FORMAT_FAILURE/);
    expect(r.text).toMatch(/signature-dictionary-misplaced/);
    expect((await cliVerify(chairman)).code).toBe(0);
  });

  it("a field copying a /ByteRange with another signature's real CMS: HASH_FAILURE, as pdfsig says", () => {
    const first = signatureDictOf(chairman, CHAIRMAN);
    const otherCms = signatureDictOf(sealed, SEAL).contentsHex; // a CMS over other bytes
    const forged = addSignatureFields(chairman, [{ name: 'VanThu2', sigDict: sigDictBody(first.byteRange, otherCms) }]);

    const report = verifyPdf(forged, trustedOptions());
    expect(report.document.verdict).toBe('invalid');
    expect(sig(report, 'VanThu2')).toMatchObject({ indication: 'TOTAL_FAILED', subIndication: 'HASH_FAILURE' });
    const p = poppler(forged);
    expect(p['VanThu2']?.signatureValid).toBe(false);
    expect(p['VanThu2']?.validation).toMatch(/Digest Mismatch/);
  });

  it('the same forgery on a sealed letter (the one the service would otherwise accept) is caught', () => {
    const seal = signatureDictOf(sealed, SEAL);
    const forged = addSignatureFields(sealed, [{ name: 'VanThu_2', sigDict: sigDictBody(seal.byteRange, '00'.repeat(200)) }]);
    const report = verifyPdf(forged, trustedOptions());
    expect(report.document.verdict).toBe('invalid');
    expect(report.document.summary).toMatch(/VanThu_2/);
    expect(sig(report, SEAL).indication).toBe('TOTAL_PASSED');
    expect(sig(report, 'VanThu_2').subIndication).toBe('FORMAT_FAILURE');
  });

  it('a forged inline /V dictionary (bytes inside the field object) is caught the same way', () => {
    const first = signatureDictOf(chairman, CHAIRMAN);
    const forged = addSignatureFields(chairman, [{ name: SEAL, inline: sigDictBody(first.byteRange, 'AB'.repeat(100)) }]);
    const report = verifyPdf(forged, trustedOptions());
    expect(report.document.verdict).toBe('invalid');
    expect(sig(report, SEAL)).toMatchObject({ indication: 'TOTAL_FAILED', subIndication: 'FORMAT_FAILURE' });
    expect(poppler(forged)[SEAL]?.signatureValid).toBe(false);
  });

  it('a signature dictionary inside an object stream cannot own the gap: FORMAT_FAILURE', () => {
    const first = signatureDictOf(chairman, CHAIRMAN);
    const num = nextObjectNumber(PdfReader.open(chairman));
    const forged = appendObjectStreamRevision(chairman, [{ num, body: sigDictBody(first.byteRange, 'CD'.repeat(100)) }], sigFieldObjects(chairman, SEAL, num + 1, `${num} 0 R`));
    const reader = PdfReader.open(forged);
    expect(reader.revisions.at(-1)?.entries.get(num)?.type).toBe('compressed');
    const report = verifyPdf(forged, trustedOptions());
    expect(report.document.verdict).toBe('invalid');
    const s = sig(report, SEAL);
    expect(s).toMatchObject({ indication: 'TOTAL_FAILED', subIndication: 'FORMAT_FAILURE' });
    expect(s.errors.join('\n')).toMatch(/object stream/);
    expect(poppler(forged)[SEAL]?.signatureValid).toBe(false);
  });
});

describe('genuine signatures in unusual places still pass', () => {
  it('a signature dictionary inline in its field /V: TOTAL_PASSED, and pdfsig agrees', async () => {
    const signed = await signInline(chairman, 'Inline');
    const report = verifyPdf(signed, trustedOptions());
    const inline = sig(report, 'Inline');
    expect(inline).toMatchObject({ indication: 'TOTAL_PASSED', modifiedAfterSigning: 'none', coverage: { kind: 'entire-file' } });
    expect(report.signatures).toHaveLength(2);
    expect(poppler(signed)['Inline']?.signatureValid).toBe(true);
    // Later revisions keep the inline signature as one signature (not one per revision).
    const later = appendRevision(signed, [{ num: nextObjectNumber(PdfReader.open(signed)), body: '<< /Producer (later) >>' }]);
    expect(verifyPdf(later, trustedOptions()).signatures.filter((s) => s.fieldNames.includes('Inline'))).toHaveLength(1);
  });

  it('a later revision that rewrites the signature dictionary byte for byte: still the same, passing signature', () => {
    const first = signatureDictOf(sealed, SEAL);
    const rewritten = appendRevision(sealed, [{ num: first.ref.num, body: first.body }]);
    const report = verifyPdf(rewritten, trustedOptions());
    expect(report.signatures).toHaveLength(2);
    expect(sig(report, SEAL).indication).toBe('TOTAL_PASSED');
    expect(sig(report, SEAL).errors.join('\n')).not.toMatch(/own \/Contents/);
    expect(poppler(rewritten)[SEAL]?.signatureValid).toBe(true);
  });

  it('the plain two-signature letter passes as before, both for us and for pdfsig', () => {
    const report = verifyPdf(sealed, trustedOptions());
    expect(report.document.verdict).toBe('valid');
    expect(report.signatures.map((s) => s.fieldNames)).toEqual([[CHAIRMAN], [SEAL]]);
    expect(report.signatures.every((s) => s.replays.length === 0)).toBe(true);
    const p = poppler(sealed);
    expect(p[CHAIRMAN]?.signatureValid && p[SEAL]?.signatureValid).toBe(true);
  });
});
