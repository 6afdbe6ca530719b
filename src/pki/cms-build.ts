// Builds the PAdES baseline CMS (ETSI EN 319 142-1, SubFilter ETSI.CAdES.detached; also fine for
// adbe.pkcs7.detached): a detached SignedData with exactly the signed attributes PAdES B-B wants
// (contentType, messageDigest, signingCertificateV2; no signingTime, the PDF /M carries the claimed
// time) and optionally a signature timestamp (B-T) as an unsigned attribute.
// Every SET OF is DER-sorted by encoded bytes: validators re-encode signedAttrs and a wrong order
// breaks the signature (node-signpdf #183).
import { X509Certificate, createHash } from 'node:crypto';
import { DocaxisError, asDocaxisError } from '../errors.js';
import {
  DER_NULL,
  TAG,
  type Tlv,
  certificateIdentity,
  childrenOf,
  concat,
  ctx,
  encodeLength,
  encodeOctetString,
  encodeOid,
  encodeSmallInteger,
  readRoot,
  seq,
  setOf,
  tlv,
} from './asn1-util.js';
import { type CmsLayout, locateCms, parseAttribute, parseCms } from './cms-parse.js';
import { DIGEST_OID, type DigestAlgorithm, OID } from './oids.js';
import type { KeyAlgorithm } from './signer.js';

const DIGEST_LENGTH: Record<DigestAlgorithm, number> = { sha256: 32, sha384: 48, sha512: 64 };

const ECDSA_OID: Record<DigestAlgorithm, string> = {
  sha256: OID.ecdsaWithSHA256,
  sha384: OID.ecdsaWithSHA384,
  sha512: OID.ecdsaWithSHA512,
};

export function checkDigest(digest: DigestAlgorithm): void {
  if (!Object.hasOwn(DIGEST_LENGTH, digest)) throw new DocaxisError('DIGEST_UNSUPPORTED', String(digest));
}

/** AlgorithmIdentifier for a SHA-2 digest: parameters absent (RFC 5754 section 2). */
export function digestAlgorithmId(digest: DigestAlgorithm): Uint8Array {
  return seq(encodeOid(DIGEST_OID[digest]));
}

/** rsaEncryption (NULL parameters, RFC 3370) or ecdsa-with-SHAxxx (parameters absent, RFC 5758). */
export function signatureAlgorithmId(keyAlgorithm: KeyAlgorithm, digest: DigestAlgorithm): Uint8Array {
  if (keyAlgorithm === 'rsa') return seq(encodeOid(OID.rsaEncryption), DER_NULL);
  if (keyAlgorithm === 'ec') return seq(encodeOid(ECDSA_OID[digest]));
  throw new DocaxisError('KEY_UNSUPPORTED', String(keyAlgorithm));
}

function identityOf(cert: Uint8Array): ReturnType<typeof certificateIdentity> {
  try {
    return certificateIdentity(cert);
  } catch (e) {
    throw asDocaxisError(e, 'CERT_MALFORMED');
  }
}

//   Attribute ::= SEQUENCE { attrType OBJECT IDENTIFIER, attrValues SET OF AttributeValue }
function attribute(type: string, value: Uint8Array): Uint8Array {
  return seq(encodeOid(type), setOf([value]));
}

//   SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2, policies ... OPTIONAL }
//   ESSCertIDv2 ::= SEQUENCE { hashAlgorithm AlgorithmIdentifier DEFAULT {algorithm id-sha256},
//     certHash OCTET STRING, issuerSerial IssuerSerial OPTIONAL }
//   IssuerSerial ::= SEQUENCE { issuer GeneralNames, serialNumber CertificateSerialNumber }
//   GeneralName ::= CHOICE { ..., directoryName [4] Name, ... }   (EXPLICIT: Name is a CHOICE)
export function signingCertificateV2(cert: Uint8Array, digest: DigestAlgorithm): Uint8Array {
  const id = identityOf(cert);
  const certHash = createHash(digest).update(cert).digest();
  const issuerSerial = seq(seq(tlv(ctx(4), id.issuerDer)), id.serialDer);
  // DER forbids encoding a DEFAULT value, so SHA-256 means "hashAlgorithm absent".
  const hashAlgorithm = digest === 'sha256' ? [] : [digestAlgorithmId(digest)];
  return seq(seq(seq(...hashAlgorithm, encodeOctetString(certHash), issuerSerial)));
}

/** Signed attributes for any eContentType (the TSA token uses id-ct-TSTInfo). */
export function buildSignedAttributesFor(p: { contentTypeOid: string; contentDigest: Uint8Array; digest: DigestAlgorithm; signerCertificate: Uint8Array }): Uint8Array {
  checkDigest(p.digest);
  if (p.contentDigest.length !== DIGEST_LENGTH[p.digest]) {
    throw new DocaxisError('DIGEST_UNSUPPORTED', `contentDigest is ${p.contentDigest.length} bytes, ${p.digest} gives ${DIGEST_LENGTH[p.digest]}`);
  }
  return setOf([
    attribute(OID.contentType, encodeOid(p.contentTypeOid)),
    attribute(OID.messageDigest, encodeOctetString(p.contentDigest)),
    attribute(OID.signingCertificateV2, signingCertificateV2(p.signerCertificate, p.digest)),
  ]);
}

/** DER of the SET OF Attribute (tag 0x31): exactly the bytes the signer signs. */
export function buildSignedAttributes(p: { contentDigest: Uint8Array; digest: DigestAlgorithm; signerCertificate: Uint8Array }): Uint8Array {
  return buildSignedAttributesFor({ ...p, contentTypeOid: OID.data });
}

export interface AssembleParams {
  signedAttributes: Uint8Array;
  signatureValue: Uint8Array;
  signerCertificate: Uint8Array;
  certificates: readonly Uint8Array[];
  digest: DigestAlgorithm;
  keyAlgorithm: KeyAlgorithm;
  timestampToken?: Uint8Array;
}

//   ContentInfo ::= SEQUENCE { contentType ContentType, content [0] EXPLICIT ANY DEFINED BY contentType }
//   SignedData ::= SEQUENCE { version CMSVersion, digestAlgorithms SET OF DigestAlgorithmIdentifier,
//     encapContentInfo EncapsulatedContentInfo, certificates [0] IMPLICIT CertificateSet OPTIONAL,
//     crls [1] IMPLICIT RevocationInfoChoices OPTIONAL, signerInfos SET OF SignerInfo }
//   EncapsulatedContentInfo ::= SEQUENCE { eContentType ContentType, eContent [0] EXPLICIT OCTET STRING OPTIONAL }
//   SignerInfo ::= SEQUENCE { version CMSVersion, sid SignerIdentifier, digestAlgorithm,
//     signedAttrs [0] IMPLICIT SignedAttributes OPTIONAL, signatureAlgorithm, signature OCTET STRING,
//     unsignedAttrs [1] IMPLICIT UnsignedAttributes OPTIONAL }
export function assembleSignedDataFor(p: AssembleParams & { eContentType: string; eContent?: Uint8Array; includeCertificates?: boolean }): Uint8Array {
  checkDigest(p.digest);
  if (p.signedAttributes[0] !== TAG.set) throw new DocaxisError('CMS_MALFORMED', 'signedAttributes must be the DER SET (tag 0x31) that was signed');
  const id = identityOf(p.signerCertificate);
  // RFC 5652 5.1: version 1 for id-data with issuerAndSerialNumber; 3 when eContentType is anything else.
  const version = p.eContentType === OID.data ? 1 : 3;
  const certs = dedupe([p.signerCertificate, ...p.certificates]);
  const unsigned = p.timestampToken ? [setOf([timestampAttribute(p.timestampToken)], ctx(1))] : [];
  const signerInfo = seq(
    encodeSmallInteger(1),
    seq(id.issuerDer, id.serialDer),
    digestAlgorithmId(p.digest),
    concat(Uint8Array.of(ctx(0)), p.signedAttributes.subarray(1)),
    signatureAlgorithmId(p.keyAlgorithm, p.digest),
    encodeOctetString(p.signatureValue),
    ...unsigned,
  );
  const encap = p.eContent ? seq(encodeOid(p.eContentType), tlv(ctx(0), encodeOctetString(p.eContent))) : seq(encodeOid(p.eContentType));
  const certificateSet = p.includeCertificates === false ? [] : [setOf(certs, ctx(0))];
  const signedData = seq(encodeSmallInteger(version), setOf([digestAlgorithmId(p.digest)]), encap, ...certificateSet, setOf([signerInfo]));
  return seq(encodeOid(OID.signedData), tlv(ctx(0), signedData));
}

/** The detached PAdES / CAdES SignedData (encapContentInfo id-data without eContent). */
export function assembleSignedData(p: AssembleParams): Uint8Array {
  return assembleSignedDataFor({ ...p, eContentType: OID.data });
}

function dedupe(items: readonly Uint8Array[]): Uint8Array[] {
  const seen = new Set<string>();
  return items.filter((c) => {
    const k = Buffer.from(c).toString('base64');
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function timestampAttribute(token: Uint8Array): Uint8Array {
  try {
    const root = readRoot(token, false);
    if (root.tag !== TAG.sequence) throw new Error('not a SEQUENCE');
  } catch (e) {
    throw asDocaxisError(e, 'TIMESTAMP_INVALID', 'the timestamp token is not a single DER ContentInfo');
  }
  return attribute(OID.timeStampToken, token);
}

/**
 * Adds (or replaces) id-aa-timeStampToken in the first SignerInfo's unsignedAttrs. Only the
 * unsigned attributes and the enclosing length octets change; signature and signed bytes stay.
 * Trailing zero padding of the input is dropped.
 */
export function addTimestampToken(cms: Uint8Array, token: Uint8Array): Uint8Array {
  const attr = timestampAttribute(token);
  const layout = locate(cms);
  const { buf, signerInfoFields } = layout;
  const signerInfo = layout.path[4];
  const last = signerInfoFields[signerInfoFields.length - 1]!;
  let from = signerInfo.contentEnd;
  let to = signerInfo.contentEnd;
  const kept: Uint8Array[] = [];
  if (last.tag === ctx(1)) {
    from = last.start;
    to = last.end;
    try {
      for (const a of childrenOf(buf, last)) if (parseAttribute(buf, a).type !== OID.timeStampToken) kept.push(buf.subarray(a.start, a.end));
    } catch (e) {
      throw asDocaxisError(e, 'CMS_MALFORMED');
    }
  }
  return splice(buf, layout.path, 0, from, to, setOf([...kept, attr], ctx(1)));
}

/** Rebuilds path[i..] with buf[from, to) (inside the innermost node) replaced; BER indefinite nodes stay indefinite. */
function splice(buf: Uint8Array, path: readonly Tlv[], i: number, from: number, to: number, replacement: Uint8Array): Uint8Array {
  const node = path[i]!;
  const child = path[i + 1];
  const inner = child
    ? concat(buf.subarray(node.contentStart, child.start), splice(buf, path, i + 1, from, to, replacement), buf.subarray(child.end, node.contentEnd))
    : concat(buf.subarray(node.contentStart, from), replacement, buf.subarray(to, node.contentEnd));
  if (node.indefinite) return concat(buf.subarray(node.start, node.contentStart), inner, buf.subarray(node.contentEnd, node.end));
  return concat(Uint8Array.of(node.tag), encodeLength(inner.length), inner);
}

function locate(cms: Uint8Array): CmsLayout {
  try {
    return locateCms(cms);
  } catch (e) {
    throw asDocaxisError(e, 'CMS_MALFORMED');
  }
}

/** The first SignerInfo's signature value: what a B-T signature timestamp's imprint covers. */
export function signatureValueOf(cms: Uint8Array): Uint8Array {
  return parseCms(cms).signatureValue;
}

/**
 * Upper bound of the CMS size, for sizing the PDF /Contents placeholder before signing: assembles
 * a dry-run CMS with a maximum-length signature and a token of the given size and measures it.
 * Callers add their own margin for revocation data they embed later.
 */
export function estimateCmsSize(p: { signerCertificate: Uint8Array; certificates: readonly Uint8Array[]; keyAlgorithm: KeyAlgorithm; keyBits?: number; digest: DigestAlgorithm; timestampTokenSize?: number }): number {
  checkDigest(p.digest);
  const signatureLength = maxSignatureLength(p.signerCertificate, p.keyAlgorithm, p.keyBits);
  const signedAttributes = buildSignedAttributes({ contentDigest: new Uint8Array(DIGEST_LENGTH[p.digest]), digest: p.digest, signerCertificate: p.signerCertificate });
  const tokenSize = p.timestampTokenSize ?? 0;
  const cms = assembleSignedData({
    signedAttributes,
    signatureValue: new Uint8Array(signatureLength),
    signerCertificate: p.signerCertificate,
    certificates: p.certificates,
    digest: p.digest,
    keyAlgorithm: p.keyAlgorithm,
    ...(tokenSize > 0 ? { timestampToken: dummySequence(tokenSize) } : {}),
  });
  return cms.length;
}

function maxSignatureLength(cert: Uint8Array, keyAlgorithm: KeyAlgorithm, keyBits: number | undefined): number {
  let bits = keyBits;
  if (bits === undefined) {
    try {
      const details = new X509Certificate(cert).publicKey.asymmetricKeyDetails;
      bits = details?.modulusLength ?? curveBits(details?.namedCurve);
    } catch (e) {
      throw asDocaxisError(e, 'CERT_MALFORMED');
    }
  }
  if (bits === undefined) throw new DocaxisError('KEY_UNSUPPORTED', 'cannot tell the key size from the certificate');
  const n = Math.ceil(bits / 8);
  if (keyAlgorithm === 'rsa') return n;
  // Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }: each up to n bytes plus a sign octet.
  const ints = 2 * (1 + encodeLength(n + 1).length + n + 1);
  return 1 + encodeLength(ints).length + ints;
}

function curveBits(curve: string | undefined): number | undefined {
  switch (curve) {
    case 'prime256v1':
    case 'P-256':
      return 256;
    case 'secp384r1':
    case 'P-384':
      return 384;
    case 'secp521r1':
    case 'P-521':
      return 521;
    default:
      return undefined;
  }
}

/** A SEQUENCE of at least `size` bytes (exactly, where a length encoding allows), standing in for a token. */
function dummySequence(size: number): Uint8Array {
  let content = Math.max(0, size - 6);
  while (1 + encodeLength(content).length + content < size) content++;
  return tlv(TAG.sequence, new Uint8Array(content));
}
