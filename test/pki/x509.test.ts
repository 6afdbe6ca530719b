// x509.ts against independent readers: node:crypto (OpenSSL) for certificates, PKI.js for CRLs.
import { X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { describe, expect, it } from 'vitest';
import { AsnError, concat, encodeOid, readRoot, seq, setOf, tlv } from '../../src/pki/asn1-util.js';
import { describeCertificate } from '../../src/pki/certificate.js';
import { OID } from '../../src/pki/oids.js';
import { readCertificates, readCrls } from '../../src/pki/pem.js';
import { certificateExtensionFacts, decodeDirectoryString, namesEqual, parseCertificate, parseCertificateList, parseName, rsaModulusBits } from '../../src/pki/x509.js';
import { isDocaxisError } from '../../src/errors.js';
import { loadManifest, readFixture } from './fixtures-manifest.js';

const manifest = loadManifest();
const allCerts = manifest.entries.flatMap((e) => readCertificates(readFixture(e.files.cert)));
const crls = readCrls(readFixture(manifest.bundles.crls));
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('parseCertificate', () => {
  it('agrees with OpenSSL on every fixture certificate', () => {
    expect(allCerts.length).toBeGreaterThan(10);
    for (const der of allCerts) {
      const c = parseCertificate(der);
      const o = new X509Certificate(der);
      expect(c.serialHex).toBe(o.serialNumber.toLowerCase().replace(/^(00)+(?=..)/, ''));
      expect(c.notBefore.getTime()).toBe(new Date(o.validFrom).getTime());
      expect(c.notAfter.getTime()).toBe(new Date(o.validTo).getTime());
      expect(hex(c.spki)).toBe(hex(o.publicKey.export({ type: 'spki', format: 'der' })));
      expect(c.version).toBe(3);
      expect(hex(c.tbsSignatureAlgorithm.der)).toBe(hex(c.signatureAlgorithm.der));
      if (o.publicKey.asymmetricKeyType === 'rsa') expect(rsaModulusBits(c.spkiKey)).toBe(o.publicKey.asymmetricKeyDetails?.modulusLength);
      // Spans are views of the input, not copies.
      expect(c.tbs.buffer).toBe(der.buffer);
      expect(c.subject.der.buffer).toBe(der.buffer);
    }
  });

  it('decodes extension facts like the chain code needs them', () => {
    const root = parseCertificate(allCerts[0] ?? new Uint8Array());
    const facts = certificateExtensionFacts(root.extensions);
    expect(facts.basicConstraints?.cA).toBe(true);
    expect(facts.keyUsage?.names).toContain('keyCertSign');
    expect(facts.subjectKeyId).toMatch(/^[0-9a-f]+$/);
    expect(facts.unknownCritical).toEqual([]);
    expect(facts.malformed).toEqual([]);
  });

  it('flags unknown critical and malformed extensions instead of failing', () => {
    const facts = certificateExtensionFacts([
      { oid: OID.nameConstraints, critical: true, value: seq() },
      { oid: OID.basicConstraints, critical: false, value: Uint8Array.of(0x02, 0x01) }, // not one DER value
      { oid: OID.policyMappings, critical: false, value: seq() },
    ]);
    expect(facts.unknownCritical).toEqual([OID.nameConstraints]);
    expect(facts.malformed).toEqual([OID.basicConstraints]);
  });

  it('mutated certificates parse or fail with AsnError, nothing else', () => {
    const base = allCerts[3] ?? new Uint8Array();
    let seed = 7;
    const rand = (n: number): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
    for (let k = 0; k < 2000; k++) {
      const bytes = base.slice();
      for (let j = 0; j < 1 + rand(4); j++) bytes[rand(bytes.length)] = rand(256);
      try {
        parseCertificate(bytes);
      } catch (e) {
        expect(e).toBeInstanceOf(AsnError);
      }
      try {
        describeCertificate(bytes);
      } catch (e) {
        expect(isDocaxisError(e, 'CERT_MALFORMED'), String(e)).toBe(true);
      }
    }
  });
});

describe('names', () => {
  const atv = (oid: string, tag: number, bytes: Uint8Array): Uint8Array => setOf([seq(encodeOid(oid), tlv(tag, bytes))]);
  const name = (...rdns: Uint8Array[]): ReturnType<typeof parseName> => {
    const der = seq(...rdns);
    return parseName(der, readRoot(der, false));
  };

  it('decodes every string type in one place; other types are not strings', () => {
    const v = (tag: number, bytes: number[]): string | undefined => {
      const der = tlv(tag, Uint8Array.from(bytes));
      return decodeDirectoryString(der, readRoot(der, false));
    };
    expect(v(0x0c, [...Buffer.from('Sở Y tế', 'utf8')])).toBe('Sở Y tế');
    expect(v(0x1e, [0x1e, 0xdf, 0x00, 0x41])).toBe('\u1edfA'); // BMPString, UTF-16BE
    expect(v(0x1c, [0, 1, 0xf6, 0x00])).toBe('\u{1f600}'); // UniversalString, UTF-32BE
    expect(v(0x14, [0xe9, 0x74, 0xe9])).toBe('été'); // TeletexString as latin1
    expect(v(0x13, [0x56, 0x4e])).toBe('VN');
    expect(v(0x16, [0x61, 0x40, 0x62])).toBe('a@b');
    expect(v(0x02, [0x01])).toBeUndefined();
  });

  it('compares like RFC 5280 §7.1 (case, outer and repeated spaces) but keeps types apart', () => {
    const a = name(atv(OID.countryName, 0x13, Buffer.from('VN')), atv(OID.commonName, 0x0c, Buffer.from('Sở  Y tế ')));
    const b = name(atv(OID.countryName, 0x0c, Buffer.from('vn')), atv(OID.commonName, 0x0c, Buffer.from(' sở y TẾ')));
    const c = name(atv(OID.countryName, 0x13, Buffer.from('VN')), atv(OID.organizationName, 0x0c, Buffer.from('Sở Y tế')));
    const d = name(atv(OID.countryName, 0x02, Uint8Array.of(1)), atv(OID.commonName, 0x0c, Buffer.from('Sở Y tế')));
    expect(namesEqual(a, b)).toBe(true);
    expect(namesEqual(a, c)).toBe(false);
    expect(namesEqual(a, d)).toBe(false);
    expect(namesEqual(d, d)).toBe(true);
  });

  it('keeps multi-valued RDNs together', () => {
    const der = seq(setOf([seq(encodeOid(OID.commonName), tlv(0x0c, Buffer.from('A'))), seq(encodeOid(OID.userId), tlv(0x0c, Buffer.from('MCQ:1')))]));
    const n = parseName(der, readRoot(der, false));
    expect(n.rdns).toHaveLength(1);
    expect(n.rdns[0]?.map((x) => x.value).sort()).toEqual(['A', 'MCQ:1']);
    expect(concat(n.der).length).toBe(der.length);
  });
});

describe('parseCertificateList', () => {
  it('agrees with PKI.js on the fixture CRLs', () => {
    expect(crls.length).toBeGreaterThan(0);
    for (const der of crls) {
      const mine = parseCertificateList(der);
      const theirs = new pkijs.CertificateRevocationList({ schema: asn1js.fromBER(der).result });
      expect(hex(mine.tbs)).toBe(hex(new Uint8Array(theirs.tbsView)));
      expect(mine.thisUpdate.getTime()).toBe(theirs.thisUpdate.value.getTime());
      expect(mine.nextUpdate?.getTime()).toBe(theirs.nextUpdate?.value.getTime());
      expect(mine.entries.length).toBe(theirs.revokedCertificates?.length ?? 0);
      expect(mine.extensions.map((e) => e.oid)).toEqual(theirs.crlExtensions?.extensions.map((e) => e.extnID) ?? []);
      expect(mine.signatureAlgorithm.oid).toBe(theirs.signatureAlgorithm.algorithmId);
      expect(hex(mine.signatureValue)).toBe(hex(theirs.signatureValue.valueBlock.valueHexView));
    }
  });

  it('refuses a certificate and a truncated CRL', () => {
    const crl = crls[0] ?? new Uint8Array();
    expect(() => parseCertificateList(allCerts[0] ?? new Uint8Array())).toThrow(AsnError);
    expect(() => parseCertificateList(crl.slice(0, crl.length - 1))).toThrow(AsnError);
  });
});
