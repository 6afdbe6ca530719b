import { execFileSync } from 'node:child_process';
import { X509Certificate, createHash, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';
import { describe, expect, it } from 'vitest';
import { isDocaxisError, type ErrorCode } from '../../src/errors.js';
import { readCertificates } from '../../src/pki/pem.js';
import { loadPkcs12 } from '../../src/pki/pkcs12.js';
import { bmpPassword, pkcs12Kdf } from '../../src/pki/pkcs12-cert-bags.js';
import { fixtureEntry, fixturePath, loadManifest, readFixture } from './fixtures-manifest.js';

const manifest = loadManifest();
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const intermediateDer = readCertificates(readFixture(manifest.bundles.intermediates))[0] ?? new Uint8Array();

function expectCode(fn: () => unknown, code: ErrorCode): void {
  try {
    fn();
  } catch (e) {
    expect(isDocaxisError(e, code), `${String(e)}`).toBe(true);
    return;
  }
  throw new Error(`expected ${code}`);
}

/** Builds a p12 with the openssl CLI from PEM strings (for cases the fixtures do not cover). */
function opensslP12(args: string[], files: Record<string, string>, password: string): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'docaxis-p12t-'));
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    execFileSync('openssl', ['pkcs12', '-export', ...args.map((a) => a.replace('@', `${dir}/`)), '-passout', `pass:${password}`, '-out', join(dir, 'out.p12')]);
    return new Uint8Array(readFileSync(join(dir, 'out.p12')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('loadPkcs12 on the fixtures', () => {
  it.each(manifest.entries.filter((e) => e.files.p12).map((e) => [e.name, e] as const))('%s: key, matching certificate, chain', (_n, e) => {
    const m = loadPkcs12(readFixture(e.files.p12 ?? ''), e.p12Password ?? '');
    expect(sha256(m.certificate)).toBe(e.fingerprintSha256);
    expect(m.keyAlgorithm).toBe(e.keyType.startsWith('ec') ? 'ec' : 'rsa');
    expect(m.privateKey.type).toBe('private');
    // The key matches the certificate (OpenSSL's opinion) and the PKCS#8 file next to it.
    expect(new X509Certificate(m.certificate).checkPrivateKey(m.privateKey)).toBe(true);
    const fromPem = createPublicKey(readFileSync(fixturePath(e.files.key ?? ''), 'utf8')).export({ type: 'spki', format: 'der' });
    expect(createPublicKey(m.privateKey).export({ type: 'spki', format: 'der' }).equals(fromPem)).toBe(true);
    if (e.issuer === 'intermediate-ca') expect(m.chain.map(sha256)).toEqual([sha256(intermediateDer)]);
    else expect(m.chain).toEqual([]);
  });

  it('wrong password -> PKCS12_BAD_PASSWORD (RSA and EC files)', () => {
    expectCode(() => loadPkcs12(readFixture('signer-nguyen-van-an.p12'), 'wrong'), 'PKCS12_BAD_PASSWORD');
    expectCode(() => loadPkcs12(readFixture('signer-tran-thi-binh.p12'), ''), 'PKCS12_BAD_PASSWORD');
  });

  it('corrupt or foreign bytes -> PKCS12_MALFORMED', () => {
    expectCode(() => loadPkcs12(new Uint8Array(), 'x'), 'PKCS12_MALFORMED');
    expectCode(() => loadPkcs12(new TextEncoder().encode('not a p12 at all'), 'x'), 'PKCS12_MALFORMED');
    expectCode(() => loadPkcs12(readFixture('signer-nguyen-van-an.cert.pem'), 'x'), 'PKCS12_MALFORMED');
    const cert = readCertificates(readFixture('signer-nguyen-van-an.cert.pem'))[0] ?? new Uint8Array();
    expectCode(() => loadPkcs12(cert, manifest.p12Password), 'PKCS12_MALFORMED');
    const truncated = readFixture('signer-nguyen-van-an.p12').slice(0, 700);
    expectCode(() => loadPkcs12(truncated, manifest.p12Password), 'PKCS12_MALFORMED');
  });

  it('a flipped byte inside the encrypted data fails the MAC (reported as bad password or malformed, never a crash)', () => {
    const bytes = readFixture('signer-tran-thi-binh.p12').slice();
    const at = Math.floor(bytes.length / 2);
    bytes[at] = (bytes[at] ?? 0) ^ 0xff;
    try {
      loadPkcs12(bytes, manifest.p12Password);
      throw new Error('should fail');
    } catch (e) {
      expect(isDocaxisError(e, 'PKCS12_BAD_PASSWORD') || isDocaxisError(e, 'PKCS12_MALFORMED')).toBe(true);
    }
  });
});

describe('loadPkcs12 on other shapes', () => {
  const e = fixtureEntry(manifest, 'signer-le-van-cuong');
  const keyPem = readFileSync(fixturePath(e.files.key ?? ''), 'utf8');
  const certPem = readFileSync(fixturePath(e.files.cert), 'utf8');
  const interPem = readFileSync(fixturePath(manifest.bundles.intermediates), 'utf8');
  const rootPem = readFileSync(fixturePath(manifest.bundles.trustAnchors), 'utf8');

  it('legacy 3DES/SHA-1 PKCS#12 (old Windows/token exports) and chain order root-first in the file', () => {
    const p12 = opensslP12(
      ['-legacy', '-inkey', '@k.pem', '-in', '@c.pem', '-certfile', '@chain.pem'],
      { 'k.pem': keyPem, 'c.pem': certPem, 'chain.pem': rootPem + interPem },
      'docaxis-test',
    );
    const m = loadPkcs12(p12, 'docaxis-test');
    expect(sha256(m.certificate)).toBe(e.fingerprintSha256);
    const names = m.chain.map((d) => new X509Certificate(d).subject);
    expect(names[0]).toMatch(/CA phục vụ/);
    expect(names[1]).toMatch(/Cơ quan chứng thực số/);
  });

  it('a p12 made by node-forge (unencrypted certificates, SHA-1 MAC) with the key after the certs', () => {
    const key = forge.pki.privateKeyFromPem(readFileSync(fixturePath(fixtureEntry(manifest, 'signer-nguyen-van-an').files.key ?? ''), 'utf8'));
    const cert = forge.pki.certificateFromPem(readFileSync(fixturePath(fixtureEntry(manifest, 'signer-nguyen-van-an').files.cert), 'utf8'));
    const asn1 = forge.pkcs12.toPkcs12Asn1(key, [cert, forge.pki.certificateFromPem(interPem)], 'pässwort', { algorithm: '3des' });
    const bytes = new Uint8Array(Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary'));
    const m = loadPkcs12(bytes, 'pässwort');
    // Bytes come back exactly as issued, so the CA signature on them still verifies.
    expect(sha256(m.certificate)).toBe(fixtureEntry(manifest, 'signer-nguyen-van-an').fingerprintSha256);
    expect(m.chain).toHaveLength(1);
  });

  it.each([[[] as string[]], [['-legacy']]])('a Vietnamese (non-ASCII) password works, OpenSSL options %j', (extra) => {
    const p12 = opensslP12([...extra, '-inkey', '@k.pem', '-in', '@c.pem', '-certfile', '@chain.pem'], { 'k.pem': keyPem, 'c.pem': certPem, 'chain.pem': interPem }, 'mật khẩu Đông Hưng');
    const m = loadPkcs12(p12, 'mật khẩu Đông Hưng');
    expect(sha256(m.certificate)).toBe(e.fingerprintSha256);
    expect(m.chain).toHaveLength(1);
    expectCode(() => loadPkcs12(p12, 'mat khau Dong Hung'), 'PKCS12_BAD_PASSWORD');
  });

  it('a file without a MAC: right password opens it, a wrong one is PKCS12_BAD_PASSWORD', () => {
    const p12 = opensslP12(['-nomac', '-inkey', '@k.pem', '-in', '@c.pem'], { 'k.pem': keyPem, 'c.pem': certPem }, 'docaxis-test');
    expect(sha256(loadPkcs12(p12, 'docaxis-test').certificate)).toBe(e.fingerprintSha256);
    for (const wrong of ['x', 'wrong', 'docaxis-tesT', 'Docaxis-test']) expectCode(() => loadPkcs12(p12, wrong), 'PKCS12_BAD_PASSWORD');
  });

  it('a certificate without its key -> PKCS12_NO_KEY; a key without its certificate -> PKCS12_NO_KEY', () => {
    const certsOnly = opensslP12(['-nokeys', '-in', '@c.pem'], { 'c.pem': certPem }, 'pw');
    expectCode(() => loadPkcs12(certsOnly, 'pw'), 'PKCS12_NO_KEY');
    const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const mismatched = opensslP12(['-inkey', '@k.pem', '-in', '@c.pem', '-nocerts'], { 'k.pem': otherKey, 'c.pem': certPem }, 'pw');
    expectCode(() => loadPkcs12(mismatched, 'pw'), 'PKCS12_NO_KEY');
  });

  it('an Ed25519 key -> KEY_UNSUPPORTED', () => {
    const dir = mkdtempSync(join(tmpdir(), 'docaxis-ed-'));
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ed25519', '-nodes', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'), '-subj', '/CN=ed25519 TEST', '-days', '1']);
      const p12 = opensslP12(['-inkey', '@k.pem', '-in', '@c.pem'], { 'k.pem': readFileSync(join(dir, 'k.pem'), 'utf8'), 'c.pem': readFileSync(join(dir, 'c.pem'), 'utf8') }, 'pw');
      expectCode(() => loadPkcs12(p12, 'pw'), 'KEY_UNSUPPORTED');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('node:crypto PKCS#12 decryption', () => {
  const e = fixtureEntry(manifest, 'signer-tran-thi-binh');
  const files = { 'k.pem': readFileSync(fixturePath(e.files.key ?? ''), 'utf8'), 'c.pem': readFileSync(fixturePath(e.files.cert), 'utf8') };

  it('the RFC 7292 appendix B KDF matches node-forge\'s, ASCII and Vietnamese passwords', () => {
    const salt = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    const generate = (forge.pkcs12 as unknown as { generateKey(p: string, s: forge.util.ByteStringBuffer, id: number, iter: number, n: number): forge.util.ByteStringBuffer }).generateKey;
    for (const password of ['docaxis-test', 'mật khẩu Đông Hưng', '']) {
      for (const [id, n, iterations] of [[1, 24, 2048], [2, 8, 1], [3, 20, 3], [1, 70, 5]] as const) {
        const expected = Buffer.from(generate(password, forge.util.createBuffer(Buffer.from(salt).toString('binary')), id, iterations, n).getBytes(), 'binary');
        expect(pkcs12Kdf('sha1', bmpPassword(password), salt, id, iterations, n).toString('hex'), `${password} ${id}`).toBe(expected.toString('hex'));
      }
    }
    expect(Buffer.from(bmpPassword('Aệ')).toString('hex')).toBe('00411ec70000');
  });

  it.each([
    ['AES-128 PBES2, SHA-512 MAC', ['-keypbe', 'AES-128-CBC', '-certpbe', 'AES-128-CBC', '-macalg', 'sha512']],
    ['AES-192 PBES2, SHA-384 MAC, unencrypted certificates', ['-keypbe', 'AES-192-CBC', '-certpbe', 'NONE', '-macalg', 'sha384']],
    ['3DES PKCS#12 PBE for both, SHA-1 MAC', ['-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'PBE-SHA1-3DES', '-macalg', 'sha1']],
  ])('%s', (_label, args) => {
    const p12 = opensslP12([...args, '-inkey', '@k.pem', '-in', '@c.pem'], files, 'mật khẩu');
    const m = loadPkcs12(p12, 'mật khẩu');
    expect(sha256(m.certificate)).toBe(e.fingerprintSha256);
    expect(m.keyAlgorithm).toBe('ec');
    expectCode(() => loadPkcs12(p12, 'mat khau'), 'PKCS12_BAD_PASSWORD');
  });

  it('garbage inside the decrypted contents of a MAC-less file is a wrong password, never a crash', () => {
    const p12 = opensslP12(['-nomac', '-inkey', '@k.pem', '-in', '@c.pem'], files, 'pw');
    for (let i = 0; i < 40; i++) expectCode(() => loadPkcs12(p12, `wrong-${i}`), 'PKCS12_BAD_PASSWORD');
  });
});
