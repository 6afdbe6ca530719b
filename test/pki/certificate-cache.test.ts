import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isDocaxisError } from '../../src/errors.js';
import { CertificateCache } from '../../src/pki/certificate-cache.js';
import { describeCertificate } from '../../src/pki/certificate.js';
import { type ChainInput, validateChain } from '../../src/pki/chain.js';
import { readCertificates, readCrls } from '../../src/pki/pem.js';
import { fixtureEntry, loadManifest, readFixture } from './fixtures-manifest.js';

const manifest = loadManifest();
const certOf = (name: string): Uint8Array => readCertificates(readFixture(fixtureEntry(manifest, name).files.cert))[0] ?? new Uint8Array();
const anchors = readCertificates(readFixture(manifest.bundles.trustAnchors));
const intermediates = readCertificates(readFixture(manifest.bundles.intermediates));
const crls = readCrls(readFixture(manifest.bundles.crls));

describe('CertificateCache', () => {
  it('describes once per content, whatever buffer the bytes come in', () => {
    const cache = new CertificateCache();
    const der = certOf('signer-nguyen-van-an');
    const first = cache.describe(der);
    expect(cache.describe(der.slice())).toBe(first);
    expect({ ...first, der: undefined }).toEqual({ ...describeCertificate(der), der: undefined });
    expect(cache.chainCert(der.slice())).toBe(cache.chainCert(der));
  });

  it('owns its bytes: the caller reusing its buffer changes nothing', () => {
    const cache = new CertificateCache();
    const der = certOf('signer-nguyen-van-an').slice();
    const original = der.slice();
    const c = cache.chainCert(der);
    der.fill(0);
    expect(Buffer.from(c.der).equals(Buffer.from(original))).toBe(true);
    expect(cache.describe(original).serialNumber).toBe(c.serialHex);
  });

  it('keeps the error codes, failures included', () => {
    const cache = new CertificateCache();
    for (let i = 0; i < 2; i++) {
      expect(() => cache.describe(Uint8Array.of(0x30, 0x00))).toThrow(expect.objectContaining({ code: 'CERT_MALFORMED' }));
      expect(() => cache.chainCert(Uint8Array.of(1, 2, 3))).toThrow(expect.objectContaining({ code: 'CERT_MALFORMED' }));
      expect(() => cache.crl(Uint8Array.of(0x30, 0x00))).toThrow(expect.objectContaining({ code: 'CRL_MALFORMED' }));
    }
    expect(cache.tryChainCert(Uint8Array.of(0x30, 0x00))).toBeUndefined();
    const crl = crls[0] ?? new Uint8Array();
    expect(cache.crl(crl.slice())).toBe(cache.crl(crl));
    try {
      cache.describe(new Uint8Array());
    } catch (e) {
      expect(isDocaxisError(e, 'CERT_MALFORMED')).toBe(true);
    }
  });

  it('validateChain gives the same answer with and without a cache, for every fixture signer', () => {
    const cache = new CertificateCache();
    for (const entry of manifest.entries.filter((e) => e.role !== 'root' && e.role !== 'intermediate')) {
      const input: ChainInput = {
        leaf: certOf(entry.name),
        candidates: [...intermediates, Uint8Array.of(0x30, 0x03, 1, 2, 3)],
        trustAnchors: anchors,
        crls,
        at: new Date('2026-03-01T00:00:00Z'),
        purpose: 'document-signing',
      };
      const plain = validateChain(input);
      const cached1 = validateChain({ ...input, cache });
      const cached2 = validateChain({ ...input, cache });
      expect(cached1, entry.name).toEqual(plain);
      expect(cached2, entry.name).toEqual(plain);
    }
    expect(cache.signatures.size).toBeGreaterThan(0);
  });
});

describe('CertificateCache with a trust-store parent', () => {
  const read = (name: string) => readCertificates(readFileSync(new URL(`../../certs-fixtures/${name}`, import.meta.url)));

  it('reads parsed anchors through from the parent and keeps new entries to itself', () => {
    const anchors = read('trust-anchors.pem');
    const leaf = read('signer-nguyen-van-an.cert.pem')[0]!;
    const parent = CertificateCache.forTrustStore({ trustAnchors: anchors, intermediates: read('intermediates.pem') });
    const child = new CertificateCache(parent);
    // The same parsed object: the anchor (and its key) was built once, in the parent.
    expect(child.chainCert(anchors[0]!)).toBe(parent.chainCert(anchors[0]!));
    const fromChild = child.chainCert(leaf);
    // The leaf belongs to one document: a second run with a fresh child parses it anew.
    const again = new CertificateCache(parent).chainCert(leaf);
    expect(again).not.toBe(fromChild);
    // ... but its OpenSSL key is built once, in the parent's key cache, and serves both runs.
    expect(again.publicKey).toBe(fromChild.publicKey);
    expect(parent.keys.get(fromChild.spkiDer)).toBe(fromChild.publicKey);
  });

  it('gives the same verification report with and without the long-lived cache', async () => {
    const { verifyPdf } = await import('../../src/pades/verify.js');
    const { signPdf } = await import('../../src/pades/sign.js');
    const { joinDocument } = await import('../../src/pades/complete.js');
    const { fixtureSigner, sampleLetter, trustedOptions } = await import('../support/fixtures.js');
    const signed = joinDocument(await signPdf((await sampleLetter()).pdf, fixtureSigner('seal-ubnd-thai-binh')));
    const options = trustedOptions({ at: new Date('2026-11-22T03:00:00Z') });
    const store = CertificateCache.forTrustStore({ trustAnchors: options.trustAnchors!, intermediates: options.intermediates!, crls: options.crls as Uint8Array[] });
    const plain = verifyPdf(signed, options);
    const cached = verifyPdf(signed, { ...options, trustStoreCache: store });
    expect(cached).toEqual(plain);
    expect(cached.document.verdict).toBe('valid');
  });
});
