// Verifies the signature of a CRL (or any X.509 "signed TBS" structure) synchronously with
// node:crypto. PKI.js can do this too, but only asynchronously through WebCrypto, and
// checkRevocation has to stay a plain function.
import { constants, verify, type KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
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

/**
 * @param algorithmOid  signatureAlgorithm of the outer structure
 * @param params        its parameters (needed for RSASSA-PSS), if any
 */
export function verifyTbsSignature(algorithmOid: string, params: asn1js.AsnType | undefined, tbs: Uint8Array, signature: Uint8Array, key: KeyObject): SignatureCheck {
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
      const pss = readPssParams(params);
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
function readPssParams(params: asn1js.AsnType | undefined): { hash: string; saltLength: number } | { reason: string } {
  if (params === undefined) return { reason: 'RSASSA-PSS without parameters' };
  const p = new pkijs.RSASSAPSSParams({ schema: params });
  const hash = digestNameForOid(p.hashAlgorithm.algorithmId);
  if (hash === undefined) return { reason: `unsupported PSS hash ${p.hashAlgorithm.algorithmId}` };
  if (p.maskGenAlgorithm.algorithmId !== OID.mgf1) return { reason: 'unsupported PSS mask generation function' };
  const mgfHash = p.maskGenAlgorithm.algorithmParams instanceof asn1js.Sequence ? new pkijs.AlgorithmIdentifier({ schema: p.maskGenAlgorithm.algorithmParams }).algorithmId : OID.sha1;
  // node:crypto uses the signature hash for MGF1 too; anything else cannot be verified here.
  if (digestNameForOid(mgfHash) !== hash) return { reason: 'PSS MGF1 hash differs from the signature hash' };
  if (p.trailerField !== 1) return { reason: 'unsupported PSS trailer field' };
  return { hash, saltLength: p.saltLength };
}
