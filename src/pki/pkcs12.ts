// Opens a PKCS#12 (.p12/.pfx) file: the private key as a node:crypto KeyObject, the certificate
// that belongs to it, and the other certificates (issuer first).
// node-forge parses the container (MAC, PBES1/PBES2 decryption, legacy 3DES/RC2 exports from
// Windows and token tools); it never does key arithmetic here. Keys go straight to OpenSSL as
// PKCS#8, certificates are matched to the key by OpenSSL (X509Certificate.checkPrivateKey).
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { DocaxisError, asDocaxisError } from '../errors.js';
import { readCertificateBags, utf8Binary } from './pkcs12-cert-bags.js';

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
    // Safety net: whatever a hostile file makes forge or OpenSSL throw reaches callers typed.
    throw asDocaxisError(e, 'PKCS12_MALFORMED');
  }
}

function load(bytes: Uint8Array, password: string): KeyMaterial {
  const p12 = openContainer(bytes, password);
  const keys = collectKeys(p12);
  const certs = collectCertificates(bytes, password);
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

function openContainer(bytes: Uint8Array, password: string): forge.pkcs12.Pkcs12Pfx {
  let asn1: forge.asn1.Asn1;
  try {
    // Strict lengths: a truncated file must read as broken, not as a decryption failure.
    asn1 = forge.asn1.fromDer(forge.util.createBuffer(binary(bytes)), true);
  } catch (e) {
    throw new DocaxisError('PKCS12_MALFORMED', 'not DER', { cause: e });
  }
  const hasMac = Array.isArray(asn1.value) && asn1.value.length >= 3;
  try {
    return forge.pkcs12.pkcs12FromAsn1(asn1, false, password);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    // forge checks the MAC first: a MAC mismatch is the wrong password. A failed decryption means
    // the wrong password only when there is no MAC (optional in PKCS#12); with a good MAC the
    // password is right, and the only remaining excuse is the non-ASCII case below.
    if (/MAC could not be verified/i.test(message)) throw new DocaxisError('PKCS12_BAD_PASSWORD', undefined, { cause: e });
    if (hasMac && /decrypt/i.test(message) && password !== utf8Binary(password)) return retryWithUtf8Password(asn1, password, e);
    // Without a MAC a wrong password shows up as a failed decryption or as garbage after it; only
    // a broken outer structure is certainly not the password's fault.
    if (!hasMac && !/Cannot read PKCS#12 PFX/i.test(message)) throw new DocaxisError('PKCS12_BAD_PASSWORD', undefined, { cause: e });
    throw new DocaxisError('PKCS12_MALFORMED', firstLine(message), { cause: e });
  }
}

/**
 * PBES2 (what OpenSSL 3 writes) derives keys from the UTF-8 bytes of the password, while the MAC
 * and the old PKCS#12 ciphers use its UTF-16 form; forge hands PBES2 the JS string as if it were
 * bytes, so "mật khẩu" fails there. The MAC has already been verified with the real password,
 * so the MAC is dropped and the bags are decrypted with the UTF-8 bytes.
 */
function retryWithUtf8Password(asn1: forge.asn1.Asn1, password: string, first: unknown): forge.pkcs12.Pkcs12Pfx {
  const withoutMac = { ...asn1, value: (asn1.value as forge.asn1.Asn1[]).slice(0, 2) };
  try {
    return forge.pkcs12.pkcs12FromAsn1(withoutMac, false, utf8Binary(password));
  } catch {
    throw new DocaxisError('PKCS12_MALFORMED', 'contents do not decrypt although the MAC is valid', { cause: first });
  }
}


function collectKeys(p12: forge.pkcs12.Pkcs12Pfx): KeyObject[] {
  const bags = [
    ...(p12.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag })[forge.pki.oids.pkcs8ShroudedKeyBag ?? ''] ?? []),
    ...(p12.getBags({ bagType: forge.pki.oids.keyBag })[forge.pki.oids.keyBag ?? ''] ?? []),
  ];
  return bags.map((bag) => {
    // forge understands only RSA keys; others (EC) come back as their PrivateKeyInfo ASN.1.
    const info = bag.key ? forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(bag.key)) : bag.asn1;
    if (!info) throw new DocaxisError('PKCS12_MALFORMED', 'empty key bag');
    try {
      return createPrivateKey({ key: derOf(info), format: 'der', type: 'pkcs8' });
    } catch (e) {
      throw new DocaxisError('KEY_UNSUPPORTED', 'OpenSSL cannot load the private key', { cause: e });
    }
  });
}

interface LoadedCert {
  readonly der: Uint8Array;
  readonly x509: X509Certificate;
}

function collectCertificates(p12Bytes: Uint8Array, password: string): LoadedCert[] {
  let ders: Uint8Array[];
  try {
    ders = readCertificateBags(p12Bytes, password);
  } catch (e) {
    throw new DocaxisError('PKCS12_MALFORMED', 'certificate bags unreadable', { cause: e });
  }
  return ders.map((der) => {
    try {
      return { der, x509: new X509Certificate(der) };
    } catch (e) {
      throw new DocaxisError('PKCS12_MALFORMED', 'a certificate in the file does not parse', { cause: e });
    }
  });
}

function binary(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('binary');
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

function derOf(asn1: forge.asn1.Asn1): Buffer {
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}

function firstLine(s: string): string {
  return (s.split('\n', 1)[0] ?? '').slice(0, 200);
}
