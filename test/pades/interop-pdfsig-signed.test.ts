// PDFs signed by poppler (pdfsig -add-signature, NSS keys imported from the fixture PKCS#12
// files), verified by us; then mixed chains: poppler first and our seal second, and the reverse.
// poppler 22.12 writes adbe.pkcs7.detached only: "-etsi is not supported yet with -add-signature".
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { VerificationReport } from '../../src/pades/report.js';
import { verifyPdf } from '../../src/pades/verify.js';
import { FIXTURES_DIR, P12_PASSWORD, fixtureTimestamper, sampleLetter, trustedOptions } from '../support/fixtures.js';
import { fixtureNssDb, pdfsig, tempDir, writeTemp, type PdfsigSignature } from '../support/oracles.js';
import { addSignature } from './support-tamper.js';

const CHAIRMAN = 'signer-nguyen-van-an';
const SEAL = 'seal-ubnd-thai-binh';

let nss: string;
let dir: string;
let letter: Uint8Array;

/** The CN of a fixture entry, from the manifest (regenerating the PKI keeps names, not keys). */
function manifestCommonName(name: string): string {
  const manifest = JSON.parse(readFileSync(join(FIXTURES_DIR, 'manifest.json'), 'utf8')) as { entries: Array<{ name: string; subject: string }> };
  const subject = manifest.entries.find((e) => e.name === name)?.subject ?? '';
  const cn = /(?:^|,)CN=([^,]+)/.exec(subject)?.[1];
  if (!cn) throw new Error(`no CN for ${name} in the manifest`);
  return cn;
}

/** pdfsig -add-signature with the key of fixture `nick`; returns the signed bytes. */
function popplerSign(input: Uint8Array, nick: string, fieldName: string): Uint8Array {
  const src = writeTemp(dir, `in-${fieldName}-${Date.now()}.pdf`, input);
  const out = join(dir, `out-${fieldName}-${Date.now()}.pdf`);
  const args = ['-nssdir', `sql:${nss}`, '-add-signature', '-nick', nick, '-reason', 'Ký bằng poppler', '-digest', 'SHA256', '-new-signature-field-name', fieldName, src, out];
  const r = spawnSync('pdfsig', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`pdfsig -add-signature failed (exit ${r.status}): ${r.stderr}${r.stdout}`);
  return readFileSync(out);
}

function popplerView(bytes: Uint8Array): Record<string, PdfsigSignature> {
  return Object.fromEntries(pdfsig(writeTemp(dir, `check-${Date.now()}.pdf`, bytes), nss).map((p) => [p.field, p]));
}

function sig(report: VerificationReport, field: string) {
  const s = report.signatures.find((x) => x.fieldName === field);
  if (!s) throw new Error(`no signature ${field}`);
  return s;
}

beforeAll(async () => {
  nss = fixtureNssDb();
  for (const name of [CHAIRMAN, SEAL]) execFileSync('pk12util', ['-i', `${FIXTURES_DIR}${name}.p12`, '-d', `sql:${nss}`, '-W', P12_PASSWORD, '-K', '']);
  dir = tempDir('docaxis-interop-');
  letter = (await sampleLetter()).pdf;
});

describe('PDFs signed by poppler pdfsig -add-signature, verified by docaxis', () => {
  it('poppler can sign here: the NSS database lists the imported fixture keys', () => {
    const r = spawnSync('pdfsig', ['-nssdir', `sql:${nss}`, '-list-nicks', writeTemp(dir, 'letter.pdf', letter)], { encoding: 'utf8' });
    expect(r.stdout).toContain(CHAIRMAN);
    expect(r.stdout).toContain(SEAL);
  });

  it('a letter signed by poppler: TOTAL_PASSED, the chairman as signer, the entire file covered', () => {
    const signed = popplerSign(letter, CHAIRMAN, 'PopplerChuTich');
    const report = verifyPdf(signed, trustedOptions());
    expect(report.document.verdict).toBe('valid');
    expect(report.signatures).toHaveLength(1);
    const s = sig(report, 'PopplerChuTich');
    expect(s).toMatchObject({ indication: 'TOTAL_PASSED', subIndication: null, subFilter: 'adbe.pkcs7.detached', digestAlgorithm: 'sha256', modifiedAfterSigning: 'none' });
    expect(s.signer?.commonName).toBe(manifestCommonName(CHAIRMAN));
    expect(s.coverage).toMatchObject({ kind: 'entire-file', signedRevision: 1 });
    expect(s.chain).toMatchObject({ status: 'valid', trusted: true });
    expect(popplerView(signed)['PopplerChuTich']).toMatchObject({ signatureValid: true, certificateTrusted: true, totalDocumentSigned: true });
  });

  it('a poppler-signed letter tampered after signing fails with HASH_FAILURE (our verifier reads poppler bytes, not just trusts them)', () => {
    const signed = Uint8Array.from(popplerSign(letter, CHAIRMAN, 'PopplerChuTich'));
    const at = Buffer.from(signed).indexOf('/Producer');
    signed[at + 12] = signed[at + 12]! ^ 0x20;
    expect(sig(verifyPdf(signed, trustedOptions()), 'PopplerChuTich')).toMatchObject({ indication: 'TOTAL_FAILED', subIndication: 'HASH_FAILURE' });
  });

  it('poppler first (chairman), docaxis second (agency seal, B-T): both accepted by both verifiers', async () => {
    const first = popplerSign(letter, CHAIRMAN, 'PopplerChuTich');
    const both = await addSignature(first, SEAL, { level: 'B-T', timestamper: fixtureTimestamper(), fieldName: 'VanThu' });
    const report = verifyPdf(both, trustedOptions());
    expect(report.document.verdict).toBe('valid');
    const chairman = sig(report, 'PopplerChuTich');
    const seal = sig(report, 'VanThu');
    expect(chairman).toMatchObject({ indication: 'TOTAL_PASSED', modifiedAfterSigning: 'allowed' });
    expect(chairman.modifications.disallowed).toEqual([]);
    expect(chairman.coverage.kind).toBe('entire-revision');
    expect(seal).toMatchObject({ indication: 'TOTAL_PASSED', subFilter: 'ETSI.CAdES.detached', modifiedAfterSigning: 'none' });
    expect(seal.coverage.kind).toBe('entire-file');
    expect(seal.signer?.commonName).toBe(manifestCommonName(SEAL));
    expect(seal.timestamp?.valid).toBe(true);
    const p = popplerView(both);
    expect(p['PopplerChuTich']).toMatchObject({ signatureValid: true, certificateTrusted: true, totalDocumentSigned: false });
    expect(p['VanThu']).toMatchObject({ signatureValid: true, certificateTrusted: true, totalDocumentSigned: true });
  });

  it('docaxis first (chairman, B-T), poppler second (agency seal): both accepted by both verifiers', async () => {
    const first = await addSignature(letter, CHAIRMAN, { level: 'B-T', timestamper: fixtureTimestamper(), fieldName: 'ChuTich' });
    const both = popplerSign(first, SEAL, 'PopplerVanThu');
    const report = verifyPdf(both, trustedOptions());
    expect(report.document.verdict).toBe('valid');
    const chairman = sig(report, 'ChuTich');
    const seal = sig(report, 'PopplerVanThu');
    expect(chairman).toMatchObject({ indication: 'TOTAL_PASSED', modifiedAfterSigning: 'allowed' });
    expect(chairman.modifications.disallowed).toEqual([]);
    expect(chairman.timestamp?.valid).toBe(true);
    expect(seal).toMatchObject({ indication: 'TOTAL_PASSED', subFilter: 'adbe.pkcs7.detached', modifiedAfterSigning: 'none' });
    expect(seal.coverage.kind).toBe('entire-file');
    expect(seal.signer?.commonName).toBe(manifestCommonName(SEAL));
    const p = popplerView(both);
    expect(p['ChuTich']).toMatchObject({ signatureValid: true, certificateTrusted: true, totalDocumentSigned: false });
    expect(p['PopplerVanThu']).toMatchObject({ signatureValid: true, certificateTrusted: true, totalDocumentSigned: true });
  });
});
