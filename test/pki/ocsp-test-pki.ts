// A throw-away PKI with the keys of its CAs at hand, for OCSP and embedded-revocation tests.
// certs-fixtures/ keeps no CA private keys (only end entities'), so nothing there can sign an
// OCSP response or a CRL for the fixture signers. The certificates here are made with the same
// builder as the fixtures (scripts/lib/x509-build.ts, PKI.js on Node's WebCrypto) and the OCSP
// responses with PKI.js's structures, signed by node:crypto over the DER tbsResponseData.
import { createHash, sign, KeyObject, webcrypto } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { ensurePkijsEngine } from '../../scripts/lib/pkijs-engine.js';
import { type KeyPair, buildCertificate, buildCrl, buildName, generateKeyPair, randomSerial } from '../../scripts/lib/x509-build.js';
import { OID } from '../../src/pki/oids.js';

type CryptoKey = webcrypto.CryptoKey;

export interface TestCa {
  der: Uint8Array;
  keys: KeyPair;
  keyId: Uint8Array;
  name: pkijs.RelativeDistinguishedNames;
}

export interface TestEntity {
  der: Uint8Array;
  keys: KeyPair;
  /** node:crypto view of the private key (signing PDFs and OCSP responses). */
  privateKey: KeyObject;
}

export interface OcspPki {
  root: TestCa;
  /** Another root with the same subject as `root`: its responses must never count for root's certificates. */
  rogueRoot: TestCa;
  leaf: TestEntity;
  /** Issued by root with id-kp-OCSPSigning and id-pkix-ocsp-nocheck: a delegated responder. */
  responder: TestEntity;
  /** Issued by root without id-kp-OCSPSigning. */
  responderNoEku: TestEntity;
  /** id-kp-OCSPSigning, but issued by rogueRoot. */
  rogueResponder: TestEntity;
}

const ROOT_SUBJECT = [
  ['CN', 'OCSP Test Root CA - TEST'],
  ['O', 'Ban Cơ yếu Chính phủ - TEST'],
  ['C', 'VN'],
] as const;

async function ca(subject: ReadonlyArray<readonly ['CN' | 'O' | 'C', string]>): Promise<TestCa> {
  const keys = await generateKeyPair('rsa-2048');
  const name = buildName(subject);
  const built = await buildCertificate({
    subject: name,
    issuer: name,
    publicKey: keys.publicKey,
    issuerPrivateKey: keys.privateKey,
    issuerKeyId: undefined,
    serial: randomSerial(),
    notBefore: '2019-01-01T00:00:00Z',
    notAfter: '2045-12-31T23:59:59Z',
    ca: { pathLength: null },
    keyUsage: ['keyCertSign', 'cRLSign'],
    extendedKeyUsage: undefined,
  });
  return { der: built.der, keys, keyId: built.keyId, name };
}

async function entity(issuer: TestCa, cn: string, extendedKeyUsage: readonly string[] | undefined, noCheck = false): Promise<TestEntity> {
  const keys = await generateKeyPair('rsa-2048');
  const built = await buildCertificate({
    subject: buildName([
      ['CN', cn],
      ['C', 'VN'],
    ]),
    issuer: issuer.name,
    publicKey: keys.publicKey,
    issuerPrivateKey: issuer.keys.privateKey,
    issuerKeyId: issuer.keyId,
    serial: randomSerial(),
    notBefore: '2024-01-01T00:00:00Z',
    notAfter: '2045-12-31T23:59:59Z',
    ca: undefined,
    keyUsage: ['digitalSignature', 'nonRepudiation'],
    extendedKeyUsage,
  });
  const der = noCheck ? await addNoCheck(built.der, issuer) : built.der;
  return { der, keys, privateKey: KeyObject.from(keys.privateKey) };
}

/** Re-signs `der` with id-pkix-ocsp-nocheck (NULL) added: the builder has no option for it. */
async function addNoCheck(der: Uint8Array, issuer: TestCa): Promise<Uint8Array> {
  const cert = pkijs.Certificate.fromBER(der);
  cert.extensions = [...(cert.extensions ?? []), new pkijs.Extension({ extnID: OID.ocspNoCheck, critical: false, extnValue: new asn1js.Null().toBER(false) })];
  const algorithm = new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256WithRSAEncryption, algorithmParams: new asn1js.Null() });
  cert.signature = algorithm;
  cert.signatureAlgorithm = algorithm;
  const tbs = (cert as unknown as { encodeTBS(): asn1js.Sequence }).encodeTBS().toBER(false);
  cert.tbsView = new Uint8Array(tbs);
  const signature = sign('sha256', new Uint8Array(tbs), KeyObject.from(issuer.keys.privateKey));
  cert.signatureValue = new asn1js.BitString({ valueHex: signature });
  return new Uint8Array(cert.toSchema(false).toBER(false));
}

export async function makeOcspPki(): Promise<OcspPki> {
  ensurePkijsEngine();
  const root = await ca(ROOT_SUBJECT);
  const rogueRoot = await ca(ROOT_SUBJECT);
  return {
    root,
    rogueRoot,
    leaf: await entity(root, 'Nguyễn Văn OCSP - TEST', undefined),
    responder: await entity(root, 'OCSP Responder - TEST', [OID.ekuOcspSigning], true),
    responderNoEku: await entity(root, 'Not an OCSP Responder - TEST', undefined),
    rogueResponder: await entity(rogueRoot, 'OCSP Responder - TEST', [OID.ekuOcspSigning]),
  };
}

export interface OcspEntry {
  /** Certificate the entry speaks for, and its issuer (for the CertID). */
  cert: Uint8Array;
  issuer: Uint8Array;
  status: 'good' | 'revoked' | 'unknown';
  revokedAt?: Date;
  /** CRLReason code. */
  reason?: number;
  thisUpdate: Date;
  nextUpdate?: Date;
  hash?: 'sha1' | 'sha256';
  /** Replaces the serial number in the CertID. */
  serial?: Uint8Array;
}

export interface OcspBuild {
  /** Private key that signs, and the certificate named as responder. */
  signerKey: KeyObject;
  responderCert: Uint8Array;
  responderId?: 'name' | 'key';
  producedAt: Date;
  entries: OcspEntry[];
  /** The certs field. */
  certs?: Uint8Array[];
  /** Adds a critical response extension nobody understands. */
  unknownCriticalExtension?: boolean;
  /** false: a bare BasicOCSPResponse; default: wrapped in a successful OCSPResponse. */
  wrap?: boolean;
  /** Flips a bit of the signature value. */
  corruptSignature?: boolean;
}

const HASH_OID = { sha1: OID.sha1, sha256: OID.sha256 } as const;

export function buildOcspResponse(b: OcspBuild): Uint8Array {
  const responder = pkijs.Certificate.fromBER(b.responderCert);
  const responderID =
    (b.responderId ?? 'name') === 'name'
      ? responder.subject
      : new asn1js.OctetString({ valueHex: createHash('sha1').update(responder.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView).digest() });
  const data = new pkijs.ResponseData({
    responderID,
    producedAt: b.producedAt,
    responses: b.entries.map(singleResponse),
    ...(b.unknownCriticalExtension ? { responseExtensions: [new pkijs.Extension({ extnID: '1.3.6.1.4.1.55555.9.1', critical: true, extnValue: new asn1js.Null().toBER(false) })] } : {}),
  });
  const tbs = new Uint8Array(data.toSchema(true).toBER(false));
  data.tbsView = tbs;
  const signature = new Uint8Array(sign('sha256', tbs, b.signerKey));
  if (b.corruptSignature) signature[signature.length - 1] = (signature[signature.length - 1] ?? 0) ^ 0x01;
  const basic = new pkijs.BasicOCSPResponse({
    tbsResponseData: data,
    signatureAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256WithRSAEncryption, algorithmParams: new asn1js.Null() }),
    signature: new asn1js.BitString({ valueHex: signature }),
    ...(b.certs ? { certs: b.certs.map((der) => pkijs.Certificate.fromBER(der)) } : {}),
  });
  const basicDer = new Uint8Array(basic.toSchema().toBER(false));
  if (b.wrap === false) return basicDer;
  const response = new pkijs.OCSPResponse({
    responseStatus: new asn1js.Enumerated({ value: 0 }),
    responseBytes: new pkijs.ResponseBytes({ responseType: OID.ocspBasic, response: new asn1js.OctetString({ valueHex: basicDer }) }),
  });
  return new Uint8Array(response.toSchema().toBER(false));
}

function singleResponse(e: OcspEntry): pkijs.SingleResponse {
  const cert = pkijs.Certificate.fromBER(e.cert);
  const issuer = pkijs.Certificate.fromBER(e.issuer);
  const hash = e.hash ?? 'sha1';
  const digest = (data: ArrayBuffer | Uint8Array) => createHash(hash).update(new Uint8Array(data)).digest();
  const certID = new pkijs.CertID({
    hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: HASH_OID[hash], algorithmParams: new asn1js.Null() }),
    // RFC 6960 §4.1.1: the hash of the issuer's name as it stands in the certificate checked, and
    // of the issuer's subjectPublicKey BIT STRING value.
    issuerNameHash: new asn1js.OctetString({ valueHex: digest(cert.issuer.valueBeforeDecode) }),
    issuerKeyHash: new asn1js.OctetString({ valueHex: digest(issuer.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView) }),
    serialNumber: e.serial ? new asn1js.Integer({ valueHex: e.serial }) : cert.serialNumber,
  });
  return new pkijs.SingleResponse({
    certID,
    certStatus: certStatus(e),
    thisUpdate: e.thisUpdate,
    ...(e.nextUpdate ? { nextUpdate: e.nextUpdate } : {}),
  });
}

function certStatus(e: OcspEntry): asn1js.BaseBlock {
  if (e.status === 'good') return new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 0 } });
  if (e.status === 'unknown') return new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 2 } });
  const value: asn1js.BaseBlock[] = [new asn1js.GeneralizedTime({ valueDate: e.revokedAt ?? new Date() })];
  if (e.reason !== undefined) value.push(new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [new asn1js.Enumerated({ value: e.reason })] }));
  return new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 1 }, value });
}

/** A CRL of `ca` listing `revoked`, with the fixture generator's builder. */
export function crlOf(ca: TestCa, revoked: ReadonlyArray<{ serial: Uint8Array; date: string }>, thisUpdate = '2026-01-01T00:00:00Z', nextUpdate = '2045-12-31T23:59:59Z'): Promise<Uint8Array> {
  return buildCrl({ issuer: ca.name, issuerPrivateKey: ca.keys.privateKey as CryptoKey, issuerKeyId: ca.keyId, crlNumber: 1, thisUpdate, nextUpdate, revoked });
}

/** Serial number bytes of a certificate (for CRL entries). */
export function serialOf(der: Uint8Array): Uint8Array {
  return new Uint8Array(pkijs.Certificate.fromBER(der).serialNumber.valueBlock.valueHexView);
}

export function toPem(der: Uint8Array, label = 'CERTIFICATE'): string {
  return `-----BEGIN ${label}-----\n${Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END ${label}-----\n`;
}
