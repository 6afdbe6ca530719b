// The trust store is read and parsed once per version (the ids of the anchors and CRLs in use) and
// again as soon as an admin changes it; verification gives the same answer either way.
import { describe, expect, it } from 'vitest';
import { trustSnapshot, verifyWithStores } from '../../src/exchange/trust-material.js';
import { joinDocument } from '../../src/pades/complete.js';
import { signPdf } from '../../src/pades/sign.js';
import { InProcessVerifier, type PdfVerifier } from '../../src/pades/verifier.js';
import { readCertificates, readCrls } from '../../src/pki/pem.js';
import { fixture, fixtureSigner, sampleLetter } from '../support/fixtures.js';
import { MemoryStores } from '../support/memory-stores.js';

/** Counts how often the verifier had to read the material. */
function counting(inner: PdfVerifier): PdfVerifier & { loads: number } {
  const v = {
    loads: 0,
    verify: (pdf: Uint8Array, trust: Parameters<PdfVerifier['verify']>[1], at: Date) =>
      inner.verify(pdf, { key: trust.key, load: () => (v.loads++, trust.load()) }, at),
    scanMarks: (pdf: Uint8Array) => inner.scanMarks(pdf),
    close: () => inner.close(),
  };
  return v;
}

describe('verifyWithStores with a long-lived verifier', () => {
  it('reads the trust material once until the anchors or CRLs change, and verifies the same either way', async () => {
    const stores = new MemoryStores();
    const [root] = readCertificates(fixture('trust-anchors.pem'));
    await stores.trust.addAnchor({ der: root!, fingerprintSha256: 'root', subject: 'root' });
    const verifier = counting(new InProcessVerifier());
    const deps = { stores, clock: () => new Date(), intermediates: readCertificates(fixture('intermediates.pem')), verifier };
    const pdf = joinDocument(await signPdf((await sampleLetter()).pdf, fixtureSigner('seal-ubnd-thai-binh')));

    const first = await verifyWithStores(deps, pdf, new Date());
    expect(first.document.verdict, JSON.stringify(first.signatures.map((s) => [s.subIndication, s.errors]))).toBe('valid');
    await verifyWithStores(deps, pdf, new Date());
    expect(verifier.loads).toBe(1);

    const [crl] = readCrls(fixture('crls.pem'));
    await stores.trust.addCrl({ der: crl!, issuer: 'test', thisUpdate: new Date('2026-01-01'), nextUpdate: null });
    const afterCrl = await verifyWithStores(deps, pdf, new Date());
    expect(verifier.loads).toBe(2);
    expect(afterCrl.document.verdict).toBe('valid');
    const uncached = await verifyWithStores({ stores, clock: deps.clock, intermediates: deps.intermediates }, pdf, new Date());
    expect(afterCrl.signatures.map((s) => s.chain)).toEqual(uncached.signatures.map((s) => s.chain));
  });

  it('stops trusting a deactivated anchor at once', async () => {
    const stores = new MemoryStores();
    const [root] = readCertificates(fixture('trust-anchors.pem'));
    const anchor = await stores.trust.addAnchor({ der: root!, fingerprintSha256: 'root', subject: 'root' });
    const deps = { stores, clock: () => new Date(), intermediates: readCertificates(fixture('intermediates.pem')), verifier: new InProcessVerifier() };
    const pdf = joinDocument(await signPdf((await sampleLetter()).pdf, fixtureSigner('seal-ubnd-thai-binh')));
    expect((await verifyWithStores(deps, pdf, new Date())).document.verdict).toBe('valid');
    const before = (await trustSnapshot(deps)).key;
    await stores.trust.setAnchorActive(anchor.id, false);
    expect((await trustSnapshot(deps)).key).not.toBe(before);
    expect((await verifyWithStores(deps, pdf, new Date())).document.verdict).not.toBe('valid');
  });
});
