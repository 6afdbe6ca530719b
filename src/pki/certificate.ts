// Reads what docaxis needs out of an X.509 certificate: names (with the Vietnamese government
// conventions: UID=MST:/MNS:/CCCD:/CMND:, T=, our UID=MCQ:<agency code>), validity, key usage and
// the public key. Pure parsing; trust decisions live in chain.ts / revocation.ts.
import { createHash, createPublicKey } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { DocaxisError, asDocaxisError } from '../errors.js';
import { OID } from './oids.js';

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

const SHORT_NAMES: Readonly<Record<string, string>> = {
  [OID.commonName]: 'CN',
  [OID.organizationName]: 'O',
  [OID.organizationalUnitName]: 'OU',
  [OID.localityName]: 'L',
  [OID.stateOrProvinceName]: 'ST',
  [OID.countryName]: 'C',
  [OID.emailAddress]: 'E',
  [OID.title]: 'T',
  [OID.userId]: 'UID',
  [OID.surname]: 'SN',
  [OID.givenName]: 'GN',
  [OID.serialNumber]: 'SERIALNUMBER',
};

const KEY_USAGE_BITS = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
] as const;

const CURVE_NAMES: Readonly<Record<string, string>> = {
  [OID.secp256r1]: 'P-256',
  [OID.secp384r1]: 'P-384',
  '1.3.132.0.35': 'P-521',
};

const AGENCY_CODE = /^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$/;
const AGENCY_UID_PREFIX = 'MCQ:';
const PERSONAL_ID = /^(CCCD|CMND):/i;

export function describeCertificate(der: Uint8Array): CertificateInfo {
  const cert = parseCertificate(der);
  try {
    return describe(der, cert);
  } catch (e) {
    throw asDocaxisError(e, 'CERT_MALFORMED');
  }
}

function parseCertificate(der: Uint8Array): pkijs.Certificate {
  const asn = asn1js.fromBER(der);
  if (asn.offset === -1 || asn.offset !== der.length) throw new DocaxisError('CERT_MALFORMED', 'invalid DER');
  try {
    return new pkijs.Certificate({ schema: asn.result });
  } catch (e) {
    throw asDocaxisError(e, 'CERT_MALFORMED');
  }
}

function describe(der: Uint8Array, cert: pkijs.Certificate): CertificateInfo {
  const subject = readName(cert.subject);
  const issuer = readName(cert.issuer);
  const first = (type: string): string | undefined => subject.attributes.find((a) => a.type === type)?.value;
  const uids = subject.attributes.filter((a) => a.type === 'UID').map((a) => a.value);

  const bc = extension(cert, OID.basicConstraints);
  const basic = bc ? new pkijs.BasicConstraints({ schema: innerValue(bc) }) : undefined;
  const ku = extension(cert, OID.keyUsage);
  const eku = extension(cert, OID.extKeyUsage);
  const ski = extension(cert, OID.subjectKeyIdentifier);
  const aki = extension(cert, OID.authorityKeyIdentifier);
  const akiKeyId = aki ? new pkijs.AuthorityKeyIdentifier({ schema: innerValue(aki) }).keyIdentifier : undefined;
  const key = publicKeyOf(cert);

  return {
    der,
    subject,
    issuer,
    serialNumber: serialHex(cert.serialNumber.valueBlock.valueHexView),
    notBefore: cert.notBefore.value,
    notAfter: cert.notAfter.value,
    isCA: basic?.cA ?? false,
    pathLength: basic?.pathLenConstraint === undefined ? undefined : integerValue(basic.pathLenConstraint),
    keyUsage: ku ? keyUsageNames(innerValue(ku)) : undefined,
    keyUsageCritical: ku?.critical ?? false,
    extendedKeyUsage: eku ? new pkijs.ExtKeyUsage({ schema: innerValue(eku) }).keyPurposes : undefined,
    extendedKeyUsageCritical: eku?.critical ?? false,
    ...key,
    commonName: first('CN'),
    organization: first('O'),
    title: first('T'),
    email: first('E'),
    uids,
    agencyCode: agencyCodeOf(uids, subject),
    personalId: uids.find((u) => PERSONAL_ID.test(u)) ?? subject.attributes.find((a) => PERSONAL_ID.test(a.value))?.value,
    fingerprintSha256: createHash('sha256').update(der).digest('hex'),
    ...(ski ? { subjectKeyIdentifier: hex(asOctetString(innerValue(ski)).valueBlock.valueHexView) } : {}),
    ...(akiKeyId ? { authorityKeyIdentifier: hex(akiKeyId.valueBlock.valueHexView) } : {}),
  };
}

function agencyCodeOf(uids: readonly string[], subject: DistinguishedName): string | undefined {
  const tagged = uids.find((u) => u.toUpperCase().startsWith(AGENCY_UID_PREFIX));
  if (tagged !== undefined) return tagged.slice(AGENCY_UID_PREFIX.length).trim();
  return subject.attributes.find((a) => AGENCY_CODE.test(a.value))?.value;
}

/** Parses the Name from its own bytes: PKI.js flattens multi-valued RDNs, we keep them ('+'). */
function readName(name: pkijs.RelativeDistinguishedNames): DistinguishedName {
  const bytes = name.valueBeforeDecode.byteLength > 0 ? name.valueBeforeDecode : name.toSchema().toBER(false);
  const asn = asn1js.fromBER(bytes);
  if (asn.offset === -1 || !(asn.result instanceof asn1js.Sequence)) throw new DocaxisError('CERT_MALFORMED', 'bad name');
  const rdns: Array<Array<{ type: string; value: string }>> = [];
  for (const rdn of asn.result.valueBlock.value) {
    if (!(rdn instanceof asn1js.Set)) throw new DocaxisError('CERT_MALFORMED', 'bad RDN');
    rdns.push(
      rdn.valueBlock.value.map((atv) => {
        const [type, value] = atv instanceof asn1js.Sequence ? atv.valueBlock.value : [];
        if (!(type instanceof asn1js.ObjectIdentifier) || value === undefined) throw new DocaxisError('CERT_MALFORMED', 'bad attribute');
        const oid = type.valueBlock.toString();
        return { type: SHORT_NAMES[oid] ?? oid, value: attributeString(value) };
      }),
    );
  }
  rdns.reverse(); // DER is most general first; people and Vietnamese tools read most specific first
  return {
    text: rdns.map((rdn) => rdn.map((a) => `${a.type}=${escapeValue(a.value)}`).join('+')).join(','),
    attributes: rdns.flat(),
  };
}

function attributeString(value: asn1js.AsnType): string {
  // Every DirectoryString / IA5String / PrintableString variant decodes to a JS string in asn1js.
  const block = (value as { valueBlock?: { value?: unknown } }).valueBlock;
  if (typeof block?.value === 'string') return block.value;
  return `#${hex(new Uint8Array(value.toBER(false)))}`; // RFC 4514 form for non-string values
}

/** RFC 4514 section 2.4 escaping. */
function escapeValue(v: string): string {
  let out = v.replace(/[\\"+,;<>]/g, (c) => `\\${c}`).replace(/\0/g, '\\00');
  if (out.startsWith(' ') || out.startsWith('#')) out = `\\${out}`;
  if (out.endsWith(' ') && out.length > 1) out = `${out.slice(0, -1)}\\ `;
  return out;
}

function extension(cert: pkijs.Certificate, oid: string): pkijs.Extension | undefined {
  return cert.extensions?.find((e) => e.extnID === oid);
}

/** The extension's value, decoded from inside its OCTET STRING. */
function innerValue(ext: pkijs.Extension): asn1js.AsnType {
  const asn = asn1js.fromBER(ext.extnValue.valueBlock.valueHexView);
  if (asn.offset === -1) throw new DocaxisError('CERT_MALFORMED', `bad extension ${ext.extnID}`);
  return asn.result;
}

function keyUsageNames(value: asn1js.AsnType): string[] {
  if (!(value instanceof asn1js.BitString)) throw new DocaxisError('CERT_MALFORMED', 'bad keyUsage');
  const bytes = value.valueBlock.valueHexView;
  return KEY_USAGE_BITS.filter((_, i) => ((bytes[i >> 3] ?? 0) & (0x80 >> (i & 7))) !== 0);
}

function asOctetString(value: asn1js.AsnType): asn1js.OctetString {
  if (!(value instanceof asn1js.OctetString)) throw new DocaxisError('CERT_MALFORMED', 'bad key identifier');
  return value;
}

function integerValue(v: number | asn1js.Integer): number {
  return typeof v === 'number' ? v : v.valueBlock.valueDec;
}

type KeyFields = Pick<CertificateInfo, 'publicKeyAlgorithm' | 'publicKeyBits' | 'namedCurve'>;

function publicKeyOf(cert: pkijs.Certificate): KeyFields {
  const spki = cert.subjectPublicKeyInfo;
  const algorithm = spki.algorithm.algorithmId;
  if (algorithm === OID.rsaEncryption) return { publicKeyAlgorithm: 'rsa', publicKeyBits: keyBits(spki) };
  if (algorithm === OID.ecPublicKey) {
    const params = spki.algorithm.algorithmParams;
    const curveOid = params instanceof asn1js.ObjectIdentifier ? params.valueBlock.toString() : undefined;
    return {
      publicKeyAlgorithm: 'ec',
      publicKeyBits: keyBits(spki),
      ...(curveOid !== undefined ? { namedCurve: CURVE_NAMES[curveOid] ?? curveOid } : {}),
    };
  }
  return { publicKeyAlgorithm: 'other', publicKeyBits: undefined };
}

/** Size via OpenSSL; an odd key OpenSSL cannot load is reported without a size rather than failing. */
function keyBits(spki: pkijs.PublicKeyInfo): number | undefined {
  try {
    const key = createPublicKey({ key: Buffer.from(spki.toSchema().toBER(false)), format: 'der', type: 'spki' });
    const details = key.asymmetricKeyDetails;
    if (details?.modulusLength !== undefined) return details.modulusLength;
    return { prime256v1: 256, secp384r1: 384, secp521r1: 521 }[details?.namedCurve ?? ''];
  } catch {
    return undefined;
  }
}

function serialHex(bytes: Uint8Array): string {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  return hex(bytes.subarray(start));
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}
