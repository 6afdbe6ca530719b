// Cryptographic check of one CMS SignerInfo: the signature value against the signer's public key,
// the messageDigest attribute against the caller's content digest, and the ESS signing-certificate
// hash against the certificate used. Path building, validity and revocation live in chain.ts.
// Returns findings, never throws for a bad or odd signature: the report layer decides.
import { type KeyObject, X509Certificate, constants, createHash, publicDecrypt, verify } from 'node:crypto';
import { AsnError, TAG, certificateIdentity, childrenOf, contentOf, ctx, decodeOid, expectTag, integerValue, readRoot } from './asn1-util.js';
import type { ParsedCms } from './cms-parse.js';
import { algorithmOid } from './cms-parse.js';
import { OID, digestNameForOid } from './oids.js';

export interface CmsSignatureCheck {
  signatureValid: boolean;
  /** undefined when there are no signed attributes. */
  messageDigestMatches: boolean | undefined;
  /** ESS signingCertificateV2 / V1 hash vs the signer certificate; undefined when neither is present. */
  signingCertificateMatches: boolean | undefined;
  errors: string[];
}

type Scheme = { kind: 'pkcs1' } | { kind: 'pss'; hash: string; saltLength: number } | { kind: 'ecdsa' };

/** `signerKey`, when the caller already holds the certificate's key (a cache), saves re-parsing it. */
export function verifyCmsSignature(parsed: ParsedCms, contentDigest: Uint8Array, signerCertificate?: Uint8Array, signerKey?: KeyObject): CmsSignatureCheck {
  const errors: string[] = [];
  const attrs = parsed.signedAttributes;

  let messageDigestMatches: boolean | undefined;
  if (attrs) {
    messageDigestMatches = attrs.messageDigest !== undefined && Buffer.from(attrs.messageDigest).equals(contentDigest);
    if (attrs.messageDigest === undefined) errors.push('signed attributes lack messageDigest');
    else if (!messageDigestMatches) errors.push('messageDigest does not match the content digest');
    if (attrs.contentType !== undefined && attrs.contentType !== parsed.eContentType) errors.push(`contentType attribute ${attrs.contentType} differs from eContentType ${parsed.eContentType}`);
    if (attrs.contentType === undefined) errors.push('signed attributes lack contentType');
  }

  const cert = signerCertificate ?? parsed.signerCertificate;
  if (!cert) {
    errors.push('no signer certificate: none given and none in the CMS matches the SignerInfo sid');
    return { signatureValid: false, messageDigestMatches, signingCertificateMatches: undefined, errors };
  }
  const signingCertificateMatches = essMatches(parsed, cert, errors);

  let key: KeyObject;
  try {
    key = signerKey ?? new X509Certificate(cert).publicKey;
  } catch (e) {
    errors.push(`signer certificate unreadable: ${e instanceof Error ? e.message : String(e)}`);
    return { signatureValid: false, messageDigestMatches, signingCertificateMatches, errors };
  }
  const signatureValid = checkSignature(parsed, contentDigest, key, errors);
  return { signatureValid, messageDigestMatches, signingCertificateMatches, errors };
}

function checkSignature(parsed: ParsedCms, contentDigest: Uint8Array, key: KeyObject, errors: string[]): boolean {
  const digest = parsed.digest;
  if (!digest) {
    errors.push(`unsupported digest algorithm ${parsed.digestAlgorithmOid}`);
    return false;
  }
  let scheme: Scheme;
  try {
    scheme = schemeOf(parsed);
  } catch (e) {
    errors.push(e instanceof Error ? e.message : String(e));
    return false;
  }
  const keyType = key.asymmetricKeyType;
  const keyFits = scheme.kind === 'ecdsa' ? keyType === 'ec' : keyType === 'rsa' || keyType === 'rsa-pss';
  if (!keyFits) {
    errors.push(`signature algorithm ${parsed.signatureAlgorithmOid} does not fit a ${String(keyType)} key`);
    return false;
  }
  try {
    let ok: boolean;
    const attrs = parsed.signedAttributes;
    if (attrs) {
      const over = (data: Uint8Array): boolean =>
        scheme.kind === 'pss'
          ? verify(scheme.hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: scheme.saltLength }, parsed.signatureValue)
          : verify(digest, data, key, parsed.signatureValue);
      // Only the DER counts (RFC 5652 5.4), with the SET OF in the order sent as the one tolerance
      // (pdfsig, pyHanko and DSS accept it); BER as sent is tried just to say why it failed.
      ok = over(attrs.der);
      if (!ok && attrs.derAsOrdered !== attrs.der) ok = over(attrs.derAsOrdered);
      if (!ok && attrs.encoded !== attrs.der && attrs.encoded !== attrs.derAsOrdered && over(attrs.encoded)) {
        errors.push('the signature verifies only over a non-DER encoding of the signed attributes (RFC 5652 5.4 signs their DER)');
        return false;
      }
    } else if (scheme.kind === 'pkcs1') {
      // No signed attributes (old adbe.pkcs7 signatures): the signature is over the content itself,
      // which we only know by its digest, so recover the DigestInfo and compare.
      ok = digestInfoMatches(publicDecrypt({ key, padding: constants.RSA_PKCS1_PADDING }, parsed.signatureValue), parsed.digestAlgorithmOid, contentDigest);
    } else {
      errors.push('signatures without signed attributes are only supported for RSA PKCS#1 v1.5');
      return false;
    }
    if (!ok) errors.push('the signature value does not verify with the signer certificate key');
    return ok;
  } catch (e) {
    errors.push(`signature verification failed: ${e instanceof Error ? e.message : String(e)}`);
    return false;
  }
}

function schemeOf(parsed: ParsedCms): Scheme {
  switch (parsed.signatureAlgorithmOid) {
    case OID.rsaEncryption:
    case OID.sha1WithRSAEncryption:
    case OID.sha256WithRSAEncryption:
    case OID.sha384WithRSAEncryption:
    case OID.sha512WithRSAEncryption:
      return { kind: 'pkcs1' };
    case OID.ecPublicKey: // seen from some signers instead of ecdsa-with-SHAxxx
    case OID.ecdsaWithSHA1:
    case OID.ecdsaWithSHA256:
    case OID.ecdsaWithSHA384:
    case OID.ecdsaWithSHA512:
      return { kind: 'ecdsa' };
    case OID.rsassaPss:
      return pssScheme(parsed.signatureAlgorithmParams);
    default:
      throw new Error(`unsupported signature algorithm ${parsed.signatureAlgorithmOid}`);
  }
}

//   RSASSA-PSS-params ::= SEQUENCE { hashAlgorithm [0] HashAlgorithm DEFAULT sha1,
//     maskGenAlgorithm [1] MaskGenAlgorithm DEFAULT mgf1SHA1, saltLength [2] INTEGER DEFAULT 20,
//     trailerField [3] TrailerField DEFAULT trailerFieldBC }
function pssScheme(params: Uint8Array | undefined): Scheme {
  let hash = OID.sha1 as string;
  let mgfHash = OID.sha1 as string;
  let saltLength = 20;
  if (params) {
    try {
      const root = readRoot(params, false);
      for (const f of childrenOf(params, expectTag(root, TAG.sequence, 'RSASSA-PSS-params'))) {
        const [inner] = childrenOf(params, f);
        if (!inner) continue;
        if (f.tag === ctx(0)) hash = algorithmOid(params, inner, 'hashAlgorithm');
        if (f.tag === ctx(1)) {
          const [mgf, mgfParams] = childrenOf(params, expectTag(inner, TAG.sequence, 'maskGenAlgorithm'));
          if (!mgf || decodeOid(params, mgf) !== OID.mgf1) throw new AsnError('PSS mask generation is not MGF1');
          mgfHash = algorithmOid(params, mgfParams, 'MGF1 hash');
        }
        if (f.tag === ctx(2)) saltLength = integerValue(params, inner);
      }
    } catch (e) {
      throw new Error(`malformed RSASSA-PSS parameters: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  }
  const name = digestNameForOid(hash);
  // node:crypto uses the message hash for MGF1 too; other combinations are not supported.
  if (!name || mgfHash !== hash) throw new Error('unsupported RSASSA-PSS parameters');
  return { kind: 'pss', hash: name, saltLength };
}

//   DigestInfo ::= SEQUENCE { digestAlgorithm AlgorithmIdentifier, digest OCTET STRING }
function digestInfoMatches(decrypted: Uint8Array, digestOid: string, contentDigest: Uint8Array): boolean {
  try {
    const root = readRoot(decrypted, false);
    const [alg, value] = childrenOf(decrypted, expectTag(root, TAG.sequence, 'DigestInfo'));
    return algorithmOid(decrypted, alg, 'DigestInfo.digestAlgorithm') === digestOid && Buffer.from(contentOf(decrypted, expectTag(value, TAG.octetString, 'digest'))).equals(contentDigest);
  } catch {
    return false;
  }
}

/** RFC 5035: the first ESSCertID(v2) names the signing certificate. */
function essMatches(parsed: ParsedCms, cert: Uint8Array, errors: string[]): boolean | undefined {
  const attrs = parsed.signedAttributes;
  const v2 = attrs?.signingCertificateV2?.[0];
  const v1 = attrs?.signingCertificateV1?.[0];
  if (!v2 && !v1) return undefined;
  const hashName = v2 ? digestNameForOid(v2.hashAlgorithm) : 'sha1';
  if (!hashName) {
    errors.push(`signingCertificateV2 uses an unsupported hash ${v2?.hashAlgorithm ?? ''}`);
    return false;
  }
  const expected = (v2 ?? v1)!.certHash;
  let ok = createHash(hashName).update(cert).digest().equals(expected);
  if (!ok) errors.push(`signingCertificate${v2 ? 'V2' : ''} hash does not match the signer certificate`);
  const namedSerial = v2?.issuerSerial?.serialNumber;
  if (ok && namedSerial !== undefined) {
    let serial: string | undefined;
    try {
      serial = certificateIdentity(cert).serialHex;
    } catch {
      serial = undefined; // X509Certificate already parsed it; a quirk here should not fail the check
    }
    if (serial !== undefined && serial !== namedSerial) {
      ok = false;
      errors.push('signingCertificateV2 issuerSerial names another serial number');
    }
  }
  return ok;
}
