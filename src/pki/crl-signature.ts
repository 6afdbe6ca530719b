// Verifies the signature of a CRL or certificate (any X.509 "signed TBS" structure) synchronously
// with node:crypto, from the pieces x509.ts hands out: no OpenSSL certificate object needed, and
// checkRevocation / path building stay plain functions.
import { constants, verify, type KeyObject } from 'node:crypto';
import { TAG, type Tlv, childrenOf, decodeOid, expectTag, integerValue, readRoot } from './asn1-util.js';
import { OID, digestNameForOid } from './oids.js';

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

const HASH_BY_SIGNATURE_OID: Readonly<Record<string, string>> = {
  [OID.sha1WithRSAEncryption]: 'sha1',
  [OID.sha256WithRSAEncryption]: 'sha256',
  [OID.sha384WithRSAEncryption]: 'sha384',
  [OID.sha512WithRSAEncryption]: 'sha512',
  [OID.ecdsaWithSHA1]: 'sha1',
  [OID.ecdsaWithSHA256]: 'sha256',
  [OID.ecdsaWithSHA384]: 'sha384',
  [OID.ecdsaWithSHA512]: 'sha512',
};

/** Whether verifyTbsSignature can judge this algorithm (others: fall back to OpenSSL's X509_verify). */
export function isTbsAlgorithmSupported(algorithmOid: string): boolean {
  return HASH_BY_SIGNATURE_OID[algorithmOid] !== undefined || algorithmOid === OID.ed25519 || algorithmOid === OID.ed448 || algorithmOid === OID.rsassaPss;
}

/**
 * @param algorithmOid  signatureAlgorithm of the outer structure
 * @param paramsDer     DER of its parameters (needed for RSASSA-PSS), if any
 */
export function verifyTbsSignature(algorithmOid: string, paramsDer: Uint8Array | undefined, tbs: Uint8Array, signature: Uint8Array, key: KeyObject): SignatureCheck {
  try {
    const hash = HASH_BY_SIGNATURE_OID[algorithmOid];
    if (hash !== undefined) {
      // ECDSA signatures in X.509 are DER SEQUENCE { r, s }: Node's default dsaEncoding.
      return verify(hash, tbs, key, signature) ? { ok: true } : { ok: false, reason: 'signature does not verify' };
    }
    if (algorithmOid === OID.ed25519 || algorithmOid === OID.ed448) {
      return verify(null, tbs, key, signature) ? { ok: true } : { ok: false, reason: 'signature does not verify' };
    }
    if (algorithmOid === OID.rsassaPss) {
      const pss = readPssParams(paramsDer);
      if ('reason' in pss) return { ok: false, reason: pss.reason };
      const ok = verify(pss.hash, tbs, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: pss.saltLength }, signature);
      return ok ? { ok: true } : { ok: false, reason: 'signature does not verify' };
    }
    return { ok: false, reason: `unsupported signature algorithm ${algorithmOid}` };
  } catch (e) {
    // Key/algorithm mismatch (an EC key for an RSA signature, ...) is a failed check, not a crash.
    return { ok: false, reason: e instanceof Error ? e.message.split('\n', 1)[0] ?? 'verify failed' : 'verify failed' };
  }
}

// RSASSA-PSS-params ::= SEQUENCE {
//   hashAlgorithm    [0] HashAlgorithm    DEFAULT sha1,
//   maskGenAlgorithm [1] MaskGenAlgorithm DEFAULT mgf1SHA1,
//   saltLength       [2] INTEGER          DEFAULT 20,
//   trailerField     [3] TrailerField     DEFAULT trailerFieldBC }
function readPssParams(paramsDer: Uint8Array | undefined): { hash: string; saltLength: number } | { reason: string } {
  if (paramsDer === undefined) return { reason: 'RSASSA-PSS without parameters' };
  const d = paramsDer;
  let hashOid: string = OID.sha1;
  let mgfOid: string = OID.mgf1;
  let mgfHashOid: string = OID.sha1;
  let saltLength = 20;
  let trailer = 1;
  for (const field of childrenOf(d, expectTag(readRoot(d, false), TAG.sequence, 'RSASSA-PSS-params'))) {
    const [inner] = childrenOf(d, field); // every field is [n] EXPLICIT
    const value = expectTag(inner, field.tag === 0xa2 || field.tag === 0xa3 ? TAG.integer : TAG.sequence, 'PSS parameter');
    switch (field.tag) {
      case 0xa0:
        hashOid = algorithmOid(d, value);
        break;
      case 0xa1: {
        mgfOid = algorithmOid(d, value);
        // MaskGenAlgorithm parameters: the MGF1 hash AlgorithmIdentifier
        const mgfParams = childrenOf(d, value)[1];
        mgfHashOid = mgfParams?.tag === TAG.sequence ? algorithmOid(d, mgfParams) : OID.sha1;
        break;
      }
      case 0xa2:
        saltLength = integerValue(d, value);
        break;
      case 0xa3:
        trailer = integerValue(d, value);
        break;
      default:
        return { reason: 'unknown RSASSA-PSS parameter' };
    }
  }
  const hash = digestNameForOid(hashOid);
  if (hash === undefined) return { reason: `unsupported PSS hash ${hashOid}` };
  if (mgfOid !== OID.mgf1) return { reason: 'unsupported PSS mask generation function' };
  // node:crypto uses the signature hash for MGF1 too; anything else cannot be verified here.
  if (digestNameForOid(mgfHashOid) !== hash) return { reason: 'PSS MGF1 hash differs from the signature hash' };
  if (trailer !== 1) return { reason: 'unsupported PSS trailer field' };
  return { hash, saltLength };
}

function algorithmOid(d: Uint8Array, node: Tlv): string {
  return decodeOid(d, expectTag(childrenOf(d, node)[0], TAG.oid, 'algorithm'));
}
