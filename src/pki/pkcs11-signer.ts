// A SignerAdapter over a private key in an HSM or token, through PKCS#11 (pkcs11-host.ts runs the
// module calls on their own thread). The key never leaves the token: docaxis hashes the signed
// attributes itself and asks the token for the raw operation only (CKM_RSA_PKCS over a DigestInfo,
// CKM_ECDSA over the hash), which every token implements, whatever hash-and-sign mechanisms it has.
import { X509Certificate, constants, createHash, randomBytes, verify, type KeyObject } from 'node:crypto';
import { DocaxisError } from '../errors.js';
import type { DigestAlgorithm } from './oids.js';
import { sharedPkcs11Host, type Pkcs11Host, type OpenedKey } from './pkcs11-host.js';
import type { KeyAlgorithm, SignerAdapter } from './signer.js';

export interface Pkcs11KeySpec {
  /** Absolute path of the PKCS#11 module (.so). Callers check it against their allow-list. */
  modulePath: string;
  tokenLabel: string;
  /** CKA_LABEL of the private key; give it or `keyId` (or both). */
  keyLabel?: string;
  /** CKA_ID of the private key, hex. */
  keyId?: string;
  pin: string;
  /** The signing certificate, DER; default: the token's certificate object with the key's CKA_ID. */
  certificate?: Uint8Array;
  /** Intermediates to embed, issuer first; default: the token's other certificates that are CAs. */
  chain?: readonly Uint8Array[];
}

export interface Pkcs11Signer extends SignerAdapter {
  /** RFC 7512 URI of the key (no PIN), for logs: `pkcs11:token=...;object=...;id=...`. */
  readonly description: string;
  close(): Promise<void>;
}

/** DER of DigestInfo up to the hash (RFC 8017 §9.2, note 1). */
const DIGEST_INFO_PREFIX: Record<DigestAlgorithm, string> = {
  sha256: '3031300d060960864801650304020105000420',
  sha384: '3041300d060960864801650304020205000430',
  sha512: '3051300d060960864801650304020305000440',
};

/**
 * Opens the key (log in, find it, read its certificate) and proves, with one signature over a
 * random challenge checked against the certificate's public key, that the key and the certificate
 * belong together: a mislabelled key is refused here, not discovered by a recipient.
 */
export async function openPkcs11Signer(spec: Pkcs11KeySpec, host: Pkcs11Host = sharedPkcs11Host()): Promise<Pkcs11Signer> {
  if (spec.keyLabel === undefined && spec.keyId === undefined) throw new DocaxisError('USAGE', 'a PKCS#11 key needs a key label or a key id');
  if (spec.keyId !== undefined && !/^([0-9a-f]{2})+$/i.test(spec.keyId)) throw new DocaxisError('USAGE', `the key id must be hex, got "${spec.keyId}"`);
  let opened = await openOn(host, spec);
  let generation = host.generation;
  const certificateDer = spec.certificate ?? opened.certificate;
  if (!certificateDer) {
    await host.close(opened.ref);
    throw new DocaxisError('HSM_CERT_NOT_FOUND', `no certificate object with id ${opened.id || '(none)'} on token "${spec.tokenLabel}"; give the certificate`);
  }
  const certificate = certificateDer.slice();
  const keyAlgorithm: KeyAlgorithm = opened.algorithm;
  const description = pkcs11Uri(spec.tokenLabel, opened.label, opened.id);

  const rawSign = async (data: Uint8Array, digest: DigestAlgorithm): Promise<Uint8Array> => {
    if (!Object.hasOwn(DIGEST_INFO_PREFIX, digest)) throw new DocaxisError('DIGEST_UNSUPPORTED', String(digest));
    // The thread was replaced (a deadline passed): open the key again on the new one.
    if (host.generation !== generation) {
      opened = await openOn(host, spec);
      generation = host.generation;
    }
    const hash = createHash(digest).update(data).digest();
    if (keyAlgorithm === 'rsa') return host.sign(opened.ref, 'rsa-pkcs', Buffer.concat([Buffer.from(DIGEST_INFO_PREFIX[digest], 'hex'), hash]));
    return ecdsaRawToDer(await host.sign(opened.ref, 'ecdsa', hash));
  };

  try {
    await proveKeyMatchesCertificate(certificate, keyAlgorithm, rawSign);
  } catch (e) {
    await host.close(opened.ref).catch(() => undefined);
    throw e;
  }
  return {
    certificate,
    chain: Object.freeze((spec.chain ?? opened.others.filter(isCaCertificate)).map((c) => c.slice())),
    keyAlgorithm,
    description,
    sign: rawSign,
    close: () => host.close(opened.ref),
  };
}

function isCaCertificate(der: Uint8Array): boolean {
  try {
    return new X509Certificate(Buffer.from(der)).ca;
  } catch {
    return false;
  }
}

async function openOn(host: Pkcs11Host, spec: Pkcs11KeySpec): Promise<OpenedKey> {
  return host.open({
    module: spec.modulePath,
    token: spec.tokenLabel,
    pin: spec.pin,
    ...(spec.keyLabel !== undefined ? { keyLabel: spec.keyLabel } : {}),
    ...(spec.keyId !== undefined ? { keyId: spec.keyId.toLowerCase() } : {}),
  });
}

async function proveKeyMatchesCertificate(certificate: Uint8Array, algorithm: KeyAlgorithm, sign: (d: Uint8Array, h: DigestAlgorithm) => Promise<Uint8Array>): Promise<void> {
  let publicKey: KeyObject;
  try {
    publicKey = new X509Certificate(Buffer.from(certificate)).publicKey;
  } catch (e) {
    throw new DocaxisError('CERT_MALFORMED', e instanceof Error ? e.message : String(e));
  }
  if (publicKey.asymmetricKeyType !== algorithm) throw new DocaxisError('HSM_KEY_CERT_MISMATCH', `the token key is ${algorithm}, the certificate's key is ${publicKey.asymmetricKeyType ?? 'unknown'}`);
  const challenge = randomBytes(32);
  const signature = await sign(challenge, 'sha256');
  const ok = verify('sha256', challenge, algorithm === 'rsa' ? { key: publicKey, padding: constants.RSA_PKCS1_PADDING } : { key: publicKey, dsaEncoding: 'der' }, signature);
  if (!ok) throw new DocaxisError('HSM_KEY_CERT_MISMATCH', 'a signature by the token key does not verify with the certificate');
}

/** PKCS#11 ECDSA gives r || s (each the order's length); CMS wants DER SEQUENCE { INTEGER r, INTEGER s }. */
export function ecdsaRawToDer(raw: Uint8Array): Uint8Array {
  if (raw.length === 0 || raw.length % 2 !== 0) throw new DocaxisError('HSM_SIGN_FAILED', `ECDSA signature of odd length ${raw.length}`);
  const half = raw.length / 2;
  const r = derInteger(raw.subarray(0, half));
  const s = derInteger(raw.subarray(half));
  const body = Buffer.concat([r, s]);
  return new Uint8Array(Buffer.concat([Buffer.from([0x30]), derLength(body.length), body]));
}

function derInteger(unsigned: Uint8Array): Buffer {
  let i = 0;
  while (i < unsigned.length - 1 && unsigned[i] === 0) i++;
  let v = Buffer.from(unsigned.subarray(i));
  if (v[0]! & 0x80) v = Buffer.concat([Buffer.from([0]), v]);
  return Buffer.concat([Buffer.from([0x02]), derLength(v.length), v]);
}

function derLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  if (n < 0x100) return Buffer.from([0x81, n]);
  return Buffer.from([0x82, n >> 8, n & 0xff]);
}

/** RFC 7512: attribute values percent-encoded except unreserved characters. */
export function pkcs11Uri(token: string, object: string, idHex: string): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const parts = [`token=${enc(token)}`];
  if (object) parts.push(`object=${enc(object)}`);
  if (idHex) parts.push(`id=${idHex.replace(/(..)/g, '%$1')}`);
  return `pkcs11:${parts.join(';')}`;
}
