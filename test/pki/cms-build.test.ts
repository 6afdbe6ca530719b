import { createHash, randomBytes, sign } from 'node:crypto';
import * as asn1js from 'asn1js';
import { afterAll, describe, expect, it } from 'vitest';
import { addTimestampToken, assembleSignedData, buildSignedAttributes, estimateCmsSize, signatureValueOf } from '../../src/pki/cms-build.js';
import { locateCms, parseCms } from '../../src/pki/cms-parse.js';
import { verifyCmsSignature } from '../../src/pki/cms-verify.js';
import { OID, type DigestAlgorithm } from '../../src/pki/oids.js';
import { verifyTimestampToken } from '../../src/pki/timestamp.js';
import { TimestampAuthority } from '../../src/pki/tsa-responder.js';
import { buildTimestampRequest, parseTimestampResponse } from '../../src/pki/timestamp.js';
import { ROOT_PEM, identity, identityNamed, intermediateDer, openssl, signDetached, tempDir } from './cms-test-pki.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const rsa = identity('signer', 'rsa-2048');
const ec = identity('signer', 'ec-p256');
const tsaId = identityNamed('tsa');
const content = randomBytes(5000);
const contentPath = tmp.file('content.bin', content);

/** The oracle: openssl checks signature, messageDigest over the detached content, and the chain. */
function opensslVerify(cms: Uint8Array, name: string): { status: number; out: string } {
  const p = tmp.file(name, cms);
  return openssl(['cms', '-verify', '-inform', 'DER', '-in', p, '-binary', '-content', contentPath, '-CAfile', ROOT_PEM, '-purpose', 'any', '-out', '/dev/null']);
}

async function tokenFor(data: Uint8Array): Promise<Uint8Array> {
  const tsa = new TimestampAuthority({ certificate: tsaId.certDer, privateKey: tsaId.key, chain: [intermediateDer()] });
  const req = buildTimestampRequest({ data, digest: 'sha256' });
  return parseTimestampResponse(await tsa.respond(req.der), req);
}

function attributeElements(signedAttributes: Uint8Array): Uint8Array[] {
  const parsed = asn1js.fromBER(signedAttributes);
  expect(parsed.offset).not.toBe(-1);
  return (parsed.result as asn1js.Set).valueBlock.value.map((v) => new Uint8Array(v.toBER()));
}

describe('assembleSignedData + openssl cms -verify', () => {
  for (const id of [rsa, ec]) {
    for (const digest of ['sha256', 'sha384', 'sha512'] as DigestAlgorithm[]) {
      it(`${id.keyAlgorithm} ${digest}: verifies with openssl and with verifyCmsSignature`, () => {
        const { cms, contentDigest } = signDetached(id, content, digest);
        const r = opensslVerify(cms, `${id.keyAlgorithm}-${digest}.der`);
        expect(r.out).toContain('Verification successful');
        expect(r.status).toBe(0);

        const parsed = parseCms(cms);
        expect(parsed.eContentType).toBe(OID.data);
        expect(parsed.encapsulatedContent).toBeUndefined();
        expect(parsed.digest).toBe(digest);
        expect(parsed.signatureAlgorithmOid).toBe(id.keyAlgorithm === 'rsa' ? OID.rsaEncryption : { sha256: OID.ecdsaWithSHA256, sha384: OID.ecdsaWithSHA384, sha512: OID.ecdsaWithSHA512 }[digest]);
        expect(Buffer.from(parsed.signerCertificate!).equals(id.certDer)).toBe(true);
        expect(parsed.certificates).toHaveLength(2);
        const check = verifyCmsSignature(parsed, contentDigest);
        expect(check).toEqual({ signatureValid: true, messageDigestMatches: true, signingCertificateMatches: true, errors: [] });
      });
    }
  }

  it('is DER: asn1js re-encodes it to the same bytes', () => {
    const { cms } = signDetached(rsa, content, 'sha256');
    const parsed = asn1js.fromBER(cms);
    expect(Buffer.from(parsed.result.toBER()).equals(cms)).toBe(true);
  });

  it('openssl cms -cmsout -print shows the three PAdES attributes and no signingTime', () => {
    const { cms } = signDetached(rsa, content, 'sha384');
    const out = openssl(['cms', '-cmsout', '-print', '-inform', 'DER', '-in', tmp.file('print.der', cms)]).out;
    expect(out).toContain('contentType');
    expect(out).toContain('messageDigest');
    expect(out).toMatch(/signingCertificateV2/i);
    expect(out).not.toMatch(/signingTime/i);
    expect(out).toContain('version: 1');
  });
});

describe('buildSignedAttributes', () => {
  it('is a DER-sorted SET of contentType, messageDigest, signingCertificateV2 only', () => {
    for (const digest of ['sha256', 'sha384', 'sha512'] as DigestAlgorithm[]) {
      const sa = buildSignedAttributes({ contentDigest: createHash(digest).update(content).digest(), digest, signerCertificate: rsa.certDer });
      expect(sa[0]).toBe(0x31);
      const elements = attributeElements(sa);
      const sorted = [...elements].sort(Buffer.compare);
      expect(elements.map((e) => Buffer.from(e).toString('hex'))).toEqual(sorted.map((e) => Buffer.from(e).toString('hex')));
      const p = parseCms(signDetached(rsa, content, digest).cms).signedAttributes!;
      expect(p.attributeOids.sort()).toEqual([OID.contentType, OID.messageDigest, OID.signingCertificateV2].sort());
      expect(p.signingTime).toBeUndefined();
      expect(p.contentType).toBe(OID.data);
      const ess = p.signingCertificateV2![0]!;
      expect(ess.hashAlgorithm).toBe({ sha256: OID.sha256, sha384: OID.sha384, sha512: OID.sha512 }[digest]);
      expect(Buffer.from(ess.certHash).equals(createHash(digest).update(rsa.certDer).digest())).toBe(true);
      expect(ess.issuerSerial?.serialNumber).toMatch(/^[0-9a-f]+$/);
    }
  });

  it('omits the ESSCertIDv2 hashAlgorithm for SHA-256 (DER: DEFAULT not encoded) and includes it otherwise', () => {
    const sha256Oid = Buffer.from('0609608648016503040201', 'hex');
    const sha384Oid = Buffer.from('0609608648016503040202', 'hex');
    const s256 = Buffer.from(buildSignedAttributes({ contentDigest: new Uint8Array(32), digest: 'sha256', signerCertificate: rsa.certDer }));
    const s384 = Buffer.from(buildSignedAttributes({ contentDigest: new Uint8Array(48), digest: 'sha384', signerCertificate: rsa.certDer }));
    expect(s256.includes(sha256Oid)).toBe(false);
    expect(s384.includes(sha384Oid)).toBe(true);
  });

  it('rejects a content digest of the wrong length and an unknown digest', () => {
    expect(() => buildSignedAttributes({ contentDigest: new Uint8Array(20), digest: 'sha256', signerCertificate: rsa.certDer })).toThrow(expect.objectContaining({ code: 'DIGEST_UNSUPPORTED' }));
    expect(() => buildSignedAttributes({ contentDigest: new Uint8Array(20), digest: 'md5' as DigestAlgorithm, signerCertificate: rsa.certDer })).toThrow(expect.objectContaining({ code: 'DIGEST_UNSUPPORTED' }));
    expect(() => buildSignedAttributes({ contentDigest: new Uint8Array(32), digest: 'sha256', signerCertificate: new Uint8Array([1, 2, 3]) })).toThrow(expect.objectContaining({ code: 'CERT_MALFORMED' }));
  });
});

describe('verifyCmsSignature detects tampering', () => {
  it('a flipped bit in the signature value', () => {
    const { cms, contentDigest } = signDetached(rsa, content, 'sha256');
    const sig = signatureValueOf(cms);
    const at = Buffer.from(cms).indexOf(Buffer.from(sig));
    const bad = Uint8Array.from(cms);
    bad[at + 17]! ^= 0x01;
    const check = verifyCmsSignature(parseCms(bad), contentDigest);
    expect(check.signatureValid).toBe(false);
    expect(check.messageDigestMatches).toBe(true);
    expect(check.errors.join()).toMatch(/does not verify/);
    expect(opensslVerify(bad, 'flip-sig.der').status).not.toBe(0);
  });

  it('a flipped bit in the signed attributes (the messageDigest value)', () => {
    for (const id of [rsa, ec]) {
      const { cms, contentDigest } = signDetached(id, content, 'sha256');
      const at = Buffer.from(cms).indexOf(Buffer.from(contentDigest));
      const bad = Uint8Array.from(cms);
      bad[at]! ^= 0x80;
      const check = verifyCmsSignature(parseCms(bad), contentDigest);
      expect(check.signatureValid).toBe(false);
      expect(check.messageDigestMatches).toBe(false);
    }
  });

  it('a different content digest and a wrong signer certificate', () => {
    const { cms, contentDigest } = signDetached(ec, content, 'sha256');
    const other = createHash('sha256').update('other').digest();
    expect(verifyCmsSignature(parseCms(cms), other).messageDigestMatches).toBe(false);
    const wrong = verifyCmsSignature(parseCms(cms), contentDigest, rsa.certDer);
    expect(wrong.signatureValid).toBe(false);
    expect(wrong.signingCertificateMatches).toBe(false);
  });
});

describe('addTimestampToken / signatureValueOf', () => {
  it('adds a B-T signature timestamp and keeps the signature and other bytes intact', async () => {
    for (const id of [rsa, ec]) {
      const { cms, contentDigest } = signDetached(id, content, 'sha256');
      const sig = signatureValueOf(cms);
      const token = await tokenFor(sig);
      const stamped = addTimestampToken(cms, token);
      expect(opensslVerify(stamped, `stamped-${id.keyAlgorithm}.der`).status).toBe(0);

      const parsed = parseCms(stamped);
      expect(Buffer.from(parsed.timestampToken!).equals(token)).toBe(true);
      expect(verifyCmsSignature(parsed, contentDigest).signatureValid).toBe(true);
      const tsCheck = verifyTimestampToken(parsed.timestampToken!, signatureValueOf(stamped));
      expect(tsCheck.imprintMatches && tsCheck.signatureValid).toBe(true);

      // Only length octets and the new unsigned attributes differ: the SignedData fields before
      // signerInfos and the SignerInfo content up to the signature are byte-identical.
      const before = parseCms(cms);
      const a = locateCms(cms);
      const b = locateCms(stamped);
      const region = (l: typeof a, from: number, to: number): string => Buffer.from(l.buf.subarray(from, to)).toString('hex');
      expect(region(b, b.path[2].contentStart, b.path[3].start)).toBe(region(a, a.path[2].contentStart, a.path[3].start));
      expect(region(b, b.path[4].contentStart, b.signerInfoFields[5]!.end)).toBe(region(a, a.path[4].contentStart, a.path[4].contentEnd));
      expect(b.signerInfoFields[6]?.tag).toBe(0xa1);

      // Same as building with the token in the first place.
      const direct = assembleSignedData({ signedAttributes: before.signedAttributes!.der, signatureValue: sig, signerCertificate: id.certDer, certificates: [intermediateDer()], digest: 'sha256', keyAlgorithm: id.keyAlgorithm, timestampToken: token });
      expect(Buffer.from(direct).equals(stamped)).toBe(true);
    }
  });

  it('replaces an existing timestamp instead of adding a second one, and drops PDF zero padding', async () => {
    const { cms } = signDetached(rsa, content, 'sha256');
    const t1 = await tokenFor(signatureValueOf(cms));
    const t2 = await tokenFor(signatureValueOf(cms));
    const padded = Buffer.concat([addTimestampToken(cms, t1), Buffer.alloc(4000)]);
    const twice = addTimestampToken(padded, t2);
    expect(Buffer.from(parseCms(twice).timestampToken!).equals(t2)).toBe(true);
    expect(Buffer.from(twice).indexOf(Buffer.from(t1))).toBe(-1);
    expect(Buffer.from(twice).equals(addTimestampToken(cms, t2))).toBe(true);
  });

  it('rejects garbage with typed errors', () => {
    const { cms } = signDetached(rsa, content, 'sha256');
    expect(() => addTimestampToken(new Uint8Array([0x30, 0x03, 1, 2]), new Uint8Array([0x30, 0]))).toThrow(expect.objectContaining({ code: 'CMS_MALFORMED' }));
    expect(() => addTimestampToken(cms, new Uint8Array([9, 9, 9]))).toThrow(expect.objectContaining({ code: 'TIMESTAMP_INVALID' }));
    expect(() => signatureValueOf(new Uint8Array(10))).toThrow(expect.objectContaining({ code: 'CMS_MALFORMED' }));
  });
});

describe('estimateCmsSize', () => {
  it('is an upper bound close to the real size, with and without a timestamp', async () => {
    for (const id of [rsa, ec, identity('signer', 'rsa-3072')]) {
      for (const digest of ['sha256', 'sha512'] as DigestAlgorithm[]) {
        const chain = [intermediateDer()];
        const { cms } = signDetached(id, content, digest, chain);
        const est = estimateCmsSize({ signerCertificate: id.certDer, certificates: chain, keyAlgorithm: id.keyAlgorithm, digest });
        expect(est).toBeGreaterThanOrEqual(cms.length);
        expect(est - cms.length).toBeLessThan(16);
        const token = await tokenFor(signatureValueOf(cms));
        const stamped = addTimestampToken(cms, token);
        const estT = estimateCmsSize({ signerCertificate: id.certDer, certificates: chain, keyAlgorithm: id.keyAlgorithm, digest, timestampTokenSize: token.length });
        expect(estT).toBeGreaterThanOrEqual(stamped.length);
        expect(estT - stamped.length).toBeLessThan(16);
      }
    }
  });

  it('honours keyBits', () => {
    const small = estimateCmsSize({ signerCertificate: rsa.certDer, certificates: [], keyAlgorithm: 'rsa', digest: 'sha256' });
    const big = estimateCmsSize({ signerCertificate: rsa.certDer, certificates: [], keyAlgorithm: 'rsa', keyBits: 4096, digest: 'sha256' });
    expect(big - small).toBe(256);
  });
});

it('an RSA signature made by openssl over our signed attributes fits too (signer adapter path)', () => {
  const { contentDigest } = signDetached(rsa, content, 'sha256');
  const sa = buildSignedAttributes({ contentDigest, digest: 'sha256', signerCertificate: rsa.certDer });
  const saPath = tmp.file('sa.der', sa);
  const sig = openssl(['dgst', '-sha256', '-sign', rsa.keyPath, saPath]).stdout;
  expect(Buffer.from(sig).equals(sign('sha256', sa, rsa.key))).toBe(true);
  const cms = assembleSignedData({ signedAttributes: sa, signatureValue: sig, signerCertificate: rsa.certDer, certificates: [intermediateDer()], digest: 'sha256', keyAlgorithm: 'rsa' });
  expect(opensslVerify(cms, 'adapter.der').status).toBe(0);
});
