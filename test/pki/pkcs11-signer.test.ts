// The PKCS#11 signer against SoftHSM2: the signature made on the token verifies (docaxis and
// pdfsig), and every way of pointing at the wrong thing fails with its own catalogue code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { concat } from '../../src/pki/asn1-util.js';
import { signPdf } from '../../src/pades/sign.js';
import { verifyPdf } from '../../src/pades/verify.js';
import { Pkcs11Host } from '../../src/pki/pkcs11-host.js';
import { ecdsaRawToDer, openPkcs11Signer, pkcs11Uri } from '../../src/pki/pkcs11-signer.js';
import { readCertificates } from '../../src/pki/pem.js';
import { fixture, sampleLetter, trustedOptions } from '../support/fixtures.js';
import { fixtureNssDb, pdfsig, tempDir, writeTemp } from '../support/oracles.js';
import { createSoftHsm, type SoftHsm } from '../support/softhsm.js';

let hsm: SoftHsm;
let host: Pkcs11Host;
const PIN = '123456';

beforeAll(() => {
  hsm = createSoftHsm();
  hsm.addToken({ label: 'vpcp', pin: PIN, fixture: 'seal-vpcp' });
  hsm.addToken({ label: 'syt', pin: PIN, fixture: 'seal-syt-thai-binh', keyLabel: 'seal-ec', keyId: 'a1b2' });
  hsm.addToken({ label: 'nocert', pin: PIN, fixture: 'seal-snv-thai-binh', withCertificate: false });
  hsm.addToken({ label: 'wrongpin', pin: PIN, fixture: 'seal-ubnd-dong-xa' });
  host = new Pkcs11Host({ timeoutMs: 20_000 });
});
afterAll(() => host.shutdown());

const spec = (over: Partial<Parameters<typeof openPkcs11Signer>[0]> = {}) => ({ modulePath: hsm.module, tokenLabel: 'vpcp', keyLabel: 'seal', pin: PIN, ...over });

function bytesOf(d: { original: Uint8Array; update: Uint8Array }): Uint8Array {
  return concat(d.original, d.update);
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
  return 'no error';
}

describe('PKCS#11 signer (SoftHSM2)', () => {
  it.each([
    ['RSA 3072, certificate read from the token', { tokenLabel: 'vpcp' }, 'seal-vpcp'],
    ['ECDSA P-256 by key id, r||s turned into DER', { tokenLabel: 'syt', keyLabel: undefined, keyId: 'A1B2' }, 'seal-syt-thai-binh'],
  ])('%s: the PDF signed on the token passes docaxis verify and pdfsig', async (_name, over, fixtureName) => {
    const signer = await openPkcs11Signer(spec(over as never), host);
    try {
      expect(Buffer.from(signer.certificate).equals(Buffer.from(readCertificates(fixture(`${fixtureName}.cert.pem`))[0]!))).toBe(true);
      expect(signer.description).toMatch(/^pkcs11:token=(vpcp|syt);object=seal(-ec)?;id=%/);
      const letter = await sampleLetter();
      // The chain embedded is the CA certificate found on the token.
      expect(signer.chain.map((c) => Buffer.from(c).toString('hex'))).toEqual(readCertificates(fixture('intermediate-ca.cert.pem')).map((c) => Buffer.from(c).toString('hex')));
      const signed = bytesOf(await signPdf(letter.pdf, signer));
      const report = verifyPdf(signed, trustedOptions());
      expect(report.signatures).toHaveLength(1);
      expect(report.signatures[0]!.indication).toBe('TOTAL_PASSED');
      const [sig] = pdfsig(writeTemp(tempDir(), 'hsm.pdf', signed), fixtureNssDb());
      expect(sig).toMatchObject({ signatureValid: true, certificateTrusted: true, totalDocumentSigned: true });
    } finally {
      await signer.close();
    }
  });

  it('a wrong PIN: HSM_PIN_INCORRECT; the right PIN then still opens the key', async () => {
    expect(await codeOf(openPkcs11Signer(spec({ tokenLabel: 'wrongpin', pin: '000000' }), host))).toBe('HSM_PIN_INCORRECT');
    const signer = await openPkcs11Signer(spec({ tokenLabel: 'wrongpin' }), host);
    // Once logged in, a different PIN for the same token is still refused (no riding on the login).
    expect(await codeOf(openPkcs11Signer(spec({ tokenLabel: 'wrongpin', pin: '999999' }), host))).toBe('HSM_PIN_INCORRECT');
    await signer.close();
  });

  it('a missing token, key, certificate or module each has its code', async () => {
    expect(await codeOf(openPkcs11Signer(spec({ tokenLabel: 'no-such-token' }), host))).toBe('HSM_TOKEN_NOT_FOUND');
    expect(await codeOf(openPkcs11Signer(spec({ keyLabel: 'no-such-key' }), host))).toBe('HSM_KEY_NOT_FOUND');
    expect(await codeOf(openPkcs11Signer(spec({ keyLabel: undefined, keyId: 'ff' }), host))).toBe('HSM_KEY_NOT_FOUND');
    expect(await codeOf(openPkcs11Signer(spec({ tokenLabel: 'nocert' }), host))).toBe('HSM_CERT_NOT_FOUND');
    expect(await codeOf(openPkcs11Signer(spec({ modulePath: '/nonexistent/libnothing.so' }), host))).toBe('HSM_MODULE_UNAVAILABLE');
    expect(await codeOf(openPkcs11Signer(spec({ keyLabel: undefined }), host))).toBe('USAGE');
  });

  it('a certificate that is not the key’s: HSM_KEY_CERT_MISMATCH (checked by a signature at open)', async () => {
    const other = readCertificates(fixture('seal-snv-thai-binh.cert.pem'))[0]!;
    expect(await codeOf(openPkcs11Signer(spec({ certificate: other }), host))).toBe('HSM_KEY_CERT_MISMATCH');
    // The token without its certificate works when the right one is given.
    const snv = readCertificates(fixture('seal-snv-thai-binh.cert.pem'))[0]!;
    const signer = await openPkcs11Signer(spec({ tokenLabel: 'nocert', certificate: snv }), host);
    expect(signer.keyAlgorithm).toBe('rsa');
    await signer.close();
  });

  it('a call past its deadline: HSM_TIMEOUT, the thread is replaced, and a later host call works', async () => {
    // 1 ms: less than a worker thread takes to start, so the first answer is always late.
    const slow = new Pkcs11Host({ timeoutMs: 1 });
    try {
      expect(await codeOf(openPkcs11Signer(spec(), slow))).toBe('HSM_TIMEOUT');
      expect(slow.generation).toBe(1);
    } finally {
      await slow.shutdown();
    }
    const signer = await openPkcs11Signer(spec(), host);
    expect((await signer.sign(new Uint8Array([1, 2, 3]), 'sha256')).length).toBe(384);
    await signer.close();
  });

  it('ecdsaRawToDer: leading zeros dropped, a high bit gets a 0x00, as DER INTEGERs', () => {
    const r = new Uint8Array(32).fill(0);
    r[31] = 5;
    const s = new Uint8Array(32).fill(0xff);
    const der = ecdsaRawToDer(concat(r, s));
    expect(Buffer.from(der).toString('hex')).toBe('3026' + '020105' + '022100' + 'ff'.repeat(32));
  });

  it('pkcs11Uri percent-encodes as RFC 7512 says', () => {
    expect(pkcs11Uri('Sở Y tế', 'seal 1', '0a1b')).toBe('pkcs11:token=S%E1%BB%9F%20Y%20t%E1%BA%BF;object=seal%201;id=%0a%1b');
  });
});
