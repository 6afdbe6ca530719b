// The trust store is parsed once per version and rebuilt when an admin changes it.
import { describe, expect, it } from 'vitest';
import { TrustStoreCacheSlot, verifyWithStores } from '../../src/exchange/trust-material.js';
import { joinDocument } from '../../src/pades/complete.js';
import { signPdf } from '../../src/pades/sign.js';
import { readCertificates, readCrls } from '../../src/pki/pem.js';
import { fixture, fixtureSigner, sampleLetter } from '../support/fixtures.js';
import { MemoryStores } from '../support/memory-stores.js';

describe('verifyWithStores with a trust-store cache', () => {
  it('reuses the parsed store until the anchors or CRLs change, and verifies the same either way', async () => {
    const stores = new MemoryStores();
    const [root] = readCertificates(fixture('trust-anchors.pem'));
    await stores.trust.addAnchor({ der: root!, fingerprintSha256: 'root', subject: 'root' });
    const deps = { stores, clock: () => new Date(), intermediates: readCertificates(fixture('intermediates.pem')), trustCache: new TrustStoreCacheSlot() };
    const pdf = joinDocument(await signPdf((await sampleLetter()).pdf, fixtureSigner('seal-ubnd-thai-binh')));

    const first = await verifyWithStores(deps, pdf, new Date());
    const cache = deps.trustCache.cache;
    expect(first.document.verdict, JSON.stringify(first.signatures.map((s) => [s.subIndication, s.errors]))).toBe('valid');
    await verifyWithStores(deps, pdf, new Date());
    expect(deps.trustCache.cache).toBe(cache);

    const [crl] = readCrls(fixture('crls.pem'));
    await stores.trust.addCrl({ der: crl!, issuer: 'test', thisUpdate: new Date('2026-01-01'), nextUpdate: null });
    const afterCrl = await verifyWithStores(deps, pdf, new Date());
    expect(deps.trustCache.cache).not.toBe(cache);
    expect(afterCrl.document.verdict).toBe('valid');
    const uncached = await verifyWithStores({ ...deps, trustCache: undefined }, pdf, new Date());
    expect(afterCrl.signatures.map((s) => s.chain)).toEqual(uncached.signatures.map((s) => s.chain));
  });
});
