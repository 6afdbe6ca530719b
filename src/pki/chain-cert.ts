// The facts path validation needs about one certificate, read once.
// node:crypto does the signature arithmetic and gives us the DER; the extensions Node does not
// expose (key usage bits, pathLen, EKU criticality, AKI/SKI) are read here with asn1js, each
// ASN.1 definition quoted beside the code that reads it (RFC 5280 §4.2.1).
import { X509Certificate, createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { DocaxisError, asDocaxisError } from '../errors.js';
import { OID } from './oids.js';

/** KeyUsage bit numbers (RFC 5280 §4.2.1.3). */
export const KeyUsageBit = {
  digitalSignature: 0,
  nonRepudiation: 1,
  keyEncipherment: 2,
  dataEncipherment: 3,
  keyAgreement: 4,
  keyCertSign: 5,
  cRLSign: 6,
  encipherOnly: 7,
  decipherOnly: 8,
} as const;
export type KeyUsageName = keyof typeof KeyUsageBit;

export interface ChainCert {
  readonly der: Uint8Array;
  readonly x509: X509Certificate;
  /** sha256 of the DER, hex: identity for dedup and visited sets. */
  readonly fingerprint: string;
  readonly subjectDer: Uint8Array;
  readonly issuerDer: Uint8Array;
  readonly subjectRdn: pkijs.RelativeDistinguishedNames;
  readonly issuerRdn: pkijs.RelativeDistinguishedNames;
  /** Subject CN, or the whole subject when there is no CN: used in messages. */
  readonly label: string;
  readonly serialHex: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly spkiDer: Uint8Array;
  readonly subjectKeyId?: string;
  readonly authorityKeyId?: string;
  /** undefined when the extension is absent. */
  readonly basicConstraints?: { cA: boolean; pathLen?: number };
  /** undefined when the extension is absent; the set bits by name otherwise. */
  readonly keyUsage?: ReadonlySet<KeyUsageName>;
  readonly extKeyUsage?: { critical: boolean; purposes: readonly string[] };
  /** subject == issuer: not counted against pathLenConstraint (RFC 5280 §6.1.4 (l)). */
  readonly selfIssued: boolean;
  /** Critical extensions this module does not understand (RFC 5280 §6.1.4 (o)). */
  readonly unknownCritical: readonly string[];
  /** Extensions present but unreadable: treated like unknown critical ones. */
  readonly malformedExtensions: readonly string[];
}

/**
 * Extensions we either process or that carry no processing obligation for a relying party that
 * does not do policy or name checks. Anything else marked critical makes the certificate unusable.
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

/**
 * Parses DER (or PEM, which X509Certificate accepts) into ChainCert.
 * @throws DocaxisError CERT_MALFORMED
 */
export function parseChainCert(bytes: Uint8Array): ChainCert {
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(bytes);
  } catch (e) {
    throw asDocaxisError(e, 'CERT_MALFORMED');
  }
  const der = new Uint8Array(x509.raw);
  try {
    return readFacts(der, x509);
  } catch (e) {
    throw asDocaxisError(e, 'CERT_MALFORMED');
  }
}

/** Like parseChainCert, but undefined for junk (untrusted candidate lists may hold anything). */
export function tryParseChainCert(bytes: Uint8Array): ChainCert | undefined {
  try {
    return parseChainCert(bytes);
  } catch {
    return undefined;
  }
}

function readFacts(der: Uint8Array, x509: X509Certificate): ChainCert {
  const asn1 = asn1js.fromBER(der);
  if (asn1.offset === -1) throw new DocaxisError('CERT_MALFORMED', asn1.result.error);
  const cert = new pkijs.Certificate({ schema: asn1.result });

  const subjectDer = rdnDer(cert.subject);
  const issuerDer = rdnDer(cert.issuer);
  const spkiDer = new Uint8Array(x509.publicKey.export({ type: 'spki', format: 'der' }));

  let subjectKeyId: string | undefined;
  let authorityKeyId: string | undefined;
  let basicConstraints: ChainCert['basicConstraints'];
  let keyUsage: Set<KeyUsageName> | undefined;
  let extKeyUsage: ChainCert['extKeyUsage'];
  const unknownCritical: string[] = [];
  const malformedExtensions: string[] = [];

  for (const ext of cert.extensions ?? []) {
    const value = ext.extnValue.valueBlock.valueHexView;
    try {
      switch (ext.extnID) {
        case OID.subjectKeyIdentifier:
          subjectKeyId = readSubjectKeyId(value);
          break;
        case OID.authorityKeyIdentifier:
          authorityKeyId = readAuthorityKeyId(value);
          break;
        case OID.basicConstraints:
          basicConstraints = readBasicConstraints(value);
          break;
        case OID.keyUsage:
          keyUsage = readKeyUsage(value);
          break;
        case OID.extKeyUsage:
          extKeyUsage = { critical: ext.critical, purposes: readExtKeyUsage(value) };
          break;
        default:
          if (ext.critical && !UNDERSTOOD_EXTENSIONS.has(ext.extnID)) unknownCritical.push(ext.extnID);
      }
    } catch {
      malformedExtensions.push(ext.extnID);
    }
  }

  const notBefore = cert.notBefore.value;
  const notAfter = cert.notAfter.value;
  return {
    der,
    x509,
    fingerprint: createHash('sha256').update(der).digest('hex'),
    subjectDer,
    issuerDer,
    subjectRdn: cert.subject,
    issuerRdn: cert.issuer,
    label: commonName(cert.subject) ?? (x509.subject.replace(/\n/g, ', ') || '(empty subject)'),
    serialHex: serialToHex(cert.serialNumber.valueBlock.valueHexView),
    notBefore,
    notAfter,
    spkiDer,
    ...(subjectKeyId !== undefined ? { subjectKeyId } : {}),
    ...(authorityKeyId !== undefined ? { authorityKeyId } : {}),
    ...(basicConstraints !== undefined ? { basicConstraints } : {}),
    ...(keyUsage !== undefined ? { keyUsage } : {}),
    ...(extKeyUsage !== undefined ? { extKeyUsage } : {}),
    selfIssued: bytesEqual(subjectDer, issuerDer),
    unknownCritical,
    malformedExtensions,
  };
}

/**
 * Serial numbers as hex, lowercase, leading zero bytes stripped (whole bytes kept): the same
 * spelling as node:crypto's X509Certificate.serialNumber, lowercased. "80ab", not "0080ab".
 */
export function serialToHex(integerContent: Uint8Array): string {
  let i = 0;
  while (i < integerContent.length - 1 && integerContent[i] === 0) i++;
  return Buffer.from(integerContent.subarray(i)).toString('hex');
}

/** Name comparison: identical DER, or RFC 5280 §7.1 style equality as PKI.js implements it. */
export function sameName(aDer: Uint8Array, aRdn: pkijs.RelativeDistinguishedNames, bDer: Uint8Array, bRdn: pkijs.RelativeDistinguishedNames): boolean {
  if (bytesEqual(aDer, bDer)) return true;
  try {
    return aRdn.isEqual(bRdn);
  } catch {
    return false;
  }
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));
}

export function rdnDer(rdn: pkijs.RelativeDistinguishedNames): Uint8Array {
  // Parsed names keep their original encoding; re-encode only names built in memory.
  if (rdn.valueBeforeDecode.byteLength > 0) return new Uint8Array(rdn.valueBeforeDecode);
  return new Uint8Array(rdn.toSchema().toBER(false));
}

export function commonName(rdn: pkijs.RelativeDistinguishedNames): string | undefined {
  const cn = rdn.typesAndValues.find((tv) => tv.type === OID.commonName);
  const value: unknown = cn?.value.valueBlock.value;
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function parseExact(value: Uint8Array): asn1js.AsnType {
  const asn1 = asn1js.fromBER(value);
  if (asn1.offset !== value.byteLength) throw new Error('extension value is not one DER element');
  return asn1.result;
}

// SubjectKeyIdentifier ::= KeyIdentifier ::= OCTET STRING
function readSubjectKeyId(value: Uint8Array): string {
  const node = parseExact(value);
  if (!(node instanceof asn1js.OctetString)) throw new Error('SKI is not an OCTET STRING');
  return Buffer.from(node.valueBlock.valueHexView).toString('hex');
}

// AuthorityKeyIdentifier ::= SEQUENCE {
//   keyIdentifier             [0] KeyIdentifier           OPTIONAL,
//   authorityCertIssuer       [1] GeneralNames            OPTIONAL,
//   authorityCertSerialNumber [2] CertificateSerialNumber OPTIONAL }
export function readAuthorityKeyId(value: Uint8Array): string | undefined {
  const node = parseExact(value);
  if (!(node instanceof asn1js.Sequence)) throw new Error('AKI is not a SEQUENCE');
  for (const item of node.valueBlock.value) {
    if (item.idBlock.tagClass === 3 && item.idBlock.tagNumber === 0) {
      // Implicitly tagged OCTET STRING: primitive, the value bytes are the key id.
      const prim = item as asn1js.Primitive;
      return Buffer.from(prim.valueBlock.valueHexView).toString('hex');
    }
  }
  return undefined;
}

// BasicConstraints ::= SEQUENCE {
//   cA                BOOLEAN DEFAULT FALSE,
//   pathLenConstraint INTEGER (0..MAX) OPTIONAL }
function readBasicConstraints(value: Uint8Array): { cA: boolean; pathLen?: number } {
  const node = parseExact(value);
  if (!(node instanceof asn1js.Sequence)) throw new Error('basicConstraints is not a SEQUENCE');
  let cA = false;
  let pathLen: number | undefined;
  for (const item of node.valueBlock.value) {
    if (item instanceof asn1js.Boolean) cA = item.valueBlock.value;
    else if (item instanceof asn1js.Integer) {
      const n = item.valueBlock.valueDec;
      if (!Number.isSafeInteger(n) || n < 0) throw new Error('pathLenConstraint out of range');
      pathLen = n;
    } else throw new Error('unexpected element in basicConstraints');
  }
  return pathLen === undefined ? { cA } : { cA, pathLen };
}

// KeyUsage ::= BIT STRING { digitalSignature (0), nonRepudiation (1), keyEncipherment (2),
//   dataEncipherment (3), keyAgreement (4), keyCertSign (5), cRLSign (6), encipherOnly (7),
//   decipherOnly (8) }   -- bit 0 is the most significant bit of the first octet
function readKeyUsage(value: Uint8Array): Set<KeyUsageName> {
  const node = parseExact(value);
  if (!(node instanceof asn1js.BitString)) throw new Error('keyUsage is not a BIT STRING');
  const bytes = node.valueBlock.valueHexView;
  const set = new Set<KeyUsageName>();
  for (const [name, bit] of Object.entries(KeyUsageBit) as [KeyUsageName, number][]) {
    const byte = bytes[bit >> 3];
    if (byte !== undefined && (byte & (0x80 >> (bit & 7))) !== 0) set.add(name);
  }
  return set;
}

// ExtKeyUsageSyntax ::= SEQUENCE SIZE (1..MAX) OF KeyPurposeId   -- KeyPurposeId ::= OID
function readExtKeyUsage(value: Uint8Array): string[] {
  const node = parseExact(value);
  if (!(node instanceof asn1js.Sequence)) throw new Error('extKeyUsage is not a SEQUENCE');
  return node.valueBlock.value.map((item) => {
    if (!(item instanceof asn1js.ObjectIdentifier)) throw new Error('KeyPurposeId is not an OID');
    return item.valueBlock.toString();
  });
}
