import { execFileSync } from 'node:child_process';
import { X509Certificate, constants, createHash, generateKeyPairSync, verify } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as asn1js from 'asn1js';
import { describe, expect, it } from 'vitest';
import { isDocaxisError } from '../../src/errors.js';
import { createKeySigner, loadPkcs12Signer } from '../../src/pki/key-signer.js';
import type { DigestAlgorithm } from '../../src/pki/oids.js';
import { loadPkcs12 } from '../../src/pki/pkcs12.js';
import { fixtureEntry, loadManifest, readFixture } from './fixtures-manifest.js';

const manifest = loadManifest();
const data = new TextEncoder().encode('Nghị quyết số 55-NQ/TU: signed attributes stand-in');
const digests: DigestAlgorithm[] = ['sha256', 'sha384', 'sha512'];
const p12Of = (name: string): Uint8Array => readFixture(fixtureEntry(manifest, name).files.p12 ?? '');

describe('loadPkcs12Signer', () => {
  it.each([['signer-nguyen-van-an'], ['signer-le-van-cuong'], ['seal-vpcp']])('%s (RSA): PKCS#1 v1.5 signatures verify with the certificate', async (name) => {
    const signer = loadPkcs12Signer(p12Of(name), manifest.p12Password);
    expect(signer.keyAlgorithm).toBe('rsa');
    const publicKey = new X509Certificate(signer.certificate).publicKey;
    for (const digest of digests) {
      const sig = await signer.sign(data, digest);
      expect(sig.length).toBe((publicKey.asymmetricKeyDetails?.modulusLength ?? 0) / 8);
      expect(verify(digest, data, { key: publicKey, padding: constants.RSA_PKCS1_PADDING }, sig)).toBe(true);
      // Deterministic padding: PKCS#1 v1.5, not PSS.
      expect(await signer.sign(data, digest)).toEqual(sig);
      expect(verify(digest, new TextEncoder().encode('other'), { key: publicKey, padding: constants.RSA_PKCS1_PADDING }, sig)).toBe(false);
    }
  });

  it.each([['signer-tran-thi-binh'], ['seal-syt-thai-binh']])('%s (EC P-256): DER Ecdsa-Sig-Value signatures verify', async (name) => {
    const signer = loadPkcs12Signer(p12Of(name), manifest.p12Password);
    expect(signer.keyAlgorithm).toBe('ec');
    const publicKey = new X509Certificate(signer.certificate).publicKey;
    for (const digest of digests) {
      const sig = await signer.sign(data, digest);
      const asn = asn1js.fromBER(sig);
      expect(asn.offset).toBe(sig.length);
      expect(asn.result).toBeInstanceOf(asn1js.Sequence);
      expect(verify(digest, data, { key: publicKey, dsaEncoding: 'der' }, sig)).toBe(true);
    }
  });

  it('OpenSSL verifies the signature independently', async () => {
    const signer = loadPkcs12Signer(p12Of('signer-tran-thi-binh'), manifest.p12Password);
    const sig = await signer.sign(data, 'sha256');
    const dir = mkdtempSync(join(tmpdir(), 'docaxis-sig-'));
    try {
      writeFileSync(join(dir, 'pub.pem'), new X509Certificate(signer.certificate).publicKey.export({ type: 'spki', format: 'pem' }));
      writeFileSync(join(dir, 'data'), data);
      writeFileSync(join(dir, 'sig'), sig);
      const out = execFileSync('openssl', ['dgst', '-sha256', '-verify', join(dir, 'pub.pem'), '-signature', join(dir, 'sig'), join(dir, 'data')], { encoding: 'utf8' });
      expect(out).toMatch(/Verified OK/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exposes the certificate and the chain (issuer first) from the file', () => {
    const signer = loadPkcs12Signer(p12Of('signer-pham-thi-dung'), manifest.p12Password);
    expect(createHash('sha256').update(signer.certificate).digest('hex')).toBe(fixtureEntry(manifest, 'signer-pham-thi-dung').fingerprintSha256);
    expect(signer.chain.map((c) => createHash('sha256').update(c).digest('hex'))).toEqual([fixtureEntry(manifest, 'intermediate-ca').fingerprintSha256]);
  });

  it('passes on PKCS#12 errors', () => {
    let thrown: unknown;
    try {
      loadPkcs12Signer(p12Of('tsa'), 'not-the-password');
    } catch (e) {
      thrown = e;
    }
    expect(isDocaxisError(thrown, 'PKCS12_BAD_PASSWORD')).toBe(true);
  });
});

describe('createKeySigner', () => {
  it('rejects unsupported digests at run time with DIGEST_UNSUPPORTED', async () => {
    const signer = createKeySigner(loadPkcs12(p12Of('signer-nguyen-van-an'), manifest.p12Password));
    await expect(signer.sign(data, 'sha1' as DigestAlgorithm)).rejects.toMatchObject({ code: 'DIGEST_UNSUPPORTED' });
    await expect(signer.sign(data, 'md5' as DigestAlgorithm)).rejects.toMatchObject({ code: 'DIGEST_UNSUPPORTED' });
  });

  it('rejects a key that does not match the declared algorithm, or a public key', () => {
    const material = loadPkcs12(p12Of('signer-nguyen-van-an'), manifest.p12Password);
    expect(() => createKeySigner({ ...material, keyAlgorithm: 'ec' })).toThrow(expect.objectContaining({ code: 'KEY_UNSUPPORTED' }) as Error);
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect(() => createKeySigner({ ...material, privateKey: publicKey })).toThrow(expect.objectContaining({ code: 'KEY_UNSUPPORTED' }) as Error);
  });

  it('keeps its own copies of the certificates', () => {
    const material = loadPkcs12(p12Of('signer-nguyen-van-an'), manifest.p12Password);
    const signer = createKeySigner(material);
    const before = Uint8Array.from(signer.certificate);
    material.certificate.fill(0);
    material.chain.length = 0;
    expect(signer.certificate).toEqual(before);
    expect(signer.chain).toHaveLength(1);
  });

  it('signs concurrently without blocking (many RSA-3072 signatures in parallel all verify)', async () => {
    const signer = loadPkcs12Signer(p12Of('signer-le-van-cuong'), manifest.p12Password);
    const publicKey = new X509Certificate(signer.certificate).publicKey;
    const inputs = Array.from({ length: 16 }, (_, i) => new TextEncoder().encode(`document ${i}`));
    const sigs = await Promise.all(inputs.map((d) => signer.sign(d, 'sha256')));
    sigs.forEach((sig, i) => expect(verify('sha256', inputs[i] ?? new Uint8Array(), { key: publicKey, padding: constants.RSA_PKCS1_PADDING }, sig)).toBe(true));
  });
});
