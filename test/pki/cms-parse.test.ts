import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { DocaxisError } from '../../src/errors.js';
import { childrenOf, encodeOid, encodeSmallInteger, readTlv, seq, setOf, tlv } from '../../src/pki/asn1-util.js';
import { assembleSignedData, buildSignedAttributes } from '../../src/pki/cms-build.js';
import { parseCms } from '../../src/pki/cms-parse.js';
import { verifyCmsSignature } from '../../src/pki/cms-verify.js';
import { OID } from '../../src/pki/oids.js';
import { INTERMEDIATE_PEM, identity, opensslOk, prng, signDetached, tempDir } from './cms-test-pki.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const rsa = identity('signer', 'rsa-2048');
const ec = identity('signer', 'ec-p256');
const content = Buffer.from(`docaxis test content ${randomBytes(8).toString('hex')}\n`.repeat(50));
const contentPath = tmp.file('content.txt', content);

/** `openssl cms -sign` with extra flags; DER output. */
function opensslSign(id: typeof rsa, flags: string[]): Uint8Array {
  const out = tmp.file(`o-${id.name}-${flags.join('').replace(/[^a-z0-9]/gi, '')}.der`);
  opensslOk(['cms', '-sign', '-binary', '-outform', 'DER', '-in', contentPath, '-signer', id.certPath, '-inkey', id.keyPath, '-certfile', INTERMEDIATE_PEM, '-out', out, ...flags]);
  return new Uint8Array(readFileSync(out));
}

describe('parseCms on openssl-made CMS', () => {
  for (const id of [rsa, ec]) {
    for (const md of ['sha256', 'sha384'] as const) {
      it(`${id.keyAlgorithm} ${md} detached with attributes`, () => {
        const der = opensslSign(id, ['-md', md, '-nosmimecap']);
        const p = parseCms(der);
        expect(p.signerInfoCount).toBe(1);
        expect(p.eContentType).toBe(OID.data);
        expect(p.encapsulatedContent).toBeUndefined();
        expect(p.digest).toBe(md);
        expect(p.sid.kind).toBe('issuerAndSerial');
        expect(Buffer.from(p.signerCertificate!).equals(id.certDer)).toBe(true);
        expect(p.certificates.length).toBe(2);
        expect(p.signedAttributes!.signingTime).toBeInstanceOf(Date); // openssl adds one
        const digest = createHash(md).update(content).digest();
        expect(Buffer.from(p.signedAttributes!.messageDigest!).equals(digest)).toBe(true);
        const check = verifyCmsSignature(p, digest);
        expect(check.signatureValid).toBe(true);
        expect(check.messageDigestMatches).toBe(true);
        expect(check.errors).toEqual([]);
      });
    }

    it(`${id.keyAlgorithm} -nodetach: the content is encapsulated`, () => {
      const p = parseCms(opensslSign(id, ['-nodetach']));
      expect(Buffer.from(p.encapsulatedContent!).equals(content)).toBe(true);
      expect(verifyCmsSignature(p, createHash('sha256').update(content).digest()).signatureValid).toBe(true);
    });

    it(`${id.keyAlgorithm} -stream (BER, indefinite lengths, segmented eContent)`, () => {
      const der = opensslSign(id, ['-nodetach', '-stream']);
      expect(der[1]).toBe(0x80);
      const p = parseCms(der);
      expect(Buffer.from(p.encapsulatedContent!).equals(content)).toBe(true);
      expect(verifyCmsSignature(p, createHash('sha256').update(content).digest()).signatureValid).toBe(true);
    });

    it(`${id.keyAlgorithm} -keyid: sid is a subjectKeyIdentifier and still finds the signer`, () => {
      const p = parseCms(opensslSign(id, ['-keyid']));
      expect(p.sid.kind).toBe('subjectKeyIdentifier');
      expect(Buffer.from(p.signerCertificate!).equals(id.certDer)).toBe(true);
    });
  }

  it('-noattr (RSA): no signed attributes; verified over the content digest', () => {
    const p = parseCms(opensslSign(rsa, ['-noattr']));
    expect(p.signedAttributes).toBeUndefined();
    const digest = createHash('sha256').update(content).digest();
    const ok = verifyCmsSignature(p, digest);
    expect(ok).toEqual({ signatureValid: true, messageDigestMatches: undefined, signingCertificateMatches: undefined, errors: [] });
    expect(verifyCmsSignature(p, createHash('sha256').update('x').digest()).signatureValid).toBe(false);
  });

  it('-noattr (EC): reported as unsupported, not thrown', () => {
    const p = parseCms(opensslSign(ec, ['-noattr']));
    const r = verifyCmsSignature(p, createHash('sha256').update(content).digest());
    expect(r.signatureValid).toBe(false);
    expect(r.errors[0]).toMatch(/only supported for RSA/);
  });

  it('RSASSA-PSS signatures verify', () => {
    const p = parseCms(opensslSign(rsa, ['-keyopt', 'rsa_padding_mode:pss', '-keyopt', 'rsa_pss_saltlen:32']));
    expect(p.signatureAlgorithmOid).toBe(OID.rsassaPss);
    expect(verifyCmsSignature(p, createHash('sha256').update(content).digest()).signatureValid).toBe(true);
  });

  it('-nocerts: no signer certificate unless the caller gives one', () => {
    const p = parseCms(opensslSign(rsa, ['-nocerts']));
    expect(p.certificates).toHaveLength(1); // only the -certfile intermediate
    expect(p.signerCertificate).toBeUndefined();
    const digest = createHash('sha256').update(content).digest();
    expect(verifyCmsSignature(p, digest).signatureValid).toBe(false);
    expect(verifyCmsSignature(p, digest, rsa.certDer).signatureValid).toBe(true);
  });
});

describe('parseCms input handling', () => {
  const { cms } = signDetached(rsa, content, 'sha256');

  it('round-trips our own output', () => {
    const p = parseCms(cms);
    expect(p.signatureValue.length).toBe(256);
    expect(p.crls).toEqual([]);
    expect(p.ocspResponses).toEqual([]);
    expect(p.timestampToken).toBeUndefined();
  });

  it('tolerates trailing zero padding (PDF /Contents) but not other trailing bytes', () => {
    expect(parseCms(Buffer.concat([cms, Buffer.alloc(8192)])).signerInfoCount).toBe(1);
    expect(() => parseCms(Buffer.concat([cms, Buffer.from([0, 1])]))).toThrow(expect.objectContaining({ code: 'CMS_MALFORMED' }));
  });

  it('rejects empty input, garbage, other content types and SignedData without SignerInfo', () => {
    const noSigner = seq(encodeOid(OID.signedData), tlv(0xa0, seq(encodeSmallInteger(1), setOf([]), seq(encodeOid(OID.data)), setOf([]))));
    const dataCi = seq(encodeOid(OID.data), tlv(0xa0, tlv(0x04, Uint8Array.of(1))));
    for (const bad of [new Uint8Array(0), Uint8Array.of(0x30), Buffer.from('not a cms at all'), dataCi, noSigner, Buffer.alloc(100)]) {
      expect(() => parseCms(bad)).toThrow(expect.objectContaining({ code: 'CMS_MALFORMED' }));
    }
  });

  it('rejects pathological nesting and length claims without recursion blow-ups', () => {
    const deepIndefinite = Buffer.alloc(200_000);
    for (let i = 0; i < deepIndefinite.length; i += 2) deepIndefinite.set([0x30, 0x80], i);
    const deepDefinite = Buffer.concat([...Array.from({ length: 5000 }, () => Buffer.from([0xa0, 0x84, 0x00, 0x0f, 0xff, 0xff]))]);
    const hugeLength = Buffer.from([0x30, 0x84, 0x7f, 0xff, 0xff, 0xff, 0x06, 0x01]);
    const longTag = Buffer.from([0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 0x00]);
    for (const bad of [deepIndefinite, deepDefinite, hugeLength, longTag]) {
      expect(() => parseCms(bad)).toThrow(expect.objectContaining({ code: 'CMS_MALFORMED' }));
    }
  });

  it('reads CRLs and OCSP responses from adbe-revocationInfoArchival', () => {
    // Minimal stand-ins: the parser keeps the DER of each list element.
    const fakeCrl = seq(seq(encodeSmallInteger(7)));
    const fakeOcsp = seq(tlv(0x0a, Uint8Array.of(0)));
    const archival = seq(tlv(0xa0, seq(fakeCrl)), tlv(0xa1, seq(fakeOcsp)));
    const attr = seq(encodeOid(OID.adbeRevocationInfoArchival), setOf([archival]));
    const sa = buildSignedAttributes({ contentDigest: createHash('sha256').update(content).digest(), digest: 'sha256', signerCertificate: rsa.certDer });
    const loc = readTlv(sa, 0);
    const attrs = childrenOf(sa, loc).map((c) => sa.subarray(c.start, c.end));
    const withArchival = setOf([...attrs, attr]);
    const der = assembleSignedData({ signedAttributes: withArchival, signatureValue: new Uint8Array(256), signerCertificate: rsa.certDer, certificates: [], digest: 'sha256', keyAlgorithm: 'rsa' });
    const p = parseCms(der);
    expect(p.signedAttributes!.attributeOids).toContain(OID.adbeRevocationInfoArchival);
    expect(p.crls.map((c) => Buffer.from(c).toString('hex'))).toEqual([Buffer.from(fakeCrl).toString('hex')]);
    expect(p.ocspResponses.map((c) => Buffer.from(c).toString('hex'))).toEqual([Buffer.from(fakeOcsp).toString('hex')]);
  });
});

describe('parseCms survives fuzzed input', () => {
  it('2,000 seeded mutations and truncations throw only DocaxisError(CMS_MALFORMED), quickly', () => {
    const seeds = [signDetached(rsa, content, 'sha256').cms, signDetached(ec, content, 'sha384').cms, opensslSign(rsa, ['-nodetach', '-stream'])];
    const rnd = prng(20240601);
    const started = Date.now();
    let parsedOk = 0;
    for (let i = 0; i < 2000; i++) {
      const base = seeds[i % seeds.length]!;
      const m = Buffer.from(base);
      let input: Uint8Array = m;
      const kind = Math.floor(rnd() * 5);
      if (kind === 0) {
        for (let k = 1 + Math.floor(rnd() * 4); k > 0; k--) m[Math.floor(rnd() * m.length)]! ^= 1 << Math.floor(rnd() * 8);
      } else if (kind === 1) {
        input = m.subarray(0, Math.floor(rnd() * m.length));
      } else if (kind === 2) {
        // Length octets are the interesting targets: hit the first 64 bytes hard.
        m[Math.floor(rnd() * 64)] = Math.floor(rnd() * 256);
      } else if (kind === 3) {
        const at = Math.floor(rnd() * m.length);
        input = Buffer.concat([m.subarray(0, at), randomBytesSeeded(rnd, 1 + Math.floor(rnd() * 16)), m.subarray(at)]);
      } else {
        const at = Math.floor(rnd() * m.length);
        input = Buffer.concat([m.subarray(0, at), m.subarray(at + 1 + Math.floor(rnd() * 32))]);
      }
      try {
        const p = parseCms(input);
        parsedOk++;
        // Whatever parses must also be checkable without exceptions.
        verifyCmsSignature(p, new Uint8Array(32));
      } catch (e) {
        expect(e).toBeInstanceOf(DocaxisError);
        expect((e as DocaxisError).code).toBe('CMS_MALFORMED');
      }
    }
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(parsedOk).toBeGreaterThan(0); // bit flips inside signatures/certs still parse
  });
});

function randomBytesSeeded(rnd: () => number, n: number): Buffer {
  return Buffer.from(Array.from({ length: n }, () => Math.floor(rnd() * 256)));
}
