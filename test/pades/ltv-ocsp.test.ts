// B-LTA with an OCSP response given by the caller (no CRL for the signer): the response lands in
// /OCSPs and in the signature's VRI, and the verifier uses it, now and after the signer's
// certificate has expired, with revocation required. A throw-away PKI whose CA keys are at hand
// (ocsp-test-pki.ts) signs the response; the archive TSA outlives the signer.
import { beforeAll, describe, expect, it } from 'vitest';
import { joinDocument } from '../../src/pades/complete.js';
import { signPdf } from '../../src/pades/sign.js';
import { verifyPdf } from '../../src/pades/verify.js';
import { createKeySigner } from '../../src/pki/key-signer.js';
import { sampleLetter } from '../support/fixtures.js';
import { buildOcspResponse, makeOcspPki, type OcspPki } from '../pki/ocsp-test-pki.js';
import { type ArchiveTsa, contentsFromBytes, makeArchiveTsa, readDssView, sameBytes, sha1Upper } from './ltv-support.js';

let pki: OcspPki;
let archive: ArchiveTsa;
let ocsp: Uint8Array;
let lta: Uint8Array;

beforeAll(async () => {
  pki = await makeOcspPki();
  archive = await makeArchiveTsa();
  const now = new Date();
  ocsp = buildOcspResponse({
    signerKey: pki.responder.privateKey,
    responderCert: pki.responder.der,
    producedAt: now,
    certs: [pki.responder.der],
    entries: [{ cert: pki.leaf.der, issuer: pki.root.der, status: 'good', thisUpdate: now, nextUpdate: new Date(now.getTime() + 7 * 86_400_000) }],
  });
  const signer = createKeySigner({ privateKey: pki.leaf.privateKey, certificate: pki.leaf.der, chain: [], keyAlgorithm: 'rsa' });
  const signed = await signPdf((await sampleLetter()).pdf, signer, {
    level: 'B-LTA',
    timestamper: archive.timestamper(),
    ltv: { trustAnchors: [pki.root.der, archive.root], ocspResponses: [ocsp], crls: [archive.crl] },
  });
  expect(signed.warnings).toEqual([]);
  lta = joinDocument(signed);
}, 60_000);

const trusted = () => ({ trustAnchors: [pki.root.der, archive.root], requireRevocation: true });

describe('B-LTA with a given OCSP response', () => {
  it('stores the response in /OCSPs', () => {
    const dss = readDssView(lta);
    expect(dss.ocsps).toHaveLength(1);
    expect(sameBytes(dss.ocsps[0]!, ocsp)).toBe(true);
    const [sig] = contentsFromBytes(lta);
    expect(dss.vri.has(sha1Upper(sig!.contents))).toBe(true);
  });

  it('verifies from the embedded OCSP response now and after the signer certificate expired', () => {
    for (const at of [undefined, new Date('2046-06-01T00:00:00Z')]) {
      const report = verifyPdf(lta, { ...trusted(), ...(at ? { at } : {}) });
      expect(report.signatures.map((s) => s.indication), String(at)).toEqual(['TOTAL_PASSED', 'TOTAL_PASSED']);
      expect(report.signatures[0]?.chain.revocation[0]).toMatchObject({ status: 'good', source: 'ocsp', origin: 'embedded' });
    }
  });
});

describe('asOcspResponse', () => {
  it('keeps an OCSPResponse and wraps a bare BasicOCSPResponse into one that parses the same', async () => {
    const { asOcspResponse } = await import('../../src/pades/ltv-collect.js');
    const { parseOcspResponse } = await import('../../src/pki/ocsp.js');
    expect(sameBytes(asOcspResponse(ocsp), ocsp)).toBe(true);
    const bare = parseOcspResponse(ocsp).der;
    const wrapped = asOcspResponse(bare);
    expect(sameBytes(wrapped, ocsp)).toBe(true);
  });
});
