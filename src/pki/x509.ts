// One DER parser for X.509 certificates and CRLs (RFC 5280 §4.1, §5.1), on the offset-keeping
// reader of asn1-util.ts. Why not PKI.js: it costs ~0.5 s to import and builds an object tree per
// parse; validation reads the same few fields of the same certificates over and over. Every byte
// span handed out (tbs, Names, SPKI, extension values) is a subarray view of the input, never a
// copy: callers that keep results beyond the caller's buffer copy the input once before parsing.
// Errors are AsnError (plain): the public wrappers turn them into their own DocaxisError code.
import { createPublicKey, type KeyObject } from 'node:crypto';
import { AsnError, TAG, type Tlv, bytesOf, childrenOf, contentOf, ctx, decodeOid, decodeTime, expectTag, readRoot, readTlv } from './asn1-util.js';
import { OID } from './oids.js';

export interface NameAttribute {
  readonly oid: string;
  /** Decoded text for the string types; undefined for any other ASN.1 type. */
  readonly value: string | undefined;
  /** The whole value TLV (for '#hex' renderings and non-string comparison). */
  readonly valueDer: Uint8Array;
}

export interface X509Name {
  /** The whole Name SEQUENCE. */
  readonly der: Uint8Array;
  /** RDNs in encoding order (most general first); a multi-valued RDN has several attributes. */
  readonly rdns: readonly (readonly NameAttribute[])[];
}

export interface AlgorithmId {
  readonly oid: string;
  /** The whole AlgorithmIdentifier SEQUENCE. */
  readonly der: Uint8Array;
  /** Parameters TLV; absent when missing or NULL. */
  readonly paramsDer?: Uint8Array;
}

export interface X509Extension {
  readonly oid: string;
  readonly critical: boolean;
  /** Contents of extnValue (the DER of the extension's own value). */
  readonly value: Uint8Array;
}

export interface ParsedCertificate {
  readonly der: Uint8Array;
  /** TBSCertificate TLV: the signed bytes. */
  readonly tbs: Uint8Array;
  /** 1, 2 or 3. */
  readonly version: number;
  /** Hex, lowercase, leading zero bytes stripped (at least one byte). */
  readonly serialHex: string;
  readonly tbsSignatureAlgorithm: AlgorithmId;
  readonly signatureAlgorithm: AlgorithmId;
  readonly signatureValue: Uint8Array;
  readonly issuer: X509Name;
  readonly subject: X509Name;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** SubjectPublicKeyInfo TLV, ready for createPublicKey({ format: 'der', type: 'spki' }). */
  readonly spki: Uint8Array;
  readonly spkiAlgorithm: AlgorithmId;
  /** subjectPublicKey BIT STRING content without its unused-bits octet. */
  readonly spkiKey: Uint8Array;
  readonly extensions: readonly X509Extension[];
}

export interface CrlEntry {
  readonly serialHex: string;
  readonly revocationDate: Date;
  readonly extensions: readonly X509Extension[];
}

export interface ParsedCertificateList {
  readonly der: Uint8Array;
  readonly tbs: Uint8Array;
  readonly tbsSignatureAlgorithm: AlgorithmId;
  readonly signatureAlgorithm: AlgorithmId;
  readonly signatureValue: Uint8Array;
  readonly issuer: X509Name;
  readonly thisUpdate: Date;
  readonly nextUpdate?: Date;
  readonly entries: readonly CrlEntry[];
  readonly extensions: readonly X509Extension[];
}

// Certificate ::= SEQUENCE { tbsCertificate TBSCertificate, signatureAlgorithm AlgorithmIdentifier,
//                            signatureValue BIT STRING }
// TBSCertificate ::= SEQUENCE { version [0] EXPLICIT Version DEFAULT v1, serialNumber INTEGER,
//   signature AlgorithmIdentifier, issuer Name, validity Validity, subject Name,
//   subjectPublicKeyInfo SubjectPublicKeyInfo, issuerUniqueID [1] IMPLICIT OPTIONAL,
//   subjectUniqueID [2] IMPLICIT OPTIONAL, extensions [3] EXPLICIT Extensions OPTIONAL }
export function parseCertificate(der: Uint8Array): ParsedCertificate {
  const root = readRoot(der, false);
  const { tbsNode, signatureAlgorithm, signatureValue } = signedParts(der, root, 'Certificate');
  const f = childrenOf(der, tbsNode);
  let i = 0;
  let version = 1;
  if (f[0]?.tag === ctx(0)) {
    const [v] = childrenOf(der, f[0]);
    version = smallInteger(der, expectTag(v, TAG.integer, 'version')) + 1;
    if (version > 3) throw new AsnError(`unknown certificate version ${version}`);
    i = 1;
  }
  const serial = expectTag(f[i++], TAG.integer, 'serialNumber');
  const tbsSignatureAlgorithm = algorithmId(der, f[i++]);
  const issuer = parseName(der, f[i++]);
  const [notBefore, notAfter, extra] = childrenOf(der, expectTag(f[i++], TAG.sequence, 'Validity'));
  if (!notBefore || !notAfter || extra) throw new AsnError('Validity must hold two times');
  const subject = parseName(der, f[i++]);
  const spkiNode = expectTag(f[i++], TAG.sequence, 'SubjectPublicKeyInfo');
  const [spkiAlg, spkiBits, spkiExtra] = childrenOf(der, spkiNode);
  if (spkiExtra) throw new AsnError('SubjectPublicKeyInfo has extra fields');
  let extensions: X509Extension[] = [];
  for (; i < f.length; i++) {
    const node = f[i] as Tlv;
    if (node.tag === ctx(1, false) || node.tag === ctx(2, false) || node.tag === ctx(1) || node.tag === ctx(2)) continue; // unique IDs
    if (node.tag !== ctx(3) || i !== f.length - 1) throw new AsnError('unexpected field in TBSCertificate');
    extensions = parseExtensions(der, childrenOf(der, node)[0]);
  }
  return {
    der,
    tbs: bytesOf(der, tbsNode),
    version,
    serialHex: serialToHex(contentOf(der, serial)),
    tbsSignatureAlgorithm,
    signatureAlgorithm,
    signatureValue,
    issuer,
    subject,
    notBefore: decodeTime(der, notBefore),
    notAfter: decodeTime(der, notAfter),
    spki: bytesOf(der, spkiNode),
    spkiAlgorithm: algorithmId(der, spkiAlg),
    spkiKey: bitStringBytes(der, spkiBits),
    extensions,
  };
}

// CertificateList ::= SEQUENCE { tbsCertList TBSCertList, signatureAlgorithm AlgorithmIdentifier,
//                                signatureValue BIT STRING }
// TBSCertList ::= SEQUENCE { version Version OPTIONAL, signature AlgorithmIdentifier, issuer Name,
//   thisUpdate Time, nextUpdate Time OPTIONAL,
//   revokedCertificates SEQUENCE OF SEQUENCE { userCertificate CertificateSerialNumber,
//     revocationDate Time, crlEntryExtensions Extensions OPTIONAL } OPTIONAL,
//   crlExtensions [0] EXPLICIT Extensions OPTIONAL }
export function parseCertificateList(der: Uint8Array): ParsedCertificateList {
  const root = readRoot(der, false);
  const { tbsNode, signatureAlgorithm, signatureValue } = signedParts(der, root, 'CertificateList');
  const f = childrenOf(der, tbsNode);
  let i = 0;
  if (f[0]?.tag === TAG.integer) {
    if (smallInteger(der, f[0]) !== 1) throw new AsnError('CRL version must be v2');
    i = 1;
  }
  const tbsSignatureAlgorithm = algorithmId(der, f[i++]);
  const issuer = parseName(der, f[i++]);
  const thisUpdate = decodeTime(der, required(f[i++], 'thisUpdate'));
  let nextUpdate: Date | undefined;
  if (f[i]?.tag === TAG.utcTime || f[i]?.tag === TAG.generalizedTime) nextUpdate = decodeTime(der, f[i++] as Tlv);
  const entries: CrlEntry[] = [];
  if (f[i]?.tag === TAG.sequence) {
    for (const entry of childrenOf(der, f[i++] as Tlv)) {
      const [serial, date, exts, extra] = childrenOf(der, expectTag(entry, TAG.sequence, 'revoked entry'));
      if (extra) throw new AsnError('revoked entry has extra fields');
      entries.push({
        serialHex: serialToHex(contentOf(der, expectTag(serial, TAG.integer, 'userCertificate'))),
        revocationDate: decodeTime(der, required(date, 'revocationDate')),
        extensions: exts ? parseExtensions(der, exts) : [],
      });
    }
  }
  let extensions: X509Extension[] = [];
  if (f[i]?.tag === ctx(0)) extensions = parseExtensions(der, childrenOf(der, f[i++] as Tlv)[0]);
  if (i !== f.length) throw new AsnError('unexpected field in TBSCertList');
  return {
    der,
    tbs: bytesOf(der, tbsNode),
    tbsSignatureAlgorithm,
    signatureAlgorithm,
    signatureValue,
    issuer,
    thisUpdate,
    ...(nextUpdate !== undefined ? { nextUpdate } : {}),
    entries,
    extensions,
  };
}

function signedParts(der: Uint8Array, root: Tlv, what: string): { tbsNode: Tlv; signatureAlgorithm: AlgorithmId; signatureValue: Uint8Array } {
  const [tbsNode, alg, sig, extra] = childrenOf(der, expectTag(root, TAG.sequence, what));
  if (extra) throw new AsnError(`${what} has extra fields`);
  return { tbsNode: expectTag(tbsNode, TAG.sequence, `${what} TBS`), signatureAlgorithm: algorithmId(der, alg), signatureValue: bitStringBytes(der, sig) };
}

function required(node: Tlv | undefined, what: string): Tlv {
  if (!node) throw new AsnError(`${what}: missing`);
  return node;
}

// AlgorithmIdentifier ::= SEQUENCE { algorithm OBJECT IDENTIFIER, parameters ANY OPTIONAL }
function algorithmId(der: Uint8Array, node: Tlv | undefined): AlgorithmId {
  const [oid, params, extra] = childrenOf(der, expectTag(node, TAG.sequence, 'AlgorithmIdentifier'));
  if (extra) throw new AsnError('AlgorithmIdentifier has extra fields');
  const paramsDer = params && params.tag !== TAG.null ? bytesOf(der, params) : undefined;
  return { oid: decodeOid(der, required(oid, 'algorithm')), der: bytesOf(der, node as Tlv), ...(paramsDer ? { paramsDer } : {}) };
}

/** BIT STRING value bytes; only whole octets (unused bits 0), as keys and signatures are. */
function bitStringBytes(der: Uint8Array, node: Tlv | undefined): Uint8Array {
  const c = contentOf(der, expectTag(node, TAG.bitString, 'BIT STRING'));
  if (c.length === 0 || c[0] !== 0) throw new AsnError('BIT STRING with unused bits');
  return c.subarray(1);
}

function smallInteger(der: Uint8Array, node: Tlv): number {
  const c = contentOf(der, expectTag(node, TAG.integer, 'INTEGER'));
  if (c.length === 0 || c.length > 4 || (c[0]! & 0x80) !== 0) throw new AsnError('INTEGER out of range');
  return c.reduce((v, b) => v * 256 + b, 0);
}

/**
 * Serial numbers as hex, lowercase, leading zero bytes stripped (whole bytes kept): the same
 * spelling as node:crypto's X509Certificate.serialNumber, lowercased. "80ab", not "0080ab".
 */
export function serialToHex(integerContent: Uint8Array): string {
  let i = 0;
  while (i < integerContent.length - 1 && integerContent[i] === 0) i++;
  return Buffer.from(integerContent.buffer, integerContent.byteOffset + i, integerContent.length - i).toString('hex');
}

// ---------------------------------------------------------------------------------------------
// Names
// Name ::= RDNSequence ::= SEQUENCE OF RelativeDistinguishedName
// RelativeDistinguishedName ::= SET SIZE (1..MAX) OF AttributeTypeAndValue
// AttributeTypeAndValue ::= SEQUENCE { type OBJECT IDENTIFIER, value ANY -- DirectoryString etc. }

export function parseName(der: Uint8Array, node: Tlv | undefined): X509Name {
  const name = expectTag(node, TAG.sequence, 'Name');
  const rdns = childrenOf(der, name).map((rdn) =>
    childrenOf(der, expectTag(rdn, TAG.set, 'RelativeDistinguishedName')).map((atv): NameAttribute => {
      const [type, value, extra] = childrenOf(der, expectTag(atv, TAG.sequence, 'AttributeTypeAndValue'));
      if (!value || extra) throw new AsnError('AttributeTypeAndValue must hold a type and a value');
      return { oid: decodeOid(der, required(type, 'attribute type')), value: decodeDirectoryString(der, value), valueDer: bytesOf(der, value) };
    }),
  );
  return { der: bytesOf(der, name), rdns };
}

/** The attributes of a Name in encoding order, multi-valued RDNs flattened. */
export function nameAttributes(name: X509Name): NameAttribute[] {
  return name.rdns.flat();
}

/**
 * The one place string attribute values are decoded. UTF8String as UTF-8, BMPString as UTF-16BE,
 * UniversalString as UTF-32BE; TeletexString (T.61, in practice latin1 from old CAs) and the
 * ASCII subsets byte for byte. Any other type (a SEQUENCE, an INTEGER) is not a string: undefined.
 */
/**
 * Short names of distinguished-name attributes: docaxis's (reports: T=, E=, as Vietnamese
 * government certificates are usually shown) and OpenSSL's one-line form (title=, emailAddress=).
 */
export const DN_ATTRIBUTE_NAMES: Readonly<Record<string, { short: string; openssl: string }>> = {
  [OID.commonName]: { short: 'CN', openssl: 'CN' },
  [OID.surname]: { short: 'SN', openssl: 'SN' },
  [OID.serialNumber]: { short: 'SERIALNUMBER', openssl: 'serialNumber' },
  [OID.countryName]: { short: 'C', openssl: 'C' },
  [OID.localityName]: { short: 'L', openssl: 'L' },
  [OID.stateOrProvinceName]: { short: 'ST', openssl: 'ST' },
  [OID.organizationName]: { short: 'O', openssl: 'O' },
  [OID.organizationalUnitName]: { short: 'OU', openssl: 'OU' },
  [OID.title]: { short: 'T', openssl: 'title' },
  [OID.givenName]: { short: 'GN', openssl: 'GN' },
  [OID.emailAddress]: { short: 'E', openssl: 'emailAddress' },
  [OID.userId]: { short: 'UID', openssl: 'UID' },
};

/** "C=VN, O=..., CN=..." in encoding order, for messages and logs (never for comparison). */
export function nameToText(name: X509Name, style: 'short' | 'openssl' = 'short'): string {
  return nameAttributes(name)
    .map((a) => `${DN_ATTRIBUTE_NAMES[a.oid]?.[style] ?? a.oid}=${a.value ?? '#'}`)
    .join(', ');
}

export function decodeDirectoryString(der: Uint8Array, node: Tlv): string | undefined {
  if (node.constructed) return undefined;
  const c = contentOf(der, node);
  switch (node.tag) {
    case 0x0c: // UTF8String
      return Buffer.from(c.buffer, c.byteOffset, c.length).toString('utf8');
    case 0x1e: // BMPString
      return utf16be(c);
    case 0x1c: // UniversalString
      return utf32be(c);
    case 0x12: // NumericString
    case 0x13: // PrintableString
    case 0x14: // TeletexString
    case 0x15: // VideotexString
    case 0x16: // IA5String
    case 0x19: // GraphicString
    case 0x1a: // VisibleString
    case 0x1b: // GeneralString
    case 0x1d: // CHARACTER STRING
      return Buffer.from(c.buffer, c.byteOffset, c.length).toString('latin1');
    default:
      return undefined;
  }
}

function utf16be(c: Uint8Array): string {
  let s = '';
  for (let i = 0; i + 1 < c.length; i += 2) s += String.fromCharCode((c[i]! << 8) | c[i + 1]!);
  return s;
}

function utf32be(c: Uint8Array): string {
  let s = '';
  for (let i = 0; i + 3 < c.length; i += 4) {
    const cp = ((c[i]! << 24) | (c[i + 1]! << 16) | (c[i + 2]! << 8) | c[i + 3]!) >>> 0;
    s += cp <= 0x10ffff ? String.fromCodePoint(cp) : '\ufffd';
  }
  return s;
}

/**
 * Name equality: identical DER, or attribute by attribute (RFC 5280 §7.1 in the simplified form
 * PKI.js used before): same types in the same order, strings equal after trimming, collapsing
 * inner spaces and lower-casing, other values byte-identical.
 */
export function namesEqual(a: X509Name, b: X509Name): boolean {
  if (bytesEqual(a.der, b.der)) return true;
  const x = nameAttributes(a);
  const y = nameAttributes(b);
  if (x.length !== y.length) return false;
  return x.every((attr, i) => {
    const other = y[i] as NameAttribute;
    if (attr.oid !== other.oid) return false;
    if ((attr.value === undefined) !== (other.value === undefined)) return false;
    if (attr.value !== undefined && other.value !== undefined) return sameText(stringPrep(attr.value), stringPrep(other.value));
    return bytesEqual(attr.valueDer, other.valueDer);
  });
}

/**
 * Equal after Unicode compatibility normalisation (NFKC, as RFC 4518 prepares names for RFC 5280's
 * comparison): a name encoded precomposed and one decomposed are the same name. This used to be
 * localeCompare, whose ICU collator costs ~7-20 ms to set up on first use, i.e. up to a tenth of a
 * whole `docaxis verify` of a letter; normalize() needs no locale data.
 */
function sameText(a: string, b: string): boolean {
  return a === b || a.normalize('NFKC') === b.normalize('NFKC');
}

function stringPrep(s: string): string {
  return s.trim().replace(/ +/g, ' ').toLowerCase();
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));
}

// ---------------------------------------------------------------------------------------------
// Extensions
// Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension
// Extension ::= SEQUENCE { extnID OBJECT IDENTIFIER, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }

function parseExtensions(der: Uint8Array, node: Tlv | undefined): X509Extension[] {
  return childrenOf(der, expectTag(node, TAG.sequence, 'Extensions')).map((ext) => {
    const parts = childrenOf(der, expectTag(ext, TAG.sequence, 'Extension'));
    if (parts.length < 2 || parts.length > 3) throw new AsnError('bad Extension');
    const critical = parts.length === 3 ? contentOf(der, expectTag(parts[1], TAG.boolean, 'critical'))[0] !== 0 : false;
    const value = contentOf(der, expectTag(parts[parts.length - 1], TAG.octetString, 'extnValue'));
    return { oid: decodeOid(der, parts[0] as Tlv), critical, value };
  });
}

/** The single TLV an extension value must be. */
function single(value: Uint8Array, tag: number, what: string): Tlv {
  return expectTag(readRoot(value, false), tag, what);
}

// BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER (0..MAX) OPTIONAL }
export function decodeBasicConstraints(value: Uint8Array): { cA: boolean; pathLen?: number } {
  let cA = false;
  let pathLen: number | undefined;
  for (const item of childrenOf(value, single(value, TAG.sequence, 'basicConstraints'))) {
    if (item.tag === TAG.boolean) cA = contentOf(value, item)[0] !== 0;
    else if (item.tag === TAG.integer) pathLen = smallInteger(value, item);
    else throw new AsnError('unexpected element in basicConstraints');
  }
  return pathLen === undefined ? { cA } : { cA, pathLen };
}

/** KeyUsage bit names, bit 0 first (RFC 5280 §4.2.1.3). */
export const KEY_USAGE_NAMES = ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement', 'keyCertSign', 'cRLSign', 'encipherOnly', 'decipherOnly'] as const;
export type KeyUsageName = (typeof KEY_USAGE_NAMES)[number];

// KeyUsage ::= BIT STRING { digitalSignature (0), nonRepudiation (1), keyEncipherment (2),
//   dataEncipherment (3), keyAgreement (4), keyCertSign (5), cRLSign (6), encipherOnly (7),
//   decipherOnly (8) }   -- bit 0 is the most significant bit of the first octet
export function decodeKeyUsage(value: Uint8Array): KeyUsageName[] {
  const c = contentOf(value, single(value, TAG.bitString, 'keyUsage'));
  if (c.length === 0) throw new AsnError('empty keyUsage BIT STRING');
  const bits = c.subarray(1);
  return KEY_USAGE_NAMES.filter((_, i) => ((bits[i >> 3] ?? 0) & (0x80 >> (i & 7))) !== 0);
}

// ExtKeyUsageSyntax ::= SEQUENCE SIZE (1..MAX) OF KeyPurposeId   -- KeyPurposeId ::= OID
export function decodeExtKeyUsage(value: Uint8Array): string[] {
  return childrenOf(value, single(value, TAG.sequence, 'extKeyUsage')).map((item) => decodeOid(value, item));
}

// SubjectKeyIdentifier ::= KeyIdentifier ::= OCTET STRING
export function decodeSubjectKeyId(value: Uint8Array): string {
  return hex(contentOf(value, single(value, TAG.octetString, 'subjectKeyIdentifier')));
}

// AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] KeyIdentifier OPTIONAL,
//   authorityCertIssuer [1] GeneralNames OPTIONAL, authorityCertSerialNumber [2] INTEGER OPTIONAL }
export function decodeAuthorityKeyId(value: Uint8Array): string | undefined {
  const keyId = childrenOf(value, single(value, TAG.sequence, 'authorityKeyIdentifier')).find((n) => n.tag === ctx(0, false));
  return keyId ? hex(contentOf(value, keyId)) : undefined;
}

// CRLNumber ::= INTEGER (0..MAX)   -- up to 20 octets, hence BigInt; decimal
export function decodeCrlNumber(value: Uint8Array): string {
  const c = contentOf(value, single(value, TAG.integer, 'cRLNumber'));
  return BigInt(`0x${hex(c) || '0'}`).toString(10);
}

// CRLReason ::= ENUMERATED { unspecified (0), ... aACompromise (10) }
export function decodeCrlReason(value: Uint8Array): number {
  const c = contentOf(value, single(value, 0x0a, 'reasonCode'));
  if (c.length === 0 || c.length > 2 || (c[0]! & 0x80) !== 0) throw new AsnError('reasonCode out of range');
  return c.reduce((v, b) => v * 256 + b, 0);
}

// IssuingDistributionPoint ::= SEQUENCE {
//   distributionPoint [0] DistributionPointName OPTIONAL, onlyContainsUserCerts [1] BOOLEAN DEFAULT FALSE,
//   onlyContainsCACerts [2] BOOLEAN DEFAULT FALSE, onlySomeReasons [3] ReasonFlags OPTIONAL,
//   indirectCRL [4] BOOLEAN DEFAULT FALSE, onlyContainsAttributeCerts [5] BOOLEAN DEFAULT FALSE }
export interface IssuingDistributionPoint {
  onlyUserCerts: boolean;
  onlyCaCerts: boolean;
  onlySomeReasons: boolean;
  indirectCrl: boolean;
  onlyAttributeCerts: boolean;
}

export function decodeIssuingDistributionPoint(value: Uint8Array): IssuingDistributionPoint {
  const out: IssuingDistributionPoint = { onlyUserCerts: false, onlyCaCerts: false, onlySomeReasons: false, indirectCrl: false, onlyAttributeCerts: false };
  for (const item of childrenOf(value, single(value, TAG.sequence, 'issuingDistributionPoint'))) {
    if ((item.tag & 0xc0) !== 0x80) continue; // context-specific only
    const flag = !item.constructed && item.contentEnd > item.contentStart && value[item.contentStart] !== 0;
    switch (item.tag & 0x1f) {
      case 1:
        out.onlyUserCerts ||= flag;
        break;
      case 2:
        out.onlyCaCerts ||= flag;
        break;
      case 3:
        out.onlySomeReasons = true;
        break;
      case 4:
        out.indirectCrl ||= flag;
        break;
      case 5:
        out.onlyAttributeCerts ||= flag;
        break;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Certificate extension facts, read once

/**
 * Extensions we either process or that carry no processing obligation for a relying party that
 * does not do policy or name checks. Anything else marked critical makes a certificate unusable
 * for path validation (RFC 5280 §6.1.4 (o)).
 */
const UNDERSTOOD_EXTENSIONS: ReadonlySet<string> = new Set([
  OID.basicConstraints,
  OID.keyUsage,
  OID.extKeyUsage,
  OID.subjectKeyIdentifier,
  OID.authorityKeyIdentifier,
  OID.subjectAltName,
  OID.issuerAltName,
  OID.cRLDistributionPoints,
  OID.authorityInfoAccess,
  OID.certificatePolicies, // accepted with any policy: we require no explicit policy
  OID.freshestCRL,
]);

export interface CertificateExtensionFacts {
  basicConstraints?: { cA: boolean; pathLen?: number };
  keyUsage?: { names: KeyUsageName[]; critical: boolean };
  extKeyUsage?: { purposes: string[]; critical: boolean };
  subjectKeyId?: string;
  authorityKeyId?: string;
  /** Critical extensions not understood. */
  unknownCritical: string[];
  /** Extensions present but unreadable (OIDs). */
  malformed: string[];
}

export function certificateExtensionFacts(extensions: readonly X509Extension[]): CertificateExtensionFacts {
  const facts: CertificateExtensionFacts = { unknownCritical: [], malformed: [] };
  for (const ext of extensions) {
    try {
      switch (ext.oid) {
        case OID.subjectKeyIdentifier:
          facts.subjectKeyId = decodeSubjectKeyId(ext.value);
          break;
        case OID.authorityKeyIdentifier: {
          const id = decodeAuthorityKeyId(ext.value);
          if (id !== undefined) facts.authorityKeyId = id;
          break;
        }
        case OID.basicConstraints:
          facts.basicConstraints = decodeBasicConstraints(ext.value);
          break;
        case OID.keyUsage:
          facts.keyUsage = { names: decodeKeyUsage(ext.value), critical: ext.critical };
          break;
        case OID.extKeyUsage:
          facts.extKeyUsage = { purposes: decodeExtKeyUsage(ext.value), critical: ext.critical };
          break;
        default:
          if (ext.critical && !UNDERSTOOD_EXTENSIONS.has(ext.oid)) facts.unknownCritical.push(ext.oid);
      }
    } catch {
      facts.malformed.push(ext.oid);
    }
  }
  return facts;
}

// ---------------------------------------------------------------------------------------------
// Public key

/** OpenSSL's key object, made only when a signature is to be checked (the costly step). */
export function publicKeyFromSpki(spki: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.from(spki.buffer, spki.byteOffset, spki.byteLength), format: 'der', type: 'spki' });
}

// RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }
/** Modulus size in bits from the SPKI key bytes; undefined when they are not an RSAPublicKey. */
export function rsaModulusBits(spkiKey: Uint8Array): number | undefined {
  try {
    const [n, e, extra] = childrenOf(spkiKey, single(spkiKey, TAG.sequence, 'RSAPublicKey'));
    const m = contentOf(spkiKey, expectTag(n, TAG.integer, 'modulus'));
    expectTag(e, TAG.integer, 'publicExponent');
    if (extra || m.length === 0 || (m[0]! & 0x80) !== 0) return undefined;
    let i = 0;
    while (i < m.length && m[i] === 0) i++;
    if (i === m.length) return undefined;
    return (m.length - i - 1) * 8 + (32 - Math.clz32(m[i]!));
  } catch {
    return undefined;
  }
}

/** The curve OID of an id-ecPublicKey SPKI (namedCurve parameters only). */
export function ecCurveOid(alg: AlgorithmId): string | undefined {
  if (alg.paramsDer === undefined) return undefined;
  try {
    return decodeOid(alg.paramsDer, readTlv(alg.paramsDer, 0));
  } catch {
    return undefined;
  }
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}
