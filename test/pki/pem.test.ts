import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { isDocaxisError, type ErrorCode } from '../../src/errors.js';
import { decodePemOrDer, readCertificates, readCrls, toPem } from '../../src/pki/pem.js';
import { fixturePath, loadManifest, readFixture } from './fixtures-manifest.js';

const manifest = loadManifest();
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const rootPem = readFixture(manifest.bundles.trustAnchors);
/** OpenSSL's DER of the root, as the oracle for our PEM decoding. */
const rootDer = new Uint8Array(execFileSync('openssl', ['x509', '-in', fixturePath(manifest.bundles.trustAnchors), '-outform', 'DER']));

function expectCode(fn: () => unknown, code: ErrorCode): void {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(isDocaxisError(thrown, code), String(thrown)).toBe(true);
}

describe('decodePemOrDer', () => {
  it('decodes PEM to the same DER OpenSSL produces, and passes DER through', () => {
    expect(decodePemOrDer(rootPem, 'CERTIFICATE')).toEqual([rootDer]);
    expect(decodePemOrDer(rootDer)).toEqual([rootDer]);
    expect(decodePemOrDer(rootDer, 'CERTIFICATE')).toEqual([rootDer]);
  });

  it('filters by label, keeps file order, tolerates CRLF, BOM, headers and text between blocks', () => {
    const pem = new TextDecoder().decode(rootPem);
    const crlPem = new TextDecoder().decode(readFixture('root-ca.crl.pem'));
    const messy = `\uFEFFsubject=whatever\r\n${pem.replace(/\n/g, '\r\n')}junk between\n${crlPem}${pem}`;
    expect(decodePemOrDer(enc(messy), 'CERTIFICATE')).toEqual([rootDer, rootDer]);
    expect(decodePemOrDer(enc(messy), 'X509 CRL')).toHaveLength(1);
    expect(decodePemOrDer(enc(messy))).toHaveLength(3);
    expect(decodePemOrDer(enc(messy), 'PRIVATE KEY')).toEqual([]);
    const withHeaders = pem.replace('-----BEGIN CERTIFICATE-----\n', '-----BEGIN CERTIFICATE-----\nProc-Type: 4,CRYPT\n\n');
    expect(decodePemOrDer(enc(withHeaders))).toEqual([rootDer]);
  });

  it('DER followed by a trailing newline is accepted; other trailing bytes are not', () => {
    expect(decodePemOrDer(new Uint8Array([...rootDer, 0x0a]))).toEqual([rootDer]);
    expectCode(() => decodePemOrDer(new Uint8Array([...rootDer, 0x41])), 'PEM_MALFORMED');
  });

  it('rejects broken input with PEM_MALFORMED', () => {
    expectCode(() => decodePemOrDer(new Uint8Array()), 'PEM_MALFORMED');
    expectCode(() => decodePemOrDer(enc('hello world')), 'PEM_MALFORMED');
    expectCode(() => decodePemOrDer(enc('-----BEGIN CERTIFICATE-----\nAAAA\n')), 'PEM_MALFORMED');
    expectCode(() => decodePemOrDer(enc('-----BEGIN CERTIFICATE-----\nA*B=\n-----END CERTIFICATE-----\n')), 'PEM_MALFORMED');
    expectCode(() => decodePemOrDer(enc('-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n')), 'PEM_MALFORMED');
    expectCode(() => decodePemOrDer(rootDer.slice(0, 100)), 'PEM_MALFORMED');
  });
});

describe('toPem', () => {
  it('writes 64-column PEM that OpenSSL reads back to the same DER', () => {
    const pem = toPem(rootDer, 'CERTIFICATE');
    expect(pem.split('\n').every((l) => l.length <= 64)).toBe(true);
    const back = execFileSync('openssl', ['x509', '-outform', 'DER'], { input: pem });
    expect(new Uint8Array(back)).toEqual(rootDer);
    expect(decodePemOrDer(enc(pem), 'CERTIFICATE')).toEqual([rootDer]);
  });
});

describe('readCertificates / readCrls', () => {
  it('read bundles and single DER files', () => {
    const all = manifest.entries.map((e) => new TextDecoder().decode(readFixture(e.files.cert))).join('');
    expect(readCertificates(enc(all))).toHaveLength(manifest.entries.length);
    expect(readCertificates(rootDer)).toEqual([rootDer]);
    expect(readCrls(readFixture(manifest.bundles.crls))).toHaveLength(2);
    expect(readCrls(readFixture('intermediate-ca.crl.der'))).toHaveLength(1);
  });

  it('reject what is not a certificate / CRL with their own code', () => {
    expectCode(() => readCertificates(readFixture('root-ca.crl.der')), 'CERT_MALFORMED');
    expectCode(() => readCertificates(readFixture('root-ca.crl.pem')), 'CERT_MALFORMED'); // PEM without CERTIFICATE blocks
    expectCode(() => readCertificates(enc('garbage')), 'CERT_MALFORMED');
    const corrupt = rootDer.slice();
    corrupt[8] = 0xff; // the TBS version tag: no longer a certificate
    expectCode(() => readCertificates(corrupt), 'CERT_MALFORMED');
    expectCode(() => readCertificates(enc(toPem(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]), 'CERTIFICATE'))), 'CERT_MALFORMED');
    expectCode(() => readCrls(rootDer), 'CRL_MALFORMED');
    expectCode(() => readCrls(new Uint8Array()), 'CRL_MALFORMED');
  });
});
