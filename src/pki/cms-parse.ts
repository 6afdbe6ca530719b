// Reads a CMS SignedData (RFC 5652) into plain values, keeping the exact bytes that matter for
// verification: the signed attributes (their DER, which is what RFC 5652 5.4 signs, and the bytes
// as sent), embedded certificates, the encapsulated content. Tolerant of BER (indefinite lengths,
// segmented OCTET STRINGs) as produced by some signers, strict about structure; anything else is
// DocaxisError(CMS_MALFORMED).
import { DocaxisError, asDocaxisError } from '../errors.js';
import {
  TAG,
  type Tlv,
  AsnError,
  bytesOf,
  certificateIdentity,
  childrenOf,
  childrenWithTag,
  contentOf,
  ctx,
  decodeOid,
  decodeTime,
  expectTag,
  integerHex,
  octetStringValue,
  readRoot,
  readTlv,
  toDer,
} from './asn1-util.js';
import { OID, type DigestAlgorithm, digestNameForOid } from './oids.js';

export interface EssCertIdV2 {
  hashAlgorithm: string /* oid */;
  certHash: Uint8Array;
  issuerSerial?: { serialNumber: string /* hex */ };
}

export interface ParsedSignedAttributes {
  /** The DER encoding of the SET OF attributes: what the signature is over (RFC 5652 5.4). */
  der: Uint8Array;
  /**
   * The DER encoding with the attributes in the order sent: many signers (and the verifiers that
   * accept them) sign an unsorted SET OF, which is DER in every other respect.
   */
  derAsOrdered: Uint8Array;
  /** The attributes as they were sent, re-tagged 0x31 (equal to `der` unless the signer wrote BER). */
  encoded: Uint8Array;
  attributeOids: string[];
  contentType?: string;
  messageDigest?: Uint8Array;
  signingTime?: Date;
  signingCertificateV2?: EssCertIdV2[];
  signingCertificateV1?: { certHash: Uint8Array }[];
}

export type SignerIdentifier =
  | { kind: 'issuerAndSerial'; issuerDer: Uint8Array; serialNumber: string }
  | { kind: 'subjectKeyIdentifier'; keyId: string };

export interface ParsedCms {
  contentType: string;
  eContentType: string;
  encapsulatedContent?: Uint8Array;
  digestAlgorithmOid: string;
  digest: 'sha1' | DigestAlgorithm | undefined;
  signatureAlgorithmOid: string;
  /** DER of the signatureAlgorithm parameters when present (RSASSA-PSS needs them). */
  signatureAlgorithmParams?: Uint8Array;
  signatureValue: Uint8Array;
  sid: SignerIdentifier;
  signedAttributes?: ParsedSignedAttributes;
  certificates: Uint8Array[];
  /** Matched by sid. */
  signerCertificate?: Uint8Array;
  /** From SignedData.crls and from the adbe-revocationInfoArchival signed attribute. */
  crls: Uint8Array[];
  /** From adbe-revocationInfoArchival, if any. */
  ocspResponses: Uint8Array[];
  /** The id-aa-timeStampToken unsigned attribute (a ContentInfo DER). */
  timestampToken?: Uint8Array;
  /** unsignedAttrs as found ([1] IMPLICIT SET OF Attribute): revocation values live there (revocation-archival.ts). */
  unsignedAttributesDer?: Uint8Array;
  signerInfoCount: number;
  /** SignerInfos that differ byte for byte (a copy of the same SignerInfo is still one signer). */
  distinctSignerInfoCount: number;
  /** Non-zero bytes after the CMS value (only with `allowTrailingData`; else they are an error). */
  trailingBytes: number;
}

export interface ParseCmsOptions {
  /**
   * Accept bytes after the CMS value and count the non-zero ones in `trailingBytes`: a PDF
   * /Contents holds the CMS and padding, and what follows the value is not signed by anyone.
   */
  allowTrailingData?: boolean;
}

/** Where the parts of a SignedData sit in the input; shared with cms-build for in-place edits. */
export interface CmsLayout {
  readonly buf: Uint8Array;
  /** ContentInfo, [0] EXPLICIT, SignedData, signerInfos SET, first SignerInfo: the edit path. */
  readonly path: readonly [Tlv, Tlv, Tlv, Tlv, Tlv];
  readonly signedDataFields: readonly Tlv[];
  readonly signerInfos: readonly Tlv[];
  readonly signerInfoFields: readonly Tlv[];
}

//   ContentInfo ::= SEQUENCE { contentType ContentType, content [0] EXPLICIT ANY DEFINED BY contentType }
//   SignedData ::= SEQUENCE { version, digestAlgorithms SET OF, encapContentInfo,
//     certificates [0] IMPLICIT CertificateSet OPTIONAL, crls [1] IMPLICIT RevocationInfoChoices OPTIONAL,
//     signerInfos SET OF SignerInfo }
export function locateCms(buf: Uint8Array, allowTrailingData = false): CmsLayout {
  // With trailing data allowed, whatever follows the value is the caller's to judge (nonZeroAfter).
  const root = allowTrailingData ? readTlv(buf, 0, buf.length) : readRoot(buf, true);
  const [typeNode, explicit] = childrenWithTag(buf, root, TAG.sequence, 'ContentInfo');
  const contentType = decodeOid(buf, expectTag(typeNode, TAG.oid, 'contentType'));
  if (contentType !== OID.signedData) throw new AsnError(`content type ${contentType} is not SignedData`);
  const [signedData] = childrenWithTag(buf, explicit, ctx(0), 'ContentInfo.content');
  const fields = childrenWithTag(buf, signedData, TAG.sequence, 'SignedData');
  const signerInfosSet = expectTag(fields[fields.length - 1], TAG.set, 'signerInfos');
  if (fields.length < 4) throw new AsnError('SignedData has too few fields');
  const signerInfos = childrenOf(buf, signerInfosSet);
  const first = signerInfos[0];
  if (!first) throw new AsnError('SignedData has no SignerInfo');
  const signerInfoFields = childrenWithTag(buf, first, TAG.sequence, 'SignerInfo');
  return { buf, path: [root, explicit!, signedData!, signerInfosSet, first], signedDataFields: fields, signerInfos, signerInfoFields };
}

export function parseCms(der: Uint8Array, options: ParseCmsOptions = {}): ParsedCms {
  try {
    const layout = locateCms(der, options.allowTrailingData === true);
    const parsed = parseLayout(layout);
    if (options.allowTrailingData) parsed.trailingBytes = nonZeroAfter(der, layout.path[0].end);
    return parsed;
  } catch (e) {
    if (e instanceof DocaxisError) throw e.code === 'CMS_MALFORMED' ? e : new DocaxisError('CMS_MALFORMED', e.message, { cause: e });
    throw asDocaxisError(e, 'CMS_MALFORMED');
  }
}

function parseLayout(layout: CmsLayout): ParsedCms {
  const { buf, signedDataFields: sd, signerInfos, signerInfoFields: si } = layout;

  //   EncapsulatedContentInfo ::= SEQUENCE { eContentType ContentType, eContent [0] EXPLICIT OCTET STRING OPTIONAL }
  const [eTypeNode, eContentWrapper] = childrenWithTag(buf, sd[2], TAG.sequence, 'encapContentInfo');
  const eContentType = decodeOid(buf, expectTag(eTypeNode, TAG.oid, 'eContentType'));
  let encapsulatedContent: Uint8Array | undefined;
  if (eContentWrapper) {
    const [octets] = childrenWithTag(buf, eContentWrapper, ctx(0), 'eContent');
    encapsulatedContent = octetStringValue(buf, expectTag(octets, octets?.constructed ? 0x24 : TAG.octetString, 'eContent'));
  }

  const certificates: Uint8Array[] = [];
  const crls: Uint8Array[] = [];
  for (const f of sd.slice(3, -1)) {
    // CertificateChoices / RevocationInfoChoices: keep the plain X.509 ones (SEQUENCE), skip other formats.
    if (f.tag === ctx(0)) for (const c of childrenOf(buf, f)) if (c.tag === TAG.sequence) certificates.push(bytesOf(buf, c));
    if (f.tag === ctx(1)) for (const c of childrenOf(buf, f)) if (c.tag === TAG.sequence) crls.push(bytesOf(buf, c));
  }

  //   SignerInfo ::= SEQUENCE { version, sid SignerIdentifier, digestAlgorithm, signedAttrs [0] IMPLICIT OPTIONAL,
  //     signatureAlgorithm, signature OCTET STRING, unsignedAttrs [1] IMPLICIT OPTIONAL }
  //   SignerIdentifier ::= CHOICE { issuerAndSerialNumber, subjectKeyIdentifier [0] }
  let i = 1;
  const sid = parseSid(buf, si[i++]);
  const digestAlgorithmOid = algorithmOid(buf, si[i++], 'digestAlgorithm');
  let signedAttributes: ParsedSignedAttributes | undefined;
  const ocspResponses: Uint8Array[] = [];
  if (si[i]?.tag === ctx(0)) {
    signedAttributes = parseSignedAttributes(buf, si[i++]!, crls, ocspResponses);
  }
  const sigAlgNode = expectTag(si[i++], TAG.sequence, 'signatureAlgorithm');
  const signatureAlgorithmOid = algorithmOid(buf, sigAlgNode, 'signatureAlgorithm');
  const sigAlgParts = childrenOf(buf, sigAlgNode);
  const signatureAlgorithmParams = sigAlgParts[1] ? bytesOf(buf, sigAlgParts[1]) : undefined;
  const sigNode = si[i++]!;
  const signatureValue = octetStringValue(buf, expectTag(sigNode, sigNode?.constructed ? 0x24 : TAG.octetString, 'signature'));
  let timestampToken: Uint8Array | undefined;
  const unsignedAttributesDer = si[i]?.tag === ctx(1) ? bytesOf(buf, si[i]!) : undefined;
  if (si[i]?.tag === ctx(1)) {
    for (const attr of childrenOf(buf, si[i]!)) {
      const { type, values } = parseAttribute(buf, attr);
      if (type === OID.timeStampToken && values[0]) timestampToken = bytesOf(buf, values[0]);
    }
  }

  const signerCertificate = findSignerCertificate(certificates, sid);
  return {
    contentType: OID.signedData,
    eContentType,
    ...(encapsulatedContent ? { encapsulatedContent } : {}),
    digestAlgorithmOid,
    digest: digestNameForOid(digestAlgorithmOid),
    signatureAlgorithmOid,
    ...(signatureAlgorithmParams ? { signatureAlgorithmParams } : {}),
    signatureValue,
    sid,
    ...(signedAttributes ? { signedAttributes } : {}),
    certificates,
    ...(signerCertificate ? { signerCertificate } : {}),
    crls,
    ocspResponses,
    ...(timestampToken ? { timestampToken } : {}),
    ...(unsignedAttributesDer ? { unsignedAttributesDer } : {}),
    signerInfoCount: signerInfos.length,
    distinctSignerInfoCount: signerInfos.length < 2 ? signerInfos.length : new Set(signerInfos.map((n) => Buffer.from(bytesOf(buf, n)).toString('base64'))).size,
    trailingBytes: 0,
  };
}

function nonZeroAfter(buf: Uint8Array, end: number): number {
  let n = 0;
  for (let i = end; i < buf.length; i++) if (buf[i] !== 0) n++;
  return n;
}

//   IssuerAndSerialNumber ::= SEQUENCE { issuer Name, serialNumber CertificateSerialNumber }
function parseSid(buf: Uint8Array, node: Tlv | undefined): SignerIdentifier {
  if (node?.tag === TAG.sequence) {
    const [issuer, serial] = childrenOf(buf, node);
    // DER, so that a BER-encoded sid still names the certificate (whose issuer is DER).
    return { kind: 'issuerAndSerial', issuerDer: toDer(buf, expectTag(issuer, TAG.sequence, 'sid.issuer')), serialNumber: integerHex(buf, expectTag(serial, TAG.integer, 'sid.serialNumber')) };
  }
  if (node?.tag === ctx(0, false)) return { kind: 'subjectKeyIdentifier', keyId: Buffer.from(contentOf(buf, node)).toString('hex') };
  throw new AsnError('SignerInfo.sid is neither issuerAndSerialNumber nor subjectKeyIdentifier');
}

export function algorithmOid(buf: Uint8Array, node: Tlv | undefined, what: string): string {
  const [oid] = childrenWithTag(buf, node, TAG.sequence, what);
  return decodeOid(buf, expectTag(oid, TAG.oid, `${what}.algorithm`));
}

//   Attribute ::= SEQUENCE { attrType OBJECT IDENTIFIER, attrValues SET OF AttributeValue }
export function parseAttribute(buf: Uint8Array, node: Tlv): { type: string; values: Tlv[] } {
  const [type, values] = childrenWithTag(buf, node, TAG.sequence, 'Attribute');
  return { type: decodeOid(buf, expectTag(type, TAG.oid, 'attrType')), values: childrenWithTag(buf, values, TAG.set, 'attrValues') };
}

export function parseSignedAttributes(buf: Uint8Array, node: Tlv, crls: Uint8Array[] = [], ocspResponses: Uint8Array[] = []): ParsedSignedAttributes {
  // The signature covers the DER with the universal SET tag, not the [0] IMPLICIT tag (RFC 5652 5.4).
  const encoded = Uint8Array.from(bytesOf(buf, node));
  encoded[0] = TAG.set;
  const same = (a: Uint8Array): Uint8Array => (Buffer.from(a).equals(encoded) ? encoded : a);
  const out: ParsedSignedAttributes = { der: same(toDer(buf, node, TAG.set)), derAsOrdered: same(toDer(buf, node, TAG.set, false)), encoded, attributeOids: [] };
  for (const attr of childrenOf(buf, node)) {
    const { type, values } = parseAttribute(buf, attr);
    out.attributeOids.push(type);
    const v = values[0];
    if (!v) throw new AsnError(`signed attribute ${type} has no value`);
    switch (type) {
      case OID.contentType:
        out.contentType = decodeOid(buf, v);
        break;
      case OID.messageDigest:
        out.messageDigest = octetStringValue(buf, expectTag(v, v.constructed ? 0x24 : TAG.octetString, 'messageDigest'));
        break;
      case OID.signingTime:
        out.signingTime = decodeTime(buf, v);
        break;
      case OID.signingCertificateV2:
        out.signingCertificateV2 = parseEssCertIds(buf, v, true);
        break;
      case OID.signingCertificate:
        out.signingCertificateV1 = parseEssCertIds(buf, v, false).map((c) => ({ certHash: c.certHash }));
        break;
      case OID.adbeRevocationInfoArchival:
        parseRevocationInfoArchival(buf, v, crls, ocspResponses);
        break;
      default:
        break;
    }
  }
  return out;
}

//   SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2, policies SEQUENCE OF PolicyInformation OPTIONAL }
//   ESSCertIDv2 ::= SEQUENCE { hashAlgorithm AlgorithmIdentifier DEFAULT {algorithm id-sha256},
//     certHash OCTET STRING, issuerSerial IssuerSerial OPTIONAL }
//   ESSCertID ::= SEQUENCE { certHash OCTET STRING (SHA-1), issuerSerial IssuerSerial OPTIONAL }
//   IssuerSerial ::= SEQUENCE { issuer GeneralNames, serialNumber CertificateSerialNumber }
function parseEssCertIds(buf: Uint8Array, node: Tlv, v2: boolean): EssCertIdV2[] {
  const [certs] = childrenWithTag(buf, node, TAG.sequence, 'SigningCertificate');
  return childrenWithTag(buf, certs, TAG.sequence, 'SigningCertificate.certs').map((id) => {
    const parts = childrenWithTag(buf, id, TAG.sequence, 'ESSCertID');
    let k = 0;
    let hashAlgorithm: string = v2 ? OID.sha256 : OID.sha1;
    if (v2 && parts[0]?.tag === TAG.sequence) hashAlgorithm = algorithmOid(buf, parts[k++], 'ESSCertIDv2.hashAlgorithm');
    const certHash = contentOf(buf, expectTag(parts[k++], TAG.octetString, 'certHash'));
    const issuerSerialNode = parts[k];
    const out: EssCertIdV2 = { hashAlgorithm, certHash };
    if (issuerSerialNode) {
      const [, serial] = childrenWithTag(buf, issuerSerialNode, TAG.sequence, 'IssuerSerial');
      out.issuerSerial = { serialNumber: integerHex(buf, expectTag(serial, TAG.integer, 'IssuerSerial.serialNumber')) };
    }
    return out;
  });
}

//   RevocationInfoArchival ::= SEQUENCE { crl [0] EXPLICIT SEQUENCE OF CRLs OPTIONAL,
//     ocsp [1] EXPLICIT SEQUENCE OF OCSPResponse OPTIONAL, otherRevInfo [2] EXPLICIT SEQUENCE OF OtherRevInfo OPTIONAL }
function parseRevocationInfoArchival(buf: Uint8Array, node: Tlv, crls: Uint8Array[], ocsp: Uint8Array[]): void {
  for (const part of childrenWithTag(buf, node, TAG.sequence, 'RevocationInfoArchival')) {
    if (part.tag !== ctx(0) && part.tag !== ctx(1)) continue;
    const [list] = childrenOf(buf, part);
    const target = part.tag === ctx(0) ? crls : ocsp;
    for (const item of childrenWithTag(buf, list, TAG.sequence, 'RevocationInfoArchival list')) target.push(bytesOf(buf, item));
  }
}

function findSignerCertificate(certificates: readonly Uint8Array[], sid: SignerIdentifier): Uint8Array | undefined {
  for (const cert of certificates) {
    let id;
    try {
      id = certificateIdentity(cert);
    } catch {
      continue; // an unparsable extra certificate cannot be the signer's; the chain code reports it
    }
    if (sid.kind === 'issuerAndSerial' ? id.serialHex === sid.serialNumber && Buffer.from(id.issuerDer).equals(sid.issuerDer) : id.subjectKeyId === sid.keyId) {
      return cert;
    }
  }
  return undefined;
}
