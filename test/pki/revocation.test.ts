// parseCrl and checkRevocation on CRLs made by `openssl ca -gencrl`; `openssl verify -crl_check`
// is the oracle for the leaf's revocation status at the current time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDocaxisError } from '../../src/errors.js';
import { parseChainCert } from '../../src/pki/chain-cert.js';
import { OID } from '../../src/pki/oids.js';
import { type ParsedCrl, checkRevocation, parseCrl } from '../../src/pki/revocation.js';
import { type OpensslPki, REVOKED_AT, makeOpensslPki } from './chain-openssl-pki.js';

let pki: OpensslPki;
let interCrl: ParsedCrl;
let rootCrl: ParsedCrl;
let fakeCrl: ParsedCrl;
beforeAll(() => {
  pki = makeOpensslPki();
  interCrl = parseCrl(pki.crlDer('inter-crl'));
  rootCrl = parseCrl(pki.crlDer('root-crl'));
  fakeCrl = parseCrl(pki.crlDer('fake-inter-crl'));
});
afterAll(() => pki?.cleanup());

const NOW = new Date();

function expectCrlMalformed(bytes: Uint8Array): void {
  try {
    parseCrl(bytes);
  } catch (e) {
    expect(isDocaxisError(e, 'CRL_MALFORMED'), String(e)).toBe(true);
    return;
  }
  expect.unreachable(`parsed ${bytes.length} bytes`);
}

describe('parseCrl', () => {
  it('reads the fields of an openssl CRL', () => {
    const leafRevoked = parseChainCert(pki.der('leaf-revoked'));
    expect(interCrl.issuerText).toBe('C=VN, O=Ban Cơ yếu Chính phủ - TEST, CN=CA phục vụ các cơ quan Nhà nước - TEST');
    expect(Buffer.from(interCrl.issuerDer)).toEqual(Buffer.from(parseChainCert(pki.der('inter')).subjectDer));
    expect(interCrl.crlNumber).toBe('1');
    expect(interCrl.authorityKeyIdentifier).toBe(parseChainCert(pki.der('inter')).subjectKeyId);
    expect(interCrl.signatureAlgorithmOid).toBe(OID.sha256WithRSAEncryption);
    expect(interCrl.nextUpdate!.getTime() - interCrl.thisUpdate.getTime()).toBe(30 * 86_400_000);
    // High-bit serial: DER 00 c0 ff ee .., keyed without the sign byte, as Node spells it.
    expect(leafRevoked.serialHex).toMatch(/^c0ffee/);
    expect(leafRevoked.serialHex).toBe(leafRevoked.x509.serialNumber.toLowerCase());
    expect([...interCrl.revoked.entries()]).toEqual([[leafRevoked.serialHex, { revokedAt: REVOKED_AT, reason: 'keyCompromise' }]]);
    expect(rootCrl.revoked.size).toBe(0);
    expect(fakeCrl.authorityKeyIdentifier).toBeUndefined();
    // tbs and signature are slices of the DER.
    const der = Buffer.from(interCrl.der);
    expect(der.includes(Buffer.from(interCrl.tbsDer))).toBe(true);
    expect(der.includes(Buffer.from(interCrl.signatureValue))).toBe(true);
  });

  it('rejects garbage with CRL_MALFORMED', () => {
    const cases = [new Uint8Array(0), Buffer.from('hello'), new Uint8Array([0x30]), new Uint8Array([0x30, 0x00]), new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]), Buffer.from(pki.crlDer('inter-crl').toString()), pki.der('leaf'), Buffer.from('-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n')];
    for (const bytes of cases) expectCrlMalformed(bytes);
  });

  it('rejects every truncation and trailing bytes with CRL_MALFORMED', () => {
    const der = pki.crlDer('inter-crl');
    for (let n = 0; n < der.length; n++) expectCrlMalformed(der.subarray(0, n));
    expectCrlMalformed(Buffer.concat([der, Buffer.from([0])]));
  });

  it('never throws anything but CRL_MALFORMED on corrupted bytes', () => {
    const der = pki.crlDer('ec-inter-crl');
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
    for (let k = 0; k < 400; k++) {
      const copy = new Uint8Array(der);
      copy[rand() % copy.length] = rand() & 0xff;
      try {
        parseCrl(copy);
      } catch (e) {
        expect(isDocaxisError(e, 'CRL_MALFORMED'), String(e)).toBe(true);
      }
    }
  });
});

describe('checkRevocation', () => {
  const check = (leaf: string, issuer: string, crls: ParsedCrl[], at = NOW) => checkRevocation(pki.der(leaf), pki.der(issuer), crls, at);

  it('agrees with openssl verify -crl_check at the current time', () => {
    for (const [leaf, expected] of [
      ['leaf', 'good'],
      ['leaf-revoked', 'revoked'],
      ['tsa', 'good'],
    ] as const) {
      expect(check(leaf, 'inter', [interCrl]).status).toBe(expected);
      const oracle = pki.verify({ leaf, trusted: ['root'], untrusted: ['inter'], crls: ['inter-crl', 'root-crl'] });
      expect(oracle.ok, oracle.output).toBe(expected === 'good');
    }
  });

  it('reports a revocation with its date, reason and CRL window', () => {
    expect(check('leaf-revoked', 'inter', [interCrl])).toEqual({
      status: 'revoked',
      revokedAt: REVOKED_AT,
      reason: 'keyCompromise',
      source: 'crl',
      crlThisUpdate: interCrl.thisUpdate,
      crlNextUpdate: interCrl.nextUpdate,
    });
  });

  it('says good, with revokedAt and a note, when the revocation is after `at`', () => {
    const r = check('leaf-revoked', 'inter', [interCrl], new Date('2025-03-01T00:00:00Z'));
    expect(r).toMatchObject({ status: 'good', revokedAt: REVOKED_AT, reason: 'keyCompromise' });
    expect(r.detail).toMatch(/after the validation time/);
  });

  it('ignores a CRL with the issuer name but signed by another key, even when it lists the certificate', () => {
    expect(fakeCrl.revoked.has(parseChainCert(pki.der('leaf')).serialHex)).toBe(true);
    const alone = check('leaf', 'inter', [fakeCrl]);
    expect(alone.status).toBe('unknown');
    expect(alone.detail).toMatch(/signature does not verify/);
    expect(check('leaf', 'inter', [fakeCrl, interCrl]).status).toBe('good');
    // openssl does not ignore it silently either: it fails on the bad CRL signature.
    expect(pki.verify({ leaf: 'leaf', trusted: ['root'], untrusted: ['inter'], crls: ['fake-inter-crl', 'root-crl'] }).ok).toBe(false);
  });

  it('ignores a CRL whose own signature was tampered with', () => {
    const der = new Uint8Array(interCrl.der);
    der[der.length - 1] = (der[der.length - 1] ?? 0) ^ 1;
    expect(check('leaf-revoked', 'inter', [parseCrl(der)]).status).toBe('unknown');
  });

  it('is unknown without a CRL of the issuer', () => {
    expect(check('leaf', 'inter', [])).toEqual({ status: 'unknown', detail: expect.stringMatching(/no CRL from the issuer/) as unknown });
    expect(check('leaf', 'inter', [rootCrl]).status).toBe('unknown');
    expect(check('inter', 'root', [rootCrl, interCrl]).status).toBe('good');
  });

  it('is unknown when the only CRL expired before `at`, but revoked stays revoked', () => {
    const later = new Date(interCrl.nextUpdate!.getTime() + 86_400_000);
    const r = check('leaf', 'inter', [interCrl], later);
    expect(r.status).toBe('unknown');
    expect(r.detail).toMatch(/expired/);
    expect(check('leaf-revoked', 'inter', [interCrl], later).status).toBe('revoked');
    // A CRL issued after `at` speaks for `at`.
    expect(check('leaf', 'inter', [interCrl], new Date('2024-06-01T00:00:00Z')).status).toBe('good');
  });

  it('verifies ECDSA-signed CRLs', () => {
    const ecCrl = parseCrl(pki.crlDer('ec-inter-crl'));
    expect(ecCrl.signatureAlgorithmOid).toBe(OID.ecdsaWithSHA256);
    expect(check('ec-leaf', 'ec-inter', [ecCrl]).status).toBe('good');
    expect(check('ec-leaf', 'ec-inter', [interCrl]).status).toBe('unknown');
  });

  it('throws CERT_MALFORMED for unparseable certificates', () => {
    expect(() => checkRevocation(new Uint8Array([1]), pki.der('inter'), [interCrl], NOW)).toThrow(expect.objectContaining({ code: 'CERT_MALFORMED' }));
  });
});
