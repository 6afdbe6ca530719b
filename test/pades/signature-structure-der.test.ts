// BER -> DER, the encoding RFC 5652 5.4 says signed attributes are signed in. The oracle is
// openssl: a streamed (BER, indefinite lengths, segmented content) CMS re-encoded by
// `openssl cms -cmsout -outform DER` must be exactly what toDer makes of it.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AsnError, TAG, readRoot, readTlv, tlv, toDer } from '../../src/pki/asn1-util.js';
import { FIXTURES_DIR, fixture } from '../support/fixtures.js';
import { tempDir, writeTemp } from '../support/oracles.js';

const der = (bytes: Uint8Array, sortSets = true): Uint8Array => toDer(bytes, readTlv(bytes, 0, bytes.length), undefined, sortSets);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function openssl(args: string[]): void {
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr}`);
}

describe('toDer against openssl', () => {
  for (const size of [10, 3000, 70_000]) {
    it(`a streamed CMS over ${size} bytes: toDer equals openssl's DER re-encoding`, () => {
      const dir = tempDir('docaxis-der-');
      const data = writeTemp(dir, 'data.bin', randomBytes(size));
      const ber = join(dir, 'ber.der');
      const out = join(dir, 'der.der');
      const signer = ['-signer', `${FIXTURES_DIR}signer-nguyen-van-an.cert.pem`, '-inkey', `${FIXTURES_DIR}signer-nguyen-van-an.key.pem`];
      openssl(['cms', '-sign', '-binary', '-md', 'sha256', '-nosmimecap', '-outform', 'DER', '-stream', '-nodetach', ...signer, '-in', data, '-out', ber]);
      openssl(['cms', '-cmsout', '-inform', 'DER', '-in', ber, '-outform', 'DER', '-out', out]);
      const berBytes = readFileSync(ber);
      expect(hex(berBytes.subarray(0, 2))).toBe('3080'); // really BER
      expect(hex(der(berBytes))).toBe(hex(readFileSync(out)));
    });
  }

  it('DER comes back byte for byte (fixture certificates and CRLs)', () => {
    const dir = tempDir('docaxis-der-');
    for (const name of ['root-ca', 'intermediate-ca', 'seal-ubnd-thai-binh']) {
      const out = join(dir, `${name}.der`);
      openssl(['x509', '-in', `${FIXTURES_DIR}${name}.cert.pem`, '-outform', 'DER', '-out', out]);
      const cert = readFileSync(out);
      expect(hex(der(cert))).toBe(hex(cert));
    }
    const crl = fixture('root-ca.crl.der');
    expect(hex(der(crl))).toBe(hex(crl));
  });
});

describe('toDer rules', () => {
  it('sorts SET OF elements unless asked to keep their order', () => {
    const unsorted = tlv(TAG.set, Uint8Array.of(0x04, 0x01, 0x09), Uint8Array.of(0x04, 0x01, 0x01));
    expect(hex(der(unsorted))).toBe('3106040101040109');
    expect(hex(der(unsorted, false))).toBe(hex(unsorted));
  });

  it('writes BOOLEAN TRUE as FF, joins constructed OCTET STRINGs and BIT STRINGs, replaces the tag when asked', () => {
    expect(hex(der(Uint8Array.of(0x30, 0x03, 0x01, 0x01, 0x01)))).toBe('30030101ff');
    // 24 80 | 04 02 aa bb | 04 01 cc | 00 00  ->  04 03 aa bb cc
    expect(hex(der(Uint8Array.of(0x24, 0x80, 0x04, 0x02, 0xaa, 0xbb, 0x04, 0x01, 0xcc, 0x00, 0x00)))).toBe('0403aabbcc');
    // 23 08 | 03 02 00 aa | 03 02 04 b0  ->  03 03 04 aa b0
    expect(hex(der(Uint8Array.of(0x23, 0x08, 0x03, 0x02, 0x00, 0xaa, 0x03, 0x02, 0x04, 0xb0)))).toBe('030304aab0');
    const implicit = Uint8Array.of(0xa0, 0x80, 0x05, 0x00, 0x00, 0x00);
    expect(hex(toDer(implicit, readRoot(implicit, false), TAG.set))).toBe('31020500');
  });

  it('non-minimal length octets become minimal', () => {
    expect(hex(der(Uint8Array.of(0x30, 0x82, 0x00, 0x02, 0x05, 0x00)))).toBe('30020500');
  });

  it('hostile nesting ends in an AsnError, not a stack overflow', () => {
    const deep = Buffer.concat([Buffer.alloc(2000, 0).map((_, i) => (i % 2 === 0 ? 0x30 : 0x80)), Buffer.alloc(2000, 0)]);
    expect(() => der(deep)).toThrow(AsnError);
  });
});
