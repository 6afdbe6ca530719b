// Generates the TEST-ONLY OCSP fixtures in certs-fixtures/ (new files only, beside the main PKI,
// which stays untouched: its CA keys are not kept, so nothing can be issued under its CAs later):
//   ocsp-root-ca            a root of its own ("OCSP Test Root CA - TEST"); its key is not kept
//   ocsp-responder          delegated responder: id-kp-OCSPSigning (critical), id-pkix-ocsp-nocheck
//   signer-ocsp-good        end entities whose AIA names http://127.0.0.1:18961/ocsp, the port
//   signer-ocsp-revoked     `docaxis ocsp` listens on by default; -revoked is in the root's CRL
//   ocsp-root-ca.crl        CRL #1, lists signer-ocsp-revoked (2025-06-01, keyCompromise)
// and records them under "ocsp" in manifest.json. Run with `npx tsx scripts/generate-ocsp-fixtures.ts`;
// it refuses to overwrite existing files unless given --force.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { toPem } from '../src/pki/pem.js';
import { OID } from '../src/pki/oids.js';
import { ensurePkijsEngine } from './lib/pkijs-engine.js';
import { exportPkcs12 } from './lib/pkcs12-export.js';
import { buildCertificate, buildCrl, buildName, exportPkcs8, generateKeyPair, randomSerial } from './lib/x509-build.js';
import { P12_PASSWORD } from './test-pki-spec.js';

const OUT_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'certs-fixtures');
export const OCSP_FIXTURE_PORT = 18961;
const OCSP_URL = `http://127.0.0.1:${OCSP_FIXTURE_PORT}/ocsp`;
const REVOKED_AT = '2025-06-01T00:00:00Z';

const ROOT_SUBJECT = [
  ['CN', 'OCSP Test Root CA - TEST (docaxis)'],
  ['O', 'Ban Cơ yếu Chính phủ - TEST'],
  ['C', 'VN'],
] as const;

const aia = () =>
  new pkijs.Extension({
    extnID: OID.authorityInfoAccess,
    critical: false,
    extnValue: new pkijs.InfoAccess({ accessDescriptions: [new pkijs.AccessDescription({ accessMethod: pkijs.id_ad_ocsp, accessLocation: new pkijs.GeneralName({ type: 6, value: OCSP_URL }) })] })
      .toSchema()
      .toBER(false),
  });
const noCheck = () => new pkijs.Extension({ extnID: OID.ocspNoCheck, critical: false, extnValue: new asn1js.Null().toBER(false) });

const files: string[] = [];
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function write(name: string, data: string | Uint8Array): void {
  if (existsSync(join(OUT_DIR, name)) && !process.argv.includes('--force')) throw new Error(`${name} exists: these fixtures are generated once (use --force to replace them)`);
  files.push(name);
  writeFileSync(join(OUT_DIR, name), data);
}

async function main(): Promise<void> {
  ensurePkijsEngine();
  const rootKeys = await generateKeyPair('rsa-2048');
  const rootName = buildName(ROOT_SUBJECT);
  const root = await buildCertificate({
    subject: rootName,
    issuer: rootName,
    publicKey: rootKeys.publicKey,
    issuerPrivateKey: rootKeys.privateKey,
    issuerKeyId: undefined,
    serial: randomSerial(),
    notBefore: '2019-01-01T00:00:00Z',
    notAfter: '2050-12-31T23:59:59Z',
    ca: { pathLength: 0 },
    keyUsage: ['keyCertSign', 'cRLSign'],
    extendedKeyUsage: undefined,
  });
  write('ocsp-root-ca.cert.pem', toPem(root.der, 'CERTIFICATE'));

  const entries: Record<string, unknown>[] = [{ name: 'ocsp-root-ca', role: 'root', subject: ROOT_SUBJECT.map(([t, v]) => `${t}=${v}`).join(','), fingerprintSha256: sha256(root.der), files: { cert: 'ocsp-root-ca.cert.pem' } }];
  const serials: Record<string, Uint8Array> = {};
  const leaves = [
    { name: 'ocsp-responder', cn: 'OCSP Responder - TEST (docaxis)', eku: [OID.ekuOcspSigning], extra: [noCheck()], role: 'ocsp-responder' },
    { name: 'signer-ocsp-good', cn: 'Nguyễn Văn OCSP - TEST', eku: undefined, extra: [aia()], role: 'signer' },
    { name: 'signer-ocsp-revoked', cn: 'Trần Thị Thu Hồi - TEST', eku: undefined, extra: [aia()], role: 'signer' },
  ];
  for (const l of leaves) {
    const keys = await generateKeyPair('rsa-2048');
    const serial = randomSerial();
    serials[l.name] = serial;
    const built = await buildCertificate({
      subject: buildName([
        ['CN', l.cn],
        ['O', 'docaxis - TEST'],
        ['C', 'VN'],
      ]),
      issuer: rootName,
      publicKey: keys.publicKey,
      issuerPrivateKey: rootKeys.privateKey,
      issuerKeyId: root.keyId,
      serial,
      notBefore: '2024-01-01T00:00:00Z',
      notAfter: '2045-12-31T23:59:59Z',
      ca: undefined,
      keyUsage: l.role === 'signer' ? ['digitalSignature', 'nonRepudiation'] : ['digitalSignature'],
      extendedKeyUsage: l.eku,
      extraExtensions: l.extra,
    });
    const certPem = toPem(built.der, 'CERTIFICATE');
    const keyPem = toPem(await exportPkcs8(keys.privateKey), 'PRIVATE KEY');
    write(`${l.name}.cert.pem`, certPem);
    write(`${l.name}.key.pem`, keyPem);
    write(`${l.name}.p12`, exportPkcs12({ keyPem, certPem, chainPem: '', friendlyName: l.name, password: P12_PASSWORD }));
    entries.push({
      name: l.name,
      role: l.role,
      issuer: 'ocsp-root-ca',
      subject: `CN=${l.cn},O=docaxis - TEST,C=VN`,
      serialNumber: hex(serial),
      fingerprintSha256: sha256(built.der),
      ...(l.role === 'signer' ? { ocspUrl: OCSP_URL } : {}),
      ...(l.name === 'signer-ocsp-revoked' ? { revokedAt: REVOKED_AT } : {}),
      files: { cert: `${l.name}.cert.pem`, key: `${l.name}.key.pem`, p12: `${l.name}.p12` },
    });
  }
  const crl = await buildCrl({
    issuer: rootName,
    issuerPrivateKey: rootKeys.privateKey,
    issuerKeyId: root.keyId,
    crlNumber: 1,
    thisUpdate: '2026-01-01T00:00:00Z',
    nextUpdate: '2045-12-31T23:59:59Z',
    revoked: [{ serial: serials['signer-ocsp-revoked']!, date: REVOKED_AT }],
  });
  write('ocsp-root-ca.crl.der', crl);
  write('ocsp-root-ca.crl.pem', toPem(crl, 'X509 CRL'));

  const manifestPath = join(OUT_DIR, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
  manifest.ocsp = {
    note: 'TEST-ONLY OCSP fixtures, a hierarchy of their own (scripts/generate-ocsp-fixtures.ts); `docaxis ocsp --port 18961` serves them by default',
    responderUrl: OCSP_URL,
    entries,
    crl: { file: 'ocsp-root-ca.crl.der', pem: 'ocsp-root-ca.crl.pem', issuer: 'ocsp-root-ca', revoked: [{ name: 'signer-ocsp-revoked', serialNumber: hex(serials['signer-ocsp-revoked']!), revokedAt: REVOKED_AT, reason: 'keyCompromise' }] },
  };
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`wrote ${files.join(', ')} and manifest.json "ocsp"`);
}

await main();
