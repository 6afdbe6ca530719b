// The committed test PKI, checked against OpenSSL (and NSS pk12util when installed) as independent
// oracles: every file the manifest lists exists, good chains verify, each negative fails for its reason.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { describeCertificate } from '../../src/pki/certificate.js';
import { readCertificates, readCrls } from '../../src/pki/pem.js';
import { fixtureEntry, fixturePath, loadManifest, readFixture, type FixtureEntry } from './fixtures-manifest.js';

const manifest = loadManifest();
// "Today" for these tests, fixed so that results do not depend on the machine's clock.
const AT_TIME = String(Date.UTC(2026, 10, 22) / 1000);

function openssl(args: string[]): { ok: boolean; out: string } {
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
}

function verify(entry: FixtureEntry, extra: string[] = []): { ok: boolean; out: string } {
  return openssl([
    'verify',
    '-attime',
    AT_TIME,
    '-CAfile',
    fixturePath(manifest.bundles.trustAnchors),
    '-untrusted',
    fixturePath(manifest.bundles.intermediates),
    ...extra,
    fixturePath(entry.files.cert),
  ]);
}

const good = manifest.entries.filter((e) => e.role === 'seal' || e.role === 'signer' || e.role === 'tsa' || e.role === 'service');
const negative = (kind: FixtureEntry['negative']): FixtureEntry => {
  const found = manifest.entries.find((e) => e.negative === kind);
  if (!found) throw new Error(`no negative fixture ${kind}`);
  return found;
};

describe('certs-fixtures manifest', () => {
  it('is marked test-only and lists every file, all present', () => {
    expect(manifest.testOnly).toBe(true);
    const files = [
      ...Object.values(manifest.bundles),
      ...manifest.entries.flatMap((e) => Object.values(e.files)),
      ...manifest.crls.flatMap((c) => Object.values(c.files)),
    ];
    for (const f of files) expect(existsSync(fixturePath(f)), f).toBe(true);
    expect(readFileSync(fixturePath('README.md'), 'utf8')).toMatch(/TEST-ONLY/);
  });

  it('covers every role, level and key type the suites need', () => {
    const roles = new Set(manifest.entries.map((e) => e.role));
    expect([...roles].sort()).toEqual(['intermediate', 'negative', 'root', 'seal', 'service', 'signer', 'tsa']);
    const sealLevels = new Set(manifest.entries.filter((e) => e.role === 'seal').map((e) => e.level));
    expect([...sealLevels].sort()).toEqual(['central', 'commune', 'district', 'province']);
    const keyTypes = new Set(manifest.entries.filter((e) => e.role === 'signer').map((e) => e.keyType));
    expect([...keyTypes].sort()).toEqual(['ec-p256', 'rsa-2048', 'rsa-3072']);
    const negatives = manifest.entries.filter((e) => e.role === 'negative').map((e) => e.negative);
    expect(negatives.sort()).toEqual(['expired', 'not-yet-valid', 'revoked', 'untrusted-issuer', 'untrusted-root', 'wrong-key-usage']);
    for (const e of manifest.entries) if (e.role !== 'root' && e.role !== 'intermediate' && e.name !== 'rogue-root-ca') expect(e.files.p12, e.name).toBeDefined();
  });

  it('every certificate parses (ours and OpenSSL) and matches its manifest fingerprint, serial and key type', () => {
    for (const e of manifest.entries) {
      const [der, ...rest] = readCertificates(readFixture(e.files.cert));
      expect(rest).toHaveLength(0);
      const info = describeCertificate(der ?? new Uint8Array());
      expect(info.fingerprintSha256, e.name).toBe(e.fingerprintSha256);
      expect(info.serialNumber).toBe(e.serialNumber);
      expect(info.subject.text).toBe(e.subject);
      expect(`${info.publicKeyAlgorithm}-${info.namedCurve === 'P-256' ? 'p256' : info.publicKeyBits}`).toBe(e.keyType);
      const fp = openssl(['x509', '-in', fixturePath(e.files.cert), '-noout', '-fingerprint', '-sha256']);
      expect(fp.out.split('=')[1]?.trim().replace(/:/g, '').toLowerCase()).toBe(e.fingerprintSha256);
    }
  });
});

describe('chain verification with openssl verify', () => {
  it.each(good.map((e) => [e.name, e] as const))('%s verifies with full CRL checking', (_name, e) => {
    const r = verify(e, ['-crl_check_all', '-CRLfile', fixturePath(manifest.bundles.crls)]);
    expect(r.out).toMatch(/: OK/);
    expect(r.ok).toBe(true);
  });

  it('seals and signers are fit for signing (S/MIME-sign purpose checks keyUsage), the TSA for timestamping', () => {
    for (const e of good.filter((g) => g.role !== 'tsa')) expect(verify(e, ['-purpose', 'smimesign']).ok, e.name).toBe(true);
    expect(verify(fixtureEntry(manifest, 'tsa'), ['-purpose', 'timestampsign']).ok).toBe(true);
  });

  it('the revoked certificate verifies without CRLs and fails with -crl_check', () => {
    const e = negative('revoked');
    expect(verify(e).ok).toBe(true);
    const r = verify(e, ['-crl_check', '-CRLfile', fixturePath('intermediate-ca.crl.pem')]);
    expect(r.ok).toBe(false);
    expect(r.out).toMatch(/certificate revoked/);
  });

  it('the expired certificate fails as expired', () => {
    const r = verify(negative('expired'));
    expect(r.ok).toBe(false);
    expect(r.out).toMatch(/certificate has expired/);
  });

  it('the not-yet-valid certificate fails as not yet valid', () => {
    const r = verify(negative('not-yet-valid'));
    expect(r.ok).toBe(false);
    expect(r.out).toMatch(/not yet valid/);
  });

  it('the rogue signer fails against the trust anchors but chains to the untrusted root', () => {
    const rogue = negative('untrusted-issuer');
    const r = verify(rogue);
    expect(r.ok).toBe(false);
    expect(r.out).toMatch(/unable to get local issuer certificate/);
    expect(openssl(['verify', '-attime', AT_TIME, '-CAfile', fixturePath(manifest.bundles.untrustedRoots), fixturePath(rogue.files.cert)]).ok).toBe(true);
    expect(readFileSync(fixturePath(manifest.bundles.trustAnchors), 'utf8')).not.toContain(readFileSync(fixturePath(manifest.bundles.untrustedRoots), 'utf8').split('\n')[1]);
  });

  it('the wrong-key-usage certificate chains but is unfit for signing', () => {
    const e = negative('wrong-key-usage');
    expect(verify(e).ok).toBe(true);
    const r = verify(e, ['-purpose', 'smimesign']);
    expect(r.ok).toBe(false);
    expect(r.out).toMatch(/unsuitable certificate purpose/);
  });
});

describe('CRLs', () => {
  it('are signed by their issuer and carry CRL number, AKI and the revoked entry', () => {
    const caFile = join(mkdtempSync(join(tmpdir(), 'docaxis-ca-')), 'ca.pem');
    execFileSync('sh', ['-c', `cat "${fixturePath(manifest.bundles.trustAnchors)}" "${fixturePath(manifest.bundles.intermediates)}" > "${caFile}"`]);
    try {
      for (const crl of manifest.crls) {
        expect(readCrls(readFixture(crl.files.der))).toHaveLength(1);
        expect(readCrls(readFixture(crl.files.pem))).toHaveLength(1);
        const r = openssl(['crl', '-in', fixturePath(crl.files.der), '-inform', 'DER', '-CAfile', caFile, '-noout', '-text']);
        expect(r.out).toMatch(/verify OK/);
        expect(r.out).toMatch(/CRL Number:\s+1/);
        expect(r.out).toMatch(/Authority Key Identifier/);
        expect(r.out).toMatch(/Last Update: Jan {2}1 00:00:00 2026 GMT/);
        expect(r.out).toMatch(/Next Update: Dec 31 23:59:59 2045 GMT/);
        for (const revoked of crl.revoked) {
          expect(r.out.toLowerCase()).toContain(`serial number: ${revoked.serialNumber}`);
          expect(r.out).toMatch(/Revocation Date: Jun {2}1 00:00:00 2025 GMT/);
          expect(r.out).toMatch(/Key Compromise/);
        }
      }
      expect(manifest.crls.find((c) => c.issuer === 'intermediate-ca')?.revoked.map((r) => r.name)).toEqual(['neg-revoked']);
      expect(manifest.crls.find((c) => c.issuer === 'root-ca')?.revoked).toEqual([]);
    } finally {
      rmSync(join(caFile, '..'), { recursive: true, force: true });
    }
  });
});

describe('subjects', () => {
  it('carry the Vietnamese names as UTF8String, agency codes as UID=MCQ:', () => {
    const syt = describeCertificate(readCertificates(readFixture(fixtureEntry(manifest, 'seal-syt-thai-binh').files.cert))[0] ?? new Uint8Array());
    expect(syt.commonName).toBe('Sở Y tế tỉnh Thái Bình');
    expect(syt.organization).toBe('Ủy ban nhân dân tỉnh Thái Bình');
    expect(syt.agencyCode).toBe('000.00.12.H54');
    const parsed = openssl(['asn1parse', '-in', fixturePath(fixtureEntry(manifest, 'seal-syt-thai-binh').files.cert)]).out;
    expect(parsed).toMatch(/commonName\s*\n.*UTF8STRING/);
    expect(parsed).toMatch(/countryName\s*\n.*PRINTABLESTRING\s*:VN/);
    for (const e of manifest.entries.filter((x) => x.role === 'seal')) {
      expect(e.subject).toContain(`UID=MCQ:${e.agencyCode}`);
    }
    const opensslSubject = openssl(['x509', '-in', fixturePath(fixtureEntry(manifest, 'signer-le-van-cuong').files.cert), '-noout', '-subject', '-nameopt', 'utf8,sep_comma_plus,dn_rev']).out;
    expect(opensslSubject).toContain('CN=Lê Văn Cường');
    expect(opensslSubject).toContain('title=Chủ tịch');
  });
});

describe('PKCS#12 files', () => {
  it.each(manifest.entries.filter((e) => e.files.p12).map((e) => [e.name, e] as const))('%s opens in OpenSSL 3 without -legacy, with its chain', (_n, e) => {
    const p12 = fixturePath(e.files.p12 ?? '');
    expect(openssl(['pkcs12', '-info', '-noout', '-in', p12, '-passin', `pass:${e.p12Password}`]).ok).toBe(true);
    const certs = openssl(['pkcs12', '-in', p12, '-nokeys', '-passin', `pass:${e.p12Password}`]).out.match(/BEGIN CERTIFICATE/g) ?? [];
    expect(certs.length).toBe(e.issuer === 'intermediate-ca' ? 2 : 1);
    expect(openssl(['pkcs12', '-info', '-noout', '-in', p12, '-passin', 'pass:wrong']).ok).toBe(false);
  });

  it('EC and RSA files import into an NSS database with pk12util', () => {
    const db = mkdtempSync(join(tmpdir(), 'docaxis-nss-'));
    try {
      execFileSync('certutil', ['-N', '-d', `sql:${db}`, '--empty-password']);
      for (const name of ['signer-tran-thi-binh', 'signer-le-van-cuong']) {
        execFileSync('pk12util', ['-i', fixturePath(fixtureEntry(manifest, name).files.p12 ?? ''), '-d', `sql:${db}`, '-W', manifest.p12Password]);
      }
      const keys = execFileSync('certutil', ['-K', '-d', `sql:${db}`], { encoding: 'utf8' });
      expect(keys).toMatch(/ec .*signer-tran-thi-binh/);
      expect(keys).toMatch(/rsa .*signer-le-van-cuong/);
    } finally {
      rmSync(db, { recursive: true, force: true });
    }
  });
});

describe('appearance images', () => {
  function dominantOpaqueColour(file: string): { png: PNG; rgb: [number, number, number]; transparent: number; opaque: number } {
    const png = PNG.sync.read(Buffer.from(readFixture(file)));
    let transparent = 0;
    let opaque = 0;
    const sum = [0, 0, 0];
    for (let i = 0; i < png.data.length; i += 4) {
      const a = png.data[i + 3] ?? 0;
      if (a === 0) transparent++;
      if (a > 200) {
        opaque++;
        for (let c = 0; c < 3; c++) sum[c] = (sum[c] ?? 0) + (png.data[i + c] ?? 0);
      }
    }
    return { png, rgb: [0, 1, 2].map((c) => Math.round((sum[c] ?? 0) / Math.max(1, opaque))) as [number, number, number], transparent, opaque };
  }

  it('every seal is a red ~400x400 RGBA seal with a transparent background', () => {
    for (const e of manifest.entries.filter((x) => x.role === 'seal')) {
      const { png, rgb, transparent, opaque } = dominantOpaqueColour(e.files.image ?? '');
      expect([png.width, png.height]).toEqual([400, 400]);
      expect(rgb).toEqual([0xd0, 0, 0]);
      expect(transparent).toBeGreaterThan(png.width * png.height * 0.4);
      expect(opaque).toBeGreaterThan(png.width * png.height * 0.08);
      // Corners are outside the round seal.
      expect(png.data[3]).toBe(0);
    }
  });

  it('every signer has a blue ~600x240 handwritten signature with a transparent background', () => {
    for (const e of manifest.entries.filter((x) => x.role === 'signer')) {
      const { png, rgb, transparent, opaque } = dominantOpaqueColour(e.files.image ?? '');
      expect([png.width, png.height]).toEqual([600, 240]);
      expect(rgb).toEqual([0x1a, 0x3d, 0xa8]);
      expect(transparent).toBeGreaterThan(png.width * png.height * 0.7);
      expect(opaque).toBeGreaterThan(1000);
    }
  });
});
