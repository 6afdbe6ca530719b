// Reads what docaxis needs out of an X.509 certificate: names (with the Vietnamese government
// conventions: UID=MST:/MNS:/CCCD:/CMND:, T=, our UID=MCQ:<agency code>), validity, key usage and
// the public key. Pure reading of x509.ts's parse; trust decisions live in chain.ts / revocation.ts.
import { createHash } from 'node:crypto';
import { asDocaxisError } from '../errors.js';
import { OID } from './oids.js';
import {
  type ParsedCertificate,
  type X509Extension,
  type X509Name,
  decodeAuthorityKeyId,
  decodeBasicConstraints,
  decodeExtKeyUsage,
  decodeKeyUsage,
  decodeSubjectKeyId,
  ecCurveOid,
  parseCertificate,
  rsaModulusBits,
  DN_ATTRIBUTE_NAMES,
} from './x509.js';

export interface DistinguishedName {
  /** RFC 4514-like, most specific first, UTF-8, e.g. 'CN=Sở Y tế tỉnh Thái Bình,O=...,C=VN'. */
  text: string;
  /** Most specific first; type is a short name (CN O OU L ST C E T UID SN GN SERIALNUMBER) or the dotted OID. */
  attributes: Array<{ type: string; value: string }>;
}

export interface CertificateInfo {
  der: Uint8Array;
  subject: DistinguishedName;
  issuer: DistinguishedName;
  /** hex, lowercase, leading zero bytes stripped (at least one byte). */
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  isCA: boolean;
  pathLength: number | undefined;
  /** e.g. ['digitalSignature','nonRepudiation']; undefined when the extension is absent. */
  keyUsage: string[] | undefined;
  keyUsageCritical: boolean;
  /** OIDs; undefined when the extension is absent. */
  extendedKeyUsage: string[] | undefined;
  extendedKeyUsageCritical: boolean;
  publicKeyAlgorithm: 'rsa' | 'ec' | 'other';
  publicKeyBits: number | undefined;
  /** 'P-256', 'P-384', 'P-521', or the curve's dotted OID. */
  namedCurve?: string;
  commonName: string | undefined;
  organization: string | undefined;
  title: string | undefined;
  email: string | undefined;
  /** All UID values, most specific first, e.g. ['MST:0400260612','MNS:1047665','MCQ:000.00.12.H54']. */
  uids: string[];
  /** From UID=MCQ:<code>, else any subject value in the strict QCVN 102 form. */
  agencyCode: string | undefined;
  /** 'CCCD:...' or 'CMND:...' */
  personalId: string | undefined;
  fingerprintSha256: string;
  subjectKeyIdentifier?: string;
  authorityKeyIdentifier?: string;
}

const CURVE_NAMES: Readonly<Record<string, string>> = {
  [OID.secp256r1]: 'P-256',
  [OID.secp384r1]: 'P-384',
  '1.3.132.0.35': 'P-521',
};
const CURVE_BITS: Readonly<Record<string, number>> = { 'P-256': 256, 'P-384': 384, 'P-521': 521 };

const AGENCY_CODE = /^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$/;
const AGENCY_UID_PREFIX = 'MCQ:';
const PERSONAL_ID = /^(CCCD|CMND):/i;

export function describeCertificate(der: Uint8Array): CertificateInfo {
  let cert: ParsedCertificate;
  try {
    cert = parseCertificate(der);
  } catch (e) {
    throw asDocaxisError(e, 'CERT_MALFORMED');
  }
  return describeParsed(cert);
}

/** describeCertificate for a certificate already parsed (CertificateCache shares one parse). */
export function describeParsed(cert: ParsedCertificate): CertificateInfo {
  try {
    return describe(cert);
  } catch (e) {
    throw asDocaxisError(e, 'CERT_MALFORMED');
  }
}

function describe(cert: ParsedCertificate): CertificateInfo {
  const der = cert.der;
  const subject = readName(cert.subject);
  const issuer = readName(cert.issuer);
  const first = (type: string): string | undefined => subject.attributes.find((a) => a.type === type)?.value;
  const uids = subject.attributes.filter((a) => a.type === 'UID').map((a) => a.value);

  // The report wants a broken extension to fail loudly, unlike path validation which only flags it.
  const ext = (oid: string): X509Extension | undefined => cert.extensions.find((e) => e.oid === oid);
  const bc = ext(OID.basicConstraints);
  const basic = bc ? decodeBasicConstraints(bc.value) : undefined;
  const ku = ext(OID.keyUsage);
  const eku = ext(OID.extKeyUsage);
  const ski = ext(OID.subjectKeyIdentifier);
  const aki = ext(OID.authorityKeyIdentifier);
  const akiKeyId = aki ? decodeAuthorityKeyId(aki.value) : undefined;

  return {
    der,
    subject,
    issuer,
    serialNumber: cert.serialHex,
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    isCA: basic?.cA ?? false,
    pathLength: basic?.pathLen,
    keyUsage: ku ? decodeKeyUsage(ku.value) : undefined,
    keyUsageCritical: ku?.critical ?? false,
    extendedKeyUsage: eku ? decodeExtKeyUsage(eku.value) : undefined,
    extendedKeyUsageCritical: eku?.critical ?? false,
    ...publicKeyOf(cert),
    commonName: first('CN'),
    organization: first('O'),
    title: first('T'),
    email: first('E'),
    uids,
    agencyCode: agencyCodeOf(uids, subject),
    personalId: uids.find((u) => PERSONAL_ID.test(u)) ?? subject.attributes.find((a) => PERSONAL_ID.test(a.value))?.value,
    fingerprintSha256: createHash('sha256').update(der).digest('hex'),
    ...(ski ? { subjectKeyIdentifier: decodeSubjectKeyId(ski.value) } : {}),
    ...(akiKeyId !== undefined ? { authorityKeyIdentifier: akiKeyId } : {}),
  };
}

function agencyCodeOf(uids: readonly string[], subject: DistinguishedName): string | undefined {
  const tagged = uids.find((u) => u.toUpperCase().startsWith(AGENCY_UID_PREFIX));
  if (tagged !== undefined) return tagged.slice(AGENCY_UID_PREFIX.length).trim();
  return subject.attributes.find((a) => AGENCY_CODE.test(a.value))?.value;
}

/** Multi-valued RDNs are kept ('+'); values that are not strings get the RFC 4514 '#hex' form. */
function readName(name: X509Name): DistinguishedName {
  const rdns = name.rdns.map((rdn) => rdn.map((a) => ({ type: DN_ATTRIBUTE_NAMES[a.oid]?.short ?? a.oid, value: a.value ?? `#${hex(a.valueDer)}` })));
  rdns.reverse(); // DER is most general first; people and Vietnamese tools read most specific first
  return {
    text: rdns.map((rdn) => rdn.map((a) => `${a.type}=${escapeValue(a.value)}`).join('+')).join(','),
    attributes: rdns.flat(),
  };
}

/** RFC 4514 section 2.4 escaping. */
function escapeValue(v: string): string {
  let out = v.replace(/[\\"+,;<>]/g, (c) => `\\${c}`).replace(/\0/g, '\\00');
  if (out.startsWith(' ') || out.startsWith('#')) out = `\\${out}`;
  if (out.endsWith(' ') && out.length > 1) out = `${out.slice(0, -1)}\\ `;
  return out;
}

type KeyFields = Pick<CertificateInfo, 'publicKeyAlgorithm' | 'publicKeyBits' | 'namedCurve'>;

/** Sizes read from the SPKI itself: no OpenSSL key object just to print "RSA 2048". */
function publicKeyOf(cert: ParsedCertificate): KeyFields {
  const algorithm = cert.spkiAlgorithm.oid;
  if (algorithm === OID.rsaEncryption) return { publicKeyAlgorithm: 'rsa', publicKeyBits: rsaModulusBits(cert.spkiKey) };
  if (algorithm === OID.ecPublicKey) {
    const curveOid = ecCurveOid(cert.spkiAlgorithm);
    const curve = curveOid === undefined ? undefined : CURVE_NAMES[curveOid];
    return {
      publicKeyAlgorithm: 'ec',
      publicKeyBits: curve === undefined ? undefined : CURVE_BITS[curve],
      ...(curveOid !== undefined ? { namedCurve: curve ?? curveOid } : {}),
    };
  }
  return { publicKeyAlgorithm: 'other', publicKeyBits: undefined };
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}
