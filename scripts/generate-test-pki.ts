// Generates the TEST-ONLY PKI in certs-fixtures/ from scripts/test-pki-spec.ts:
// certificates, PKCS#8 keys, PKCS#12 files, CRLs, bundles, manifest.json and the seal/signature images.
// Run with `npm run pki:generate`. Re-running changes keys and serials; file names stay the same.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensurePkijsEngine } from './lib/pkijs-engine.js';
import { toPem } from '../src/pki/pem.js';
import { exportPkcs12 } from './lib/pkcs12-export.js';
import { buildCertificate, buildCrl, buildName, exportPkcs8, generateKeyPair, randomSerial, type KeyPair } from './lib/x509-build.js';
import { makeTestImages } from './make-test-images.js';
import { CERTS, CRLS, P12_PASSWORD, type CertSpec, type CrlSpec } from './test-pki-spec.js';

const OUT_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'certs-fixtures');

interface Issued {
  readonly spec: CertSpec;
  readonly keys: KeyPair;
  readonly der: Uint8Array;
  readonly keyId: Uint8Array;
  readonly serial: Uint8Array;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const subjectText = (spec: CertSpec): string => spec.subject.map(([t, v]) => `${t}=${v}`).join(',');
const isEndEntity = (spec: CertSpec): boolean => spec.ca === undefined;

async function issueAll(): Promise<Map<string, Issued>> {
  const issued = new Map<string, Issued>();
  // The spec lists issuers before what they issue; fail loudly if someone reorders it.
  for (const spec of CERTS) {
    const issuer = spec.issuer === undefined ? undefined : issued.get(spec.issuer);
    if (spec.issuer !== undefined && issuer === undefined) throw new Error(`${spec.name}: issuer ${spec.issuer} must come first in the spec`);
    const keys = await generateKeyPair(spec.keyType);
    const serial = randomSerial();
    const subject = buildName(spec.subject);
    const built = await buildCertificate({
      subject,
      issuer: issuer ? buildName(issuer.spec.subject) : buildName(spec.subject),
      publicKey: keys.publicKey,
      issuerPrivateKey: issuer ? issuer.keys.privateKey : keys.privateKey,
      issuerKeyId: issuer?.keyId,
      serial,
      notBefore: spec.notBefore,
      notAfter: spec.notAfter,
      ca: spec.ca,
      keyUsage: spec.keyUsage,
      extendedKeyUsage: spec.extendedKeyUsage,
    });
    issued.set(spec.name, { spec, keys, der: built.der, keyId: built.keyId, serial });
    console.log(`issued ${spec.name}`);
  }
  return issued;
}

/** The issuer chain of `name`, issuer first, stopping before the self-signed root. */
function chainOf(name: string, issued: Map<string, Issued>): Issued[] {
  const chain: Issued[] = [];
  let current = issued.get(name)?.spec.issuer;
  while (current !== undefined) {
    const ca = issued.get(current);
    if (!ca || ca.spec.issuer === undefined) break;
    chain.push(ca);
    current = ca.spec.issuer;
  }
  return chain;
}

async function writeCrl(spec: CrlSpec, issued: Map<string, Issued>): Promise<{ entry: Record<string, unknown>; pem: string }> {
  const issuer = issued.get(spec.issuer);
  if (!issuer) throw new Error(`CRL ${spec.name}: unknown issuer`);
  const revoked = [...issued.values()].filter((i) => i.spec.issuer === spec.issuer && i.spec.revokedAt !== undefined);
  const der = await buildCrl({
    issuer: buildName(issuer.spec.subject),
    issuerPrivateKey: issuer.keys.privateKey,
    issuerKeyId: issuer.keyId,
    crlNumber: spec.crlNumber,
    thisUpdate: spec.thisUpdate,
    nextUpdate: spec.nextUpdate,
    revoked: revoked.map((r) => ({ serial: r.serial, date: r.spec.revokedAt ?? '' })),
  });
  const files = { der: `${spec.name}.crl.der`, pem: `${spec.name}.crl.pem` };
  writeFileSync(join(OUT_DIR, files.der), der);
  const pem = toPem(der, 'X509 CRL');
  writeFileSync(join(OUT_DIR, files.pem), pem);
  const entry = {
    name: spec.name,
    issuer: spec.issuer,
    files,
    crlNumber: spec.crlNumber,
    thisUpdate: spec.thisUpdate,
    nextUpdate: spec.nextUpdate,
    revoked: revoked.map((r) => ({ name: r.spec.name, serialNumber: hex(r.serial), revocationDate: r.spec.revokedAt, reason: 'keyCompromise' })),
  };
  return { entry, pem };
}

async function main(): Promise<void> {
  ensurePkijsEngine();
  mkdirSync(OUT_DIR, { recursive: true });
  const issued = await issueAll();

  const entries: Array<Record<string, unknown>> = [];
  for (const item of issued.values()) {
    const { spec } = item;
    const certFile = `${spec.name}.cert.pem`;
    const files: Record<string, string> = { cert: certFile };
    const certPem = toPem(item.der, 'CERTIFICATE');
    writeFileSync(join(OUT_DIR, certFile), certPem);
    if (isEndEntity(spec)) {
      files.key = `${spec.name}.key.pem`;
      files.p12 = `${spec.name}.p12`;
      const keyPem = toPem(await exportPkcs8(item.keys.privateKey), 'PRIVATE KEY');
      writeFileSync(join(OUT_DIR, files.key), keyPem, { mode: 0o600 });
      const chain = chainOf(spec.name, issued);
      const p12 = exportPkcs12({
        keyPem,
        certPem,
        chainPem: chain.map((c) => toPem(c.der, 'CERTIFICATE')).join(''),
        friendlyName: spec.name,
        password: P12_PASSWORD,
      });
      writeFileSync(join(OUT_DIR, files.p12), p12);
    }
    if (spec.image !== undefined) files.image = spec.role === 'seal' ? `images/seal-${spec.image}.png` : `images/handwritten-${spec.image}.png`;
    entries.push({
      name: spec.name,
      role: spec.role,
      ...(spec.negative ? { negative: spec.negative } : {}),
      issuer: spec.issuer ?? spec.name,
      ...(spec.agencyCode ? { agencyCode: spec.agencyCode } : {}),
      ...(spec.level ? { level: spec.level } : {}),
      keyType: spec.keyType,
      subject: subjectText(spec),
      serialNumber: hex(item.serial),
      notBefore: spec.notBefore,
      notAfter: spec.notAfter,
      ...(spec.revokedAt ? { revokedAt: spec.revokedAt } : {}),
      fingerprintSha256: sha256(item.der),
      files,
      ...(files.p12 ? { p12Password: P12_PASSWORD } : {}),
    });
  }

  const crls: Array<Record<string, unknown>> = [];
  let crlPems = '';
  for (const spec of CRLS) {
    const { entry, pem } = await writeCrl(spec, issued);
    crls.push(entry);
    crlPems += pem;
  }

  const pemOf = (names: string[]): string => names.map((n) => toPem(issued.get(n)?.der ?? new Uint8Array(), 'CERTIFICATE')).join('');
  const bundles = {
    trustAnchors: 'trust-anchors.pem',
    intermediates: 'intermediates.pem',
    untrustedRoots: 'untrusted-root.pem',
    crls: 'crls.pem',
  };
  writeFileSync(join(OUT_DIR, bundles.trustAnchors), pemOf(['root-ca']));
  writeFileSync(join(OUT_DIR, bundles.intermediates), pemOf(['intermediate-ca']));
  writeFileSync(join(OUT_DIR, bundles.untrustedRoots), pemOf(['rogue-root-ca']));
  writeFileSync(join(OUT_DIR, bundles.crls), crlPems);

  makeTestImages(OUT_DIR, CERTS);

  const manifest = {
    testOnly: true,
    warning: 'TEST-ONLY PKI for docaxis. Never trust these certificates or use these keys outside tests.',
    generator: 'scripts/generate-test-pki.ts (npm run pki:generate)',
    p12Password: P12_PASSWORD,
    bundles,
    entries,
    crls,
  };
  writeFileSync(join(OUT_DIR, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`wrote ${entries.length} certificates, ${crls.length} CRLs to ${OUT_DIR}`);
}

await main();
