import { createHash, createPrivateKey, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { DocaxisError } from '../../src/errors.js';
import { encodeOctetString, encodeOid, encodeSmallInteger, seq, DER_NULL } from '../../src/pki/asn1-util.js';
import { OID } from '../../src/pki/oids.js';
import { buildTimestampRequest, inspectTimestampToken, parseTimestampResponse, verifyTimestampToken } from '../../src/pki/timestamp.js';
import { TimestampAuthority } from '../../src/pki/tsa-responder.js';
import { INTERMEDIATE_PEM, ROOT_PEM, identityNamed, intermediateDer, openssl, opensslOk, pemToDer, prng, signDetached, identity, tempDir } from './cms-test-pki.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const tsaId = identityNamed('tsa');
const data = randomBytes(3000);
const dataPath = tmp.file('data.bin', data);
const fixedClock = new Date('2025-03-04T05:06:07.250Z');

function authority(extra: Partial<ConstructorParameters<typeof TimestampAuthority>[0]> = {}): TimestampAuthority {
  return new TimestampAuthority({ certificate: tsaId.certDer, privateKey: tsaId.key, chain: [intermediateDer()], clock: () => fixedClock, accuracySeconds: 1, ...extra });
}

function expectCode(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DocaxisError);
    expect((e as DocaxisError).code).toBe(code);
    return;
  }
  throw new Error(`expected ${code}`);
}

describe('our responder, checked by openssl ts -verify', () => {
  for (const digest of ['sha256', 'sha384', 'sha512'] as const) {
    it(`${digest} imprint: verifies with -data, -digest and -queryfile`, async () => {
      const req = buildTimestampRequest({ data, digest });
      const reqPath = tmp.file(`req-${digest}.tsq`, req.der);
      const reply = await authority().respond(req.der);
      const replyPath = tmp.file(`reply-${digest}.tsr`, reply);
      const trust = ['-CAfile', ROOT_PEM, '-untrusted', INTERMEDIATE_PEM];
      for (const how of [['-data', dataPath], ['-digest', Buffer.from(req.imprint).toString('hex')], ['-queryfile', reqPath]]) {
        const r = openssl(['ts', '-verify', '-in', replyPath, ...how, ...trust]);
        expect(r.out).toContain('Verification: OK');
      }
      const text = opensslOk(['ts', '-reply', '-in', replyPath, '-text']).toString();
      expect(text).toContain('Status: Granted.');
      expect(text).toContain(OID.docaxisTestTsaPolicy);
      expect(text).toContain('Mar  4 05:06:07.25 2025 GMT');
      expect(text).toMatch(/Accuracy: 0x01 seconds/);

      const token = parseTimestampResponse(reply, req);
      const check = verifyTimestampToken(token, data);
      expect(check.errors).toEqual([]);
      expect(check.imprintMatches && check.signatureValid).toBe(true);
      expect(check.info.genTime.toISOString()).toBe(fixedClock.toISOString());
      expect(check.info.imprintAlgorithm).toBe(digest);
      expect(Buffer.from(check.info.tsaCertificate!).equals(tsaId.certDer)).toBe(true);
      expect(check.info.certificates).toHaveLength(2);
      expect(check.info.nonce).toBe(Buffer.from(req.nonce).toString('hex'));
      expect(check.info.cms.eContentType).toBe(OID.tstInfo);
      expect(check.info.cms.signedAttributes!.attributeOids.sort()).toEqual([OID.contentType, OID.messageDigest, OID.signingCertificateV2].sort());
    });
  }

  it('EC P-256 TSA key (throwaway self-signed cert with critical EKU timeStamping)', async () => {
    const key = tmp.file('ec-tsa.key');
    const cert = tmp.file('ec-tsa.pem');
    opensslOk(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=docaxis throwaway EC TSA', '-addext', 'extendedKeyUsage=critical,timeStamping', '-addext', 'keyUsage=critical,digitalSignature']);
    const tsa = new TimestampAuthority({ certificate: pemToDer(readFileSync(cert, 'utf8')), privateKey: createPrivateKey(readFileSync(key)) });
    const req = buildTimestampRequest({ data, digest: 'sha256' });
    const replyPath = tmp.file('ec-reply.tsr', await tsa.respond(req.der));
    expect(openssl(['ts', '-verify', '-in', replyPath, '-data', dataPath, '-CAfile', cert]).out).toContain('Verification: OK');
    expect(verifyTimestampToken(parseTimestampResponse(readFileSync(replyPath), req), data).signatureValid).toBe(true);
  });

  it('certReq=false leaves certificates out; the token then cannot be checked alone', async () => {
    const req = buildTimestampRequest({ data, digest: 'sha256', certReq: false });
    const reply = await authority().respond(req.der);
    const replyPath = tmp.file('nocert.tsr', reply);
    expect(openssl(['ts', '-verify', '-in', replyPath, '-data', dataPath, '-CAfile', ROOT_PEM, '-untrusted', tmp.file('tsa+int.pem', tsaId.certPem + readFileSync(INTERMEDIATE_PEM, 'utf8'))]).out).toContain('Verification: OK');
    const check = verifyTimestampToken(parseTimestampResponse(reply, req), data);
    expect(check.info.certificates).toEqual([]);
    expect(check.signatureValid).toBe(false);
    expect(check.errors.join()).toMatch(/no TSA certificate/);
  });

  it('serial numbers are unique and genTime follows the clock', async () => {
    let t = Date.UTC(2030, 0, 1);
    const tsa = authority({ clock: () => new Date((t += 1000)) });
    const serials = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const req = buildTimestampRequest({ data, digest: 'sha256' });
      const info = inspectTimestampToken(parseTimestampResponse(await tsa.respond(req.der), req));
      serials.add(info.serialNumber);
      expect(info.genTime.getTime()).toBe(t);
    }
    expect(serials.size).toBe(20);
  });
});

describe('openssl ts -reply output accepted by our client side', () => {
  function opensslTsa(reqDer: Uint8Array, name: string): Buffer {
    const dir = tmp.dir;
    writeFileSync(`${dir}/serial`, '01\n');
    const cfg = tmp.file(
      'tsa.cnf',
      [
        '[ tsa ]',
        'default_tsa = tsa_config1',
        '[ tsa_config1 ]',
        `serial = ${dir}/serial`,
        'crypto_device = builtin',
        `signer_cert = ${tsaId.certPath}`,
        `certs = ${INTERMEDIATE_PEM}`,
        `signer_key = ${tsaId.keyPath}`,
        'signer_digest = sha256',
        'default_policy = 1.2.3.4.1',
        'digests = sha256, sha384, sha512',
        'accuracy = secs:1, millisecs:500, microsecs:100',
        'clock_precision_digits = 3',
        'ordering = yes',
        'tsa_name = yes',
        'ess_cert_id_chain = no',
        'ess_cert_id_alg = sha256',
        '',
      ].join('\n'),
    );
    const q = tmp.file(`${name}.tsq`, reqDer);
    const out = tmp.file(`${name}.tsr`);
    opensslOk(['ts', '-reply', '-config', cfg, '-queryfile', q, '-out', out]);
    return readFileSync(out);
  }

  for (const digest of ['sha256', 'sha512'] as const) {
    it(`${digest}: openssl reads our request and we read its reply`, () => {
      const req = buildTimestampRequest({ data, digest });
      const text = opensslOk(['ts', '-query', '-in', tmp.file(`our-${digest}.tsq`, req.der), '-text']).toString();
      expect(text).toContain('Certificate required: yes');
      expect(text).toMatch(/Nonce: 0x/);
      const token = parseTimestampResponse(opensslTsa(req.der, `os-${digest}`), req);
      const check = verifyTimestampToken(token, data);
      expect(check.errors).toEqual([]);
      expect(check.imprintMatches && check.signatureValid).toBe(true);
      expect(check.info.policy).toBe('1.2.3.4.1');
      expect(check.info.serialNumber).toBe('02'); // openssl increments the serial file first
    });
  }

  it('an openssl-made query is answered by our responder', async () => {
    const q = tmp.file('os.tsq');
    opensslOk(['ts', '-query', '-data', dataPath, '-sha384', '-cert', '-out', q]);
    const replyPath = tmp.file('os-q.tsr', await authority().respond(readFileSync(q)));
    expect(openssl(['ts', '-verify', '-in', replyPath, '-queryfile', q, '-CAfile', ROOT_PEM, '-untrusted', INTERMEDIATE_PEM]).out).toContain('Verification: OK');
  });
});

describe('error codes', () => {
  it('nonce and imprint mismatches are TIMESTAMP_INVALID', async () => {
    const req = buildTimestampRequest({ data, digest: 'sha256' });
    const reply = await authority().respond(req.der);
    expectCode(() => parseTimestampResponse(reply, { imprint: req.imprint, nonce: randomBytes(8) }), 'TIMESTAMP_INVALID');
    expectCode(() => parseTimestampResponse(reply, { imprint: createHash('sha256').update('other').digest(), nonce: req.nonce }), 'TIMESTAMP_INVALID');
    expect(verifyTimestampToken(parseTimestampResponse(reply, req), Buffer.from('other data')).imprintMatches).toBe(false);
  });

  it('rejections are TSA_REJECTED with the failure info (and openssl reads them)', async () => {
    const tsa = authority();
    const sha1Req = seq(encodeSmallInteger(1), seq(seq(encodeOid(OID.sha1), DER_NULL), encodeOctetString(createHash('sha1').update(data).digest())));
    const wrongPolicy = seq(encodeSmallInteger(1), seq(seq(encodeOid(OID.sha256)), encodeOctetString(createHash('sha256').update(data).digest())), encodeOid('1.2.3.4'));
    const badLength = seq(encodeSmallInteger(1), seq(seq(encodeOid(OID.sha256)), encodeOctetString(new Uint8Array(20))));
    const cases: [Uint8Array, string, RegExp][] = [
      [sha1Req, 'badAlg', /unrecognized or unsupported algorithm/],
      [wrongPolicy, 'unacceptedPolicy', /TSA policy is not supported/],
      [badLength, 'badDataFormat', /wrong format/],
      [Buffer.from('garbage'), 'badDataFormat', /wrong format/],
      [seq(encodeSmallInteger(2)), 'badRequest', /not permitted or supported/],
    ];
    for (const [request, failure, opensslText] of cases) {
      const reply = await tsa.respond(request);
      const text = opensslOk(['ts', '-reply', '-in', tmp.file(`rej-${failure}.tsr`, reply), '-text']).toString();
      expect(text).toContain('Status: Rejected.');
      expect(text).toMatch(opensslText);
      try {
        parseTimestampResponse(reply);
        throw new Error('not rejected');
      } catch (e) {
        expect((e as DocaxisError).code).toBe('TSA_REJECTED');
        expect((e as DocaxisError).details?.failInfo).toEqual([failure]);
      }
    }
  });

  it('garbage responses are TSA_BAD_RESPONSE; non-token input to inspect is TIMESTAMP_INVALID', async () => {
    const req = buildTimestampRequest({ data, digest: 'sha256' });
    const reply = await authority().respond(req.der);
    for (const bad of [new Uint8Array(0), Buffer.from('<html>oops</html>'), reply.subarray(0, reply.length - 10), seq(seq(encodeSmallInteger(0)))]) {
      expectCode(() => parseTimestampResponse(bad, req), 'TSA_BAD_RESPONSE');
    }
    const plainCms = signDetached(identity('signer', 'rsa-2048'), data, 'sha256').cms;
    expectCode(() => inspectTimestampToken(plainCms), 'TIMESTAMP_INVALID');
    expectCode(() => inspectTimestampToken(Buffer.from('nope')), 'TIMESTAMP_INVALID');
    expectCode(() => verifyTimestampToken(Buffer.from('nope'), data), 'TIMESTAMP_INVALID');
  });

  it('request building validates its input', () => {
    expectCode(() => buildTimestampRequest({ digest: 'sha256' }), 'USAGE');
    expectCode(() => buildTimestampRequest({ imprint: new Uint8Array(5), digest: 'sha256' }), 'DIGEST_UNSUPPORTED');
    const r = buildTimestampRequest({ imprint: new Uint8Array(48).fill(7), digest: 'sha384', nonce: Uint8Array.of(0xff, 1), certReq: false });
    expect(Buffer.from(r.nonce).toString('hex')).toBe('ff01');
  });

  it('a tampered token fails signature verification', async () => {
    const req = buildTimestampRequest({ data, digest: 'sha256' });
    const token = Uint8Array.from(parseTimestampResponse(await authority().respond(req.der), req));
    const at = Buffer.from(token).indexOf(Buffer.from(req.imprint));
    token[at]! ^= 1;
    const check = verifyTimestampToken(token, data);
    expect(check.signatureValid).toBe(false);
    expect(check.imprintMatches).toBe(false);
  });

  it('the responder answers 500 mutated requests without throwing', async () => {
    const tsa = authority();
    const base = Buffer.from(buildTimestampRequest({ data, digest: 'sha256' }).der);
    const rnd = prng(7);
    for (let i = 0; i < 500; i++) {
      const m = Buffer.from(base);
      m[Math.floor(rnd() * m.length)] = Math.floor(rnd() * 256);
      const input = rnd() < 0.3 ? m.subarray(0, Math.floor(rnd() * m.length)) : m;
      const reply = await tsa.respond(input);
      try {
        parseTimestampResponse(reply);
      } catch (e) {
        expect((e as DocaxisError).code).toBe('TSA_REJECTED');
      }
    }
  });
});
