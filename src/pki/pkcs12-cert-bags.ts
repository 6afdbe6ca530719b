// Reads the certificate bags of a PKCS#12 file as the exact DER that was issued.
// forge gives back certificates it understands (RSA keys) only as parsed objects, and re-encoding
// those does not reproduce the signed bytes (it rewrites the signature AlgorithmIdentifier), so
// pkcs12.ts lets forge check the MAC and decrypt the keys, and reads the certificates here,
// walking the container with forge's ASN.1 reader and PBE ciphers (symmetric decryption only).
import forge from 'node-forge';

type Node = forge.asn1.Asn1;
interface PbeCipher {
  update(data: forge.util.ByteStringBuffer): void;
  finish(): boolean;
  output: forge.util.ByteStringBuffer;
}
const pbe = (forge.pki as unknown as { pbe: { getCipher(oid: string, params: Node, password: string): PbeCipher } }).pbe;

/** DER of every X.509 certificate bag, in file order. Throws plain Errors; the caller types them. */
export function readCertificateBags(bytes: Uint8Array, password: string): Uint8Array[] {
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
      const encrypted = octets(child(encryptedContentInfo, 2));
      // The UTF-16 password suits PKCS#12 PBE, UTF-8 bytes suit PBES2 (see retryWithUtf8Password).
      const decrypted = decryptSafe(algorithm, encrypted, password) ?? decryptSafe(algorithm, encrypted, utf8Binary(password));
      if (decrypted === undefined) throw new Error('cannot decrypt the certificate bags');
      safeContents = decrypted;
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

function decryptSafe(algorithm: Node, encrypted: string, password: string): Node | undefined {
  const cipher = pbe.getCipher(oidOf(child(algorithm, 0)), child(algorithm, 1), password);
  cipher.update(forge.util.createBuffer(encrypted));
  if (!cipher.finish()) return undefined;
  // Padding can check out by chance with a wrong key; the content must also parse.
  try {
    return fromDer(cipher.output.getBytes());
  } catch {
    return undefined;
  }
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

/** The password's UTF-8 bytes as a forge binary string. */
export function utf8Binary(password: string): string {
  return Buffer.from(password, 'utf8').toString('binary');
}

function binary(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('binary');
}
