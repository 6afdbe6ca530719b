import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isDocaxisError } from '../../src/errors.js';
import { describeCertificate, type CertificateInfo } from '../../src/pki/certificate.js';
import { OID } from '../../src/pki/oids.js';
import { readCertificates } from '../../src/pki/pem.js';
import { fixtureEntry, fixturePath, loadManifest, readFixture } from './fixtures-manifest.js';

const manifest = loadManifest();
const info = (name: string): CertificateInfo => describeCertificate(readCertificates(readFixture(fixtureEntry(manifest, name).files.cert))[0] ?? new Uint8Array());

describe('describeCertificate on the Vietnamese fixtures', () => {
  it('agency seal (EC P-256): names, UIDs, agency code, key', () => {
    const c = info('seal-syt-thai-binh');
    expect(c.subject.text).toBe(
      'E=syt@thaibinh.docaxis.test,UID=MST:1000000003,UID=MNS:1000003,UID=MCQ:000.00.12.H54,CN=Sở Y tế tỉnh Thái Bình,O=Ủy ban nhân dân tỉnh Thái Bình,L=Thái Bình,C=VN',
    );
    expect(c.subject.attributes[0]).toEqual({ type: 'E', value: 'syt@thaibinh.docaxis.test' });
    expect(c.issuer.text).toBe('CN=CA phục vụ các cơ quan Nhà nước - TEST,O=Ban Cơ yếu Chính phủ - TEST,C=VN');
    expect(c.commonName).toBe('Sở Y tế tỉnh Thái Bình');
    expect(c.organization).toBe('Ủy ban nhân dân tỉnh Thái Bình');
    expect(c.email).toBe('syt@thaibinh.docaxis.test');
    expect(c.uids).toEqual(['MST:1000000003', 'MNS:1000003', 'MCQ:000.00.12.H54']);
    expect(c.agencyCode).toBe('000.00.12.H54');
    expect(c.personalId).toBeUndefined();
    expect(c.title).toBeUndefined();
    expect(c.publicKeyAlgorithm).toBe('ec');
    expect(c.namedCurve).toBe('P-256');
    expect(c.publicKeyBits).toBe(256);
    expect(c.isCA).toBe(false);
    expect(c.keyUsage).toEqual(['digitalSignature', 'nonRepudiation']);
    expect(c.keyUsageCritical).toBe(true);
    expect(c.extendedKeyUsage).toBeUndefined();
  });

  it('personal signer: title, CCCD, no agency code of its own', () => {
    const c = info('signer-le-van-cuong');
    expect(c.commonName).toBe('Lê Văn Cường');
    expect(c.title).toBe('Chủ tịch');
    expect(c.organization).toBe('Ủy ban nhân dân huyện Đông Hưng');
    expect(c.personalId).toBe('CCCD:034078000303');
    expect(c.uids).toEqual(['CCCD:034078000303']);
    expect(c.agencyCode).toBeUndefined();
    expect(c.publicKeyAlgorithm).toBe('rsa');
    expect(c.publicKeyBits).toBe(3072);
    expect(c.namedCurve).toBeUndefined();
  });

  it('every seal yields its manifest agency code; every field agrees with OpenSSL', () => {
    for (const e of manifest.entries) {
      const c = info(e.name);
      if (e.role === 'seal') expect(c.agencyCode).toBe(e.agencyCode);
      const x = new X509Certificate(c.der);
      expect(c.serialNumber).toBe(x.serialNumber.toLowerCase().replace(/^(00)+(?=..)/, ''));
      expect(c.notBefore.getTime()).toBe(new Date(x.validFrom).getTime());
      expect(c.notAfter.getTime()).toBe(new Date(x.validTo).getTime());
      expect(c.fingerprintSha256).toBe(x.fingerprint256.replace(/:/g, '').toLowerCase());
      expect(c.isCA).toBe(x.ca);
      expect(c.notBefore.toISOString().replace('.000', '')).toBe(e.notBefore);
      expect(c.notAfter.toISOString().replace('.000', '')).toBe(e.notAfter);
    }
  });

  it('CAs: basic constraints, path length, GeneralizedTime after 2049, key identifiers link up', () => {
    const root = info('root-ca');
    const inter = info('intermediate-ca');
    expect(root.isCA).toBe(true);
    expect(root.pathLength).toBeUndefined();
    expect(inter.isCA).toBe(true);
    expect(inter.pathLength).toBe(0);
    expect(inter.keyUsage).toEqual(['keyCertSign', 'cRLSign']);
    expect(root.notAfter.toISOString()).toBe('2050-12-31T23:59:59.000Z');
    expect(root.publicKeyBits).toBe(3072);
    expect(root.subject.text).toBe('CN=Cơ quan chứng thực số chuyên dùng Chính phủ - TEST (docaxis),O=Ban Cơ yếu Chính phủ - TEST,C=VN');
    expect(root.authorityKeyIdentifier).toBe(root.subjectKeyIdentifier);
    expect(inter.authorityKeyIdentifier).toBe(root.subjectKeyIdentifier);
    expect(info('signer-nguyen-van-an').authorityKeyIdentifier).toBe(inter.subjectKeyIdentifier);
    expect(inter.subjectKeyIdentifier).toMatch(/^[0-9a-f]{40}$/);
  });

  it('TSA: critical EKU timeStamping; wrong-key-usage: keyEncipherment only', () => {
    const tsa = info('tsa');
    expect(tsa.extendedKeyUsage).toEqual([OID.ekuTimeStamping]);
    expect(tsa.extendedKeyUsageCritical).toBe(true);
    expect(tsa.keyUsage).toEqual(['digitalSignature']);
    expect(info('neg-wrong-key-usage').keyUsage).toEqual(['keyEncipherment']);
  });
});

describe('describeCertificate on certificates from elsewhere (made by OpenSSL)', () => {
  function opensslCert(subj: string, extra: string[] = []): Uint8Array {
    const dir = mkdtempSync(join(tmpdir(), 'docaxis-cert-'));
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384', '-nodes', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'), '-utf8', '-subj', subj, '-days', '2', ...extra]);
      return readCertificates(readFileSync(join(dir, 'c.pem')))[0] ?? new Uint8Array();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('multi-valued RDNs, escaping, CMND ids, agency codes without MCQ, unknown attributes, no extensions', () => {
    const c = describeCertificate(opensslCert('/C=VN/O=Sở Tài chính, tỉnh X/CN=Phạm Văn A+UID=CMND:012345678/serialNumber=000.00.07.H54/2.5.4.65=pseudo', ['-addext', 'keyUsage=digitalSignature']));
    expect(c.subject.text).toBe('2.5.4.65=pseudo,SERIALNUMBER=000.00.07.H54,CN=Phạm Văn A+UID=CMND:012345678,O=Sở Tài chính\\, tỉnh X,C=VN');
    expect(c.personalId).toBe('CMND:012345678');
    expect(c.agencyCode).toBe('000.00.07.H54');
    expect(c.organization).toBe('Sở Tài chính, tỉnh X');
    expect(c.namedCurve).toBe('P-384');
    expect(c.publicKeyBits).toBe(384);
    expect(c.keyUsageCritical).toBe(false);
  });

  it('a certificate without keyUsage reports undefined, not []', () => {
    const dir = mkdtempSync(join(tmpdir(), 'docaxis-cert-'));
    try {
      const cfg = join(dir, 'req.cnf');
      writeFileSync(cfg, '[req]\ndistinguished_name=dn\nx509_extensions=none\n[dn]\n[none]\n');
      execFileSync('openssl', ['req', '-x509', '-config', cfg, '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'), '-subj', '/CN=bare', '-days', '1']);
      const c = describeCertificate(readCertificates(readFileSync(join(dir, 'c.pem')))[0] ?? new Uint8Array());
      expect(c.keyUsage).toBeUndefined();
      expect(c.extendedKeyUsage).toBeUndefined();
      expect(c.subjectKeyIdentifier).toBeUndefined();
      expect(c.isCA).toBe(false);
      expect(c.pathLength).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('describeCertificate on bad input', () => {
  it('throws CERT_MALFORMED for anything that is not a certificate', () => {
    const der = readCertificates(readFixture(manifest.bundles.trustAnchors))[0] ?? new Uint8Array();
    const cases = [new Uint8Array(), new Uint8Array([0x30, 0x00]), der.slice(0, der.length - 1), readFixture('root-ca.crl.der'), new TextEncoder().encode(readFileSync(fixturePath(manifest.bundles.trustAnchors), 'utf8'))];
    for (const bytes of cases) {
      let thrown: unknown;
      try {
        describeCertificate(bytes);
      } catch (e) {
        thrown = e;
      }
      expect(isDocaxisError(thrown, 'CERT_MALFORMED'), String(thrown)).toBe(true);
    }
  });
});
