// OCSP responses (src/pki/ocsp.ts): parsing, who may sign, CertID matching, freshness, and the
// chain's use of them. Responses are built here with PKI.js and keys of a test PKI; the openssl
// CLI (`openssl ocsp -respin`) reads and verifies the same bytes as an independent oracle.
import { spawnSync } from 'node:child_process';
import { KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDocaxisError } from '../../src/errors.js';
import { validateChain } from '../../src/pki/chain.js';
import { parseChainCert } from '../../src/pki/chain-cert.js';
import { MAX_OCSP_RESPONSE_BYTES, checkOcspRevocationOf, parseOcspResponse } from '../../src/pki/ocsp.js';
import { MAX_EMBEDDED_ITEMS, readAttributeRevocationValues, readRevocationInfoArchival } from '../../src/pki/revocation-archival.js';
import { OID } from '../../src/pki/oids.js';
import { encodeOid, seq, setOf, tlv } from '../../src/pki/asn1-util.js';
import { buildName } from '../../scripts/lib/x509-build.js';
import { mulberry32 } from '../support/prng.js';
import { type OcspBuild, type OcspPki, buildOcspResponse, crlOf, makeOcspPki, serialOf, toPem } from './ocsp-test-pki.js';

const PRODUCED = new Date('2026-03-01T10:00:00Z');
const THIS_UPDATE = new Date('2026-03-01T09:59:00Z');
const NEXT_UPDATE = new Date('2026-03-08T10:00:00Z');
const AT = new Date('2026-03-02T00:00:00Z');

let pki: OcspPki;
let dir: string;

beforeAll(async () => {
  pki = await makeOcspPki();
  dir = mkdtempSync(join(tmpdir(), 'docaxis-ocsp-'));
  writeFileSync(join(dir, 'root.pem'), toPem(pki.root.der));
  writeFileSync(join(dir, 'responder.pem'), toPem(pki.responder.der));
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A response about the leaf, signed by the root unless overridden. */
function response(over: Partial<OcspBuild> & { entry?: Partial<OcspBuild['entries'][number]> } = {}): Uint8Array {
  const { entry, ...rest } = over;
  return buildOcspResponse({
    signerKey: KeyObject.from(pki.root.keys.privateKey),
    responderCert: pki.root.der,
    producedAt: PRODUCED,
    entries: [{ cert: pki.leaf.der, issuer: pki.root.der, status: 'good', thisUpdate: THIS_UPDATE, nextUpdate: NEXT_UPDATE, ...entry }],
    ...rest,
  });
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function status(der: Uint8Array, at = AT) {
  return checkOcspRevocationOf(parseChainCert(pki.leaf.der), parseChainCert(pki.root.der), [parseOcspResponse(der)], at);
}

function openssl(args: string[]): { ok: boolean; out: string } {
  const r = spawnSync('openssl', ['ocsp', ...args], { encoding: 'utf8' });
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
}

function file(name: string, der: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, der);
  return path;
}

describe('parseOcspResponse', () => {
  it('reads an OCSPResponse the way openssl reads it', () => {
    const der = response({ entry: { status: 'revoked', revokedAt: new Date('2025-06-01T00:00:00Z'), reason: 1 } });
    const r = parseOcspResponse(der);
    expect(r.producedAt).toEqual(PRODUCED);
    expect(r.responderId.kind).toBe('name');
    expect(r.responses).toHaveLength(1);
    const single = r.responses[0]!;
    expect(single).toMatchObject({ status: 'revoked', revokedAt: new Date('2025-06-01T00:00:00Z'), reason: 'keyCompromise', thisUpdate: THIS_UPDATE, nextUpdate: NEXT_UPDATE });
    expect(single.certId.serialHex).toBe(parseChainCert(pki.leaf.der).serialHex);
    expect(single.certId.hashAlgorithmOid).toBe(OID.sha1);

    const text = openssl(['-respin', file('revoked.der', der), '-resp_text', '-noverify']);
    expect(text.ok, text.out).toBe(true);
    expect(text.out).toMatch(/Response Status: successful/);
    expect(text.out).toMatch(/Cert Status: revoked/);
    expect(text.out).toMatch(/Revocation Reason: keyCompromise/);
    expect(text.out).toMatch(/Revocation Time: Jun\s+1 00:00:00 2025 GMT/);
    expect(text.out.toLowerCase().replace(/\s/g, '')).toContain(`serialnumber:${single.certId.serialHex}`);
  });

  it('reads a bare BasicOCSPResponse, the CAdES form, to the same values', () => {
    const wrapped = parseOcspResponse(response());
    const bare = parseOcspResponse(response({ wrap: false }));
    expect(bare.tbsDer).toEqual(wrapped.tbsDer);
    expect(bare.responses).toEqual(wrapped.responses);
  });

  it('keeps the embedded certificates byte for byte, and a responder named by key hash', () => {
    const r = parseOcspResponse(response({ signerKey: pki.responder.privateKey, responderCert: pki.responder.der, responderId: 'key', certs: [pki.responder.der] }));
    expect(r.certificates).toEqual([pki.responder.der]);
    expect(r.responderId.kind).toBe('key');
  });

  it('refuses what is not one successful OCSP response, with OCSP_MALFORMED', () => {
    const unsuccessful = Uint8Array.from([0x30, 0x03, 0x0a, 0x01, 0x06]); // responseStatus unauthorized
    for (const bad of [new Uint8Array(), unsuccessful, pki.root.der, Uint8Array.from([0x30, 0x00]), Uint8Array.of(...response(), 0)]) {
      expect(() => parseOcspResponse(bad)).toThrow(expect.objectContaining({ code: 'OCSP_MALFORMED' }) as Error);
    }
    expect(() => parseOcspResponse(new Uint8Array(MAX_OCSP_RESPONSE_BYTES + 1))).toThrow(/too large/);
  });

  it('fails fast and typed on deep nesting and on 2,000 seeded mutations', () => {
    // 30 80 ... indefinite-length SEQUENCEs 5,000 deep: asn1js would recurse on every level.
    const deep = new Uint8Array(5000 * 2 + 5000 * 2);
    for (let i = 0; i < 5000; i++) deep.set([0x30, 0x80], i * 2);
    expect(() => parseOcspResponse(deep)).toThrow(expect.objectContaining({ code: 'OCSP_MALFORMED' }) as Error);

    const base = response({ certs: [pki.responder.der] });
    const rand = mulberry32(9);
    const started = performance.now();
    let parsed = 0;
    for (let i = 0; i < 2000; i++) {
      const m = Uint8Array.from(base);
      const cut = i % 4 === 0 ? Math.floor(rand() * m.length) : m.length;
      for (let k = 0; k < 1 + (i % 3); k++) m[Math.floor(rand() * m.length)] = Math.floor(rand() * 256);
      try {
        parseOcspResponse(m.subarray(0, cut));
        parsed++;
      } catch (e) {
        expect(isDocaxisError(e) && e.code === 'OCSP_MALFORMED', String(e)).toBe(true);
      }
    }
    expect(parsed).toBeLessThan(2000);
    // Generous: the machine is shared; a super-linear parse would take minutes here.
    expect(performance.now() - started).toBeLessThan(15_000);
  });
});

describe('openssl as the oracle for the responder signature', () => {
  it('agrees on an issuer-signed, a delegated and a tampered response', () => {
    const rootPem = join(dir, 'root.pem');
    const byIssuer = file('by-issuer.der', response());
    const delegated = file('delegated.der', response({ signerKey: pki.responder.privateKey, responderCert: pki.responder.der, certs: [pki.responder.der] }));
    const tampered = file('tampered.der', response({ corruptSignature: true }));
    expect(openssl(['-respin', byIssuer, '-issuer', rootPem, '-VAfile', rootPem, '-no_nonce']).out).toMatch(/Response verify OK/);
    expect(openssl(['-respin', delegated, '-issuer', rootPem, '-CAfile', rootPem, '-no_nonce']).out).toMatch(/Response verify OK/);
    expect(openssl(['-respin', tampered, '-issuer', rootPem, '-VAfile', rootPem, '-no_nonce']).out).toMatch(/Response Verify Failure/i);

    expect(status(response()).status).toBe('good');
    expect(status(response({ signerKey: pki.responder.privateKey, responderCert: pki.responder.der, certs: [pki.responder.der] }))).toMatchObject({ status: 'good', source: 'ocsp' });
    expect(status(response({ corruptSignature: true }))).toMatchObject({ status: 'unknown', detail: expect.stringMatching(/signature/) as unknown });
  });

  it('agrees that a responder without id-kp-OCSPSigning may not answer for the CA', () => {
    const der = response({ signerKey: pki.responderNoEku.privateKey, responderCert: pki.responderNoEku.der, certs: [pki.responderNoEku.der] });
    const rootPem = join(dir, 'root.pem');
    const r = openssl(['-respin', file('no-eku.der', der), '-issuer', rootPem, '-CAfile', rootPem, '-no_nonce']);
    expect(r.out).not.toMatch(/Response verify OK/);
    expect(status(der)).toMatchObject({ status: 'unknown', detail: expect.stringMatching(/no id-kp-OCSPSigning/) as unknown });
  });
});

describe('checkOcspRevocationOf', () => {
  it('good: covers the validation time between thisUpdate and nextUpdate', () => {
    expect(status(response())).toMatchObject({ status: 'good', source: 'ocsp', ocspThisUpdate: THIS_UPDATE, ocspNextUpdate: NEXT_UPDATE });
  });

  it('good: also for a validation time before the response (nothing was revoked up to thisUpdate)', () => {
    expect(status(response(), new Date('2025-01-01T00:00:00Z')).status).toBe('good');
  });

  it('unknown: after nextUpdate, and after thisUpdate when there is no nextUpdate', () => {
    expect(status(response(), new Date('2026-04-01T00:00:00Z'))).toMatchObject({ status: 'unknown', detail: expect.stringMatching(/does not cover/) as unknown });
    expect(status(response({ entry: { nextUpdate: undefined } }))).toMatchObject({ status: 'unknown', detail: expect.stringMatching(/no nextUpdate/) as unknown });
  });

  it('revoked: at and after the revocation time, with the reason; before it, good with the date', () => {
    const der = response({ entry: { status: 'revoked', revokedAt: new Date('2026-02-01T00:00:00Z'), reason: 1 } });
    expect(status(der)).toMatchObject({ status: 'revoked', revokedAt: new Date('2026-02-01T00:00:00Z'), reason: 'keyCompromise', source: 'ocsp' });
    // Stale or not: a revocation is never undone.
    expect(status(der, new Date('2030-01-01T00:00:00Z')).status).toBe('revoked');
    expect(status(der, new Date('2026-01-15T00:00:00Z'))).toMatchObject({ status: 'good', revokedAt: new Date('2026-02-01T00:00:00Z') });
  });

  it("unknown: the responder's 'unknown'", () => {
    expect(status(response({ entry: { status: 'unknown' } }))).toMatchObject({ status: 'unknown', detail: expect.stringMatching(/does not know/) as unknown });
  });

  it('matches the CertID with SHA-256 too, and nothing with another serial', () => {
    expect(status(response({ entry: { hash: 'sha256' } })).status).toBe('good');
    expect(status(response({ entry: { serial: Uint8Array.of(0x01, 0x02) } }))).toMatchObject({ status: 'unknown', detail: expect.stringMatching(/no OCSP response for the certificate/) as unknown });
  });

  it('ignores a response about the same serial under another issuer key (CertID key hash)', () => {
    const der = response({ signerKey: KeyObject.from(pki.rogueRoot.keys.privateKey), responderCert: pki.rogueRoot.der, entry: { issuer: pki.rogueRoot.der, status: 'revoked', revokedAt: new Date('2020-01-01T00:00:00Z') } });
    expect(status(der).status).toBe('unknown');
  });

  it("never believes a responder the issuer did not delegate to (same name, other root)", () => {
    const der = response({ signerKey: pki.rogueResponder.privateKey, responderCert: pki.rogueResponder.der, certs: [pki.rogueResponder.der] });
    expect(status(der)).toMatchObject({ status: 'unknown', detail: expect.stringMatching(/not authorised/) as unknown });
    // Nor the other root itself, though its name is the issuer's.
    const byRogueRoot = response({ signerKey: KeyObject.from(pki.rogueRoot.keys.privateKey), responderCert: pki.rogueRoot.der });
    expect(status(byRogueRoot)).toMatchObject({ status: 'unknown', detail: expect.stringMatching(/signature/) as unknown });
  });

  it('finds a delegated responder among the candidates when the response carries no certificate', () => {
    const der = response({ signerKey: pki.responder.privateKey, responderCert: pki.responder.der, responderId: 'key' });
    const leaf = parseChainCert(pki.leaf.der);
    const root = parseChainCert(pki.root.der);
    const parsed = parseOcspResponse(der);
    expect(checkOcspRevocationOf(leaf, root, [parsed], AT).status).toBe('unknown');
    expect(checkOcspRevocationOf(leaf, root, [parsed], AT, { responderCandidates: [parseChainCert(pki.responder.der)] })).toMatchObject({
      status: 'good',
      detail: expect.stringMatching(/delegated, id-pkix-ocsp-nocheck/) as unknown,
    });
  });

  it('skips a response with an unknown critical extension', () => {
    expect(status(response({ unknownCriticalExtension: true }))).toMatchObject({ status: 'unknown', detail: expect.stringMatching(/unknown critical response extension/) as unknown });
  });
});

describe('validateChain with OCSP responses', () => {
  const chain = (over: { ocsp?: Uint8Array[]; embedded?: Uint8Array[]; crls?: Uint8Array[] }) =>
    validateChain({
      leaf: pki.leaf.der,
      candidates: [],
      trustAnchors: [pki.root.der],
      ...(over.ocsp ? { ocspResponses: over.ocsp } : {}),
      ...(over.crls ? { crls: over.crls } : {}),
      embedded: { ocspResponses: over.embedded ?? [] },
      at: AT,
      purpose: 'document-signing',
      requireRevocation: true,
      checkRevocation: true,
    });

  it('an embedded good response makes the chain valid, reported as OCSP, embedded', () => {
    const r = chain({ embedded: [response()] });
    expect(r.status).toBe('valid');
    expect(r.revocation).toEqual([expect.objectContaining({ status: 'good', source: 'ocsp', origin: 'embedded' })]);
  });

  it("the caller's response is reported as given", () => {
    expect(chain({ ocsp: [response()] }).revocation[0]).toMatchObject({ source: 'ocsp', origin: 'given' });
  });

  it('a revocation from any source wins over a good from another', async () => {
    const revoked = response({ entry: { status: 'revoked', revokedAt: new Date('2026-02-01T00:00:00Z') } });
    const cleanCrl = await crlOf(pki.root, []);
    const r = chain({ embedded: [revoked], crls: [cleanCrl] });
    expect(r.status).toBe('revoked');
    expect(r.revocation[0]).toMatchObject({ status: 'revoked', source: 'ocsp', origin: 'embedded' });
    // And the other way round: the CRL revokes, the OCSP response says good.
    const listing = await crlOf(pki.root, [{ serial: serialOf(pki.leaf.der), date: '2026-02-01T00:00:00Z' }]);
    expect(chain({ embedded: [response()], crls: [listing] }).revocation[0]).toMatchObject({ status: 'revoked', source: 'crl', origin: 'given' });
  });

  it('without a trust anchor the evidence is not consulted: its signer proves nothing', () => {
    const revoked = response({ entry: { status: 'revoked', revokedAt: new Date('2026-02-01T00:00:00Z') } });
    const r = validateChain({ leaf: pki.leaf.der, candidates: [pki.root.der], trustAnchors: [], embedded: { ocspResponses: [revoked] }, at: AT, purpose: 'document-signing' });
    expect(r.status).toBe('no-chain');
    expect(r.revocation.every((s) => s.status === 'unknown' && /does not reach a trust anchor/.test(s.detail ?? ''))).toBe(true);
    expect(chain({ embedded: [revoked] }).status).toBe('revoked');
  });

  it('embedded CRLs: junk is a warning, and one of another issuer is never parsed', async () => {
    /** The CRL with an unreadable thisUpdate: its issuer still reads, parsing it fails. */
    const broken = (crl: Uint8Array) => {
      const bytes = Buffer.from(crl);
      const at = bytes.indexOf('260101000000Z', 0, 'latin1');
      bytes.write('2601010000XXZ', at, 'latin1');
      return new Uint8Array(bytes);
    };
    const sameName = broken(await crlOf(pki.rogueRoot, []));
    const r = validateChain({ leaf: pki.leaf.der, candidates: [], trustAnchors: [pki.root.der], embedded: { crls: [Uint8Array.of(1, 2, 3), sameName] }, at: AT, purpose: 'document-signing' });
    expect(r.warnings).toContain('embedded CRL #1 ignored: not a CRL');
    // The rogue root has the issuer's name: its CRL is parsed, found broken, and skipped.
    expect(r.warnings.join('\n')).toMatch(/embedded CRL #2 ignored: .*time/);
    const otherName = broken(await crlOf({ ...pki.rogueRoot, name: buildName([['CN', 'Somebody else']]) }, []));
    const quiet = validateChain({ leaf: pki.leaf.der, candidates: [], trustAnchors: [pki.root.der], embedded: { crls: [otherName] }, at: AT, purpose: 'document-signing' });
    expect(quiet.warnings.join('\n')).not.toMatch(/embedded CRL/);
    expect(quiet.status).toBe('revocation-unknown');
  });

  it('junk among the embedded responses is a warning, and the certificate stays unknown', () => {
    const r = chain({ embedded: [Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x00)] });
    expect(r.status).toBe('revocation-unknown');
    expect(r.warnings.join('\n')).toMatch(/embedded OCSP response #1 ignored/);
  });
});

describe('revocation-archival', () => {
  const archival = (crls: Uint8Array[], ocsps: Uint8Array[]) => seq(tlv(0xa0, seq(...crls)), tlv(0xa1, seq(...ocsps)));

  it('reads the CRLs and OCSP responses of adbe-revocationInfoArchival, byte for byte', async () => {
    const crl = await crlOf(pki.root, []);
    const ocsp = response();
    const values = readRevocationInfoArchival(archival([crl], [ocsp]));
    expect(values.crls.map(hex)).toEqual([hex(crl)]);
    expect(values.ocspResponses.map(hex)).toEqual([hex(ocsp)]);
    expect(values.problems).toEqual([]);
  });

  it('finds it in a set of attributes, beside CAdES revocation and certificate values', async () => {
    const crl = await crlOf(pki.root, []);
    const basic = response({ wrap: false });
    const attribute = (oid: string, value: Uint8Array) => seq(encodeOid(oid), setOf([value]));
    const attrs = setOf([
      attribute(OID.adbeRevocationInfoArchival, archival([crl], [])),
      attribute(OID.revocationValues, seq(tlv(0xa1, seq(basic)))),
      attribute(OID.certValues, seq(pki.responder.der)),
      attribute(OID.contentType, encodeOid(OID.data)),
    ]);
    const values = readAttributeRevocationValues(attrs);
    expect(values.crls.map(hex)).toEqual([hex(crl)]);
    expect(values.ocspResponses.map(hex)).toEqual([hex(basic)]);
    expect(values.certificates.map(hex)).toEqual([hex(pki.responder.der)]);
    expect(parseOcspResponse(values.ocspResponses[0]!).responses[0]?.status).toBe('good');
  });

  it('skips malformed parts and caps the counts, never throwing', () => {
    const many = Array.from({ length: MAX_EMBEDDED_ITEMS + 50 }, () => Uint8Array.of(0x30, 0x00));
    const values = readRevocationInfoArchival(archival(many, [Uint8Array.of(0x04, 0x00)]));
    expect(values.crls).toHaveLength(MAX_EMBEDDED_ITEMS);
    expect(values.problems.join('\n')).toMatch(/50 .* over the limit/);
    expect(values.problems.join('\n')).toMatch(/not a SEQUENCE/);
    expect(readRevocationInfoArchival(Uint8Array.of(0x30, 0x05, 0xa0)).problems).toHaveLength(1);
    expect(readAttributeRevocationValues(Uint8Array.of(0x01, 0x02)).problems).toHaveLength(1);
  });
});
