// Opens a PKCS#12 (.p12/.pfx) file: the private key as a node:crypto KeyObject, the certificate
// that belongs to it, and the other certificates (issuer first).
// The container is walked with asn1-util.ts and checked/decrypted with node:crypto (HMAC, the
// PKCS#12 KDF, PBKDF2, AES/3DES): see pkcs12-cert-bags.ts; node-forge only for RC2/RC4 legacy
// files, loaded on demand. Keys go straight to OpenSSL as PKCS#8, certificates are matched to
// the key by OpenSSL (X509Certificate.checkPrivateKey).
import { X509Certificate, createHmac, createPrivateKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { DocaxisError, asDocaxisError } from '../errors.js';
import { AsnError, TAG, type Tlv, childrenOf, contentOf, ctx, decodeOid, expectTag, integerValue, octetStringValue, readRoot } from './asn1-util.js';
import { OID, digestNameForOid } from './oids.js';
import { PKCS12_KDF_ID, bmpPassword, pkcs12Kdf, readSafeBags } from './pkcs12-cert-bags.js';

export interface KeyMaterial {
  privateKey: KeyObject;
  certificate: Uint8Array;
  /** Other certificates in the file, issuer first. */
  chain: Uint8Array[];
  keyAlgorithm: 'rsa' | 'ec';
}

const SUPPORTED_CURVES = new Set(['prime256v1', 'secp384r1']);

export function loadPkcs12(bytes: Uint8Array, password: string): KeyMaterial {
  try {
    return load(bytes, password);
  } catch (e) {
    // Safety net: whatever a hostile file makes the reader, forge or OpenSSL throw reaches callers typed.
    throw asDocaxisError(e, 'PKCS12_MALFORMED');
  }
}

function load(bytes: Uint8Array, password: string): KeyMaterial {
  const { authenticatedSafe, macVerified } = openContainer(bytes, password);
  const bags = readSafeBags(authenticatedSafe, password, macVerified);
  const keys = bags.keys.map(privateKeyOf);
  const certs = bags.certificates.map(loadCertificate);
  if (keys.length === 0) throw new DocaxisError('PKCS12_NO_KEY', 'no private key in the file');

  for (const privateKey of keys) {
    const index = certs.findIndex((c) => c.x509.checkPrivateKey(privateKey));
    if (index < 0) continue;
    const leaf = certs[index];
    if (leaf === undefined) continue;
    const keyAlgorithm = supportedAlgorithm(privateKey);
    const others = certs.filter((_, i) => i !== index);
    return { privateKey, certificate: leaf.der, chain: orderChain(leaf, others).map((c) => c.der), keyAlgorithm };
  }
  throw new DocaxisError('PKCS12_NO_KEY');
}

// PFX ::= SEQUENCE { version INTEGER {v3(3)}, authSafe ContentInfo, macData MacData OPTIONAL }
// MacData ::= SEQUENCE { mac DigestInfo, macSalt OCTET STRING, iterations INTEGER DEFAULT 1 }
// DigestInfo ::= SEQUENCE { digestAlgorithm AlgorithmIdentifier, digest OCTET STRING }
function openContainer(bytes: Uint8Array, password: string): { authenticatedSafe: Uint8Array; macVerified: boolean } {
  let authenticatedSafe: Uint8Array;
  let macData: Tlv | undefined;
  try {
    // Strict lengths: a truncated file must read as broken, not as a wrong password.
    const [version, authSafe, mac] = childrenOf(bytes, expectTag(readRoot(bytes, false), TAG.sequence, 'PFX'));
    if (integerValue(bytes, expectTag(version, TAG.integer, 'version')) !== 3) throw new AsnError('PFX version is not 3');
    const [type, wrapped] = childrenOf(bytes, expectTag(authSafe, TAG.sequence, 'authSafe'));
    if (decodeOid(bytes, expectTag(type, TAG.oid, 'contentType')) !== OID.data) throw new AsnError('only password-integrity PKCS#12 is supported');
    const [content] = childrenOf(bytes, expectTag(wrapped, ctx(0), 'content'));
    authenticatedSafe = octetStringValue(bytes, expectTag(content, TAG.octetString, 'authSafe data'));
    macData = mac;
  } catch (e) {
    throw new DocaxisError('PKCS12_MALFORMED', e instanceof Error ? e.message : 'not a PKCS#12 file', { cause: e });
  }
  if (macData === undefined) return { authenticatedSafe, macVerified: false };
  if (!macMatches(bytes, macData, authenticatedSafe, password)) throw new DocaxisError('PKCS12_BAD_PASSWORD');
  return { authenticatedSafe, macVerified: true };
}

/** HMAC over the AuthenticatedSafe with a key from the PKCS#12 KDF (RFC 7292 §5, appendix B). */
function macMatches(bytes: Uint8Array, macData: Tlv, authenticatedSafe: Uint8Array, password: string): boolean {
  let hash: string;
  let expected: Uint8Array;
  let salt: Uint8Array;
  let iterations = 1;
  try {
    const [digestInfo, saltNode, iterNode] = childrenOf(bytes, expectTag(macData, TAG.sequence, 'MacData'));
    const [algorithm, digest] = childrenOf(bytes, expectTag(digestInfo, TAG.sequence, 'DigestInfo'));
    const [oid] = childrenOf(bytes, expectTag(algorithm, TAG.sequence, 'digestAlgorithm'));
    const name = digestNameForOid(decodeOid(bytes, expectTag(oid, TAG.oid, 'digest algorithm')));
    if (name === undefined) throw new AsnError('unsupported MAC digest');
    hash = name;
    expected = contentOf(bytes, expectTag(digest, TAG.octetString, 'digest'));
    salt = contentOf(bytes, expectTag(saltNode, TAG.octetString, 'macSalt'));
    if (iterNode !== undefined) iterations = integerValue(bytes, expectTag(iterNode, TAG.integer, 'iterations'));
    if (iterations < 1 || iterations > 10_000_000) throw new AsnError('MAC iteration count out of range');
  } catch (e) {
    throw new DocaxisError('PKCS12_MALFORMED', e instanceof Error ? e.message : 'bad MacData', { cause: e });
  }
  // An empty password may have been written as BMP "" (00 00) or as no bytes at all (OpenSSL tries both).
  const candidates = password === '' ? [bmpPassword(''), new Uint8Array()] : [bmpPassword(password)];
  return candidates.some((pass) => {
    const key = pkcs12Kdf(hash, pass, salt, PKCS12_KDF_ID.mac, iterations, expected.length === 0 ? 1 : macKeyLength(hash));
    const actual = createHmac(hash, key).update(authenticatedSafe).digest();
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  });
}

function macKeyLength(hash: string): number {
  return { sha1: 20, sha256: 32, sha384: 48, sha512: 64 }[hash] ?? 20;
}

function privateKeyOf(pkcs8: Uint8Array): KeyObject {
  try {
    return createPrivateKey({ key: Buffer.from(pkcs8.buffer, pkcs8.byteOffset, pkcs8.byteLength), format: 'der', type: 'pkcs8' });
  } catch (e) {
    throw new DocaxisError('KEY_UNSUPPORTED', 'OpenSSL cannot load the private key', { cause: e });
  }
}

interface LoadedCert {
  readonly der: Uint8Array;
  readonly x509: X509Certificate;
}

function loadCertificate(view: Uint8Array): LoadedCert {
  // A plain Uint8Array of its own: views into decrypted Buffers would make callers' slice() a view too.
  const der = new Uint8Array(view);
  try {
    return { der, x509: new X509Certificate(der) };
  } catch (e) {
    throw new DocaxisError('PKCS12_MALFORMED', 'a certificate in the file does not parse', { cause: e });
  }
}

/** Issuer first: follow issuer links from the leaf, then whatever is left in file order. */
function orderChain(leaf: LoadedCert, others: readonly LoadedCert[]): LoadedCert[] {
  const remaining = [...others];
  const ordered: LoadedCert[] = [];
  let current = leaf;
  while (true) {
    const next = remaining.findIndex((c) => current.x509.checkIssued(c.x509));
    if (next < 0) break;
    const [issuer] = remaining.splice(next, 1);
    if (issuer === undefined) break;
    ordered.push(issuer);
    current = issuer;
  }
  return [...ordered, ...remaining];
}

function supportedAlgorithm(key: KeyObject): 'rsa' | 'ec' {
  if (key.asymmetricKeyType === 'rsa') return 'rsa';
  if (key.asymmetricKeyType === 'ec' && SUPPORTED_CURVES.has(key.asymmetricKeyDetails?.namedCurve ?? '')) return 'ec';
  const curve = key.asymmetricKeyDetails?.namedCurve;
  throw new DocaxisError('KEY_UNSUPPORTED', curve ? `${key.asymmetricKeyType} ${curve}` : key.asymmetricKeyType);
}
