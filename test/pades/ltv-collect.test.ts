// What goes into a B-LT store: only evidence that verifies for a certificate of the chain, and the
// fetcher asked exactly for what the caller's data leaves uncovered (never for the trust anchor).
import { beforeAll, describe, expect, it } from 'vitest';
import { joinDocument } from '../../src/pades/complete.js';
import { collectValidationData, NULL_FETCHER, type RevocationFetcher } from '../../src/pades/ltv-collect.js';
import { signPdf } from '../../src/pades/sign.js';
import { PdfReader } from '../../src/pdf/reader.js';
import { CertificateCache } from '../../src/pki/certificate-cache.js';
import { fixtureSigner, fixtureTimestamper, sampleLetter } from '../support/fixtures.js';
import { type ArchiveTsa, fixtureAnchors, fixtureCrls, makeArchiveTsa, sameBytes } from './ltv-support.js';

let bT: Uint8Array;
let archive: ArchiveTsa;

beforeAll(async () => {
  bT = joinDocument(await signPdf((await sampleLetter()).pdf, fixtureSigner('signer-tran-thi-binh'), { level: 'B-T', timestamper: fixtureTimestamper() }));
  archive = await makeArchiveTsa();
}, 60_000);

function recordingFetcher(answer?: Uint8Array): RevocationFetcher & { asked: string[] } {
  const cache = new CertificateCache();
  const asked: string[] = [];
  return {
    asked,
    crl: async (url) => {
      asked.push(`crl ${url}`);
      return answer;
    },
    ocsp: async (cert) => {
      asked.push(`ocsp ${cache.chainCert(cert).label}`);
      return answer;
    },
  };
}

describe('collectValidationData', () => {
  it('keeps the CRLs that cover the chain and drops a foreign one', async () => {
    const got = await collectValidationData(PdfReader.open(bT), { trustAnchors: fixtureAnchors(), crls: [...fixtureCrls(), archive.crl] });
    expect(got.vri).toHaveLength(1);
    const [entry] = got.vri;
    expect(entry!.crls).toHaveLength(2);
    for (const crl of fixtureCrls()) expect(entry!.crls.some((c) => sameBytes(c, crl))).toBe(true);
    expect(entry!.crls.some((c) => sameBytes(c, archive.crl))).toBe(false);
    expect(got.warnings).toEqual([]);
  });

  it('asks the fetcher once per uncovered certificate below the anchor, and ignores a junk answer', async () => {
    const fetcher = recordingFetcher(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00]));
    const got = await collectValidationData(PdfReader.open(bT), { trustAnchors: fixtureAnchors(), fetcher });
    // signer, the intermediate (shared with the TSA: asked once), the TSA
    expect(fetcher.asked.filter((a) => a.startsWith('ocsp'))).toHaveLength(3);
    expect(fetcher.asked.some((a) => /Cơ quan chứng thực số chuyên dùng/.test(a))).toBe(false);
    expect(got.vri[0]!.crls).toEqual([]);
    expect(got.vri[0]!.ocspResponses).toEqual([]);
    expect(got.warnings.filter((w) => /no CRL or OCSP response covers/.test(w))).toHaveLength(3);
  });

  it('the default fetcher fetches nothing; without anchors the chain found is stored, with a warning', async () => {
    expect(await NULL_FETCHER.crl('http://example.test/ca.crl')).toBeUndefined();
    const got = await collectValidationData(PdfReader.open(bT), {});
    expect(got.warnings.some((w) => /does not reach a trust anchor/.test(w))).toBe(true);
    expect(got.vri[0]!.certificates.length).toBeGreaterThanOrEqual(3);
  });
});
