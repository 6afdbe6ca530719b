// The bags of a PKCS#12 file (RFC 7292 §4.2): certificates exactly as issued and private keys as
// PKCS#8 DER, decrypted with node:crypto. Why not node-forge: its pure-JS hashing made opening a
// file cost ~100 ms and its import ~0.3 s at every CLI start. forge is still loaded, lazily, for
// the one thing OpenSSL 3 without its legacy provider cannot do: RC2/RC4 (old "-legacy" exports).
// Password encodings differ by scheme and are the usual trap: PBES2 (PKCS#5) derives from the
// UTF-8 bytes, the PKCS#12 KDF (MAC and the old PBE ciphers) from the BMPString (UTF-16BE + 00 00).
import { createDecipheriv, createHash, hash as oneShotHash, pbkdf2Sync } from 'node:crypto';
import { createRequire } from 'node:module';
import { DocaxisError } from '../errors.js';
import { AsnError, TAG, type Tlv, bytesOf, childrenOf, concat, contentOf, ctx, decodeOid, expectTag, integerValue, octetStringValue, readRoot } from './asn1-util.js';

export interface SafeBagContents {
  /** PKCS#8 PrivateKeyInfo DER of every key bag, in file order. */
  readonly keys: Uint8Array[];
  /** DER of every X.509 certificate bag, in file order. */
  readonly certificates: Uint8Array[];
}

const OIDS = {
  data: '1.2.840.113549.1.7.1',
  encryptedData: '1.2.840.113549.1.7.6',
  keyBag: '1.2.840.113549.1.12.10.1.1',
  pkcs8ShroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  safeContentsBag: '1.2.840.113549.1.12.10.1.6',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
  pbeWithSHAAnd3KeyTripleDESCBC: '1.2.840.113549.1.12.1.3',
  pbeWithSHAAnd2KeyTripleDESCBC: '1.2.840.113549.1.12.1.4',
} as const;

const PRF_HASH: Readonly<Record<string, string>> = {
  '1.2.840.113549.2.7': 'sha1',
  '1.2.840.113549.2.8': 'sha224',
  '1.2.840.113549.2.9': 'sha256',
  '1.2.840.113549.2.10': 'sha384',
  '1.2.840.113549.2.11': 'sha512',
};

const PBES2_CIPHERS: Readonly<Record<string, { name: string; keyLength: number }>> = {
  '2.16.840.1.101.3.4.1.2': { name: 'aes-128-cbc', keyLength: 16 },
  '2.16.840.1.101.3.4.1.22': { name: 'aes-192-cbc', keyLength: 24 },
  '2.16.840.1.101.3.4.1.42': { name: 'aes-256-cbc', keyLength: 32 },
  '1.2.840.113549.3.7': { name: 'des-ede3-cbc', keyLength: 24 },
};

/** PKCS#12 PBE ciphers OpenSSL 3 has in its default provider (key length, cipher). */
const PKCS12_PBE_CIPHERS: Readonly<Record<string, { name: string; keyLength: number }>> = {
  [OIDS.pbeWithSHAAnd3KeyTripleDESCBC]: { name: 'des-ede3-cbc', keyLength: 24 },
  [OIDS.pbeWithSHAAnd2KeyTripleDESCBC]: { name: 'des-ede-cbc', keyLength: 16 },
};

/**
 * Every key and certificate bag under the AuthenticatedSafe.
 * @param macVerified  true when the password already passed the MAC: a failed decryption is then
 *   a broken file (PKCS12_MALFORMED), otherwise it is the wrong password (PKCS12_BAD_PASSWORD).
 */
export function readSafeBags(authenticatedSafe: Uint8Array, password: string, macVerified: boolean): SafeBagContents {
  const out: SafeBagContents = { keys: [], certificates: [] };
  const pw = { password, macVerified };
  // AuthenticatedSafe ::= SEQUENCE OF ContentInfo
  // ContentInfo ::= SEQUENCE { contentType OBJECT IDENTIFIER, content [0] EXPLICIT ANY OPTIONAL }
  for (const info of childrenOf(authenticatedSafe, expectTag(readRoot(authenticatedSafe, false), TAG.sequence, 'AuthenticatedSafe'))) {
    const [type, wrapped] = childrenOf(authenticatedSafe, expectTag(info, TAG.sequence, 'ContentInfo'));
    const contentType = decodeOid(authenticatedSafe, expectTag(type, TAG.oid, 'contentType'));
    const [content] = childrenOf(authenticatedSafe, expectTag(wrapped, ctx(0), 'content'));
    if (contentType === OIDS.data) {
      readSafeContents(octetStringValue(authenticatedSafe, expectTag(content, TAG.octetString, 'data')), pw, out, 0);
    } else if (contentType === OIDS.encryptedData) {
      readSafeContents(decryptEncryptedData(authenticatedSafe, expectTag(content, TAG.sequence, 'EncryptedData'), pw), pw, out, 0);
    }
    // envelopedData (public-key privacy): no password can open it; skipped as before.
  }
  return out;
}

interface PasswordContext {
  readonly password: string;
  readonly macVerified: boolean;
}

// EncryptedData ::= SEQUENCE { version INTEGER, encryptedContentInfo EncryptedContentInfo }
// EncryptedContentInfo ::= SEQUENCE { contentType OID, contentEncryptionAlgorithm AlgorithmIdentifier,
//   encryptedContent [0] IMPLICIT OCTET STRING OPTIONAL }
function decryptEncryptedData(buf: Uint8Array, node: Tlv, pw: PasswordContext): Uint8Array {
  const [, eci] = childrenOf(buf, node);
  const [, algorithm, encrypted] = childrenOf(buf, expectTag(eci, TAG.sequence, 'EncryptedContentInfo'));
  if (!encrypted || (encrypted.tag & 0x1f) !== 0 || (encrypted.tag & 0xc0) !== 0x80) throw new AsnError('encryptedContent missing');
  return decrypt(buf, expectTag(algorithm, TAG.sequence, 'contentEncryptionAlgorithm'), implicitOctets(buf, encrypted), pw);
}

/** [n] IMPLICIT OCTET STRING, primitive or BER-constructed from OCTET STRING segments. */
function implicitOctets(buf: Uint8Array, node: Tlv): Uint8Array {
  if (!node.constructed) return contentOf(buf, node);
  return concat(...childrenOf(buf, node).map((c) => octetStringValue(buf, expectTag(c, TAG.octetString, 'segment'))));
}

// SafeContents ::= SEQUENCE OF SafeBag
// SafeBag ::= SEQUENCE { bagId OID, bagValue [0] EXPLICIT ANY, bagAttributes SET OF PKCS12Attribute OPTIONAL }
function readSafeContents(buf: Uint8Array, pw: PasswordContext, out: SafeBagContents, depth: number): void {
  if (depth > 4) throw new AsnError('SafeContents nested too deep');
  for (const bag of childrenOf(buf, expectTag(readRoot(buf, false), TAG.sequence, 'SafeContents'))) {
    const [id, wrapped] = childrenOf(buf, expectTag(bag, TAG.sequence, 'SafeBag'));
    const bagId = decodeOid(buf, expectTag(id, TAG.oid, 'bagId'));
    const [value] = childrenOf(buf, expectTag(wrapped, ctx(0), 'bagValue'));
    if (!value) throw new AsnError('empty bagValue');
    switch (bagId) {
      case OIDS.keyBag: // PrivateKeyInfo, in clear
        out.keys.push(bytesOf(buf, value));
        break;
      case OIDS.pkcs8ShroudedKeyBag: {
        // EncryptedPrivateKeyInfo ::= SEQUENCE { encryptionAlgorithm AlgorithmIdentifier, encryptedData OCTET STRING }
        const [algorithm, data] = childrenOf(buf, expectTag(value, TAG.sequence, 'EncryptedPrivateKeyInfo'));
        const plain = decrypt(buf, expectTag(algorithm, TAG.sequence, 'encryptionAlgorithm'), octetStringValue(buf, expectTag(data, TAG.octetString, 'encryptedData')), pw);
        out.keys.push(plain);
        break;
      }
      case OIDS.certBag: {
        // CertBag ::= SEQUENCE { certId OID, certValue [0] EXPLICIT ANY }  -- x509Certificate: OCTET STRING of DER
        const [certId, certValue] = childrenOf(buf, expectTag(value, TAG.sequence, 'CertBag'));
        if (decodeOid(buf, expectTag(certId, TAG.oid, 'certId')) !== OIDS.x509Certificate) break; // SDSI certificates
        const [octets] = childrenOf(buf, expectTag(certValue, ctx(0), 'certValue'));
        out.certificates.push(octetStringValue(buf, expectTag(octets, TAG.octetString, 'x509Certificate')));
        break;
      }
      case OIDS.safeContentsBag:
        readSafeContents(bytesOf(buf, value), pw, out, depth + 1);
        break;
      default:
        break; // CRL and secret bags: nothing docaxis uses
    }
  }
}

/**
 * Decrypts with the scheme `algorithm` names. The plaintext must be one DER value: CBC padding
 * checks out by chance for about one wrong key in 256, the structure does not.
 */
function decrypt(buf: Uint8Array, algorithm: Tlv, data: Uint8Array, pw: PasswordContext): Uint8Array {
  const [oidNode, params] = childrenOf(buf, algorithm);
  const oid = decodeOid(buf, expectTag(oidNode, TAG.oid, 'algorithm'));
  let plain: Uint8Array | undefined;
  if (oid === OIDS.pbes2) plain = pbes2Decrypt(buf, expectTag(params, TAG.sequence, 'PBES2-params'), data, pw.password);
  else if (PKCS12_PBE_CIPHERS[oid] !== undefined) plain = pkcs12PbeDecrypt(PKCS12_PBE_CIPHERS[oid], buf, expectTag(params, TAG.sequence, 'pkcs-12PbeParams'), data, pw.password);
  else plain = legacyDecrypt(bytesOf(buf, algorithm), data, pw.password);
  if (plain !== undefined && isOneDerValue(plain)) return plain;
  if (pw.macVerified) throw new DocaxisError('PKCS12_MALFORMED', 'contents do not decrypt although the MAC is valid');
  // Without a MAC (it is optional) a wrong password shows up here and only here.
  throw new DocaxisError('PKCS12_BAD_PASSWORD');
}

function isOneDerValue(bytes: Uint8Array): boolean {
  try {
    return readRoot(bytes, false).tag === TAG.sequence;
  } catch {
    return false;
  }
}

// PBES2-params ::= SEQUENCE { keyDerivationFunc AlgorithmIdentifier {{PBES2-KDFs}},
//                             encryptionScheme AlgorithmIdentifier {{PBES2-Encs}} }
// PBKDF2-params ::= SEQUENCE { salt OCTET STRING, iterationCount INTEGER (1..MAX),
//   keyLength INTEGER (1..MAX) OPTIONAL, prf AlgorithmIdentifier DEFAULT algid-hmacWithSHA1 }
function pbes2Decrypt(buf: Uint8Array, params: Tlv, data: Uint8Array, password: string): Uint8Array | undefined {
  const [kdf, scheme] = childrenOf(buf, params);
  const [kdfOid, kdfParams] = childrenOf(buf, expectTag(kdf, TAG.sequence, 'keyDerivationFunc'));
  if (decodeOid(buf, expectTag(kdfOid, TAG.oid, 'kdf')) !== OIDS.pbkdf2) throw unsupported('PBES2 key derivation');
  const fields = childrenOf(buf, expectTag(kdfParams, TAG.sequence, 'PBKDF2-params'));
  const salt = contentOf(buf, expectTag(fields[0], TAG.octetString, 'salt')); // "otherSource" salts: not in use
  const iterations = boundedIterations(integerValue(buf, expectTag(fields[1], TAG.integer, 'iterationCount')));
  let keyLength: number | undefined;
  let hash = 'sha1';
  for (const f of fields.slice(2)) {
    if (f.tag === TAG.integer) keyLength = integerValue(buf, f);
    else {
      const prf = PRF_HASH[decodeOid(buf, expectTag(childrenOf(buf, expectTag(f, TAG.sequence, 'prf'))[0], TAG.oid, 'prf'))];
      if (prf === undefined) throw unsupported('PBKDF2 PRF');
      hash = prf;
    }
  }
  const [encOid, ivNode] = childrenOf(buf, expectTag(scheme, TAG.sequence, 'encryptionScheme'));
  const cipher = PBES2_CIPHERS[decodeOid(buf, expectTag(encOid, TAG.oid, 'encryption scheme'))];
  if (cipher === undefined) throw unsupported('PBES2 cipher');
  if (keyLength !== undefined && keyLength !== cipher.keyLength) throw new AsnError('PBKDF2 keyLength does not fit the cipher');
  const key = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, cipher.keyLength, hash);
  return cbcDecrypt(cipher.name, key, contentOf(buf, expectTag(ivNode, TAG.octetString, 'IV')), data);
}

// pkcs-12PbeParams ::= SEQUENCE { salt OCTET STRING, iterations INTEGER }
function pkcs12PbeDecrypt(cipher: { name: string; keyLength: number }, buf: Uint8Array, params: Tlv, data: Uint8Array, password: string): Uint8Array | undefined {
  const [saltNode, iterNode] = childrenOf(buf, params);
  const salt = contentOf(buf, expectTag(saltNode, TAG.octetString, 'salt'));
  const iterations = boundedIterations(integerValue(buf, expectTag(iterNode, TAG.integer, 'iterations')));
  const pass = bmpPassword(password);
  const key = pkcs12Kdf('sha1', pass, salt, PKCS12_KDF_ID.key, iterations, cipher.keyLength);
  const iv = pkcs12Kdf('sha1', pass, salt, PKCS12_KDF_ID.iv, iterations, 8);
  return cbcDecrypt(cipher.name, key, iv, data);
}

function cbcDecrypt(name: string, key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array | undefined {
  try {
    const d = createDecipheriv(name, key, iv);
    return Buffer.concat([d.update(data), d.final()]);
  } catch {
    return undefined; // bad padding (wrong key) or a bad IV length: judged by the caller
  }
}

/** Hostile files must not make us spin: OpenSSL writes 2048, old tools 1-2000. */
function boundedIterations(n: number): number {
  if (n < 1 || n > 10_000_000) throw new AsnError(`iteration count ${n} out of range`);
  return n;
}

function unsupported(what: string): DocaxisError {
  return new DocaxisError('PKCS12_MALFORMED', `unsupported ${what}`);
}

// ---------------------------------------------------------------------------------------------
// PKCS#12 key derivation (RFC 7292 appendix B.2), also used for the MAC key by pkcs12.ts.

export const PKCS12_KDF_ID = { key: 1, iv: 2, mac: 3 } as const;

const BLOCK_SIZE: Readonly<Record<string, number>> = { sha1: 64, sha224: 64, sha256: 64, sha384: 128, sha512: 128 };

/** The password as a BMPString with its two-zero-byte terminator (B.1); '' is just 00 00. */
export function bmpPassword(password: string): Uint8Array {
  const utf16 = Buffer.from(`${password}\0`, 'utf16le');
  return utf16.swap16();
}

/**
 * n bytes of key material for purpose `id` from the BMP password, the salt and `iterations`.
 * B.2: D = id repeated v times; I = S || P (salt and password each repeated to a multiple of v);
 * A_i = H^r(D || I); I_j = (I_j + B + 1) mod 2^(8v) with B = A_i repeated to v bytes.
 */
export function pkcs12Kdf(hash: string, password: Uint8Array, salt: Uint8Array, id: number, iterations: number, n: number): Buffer {
  const v = BLOCK_SIZE[hash];
  if (v === undefined) throw unsupported(`PKCS#12 KDF hash ${hash}`);
  const fill = (src: Uint8Array): Buffer => {
    const out = Buffer.alloc(src.length === 0 ? 0 : v * Math.ceil(src.length / v));
    for (let i = 0; i < out.length; i++) out[i] = src[i % src.length]!;
    return out;
  };
  const D = Buffer.alloc(v, id);
  const I = Buffer.concat([fill(salt), fill(password)]);
  const blocks: Buffer[] = [];
  for (let produced = 0; produced < n; ) {
    let A = createHash(hash).update(D).update(I).digest();
    // crypto.hash: no Hash object per round (OpenSSL writes 2048 rounds; this runs at every CLI sign).
    for (let r = 1; r < iterations; r++) A = oneShotHash(hash, A, 'buffer');
    blocks.push(A);
    produced += A.length;
    if (produced >= n) break;
    const B = fill(A).subarray(0, v);
    for (let j = 0; j < I.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = I[j + k]! + B[k]! + carry;
        I[j + k] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return Buffer.concat(blocks).subarray(0, n);
}

// ---------------------------------------------------------------------------------------------
// Legacy fallback: node-forge, loaded on first need only (RC2-40 is what "-legacy" exports use
// for certificates, and OpenSSL 3 has no RC2 without the legacy provider).

type Forge = typeof import('node-forge');
interface ForgeCipher {
  update(data: unknown): void;
  finish(): boolean;
  output: { getBytes(): string };
}
function forge(): Forge {
  // Synchronous on purpose: loadPkcs12 is a plain function. createRequire keeps forge (CJS) out
  // of the module graph until a legacy file actually shows up (require caches it after that).
  return createRequire(import.meta.url)('node-forge') as Forge;
}

function legacyDecrypt(algorithmDer: Uint8Array, data: Uint8Array, password: string): Uint8Array | undefined {
  const f = forge();
  const algorithm = f.asn1.fromDer(f.util.createBuffer(binary(algorithmDer)));
  const [oid, params] = algorithm.value as import('node-forge').asn1.Asn1[];
  if (oid === undefined || params === undefined) throw unsupported('encryption algorithm');
  let cipher: ForgeCipher;
  try {
    const pbe = (f.pki as unknown as { pbe: { getCipher(oid: string, params: unknown, password: string): ForgeCipher } }).pbe;
    // forge's PKCS#12 KDF takes the JS string and encodes it as UTF-16 itself.
    cipher = pbe.getCipher(f.asn1.derToOid(oid.value as string), params, password);
  } catch (e) {
    throw new DocaxisError('PKCS12_MALFORMED', 'unsupported encryption algorithm', { cause: e });
  }
  cipher.update(f.util.createBuffer(binary(data)));
  if (!cipher.finish()) return undefined;
  return new Uint8Array(Buffer.from(cipher.output.getBytes(), 'binary'));
}

function binary(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('binary');
}
