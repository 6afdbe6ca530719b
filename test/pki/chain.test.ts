// validateChain against a PKI made by the openssl CLI; for each case where `openssl verify`
// has an opinion, its verdict (and error text) must agree with ours.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDocaxisError } from '../../src/errors.js';
import { findAnchor } from '../../src/pki/chain-build.js';
import { parseChainCert } from '../../src/pki/chain-cert.js';
import { type CertificatePurpose, type ChainStatus, validateChain } from '../../src/pki/chain.js';
import { parseCrl } from '../../src/pki/revocation.js';
import { type OpensslPki, REVOKED_AT, makeOpensslPki } from './chain-openssl-pki.js';

let pki: OpensslPki;
beforeAll(() => {
  pki = makeOpensslPki();
});
afterAll(() => pki?.cleanup());

const NOW = new Date();
const OPENSSL_PURPOSE: Record<CertificatePurpose, string | undefined> = { 'document-signing': 'smimesign', timestamping: 'timestampsign', any: undefined };

interface Case {
  name: string;
  leaf: string;
  candidates: string[];
  anchors?: string[];
  crls?: string[];
  purpose?: CertificatePurpose;
  at?: Date;
  checkRevocation?: boolean;
  expected: ChainStatus;
  /** undefined: openssl has no comparable opinion; a RegExp: it must fail with that text. */
  openssl?: 'ok' | RegExp;
}

const cases: Case[] = [
  { name: 'good RSA chain, no CRLs', leaf: 'leaf', candidates: ['inter'], expected: 'valid', openssl: 'ok' },
  { name: 'good RSA chain with CRLs', leaf: 'leaf', candidates: ['inter'], crls: ['inter-crl', 'root-crl'], expected: 'valid', openssl: 'ok' },
  { name: 'good EC chain with ECDSA-signed CRLs', leaf: 'ec-leaf', candidates: ['ec-inter'], anchors: ['ec-root'], crls: ['ec-inter-crl', 'ec-root-crl'], expected: 'valid', openssl: 'ok' },
  { name: 'expired leaf', leaf: 'leaf-expired', candidates: ['inter'], expected: 'expired', openssl: /certificate has expired/ },
  { name: 'not-yet-valid leaf', leaf: 'leaf-future', candidates: ['inter'], expected: 'not-yet-valid', openssl: /certificate is not yet valid/ },
  { name: 'revoked before the validation time', leaf: 'leaf-revoked', candidates: ['inter'], crls: ['inter-crl', 'root-crl'], expected: 'revoked', openssl: /certificate revoked/ },
  // openssl refuses CRLs issued after -attime, so it has no opinion on validation in the past.
  { name: 'revoked after the validation time', leaf: 'leaf-revoked', candidates: ['inter'], crls: ['inter-crl', 'root-crl'], at: new Date('2025-03-01T00:00:00Z'), expected: 'valid' },
  { name: 'CRLs given but none for the intermediate', leaf: 'leaf', candidates: ['inter'], crls: ['root-crl'], expected: 'revocation-unknown', openssl: /unable to get certificate CRL/ },
  { name: 'checking required without CRLs', leaf: 'leaf', candidates: ['inter'], checkRevocation: true, expected: 'revocation-unknown' },
  { name: 'CRLs given but checking disabled', leaf: 'leaf-revoked', candidates: ['inter'], crls: ['inter-crl', 'root-crl'], checkRevocation: false, expected: 'valid', openssl: 'ok' },
  { name: 'CRL with the issuer name but a wrong key is ignored', leaf: 'leaf', candidates: ['inter'], crls: ['fake-inter-crl', 'root-crl'], expected: 'revocation-unknown', openssl: /CRL signature failure|unable to get certificate CRL/ },
  { name: 'wrong-key CRL beside the real one', leaf: 'leaf', candidates: ['inter'], crls: ['fake-inter-crl', 'inter-crl', 'root-crl'], expected: 'valid' },
  { name: 'rogue root', leaf: 'leaf-rogue', candidates: ['rogue-root'], expected: 'no-chain', openssl: /self-signed certificate in certificate chain/ },
  { name: 'missing intermediate', leaf: 'leaf', candidates: [], expected: 'no-chain', openssl: /unable to get local issuer certificate/ },
  { name: 'intermediate that is not a CA', leaf: 'leaf-under-noca', candidates: ['noca'], expected: 'chain-constraints', openssl: /invalid CA certificate/ },
  { name: 'pathLenConstraint 0 exceeded', leaf: 'leaf-under-subca', candidates: ['subca', 'inter'], expected: 'chain-constraints', openssl: /path length constraint exceeded/ },
  { name: 'unknown critical extension', leaf: 'leaf-unknown-critical', candidates: ['inter'], expected: 'chain-constraints', openssl: /unhandled critical extension/ },
  { name: 'keyEncipherment-only leaf for document signing', leaf: 'leaf-kenc', candidates: ['inter'], expected: 'bad-key-usage', openssl: /unsuitable certificate purpose/ },
  { name: 'keyEncipherment-only leaf for any purpose', leaf: 'leaf-kenc', candidates: ['inter'], purpose: 'any', expected: 'valid', openssl: 'ok' },
  { name: 'TSA with critical timeStamping EKU', leaf: 'tsa', candidates: ['inter'], purpose: 'timestamping', expected: 'valid', openssl: 'ok' },
  { name: 'TSA with non-critical EKU', leaf: 'tsa-noncritical', candidates: ['inter'], purpose: 'timestamping', expected: 'bad-key-usage', openssl: /unsuitable certificate purpose/ },
  { name: 'TSA with a second EKU', leaf: 'tsa-extra', candidates: ['inter'], purpose: 'timestamping', expected: 'bad-key-usage', openssl: /unsuitable certificate purpose/ },
  { name: 'document signer used as TSA', leaf: 'leaf', candidates: ['inter'], purpose: 'timestamping', expected: 'bad-key-usage', openssl: /unsuitable certificate purpose/ },
  { name: 'tampered leaf signature', leaf: 'leaf-tampered', candidates: ['inter'], expected: 'bad-signature', openssl: /certificate signature failure/ },
  // openssl 3.0 takes the first matching issuer and does not backtrack (error 19); we do.
  { name: 'cross-certificate to a rogue root tried first', leaf: 'leaf', candidates: ['inter-cross', 'rogue-root', 'inter'], expected: 'valid' },
  { name: 'cross-certificate to a rogue root listed last', leaf: 'leaf', candidates: ['inter', 'rogue-root', 'inter-cross'], expected: 'valid', openssl: 'ok' },
  { name: 'expired re-issue of the intermediate beside the current one', leaf: 'leaf', candidates: ['inter-old', 'inter'], expected: 'valid', openssl: 'ok' },
  { name: 'only the expired re-issue of the intermediate', leaf: 'leaf', candidates: ['inter-old'], expected: 'expired', openssl: /certificate has expired/ },
  { name: 'name loop between two CAs', leaf: 'leaf-loop', candidates: ['loop-b', 'loop-a2'], expected: 'no-chain', openssl: /unable to get local issuer certificate|self-signed/ },
  // openssl's default depth limit is 100; ours is 8, on purpose (hostile inputs).
  { name: 'path longer than 8 certificates', leaf: 'leaf-deep', candidates: ['deep-1', 'deep-2', 'deep-3', 'deep-4', 'deep-5', 'deep-6', 'deep-7', 'deep-8', 'deep-9'], anchors: ['ec-root'], expected: 'no-chain' },
];

function run(c: Case) {
  return validateChain({
    leaf: pki.der(c.leaf),
    candidates: c.candidates.map((n) => pki.der(n)),
    trustAnchors: (c.anchors ?? ['root']).map((n) => pki.der(n)),
    ...(c.crls !== undefined ? { crls: c.crls.map((n) => pki.crlDer(n)) } : {}),
    at: c.at ?? NOW,
    purpose: c.purpose ?? 'document-signing',
    ...(c.checkRevocation !== undefined ? { checkRevocation: c.checkRevocation } : {}),
  });
}

describe('validateChain on an openssl-made PKI', () => {
  it.each(cases)('$name -> $expected', (c) => {
    const result = run(c);
    expect(result.status, result.errors.join('\n')).toBe(c.expected);
    expect(result.errors.length === 0).toBe(c.expected === 'valid');
    // One revocation entry per certificate below the anchor.
    expect(result.revocation).toHaveLength(result.trustAnchor !== undefined ? result.path.length - 1 : result.path.length);
    if (c.openssl === undefined) return;
    const purpose = OPENSSL_PURPOSE[c.purpose ?? 'document-signing'];
    const oracle = pki.verify({
      leaf: c.leaf,
      trusted: c.anchors ?? ['root'],
      untrusted: c.candidates,
      ...(c.crls !== undefined && c.checkRevocation !== false ? { crls: c.crls } : {}),
      ...(purpose !== undefined ? { purpose } : {}),
    });
    if (c.openssl === 'ok') expect(oracle.ok, oracle.output).toBe(true);
    else {
      expect(oracle.ok, oracle.output).toBe(false);
      expect(oracle.output).toMatch(c.openssl);
    }
  });

  it('returns the full path, the anchor, revocation per certificate and the earliest notAfter', () => {
    const r = run({ name: '', leaf: 'leaf', candidates: ['inter'], crls: ['inter-crl', 'root-crl'], expected: 'valid' });
    expect(r.path.map((d) => Buffer.from(d))).toEqual(['leaf', 'inter', 'root'].map((n) => Buffer.from(pki.der(n))));
    expect(Buffer.from(r.trustAnchor ?? [])).toEqual(Buffer.from(pki.der('root')));
    expect(r.revocation.map((s) => s.status)).toEqual(['good', 'good']);
    expect(r.notAfter?.toISOString()).toBe('2035-01-01T00:00:00.000Z');
    expect(r.warnings).toEqual([]);
  });

  it('warns when revocation is not checked, and still says valid', () => {
    const r = run({ name: '', leaf: 'leaf', candidates: ['inter'], expected: 'valid' });
    expect(r.status).toBe('valid');
    expect(r.revocation.map((s) => s.status)).toEqual(['unknown', 'unknown']);
    expect(r.warnings).toContain('revocation not checked: no CRL given');
  });

  it('reports revocation after the validation time as a warning with revokedAt', () => {
    const r = run({ name: '', leaf: 'leaf-revoked', candidates: ['inter'], crls: ['inter-crl', 'root-crl'], at: new Date('2025-03-01T00:00:00Z'), expected: 'valid' });
    expect(r.revokedAt?.toISOString()).toBe(REVOKED_AT.toISOString());
    expect(r.revocation[0]).toMatchObject({ status: 'good', reason: 'keyCompromise' });
    expect(r.warnings.some((w) => w.includes('"Revoked signer": revoked after the validation time'))).toBe(true);
  });

  it('reports the revocation date and reason of a revoked leaf', () => {
    const r = run({ name: '', leaf: 'leaf-revoked', candidates: ['inter'], crls: ['inter-crl', 'root-crl'], expected: 'revoked' });
    expect(r.revokedAt?.toISOString()).toBe(REVOKED_AT.toISOString());
    expect(r.revocation[0]).toMatchObject({ status: 'revoked', reason: 'keyCompromise', source: 'crl' });
    expect(r.errors[0]).toMatch(/^"Revoked signer": revoked on 2025-06-01/);
  });

  it('accepts CRLs already parsed', () => {
    const r = validateChain({ leaf: pki.der('leaf-revoked'), candidates: [pki.der('inter')], trustAnchors: [pki.der('root')], crls: [parseCrl(pki.crlDer('inter-crl')), parseCrl(pki.crlDer('root-crl'))], at: NOW, purpose: 'document-signing' });
    expect(r.status).toBe('revoked');
  });

  it('ignores junk and duplicate candidates, and accepts PEM', () => {
    const inter = pki.der('inter');
    const r = validateChain({
      leaf: readFileSync(pki.file('leaf')),
      candidates: [new Uint8Array([1, 2, 3]), new Uint8Array(0), inter, inter, pki.der('leaf'), pki.der('root'), readFileSync(pki.file('inter')), Buffer.from('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n')],
      trustAnchors: [pki.der('root')],
      at: NOW,
      purpose: 'document-signing',
    });
    expect(r.status).toBe('valid');
    expect(r.path).toHaveLength(3);
    expect(r.warnings).toContain('3 candidate certificate(s) ignored: not parseable');
  });

  it('keeps the best partial path for no-chain and names the stuck certificate', () => {
    const r = run({ name: '', leaf: 'leaf-rogue', candidates: ['rogue-root'], expected: 'no-chain' });
    expect(r.path).toHaveLength(2);
    expect(r.trustAnchor).toBeUndefined();
    expect(r.errors).toContain('"Rogue Root - TEST": self-signed certificate that is not a trust anchor');
    const missing = run({ name: '', leaf: 'leaf', candidates: [], expected: 'no-chain' });
    expect(missing.errors[0]).toBe('"Sở Y tế": issuer not found among the candidates and trust anchors');
  });

  it('names the non-CA intermediate and the tampered certificate', () => {
    expect(run({ name: '', leaf: 'leaf-under-noca', candidates: ['noca'], expected: 'chain-constraints' }).errors[0]).toMatch(/^"Not a CA": not a CA certificate/);
    const tampered = run({ name: '', leaf: 'leaf-tampered', candidates: ['inter'], expected: 'bad-signature' });
    expect(tampered.errors[0]).toMatch(/^"Sở Y tế": signature does not verify with the key of "CA phục vụ/);
    expect(tampered.path).toHaveLength(3); // the rest of the path still reaches the anchor
  });

  it('accepts a leaf whose issuer is itself a trust anchor, and a trust anchor matched by subject and key', () => {
    const direct = validateChain({ leaf: pki.der('leaf'), candidates: [], trustAnchors: [pki.der('inter')], at: NOW, purpose: 'document-signing' });
    expect(direct.status).toBe('valid');
    expect(direct.path).toHaveLength(2);
    // inter-cross has inter's subject and key but another issuer: it stands for the anchor.
    expect(findAnchor(parseChainCert(pki.der('inter-cross')), [parseChainCert(pki.der('inter'))])?.fingerprint).toBe(parseChainCert(pki.der('inter')).fingerprint);
    const viaCross = validateChain({ leaf: pki.der('leaf'), candidates: [pki.der('inter-cross')], trustAnchors: [pki.der('inter')], at: NOW, purpose: 'document-signing' });
    expect(viaCross.status).toBe('valid');
  });

  it('throws CERT_MALFORMED for a garbage leaf or trust anchor', () => {
    const bad = new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]);
    const base = { candidates: [], at: NOW, purpose: 'any' as const };
    expect(() => validateChain({ ...base, leaf: bad, trustAnchors: [pki.der('root')] })).toThrow(expect.objectContaining({ code: 'CERT_MALFORMED' }));
    try {
      validateChain({ ...base, leaf: pki.der('leaf'), trustAnchors: [bad] });
      expect.unreachable();
    } catch (e) {
      expect(isDocaxisError(e, 'CERT_MALFORMED')).toBe(true);
    }
  });

  it('skips an unparseable CRL with a warning', () => {
    const r = validateChain({ leaf: pki.der('leaf'), candidates: [pki.der('inter')], trustAnchors: [pki.der('root')], crls: [new Uint8Array([1, 2, 3]), pki.crlDer('inter-crl'), pki.crlDer('root-crl')], at: NOW, purpose: 'document-signing' });
    expect(r.status).toBe('valid');
    expect(r.warnings[0]).toMatch(/^CRL #1 ignored: The CRL could not be parsed/);
  });

  it('stays bounded with many same-name candidates', () => {
    const fakes = Array.from({ length: 40 }, () => pki.der('fake-inter'));
    const many = [...fakes, pki.der('inter-cross'), pki.der('rogue-root'), pki.der('inter-old'), pki.der('inter')];
    const started = Date.now();
    const r = validateChain({ leaf: pki.der('leaf'), candidates: many, trustAnchors: [pki.der('root')], at: NOW, purpose: 'document-signing' });
    expect(r.status).toBe('valid');
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
