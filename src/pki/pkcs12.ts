// Opens a PKCS#12 (.p12/.pfx) file: the private key as a node:crypto KeyObject, the certificate
// that belongs to it, and the other certificates (issuer first).
// node-forge parses the container (MAC, PBES1/PBES2 decryption, legacy 3DES/RC2 exports from
// Windows and token tools); it never does key arithmetic here. Keys go straight to OpenSSL as
// PKCS#8, certificates are matched to the key by OpenSSL (X509Certificate.checkPrivateKey).
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { DocaxisError } from '../errors.js';

export interface KeyMaterial {
  privateKey: KeyObject;
  certificate: Uint8Array;
  /** Other certificates in the file, issuer first. */
  chain: Uint8Array[];
  keyAlgorithm: 'rsa' | 'ec';
}

const SUPPORTED_CURVES = new Set(['prime256v1', 'secp384r1']);

export function loadPkcs12(bytes: Uint8Array, password: string): KeyMaterial {
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
  try {
    return forge.pkcs12.pkcs12FromAsn1(asn1, false, password);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    // forge checks the MAC first: a MAC mismatch is the wrong password. A failed decryption means
    // the wrong password only when there is no MAC (optional in PKCS#12); with a good MAC the
    // contents are broken.
    const hasMac = Array.isArray(asn1.value) && asn1.value.length >= 3;
    if (/MAC could not be verified/i.test(message) || (!hasMac && /decrypt/i.test(message))) {
      throw new DocaxisError('PKCS12_BAD_PASSWORD', undefined, { cause: e });
    }
    throw new DocaxisError('PKCS12_MALFORMED', firstLine(message), { cause: e });
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
    ders = certificateBags(p12Bytes, password);
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

// forge gives back certificates it understands (RSA keys) only as parsed objects, and re-encoding
// those does not reproduce the signed bytes (it rewrites the signature AlgorithmIdentifier). So
// the certificate bags are read here, straight from the container: the exact DER as issued.
// Runs after forge has checked the MAC, so the password is known to be right.

type Node = forge.asn1.Asn1;
interface PbeCipher {
  update(data: forge.util.ByteStringBuffer): void;
  finish(): boolean;
  output: forge.util.ByteStringBuffer;
}
const pbe = (forge.pki as unknown as { pbe: { getCipher(oid: string, params: Node, password: string): PbeCipher } }).pbe;

function certificateBags(bytes: Uint8Array, password: string): Uint8Array[] {
  const pfx = fromDer(binary(bytes));
  const authSafe = child(pfx, 1);
  if (oidOf(child(authSafe, 0)) !== forge.pki.oids.data) throw new Error('only password-integrity PKCS#12 is supported');
  const out: Uint8Array[] = [];
  for (const contentInfo of children(fromDer(octets(child(child(authSafe, 1), 0))))) {
    const type = oidOf(child(contentInfo, 0));
    let safeContents: Node;
    if (type === forge.pki.oids.data) {
      safeContents = fromDer(octets(child(child(contentInfo, 1), 0)));
    } else if (type === forge.pki.oids.encryptedData) {
      const encryptedContentInfo = child(child(child(contentInfo, 1), 0), 1);
      const algorithm = child(encryptedContentInfo, 1);
      const cipher = pbe.getCipher(oidOf(child(algorithm, 0)), child(algorithm, 1), password);
      cipher.update(forge.util.createBuffer(octets(child(encryptedContentInfo, 2))));
      if (!cipher.finish()) throw new Error('cannot decrypt the certificate bags');
      safeContents = fromDer(cipher.output.getBytes());
    } else {
      continue; // enveloped (public-key privacy) safes: no password can open them
    }
    for (const bag of children(safeContents)) {
      if (oidOf(child(bag, 0)) !== forge.pki.oids.certBag) continue;
      const certBag = child(child(bag, 1), 0);
      if (oidOf(child(certBag, 0)) !== forge.pki.oids.x509Certificate) continue; // SDSI certificates
      out.push(new Uint8Array(Buffer.from(octets(child(child(certBag, 1), 0)), 'binary')));
    }
  }
  return out;
}

function fromDer(bytes: string): Node {
  // Non-strict: BER is allowed inside PKCS#12 (indefinite lengths, constructed OCTET STRINGs).
  // (@types/node-forge only knows the boolean form of the options.)
  const options = { strict: false, decodeBitStrings: false } as unknown as boolean;
  return forge.asn1.fromDer(forge.util.createBuffer(bytes), options);
}

function children(node: Node): Node[] {
  if (!Array.isArray(node.value)) throw new Error('expected a constructed ASN.1 value');
  return node.value;
}

function child(node: Node, index: number): Node {
  const found = children(node)[index];
  if (found === undefined) throw new Error('missing ASN.1 element');
  return found;
}

function oidOf(node: Node): string {
  if (typeof node.value !== 'string') throw new Error('expected an OID');
  return forge.asn1.derToOid(node.value);
}

/** Contents of an OCTET STRING (or [0] IMPLICIT one), joining BER constructed segments. */
function octets(node: Node): string {
  return typeof node.value === 'string' ? node.value : node.value.map(octets).join('');
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
    const next = remaining.findIndex((c) => current.x509.checkIssued(c.x509) && c.der.length > 0);
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
