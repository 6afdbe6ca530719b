// Builds X.509 certificates and CRLs for the test PKI with PKI.js on Node's WebCrypto.
// PKI.js rather than node-forge because forge can neither hold ECDSA keys nor write CRLs, and one
// code path for every key type is simpler than two; the arithmetic is OpenSSL's either way.
import { createHash, randomBytes, webcrypto } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { OID } from '../../src/pki/oids.js';
import { KEY_USAGE_NAMES } from '../../src/pki/x509.js';
import type { AttrType, KeyType, KeyUsageName } from '../test-pki-spec.js';

type CryptoKey = webcrypto.CryptoKey;
export interface KeyPair {
  readonly publicKey: CryptoKey;
  readonly privateKey: CryptoKey;
}

const ATTR_OID: Record<AttrType, string> = {
  CN: OID.commonName,
  O: OID.organizationName,
  OU: OID.organizationalUnitName,
  L: OID.localityName,
  ST: OID.stateOrProvinceName,
  C: OID.countryName,
  E: OID.emailAddress,
  T: OID.title,
  UID: OID.userId,
};


export async function generateKeyPair(keyType: KeyType): Promise<KeyPair> {
  const algorithm =
    keyType === 'ec-p256'
      ? { name: 'ECDSA', namedCurve: 'P-256' }
      : { name: 'RSASSA-PKCS1-v1_5', modulusLength: keyType === 'rsa-3072' ? 3072 : 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' };
  return (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as KeyPair;
}

export async function exportPkcs8(key: CryptoKey): Promise<Uint8Array> {
  return new Uint8Array(await webcrypto.subtle.exportKey('pkcs8', key));
}

/** `attrs` most specific first (as printed); X.509 wants the reverse, country first. */
export function buildName(attrs: ReadonlyArray<readonly [AttrType, string]>): pkijs.RelativeDistinguishedNames {
  const rdns = [...attrs].reverse().map(([type, value]) => {
    // RFC 5280: C is PrintableString, emailAddress IA5String; everything else UTF8String so the
    // Vietnamese diacritics survive (the real CA does the same).
    const encoded =
      type === 'C' ? new asn1js.PrintableString({ value }) : type === 'E' ? new asn1js.IA5String({ value }) : new asn1js.Utf8String({ value });
    const atv = new pkijs.AttributeTypeAndValue({ type: ATTR_OID[type], value: encoded });
    return new asn1js.Set({ value: [atv.toSchema()] });
  });
  // PKI.js would put every attribute into one multi-valued RDN ("C=VN+L=...+CN=..."); real
  // certificates have one attribute per RDN, so encode the Name ourselves and let PKI.js keep it.
  const der = new asn1js.Sequence({ value: rdns }).toBER(false);
  return new pkijs.RelativeDistinguishedNames({ schema: asn1js.fromBER(der).result });
}

/** RFC 5280: UTCTime through 2049, GeneralizedTime from 2050. */
export function x509Time(iso: string): pkijs.Time {
  const value = new Date(iso);
  const type = value.getUTCFullYear() >= 2050 ? pkijs.TimeType.GeneralizedTime : pkijs.TimeType.UTCTime;
  return new pkijs.Time({ type, value });
}

/** 16 random bytes, positive, no leading zero byte: what real CAs do. */
export function randomSerial(): Uint8Array {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x40;
  return new Uint8Array(bytes);
}

function keyUsageBits(usages: readonly KeyUsageName[]): asn1js.BitString {
  const bits = usages.map((u) => KEY_USAGE_NAMES.indexOf(u));
  const highest = Math.max(...bits);
  const bytes = new Uint8Array(Math.floor(highest / 8) + 1);
  for (const b of bits) bytes[b >> 3] = (bytes[b >> 3] ?? 0) | (0x80 >> (b & 7));
  // DER: the named-bit list drops trailing zero bits.
  return new asn1js.BitString({ valueHex: bytes, unusedBits: bytes.length * 8 - (highest + 1) });
}

function ext(extnID: string, critical: boolean, value: asn1js.BaseBlock): pkijs.Extension {
  return new pkijs.Extension({ extnID, critical, extnValue: value.toBER(false) });
}

/** RFC 5280 method 1: SHA-1 of the subjectPublicKey BIT STRING contents. */
export function keyIdentifier(spki: pkijs.PublicKeyInfo): Uint8Array {
  return new Uint8Array(createHash('sha1').update(spki.subjectPublicKey.valueBlock.valueHexView).digest());
}

interface Signable {
  signature: pkijs.AlgorithmIdentifier;
  signatureAlgorithm: pkijs.AlgorithmIdentifier;
  signatureValue: asn1js.BitString;
  tbsView: Uint8Array;
}

/**
 * Signs a certificate or CRL with SHA-256. Done here rather than with PKI.js's sign() because PKI.js
 * leaves out the NULL parameters that RFC 4055 requires for sha256WithRSAEncryption (real CAs,
 * OpenSSL and node-forge all write them; forge even re-encodes certificates with them).
 */
async function signTbs(target: Signable, key: CryptoKey): Promise<void> {
  // Every CA in the spec is RSA; an ECDSA CA would need r||s -> DER conversion here.
  if (key.algorithm.name !== 'RSASSA-PKCS1-v1_5') throw new Error('test CAs must have RSA keys');
  const algorithm = new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256WithRSAEncryption, algorithmParams: new asn1js.Null() });
  target.signature = algorithm;
  target.signatureAlgorithm = algorithm;
  // encodeTBS is protected on CertificateRevocationList; both classes have it.
  const tbs = (target as unknown as { encodeTBS(): asn1js.Sequence }).encodeTBS().toBER(false);
  target.tbsView = new Uint8Array(tbs);
  const signature = await webcrypto.subtle.sign({ name: 'RSASSA-PKCS1-v1_5' }, key, tbs);
  target.signatureValue = new asn1js.BitString({ valueHex: signature });
}

export interface CertificateRequest {
  readonly subject: pkijs.RelativeDistinguishedNames;
  readonly issuer: pkijs.RelativeDistinguishedNames;
  readonly publicKey: CryptoKey;
  readonly issuerPrivateKey: CryptoKey;
  /** undefined for a self-signed certificate (AKI = own SKI). */
  readonly issuerKeyId: Uint8Array | undefined;
  readonly serial: Uint8Array;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly ca: { readonly pathLength: number | null } | undefined;
  readonly keyUsage: readonly KeyUsageName[];
  readonly extendedKeyUsage: readonly string[] | undefined;
  /** Appended after the standard ones (AIA, id-pkix-ocsp-nocheck, ...); absent for the main fixtures. */
  readonly extraExtensions?: readonly pkijs.Extension[];
}

export interface BuiltCertificate {
  readonly der: Uint8Array;
  readonly keyId: Uint8Array;
}

export async function buildCertificate(req: CertificateRequest): Promise<BuiltCertificate> {
  const cert = new pkijs.Certificate();
  cert.version = 2;
  cert.serialNumber = new asn1js.Integer({ valueHex: req.serial });
  cert.subject = req.subject;
  cert.issuer = req.issuer;
  cert.notBefore = x509Time(req.notBefore);
  cert.notAfter = x509Time(req.notAfter);
  await cert.subjectPublicKeyInfo.importKey(req.publicKey);
  const keyId = keyIdentifier(cert.subjectPublicKeyInfo);

  const extensions: pkijs.Extension[] = [];
  if (req.ca) {
    const bc = new pkijs.BasicConstraints({ cA: true, ...(req.ca.pathLength !== null ? { pathLenConstraint: req.ca.pathLength } : {}) });
    extensions.push(ext(OID.basicConstraints, true, bc.toSchema()));
  }
  extensions.push(ext(OID.keyUsage, true, keyUsageBits(req.keyUsage)));
  if (req.extendedKeyUsage) {
    // Only the TSA has one, and RFC 3161 requires it critical with timeStamping alone.
    extensions.push(ext(OID.extKeyUsage, true, new pkijs.ExtKeyUsage({ keyPurposes: [...req.extendedKeyUsage] }).toSchema()));
  }
  extensions.push(ext(OID.subjectKeyIdentifier, false, new asn1js.OctetString({ valueHex: keyId })));
  const aki = new pkijs.AuthorityKeyIdentifier({ keyIdentifier: new asn1js.OctetString({ valueHex: req.issuerKeyId ?? keyId }) });
  extensions.push(ext(OID.authorityKeyIdentifier, false, aki.toSchema()));
  extensions.push(...(req.extraExtensions ?? []));
  cert.extensions = extensions;

  await signTbs(cert, req.issuerPrivateKey);
  return { der: new Uint8Array(cert.toSchema(false).toBER(false)), keyId };
}

export interface CrlRequest {
  readonly issuer: pkijs.RelativeDistinguishedNames;
  readonly issuerPrivateKey: CryptoKey;
  readonly issuerKeyId: Uint8Array;
  readonly crlNumber: number;
  readonly thisUpdate: string;
  readonly nextUpdate: string;
  readonly revoked: ReadonlyArray<{ readonly serial: Uint8Array; readonly date: string }>;
}

const REASON_KEY_COMPROMISE = 1;

export async function buildCrl(req: CrlRequest): Promise<Uint8Array> {
  const crl = new pkijs.CertificateRevocationList();
  crl.version = 1;
  crl.issuer = req.issuer;
  crl.thisUpdate = x509Time(req.thisUpdate);
  crl.nextUpdate = x509Time(req.nextUpdate);
  // RFC 5280 5.1.2.6: with nothing revoked the list is absent, not empty.
  if (req.revoked.length > 0) {
    crl.revokedCertificates = req.revoked.map(
      (r) =>
        new pkijs.RevokedCertificate({
          userCertificate: new asn1js.Integer({ valueHex: r.serial }),
          revocationDate: x509Time(r.date),
          crlEntryExtensions: new pkijs.Extensions({
            extensions: [ext(OID.cRLReason, false, new asn1js.Enumerated({ value: REASON_KEY_COMPROMISE }))],
          }),
        }),
    );
  }
  crl.crlExtensions = new pkijs.Extensions({
    extensions: [
      ext(OID.authorityKeyIdentifier, false, new pkijs.AuthorityKeyIdentifier({ keyIdentifier: new asn1js.OctetString({ valueHex: req.issuerKeyId }) }).toSchema()),
      ext(OID.cRLNumber, false, new asn1js.Integer({ value: req.crlNumber })),
    ],
  });
  await signTbs(crl, req.issuerPrivateKey);
  return new Uint8Array(crl.toSchema(false).toBER(false));
}
