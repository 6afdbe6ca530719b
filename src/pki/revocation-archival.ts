// Revocation data carried inside a CMS signature, as the bytes of each CRL, OCSP response and
// certificate (parsing and trusting them is revocation.ts's and ocsp.ts's job):
//   - adbe-revocationInfoArchival (1.2.840.113583.1.1.8), Adobe's signed attribute (PDF 1.6+)
//   - id-aa-ets-revocationValues and id-aa-ets-certValues, the CAdES unsigned attributes
//     (ETSI EN 319 122-1 §5.5; some PAdES producers add them after signing).
// Read with the bounded, offset-keeping reader of asn1-util.ts rather than asn1js: the containers
// are two levels of SEQUENCE OF, and asn1js would decode every entry of every CRL into objects
// only for us to slice the CRL's bytes back out. Everything here comes from untrusted documents:
// counts are capped and a malformed part is skipped and counted, never fatal.
import { TAG, type Tlv, bytesOf, childrenOf, ctx, decodeOid, readRoot } from './asn1-util.js';
import { OID } from './oids.js';

/** Items of each kind kept from one signature's attributes (the /DSS applies the same cap). */
export const MAX_EMBEDDED_ITEMS = 200;

export interface EmbeddedRevocationValues {
  crls: Uint8Array[];
  /** OCSPResponse (archival) or BasicOCSPResponse (CAdES) DER: ocsp.ts reads both. */
  ocspResponses: Uint8Array[];
  certificates: Uint8Array[];
  /** What was skipped and why (malformed parts, items over the cap). */
  problems: string[];
}

function empty(): EmbeddedRevocationValues {
  return { crls: [], ocspResponses: [], certificates: [], problems: [] };
}

/**
 * RevocationInfoArchival ::= SEQUENCE {
 *   crl          [0] EXPLICIT SEQUENCE OF CRLs OPTIONAL,
 *   ocsp         [1] EXPLICIT SEQUENCE OF OCSPResponse OPTIONAL,
 *   otherRevInfo [2] EXPLICIT SEQUENCE OF OtherRevInfo OPTIONAL }
 * `der` is the attribute value (the SEQUENCE). Never throws.
 */
export function readRevocationInfoArchival(der: Uint8Array, into: EmbeddedRevocationValues = empty()): EmbeddedRevocationValues {
  readTaggedLists(der, 'adbe-revocationInfoArchival', into);
  return into;
}

/**
 * RevocationValues ::= SEQUENCE {
 *   crlVals      [0] SEQUENCE OF CertificateList OPTIONAL,
 *   ocspVals     [1] SEQUENCE OF BasicOCSPResponse OPTIONAL,
 *   otherRevVals [2] OtherRevVals OPTIONAL }
 * Same shape as the archival attribute (the tags are EXPLICIT in both modules). Never throws.
 */
export function readRevocationValues(der: Uint8Array, into: EmbeddedRevocationValues = empty()): EmbeddedRevocationValues {
  readTaggedLists(der, 'revocation-values', into);
  return into;
}

/** CertificateValues ::= SEQUENCE OF Certificate. Never throws. */
export function readCertificateValues(der: Uint8Array, into: EmbeddedRevocationValues = empty()): EmbeddedRevocationValues {
  try {
    const root = readRoot(der, false);
    if (root.tag !== TAG.sequence) throw new Error('not a SEQUENCE');
    pushAll(der, childrenOf(der, root), into.certificates, 'certificate-values certificate', into);
  } catch (e) {
    into.problems.push(`certificate-values skipped: ${message(e)}`);
  }
  return into;
}

/**
 * Every revocation value and certificate in a set of attributes: the signed attributes (as
 * ParsedSignedAttributes.der) or the unsigned ones (ParsedCms.unsignedAttributesDer); the outer
 * tag may be SET or the [0]/[1] IMPLICIT of the SignerInfo. Never throws.
 */
export function readAttributeRevocationValues(attributesDer: Uint8Array, into: EmbeddedRevocationValues = empty()): EmbeddedRevocationValues {
  let attributes: Tlv[];
  try {
    const root = readRoot(attributesDer, false);
    if (!root.constructed) throw new Error('attributes are not a SET');
    attributes = childrenOf(attributesDer, root);
  } catch (e) {
    into.problems.push(`attributes skipped: ${message(e)}`);
    return into;
  }
  for (const attribute of attributes) {
    try {
      //   Attribute ::= SEQUENCE { attrType OBJECT IDENTIFIER, attrValues SET OF AttributeValue }
      const [type, values] = attribute.tag === TAG.sequence ? childrenOf(attributesDer, attribute) : [];
      if (type?.tag !== TAG.oid || values?.tag !== TAG.set) continue;
      const oid = decodeOid(attributesDer, type);
      const reader = oid === OID.adbeRevocationInfoArchival ? readRevocationInfoArchival : oid === OID.revocationValues ? readRevocationValues : oid === OID.certValues ? readCertificateValues : undefined;
      if (reader === undefined) continue;
      for (const value of childrenOf(attributesDer, values)) reader(bytesOf(attributesDer, value), into);
    } catch (e) {
      into.problems.push(`an attribute was skipped: ${message(e)}`);
    }
  }
  return into;
}

function readTaggedLists(der: Uint8Array, what: string, into: EmbeddedRevocationValues): void {
  let parts: Tlv[];
  try {
    const root = readRoot(der, false);
    if (root.tag !== TAG.sequence) throw new Error('not a SEQUENCE');
    parts = childrenOf(der, root);
  } catch (e) {
    into.problems.push(`${what} skipped: ${message(e)}`);
    return;
  }
  for (const part of parts) {
    const target = part.tag === ctx(0) ? into.crls : part.tag === ctx(1) ? into.ocspResponses : undefined;
    if (target === undefined) continue; // otherRevInfo: no format we read
    try {
      const [list] = childrenOf(der, part);
      if (list?.tag !== TAG.sequence) throw new Error('not a SEQUENCE OF');
      pushAll(der, childrenOf(der, list), target, `${what} ${part.tag === ctx(0) ? 'CRL' : 'OCSP response'}`, into);
    } catch (e) {
      into.problems.push(`${what} ${part.tag === ctx(0) ? 'CRL list' : 'OCSP list'} skipped: ${message(e)}`);
    }
  }
}

function pushAll(der: Uint8Array, items: readonly Tlv[], target: Uint8Array[], what: string, into: EmbeddedRevocationValues): void {
  let over = 0;
  for (const item of items) {
    if (item.tag !== TAG.sequence) {
      into.problems.push(`${what} skipped: not a SEQUENCE`);
    } else if (target.length >= MAX_EMBEDDED_ITEMS) {
      over++;
    } else {
      target.push(bytesOf(der, item));
    }
  }
  if (over > 0) into.problems.push(`${over} ${what}(s) over the limit of ${MAX_EMBEDDED_ITEMS} ignored`);
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
