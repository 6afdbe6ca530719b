// The facts path validation needs about one certificate, read once from x509.ts's parse.
// node:crypto does the signature arithmetic (keys made lazily, on the first signature checked);
// the extension decoding, each ASN.1 definition quoted beside it, lives in x509.ts.
import { X509Certificate, createHash, type KeyObject } from 'node:crypto';
import { DocaxisError, asDocaxisError } from '../errors.js';
import { isTbsAlgorithmSupported, verifyTbsSignature } from './crl-signature.js';
import { OID } from './oids.js';
import { decodePemOrDer } from './pem.js';
import {
  type CertificateExtensionFacts,
  type KeyUsageName,
  type ParsedCertificate,
  type X509Name,
  bytesEqual,
  certificateExtensionFacts,
  nameAttributes,
  namesEqual,
  parseCertificate,
  publicKeyFromSpki,
  serialToHex,
  nameToText,
} from './x509.js';

export type { KeyUsageName };

/** A certificate as path building and validation see it: parsed once, keys made on first use. */
export type ChainCert = LazyChainCert;

/**
 * Parses DER (or a PEM certificate) into ChainCert. The input is copied once: the result must not
 * change when the caller reuses its buffer.
 * @throws DocaxisError CERT_MALFORMED
 */
export function parseChainCert(bytes: Uint8Array): ChainCert {
  let parsed: ParsedCertificate;
  try {
    parsed = parseCertificate(Uint8Array.prototype.slice.call(pemToDer(bytes)));
  } catch (e) {
    throw asDocaxisError(e, 'CERT_MALFORMED');
  }
  return chainCertOf(parsed);
}

/** Like parseChainCert, but undefined for junk (untrusted candidate lists may hold anything). */
export function tryParseChainCert(bytes: Uint8Array): ChainCert | undefined {
  try {
    return parseChainCert(bytes);
  } catch {
    return undefined;
  }
}

/** Makes the OpenSSL key from SPKI DER: publicKeyFromSpki, or a cache of it (public-key-cache.ts). */
export type PublicKeyFactory = (spki: Uint8Array) => KeyObject;

/** ChainCert over an existing parse (its `der` must be owned by the caller: it is not copied). */
export function chainCertOf(parsed: ParsedCertificate, makeKey: PublicKeyFactory = publicKeyFromSpki): ChainCert {
  return new LazyChainCert(parsed, certificateExtensionFacts(parsed.extensions), makeKey);
}

/** X509Certificate accepted PEM too; keep accepting a PEM certificate (the first one). */
function pemToDer(bytes: Uint8Array): Uint8Array {
  if (bytes[0] === 0x30) return bytes;
  let first: Uint8Array | undefined;
  try {
    first = decodePemOrDer(bytes, 'CERTIFICATE')[0];
  } catch (e) {
    throw new DocaxisError('CERT_MALFORMED', e instanceof Error ? e.message : 'not a certificate', { cause: e });
  }
  if (first === undefined) throw new DocaxisError('CERT_MALFORMED', 'no CERTIFICATE block');
  return first;
}

class LazyChainCert {
  readonly der: Uint8Array;
  /** sha256 of the DER, hex: identity for dedup and visited sets. */
  readonly fingerprint: string;
  readonly subjectDer: Uint8Array;
  readonly issuerDer: Uint8Array;
  readonly subjectName: X509Name;
  readonly issuerName: X509Name;
  /** Subject CN, or the whole subject when there is no CN: used in messages. */
  readonly label: string;
  readonly serialHex: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly spkiDer: Uint8Array;
  readonly subjectKeyId?: string;
  readonly authorityKeyId?: string;
  /** undefined when the extension is absent. */
  readonly basicConstraints?: { cA: boolean; pathLen?: number };
  /** undefined when the extension is absent; the set bits by name otherwise. */
  readonly keyUsage?: ReadonlySet<KeyUsageName>;
  readonly extKeyUsage?: { critical: boolean; purposes: readonly string[] };
  /** subject == issuer: not counted against pathLenConstraint (RFC 5280 §6.1.4 (l)). */
  readonly selfIssued: boolean;
  /** Critical extensions this module does not understand (RFC 5280 §6.1.4 (o)). */
  readonly unknownCritical: readonly string[];
  /** Extensions present but unreadable: treated like unknown critical ones. */
  readonly malformedExtensions: readonly string[];
  #x509: X509Certificate | undefined;
  #publicKey: KeyObject | undefined;
  readonly #makeKey: PublicKeyFactory;

  constructor(
    /** The one parse everything above comes from. */
    readonly parsed: ParsedCertificate,
    facts: CertificateExtensionFacts,
    makeKey: PublicKeyFactory,
  ) {
    this.#makeKey = makeKey;
    this.der = parsed.der;
    this.fingerprint = createHash('sha256').update(parsed.der).digest('hex');
    this.subjectName = parsed.subject;
    this.issuerName = parsed.issuer;
    this.subjectDer = parsed.subject.der;
    this.issuerDer = parsed.issuer.der;
    this.label = commonName(parsed.subject) ?? (nameToText(parsed.subject, 'openssl') || '(empty subject)');
    this.serialHex = parsed.serialHex;
    this.notBefore = parsed.notBefore;
    this.notAfter = parsed.notAfter;
    this.spkiDer = parsed.spki;
    if (facts.subjectKeyId !== undefined) this.subjectKeyId = facts.subjectKeyId;
    if (facts.authorityKeyId !== undefined) this.authorityKeyId = facts.authorityKeyId;
    if (facts.basicConstraints !== undefined) this.basicConstraints = facts.basicConstraints;
    if (facts.keyUsage !== undefined) this.keyUsage = new Set(facts.keyUsage.names);
    if (facts.extKeyUsage !== undefined) this.extKeyUsage = facts.extKeyUsage;
    this.selfIssued = bytesEqual(this.subjectDer, this.issuerDer);
    this.unknownCritical = facts.unknownCritical;
    this.malformedExtensions = facts.malformed;
  }

  /** OpenSSL's view, made on first use only (fallback signature check). */
  get x509(): X509Certificate {
    return (this.#x509 ??= new X509Certificate(this.der));
  }

  /** The subject public key as an OpenSSL key, made on first use only. */
  get publicKey(): KeyObject {
    return (this.#publicKey ??= this.#makeKey(this.spkiDer));
  }
}

/**
 * Whether `issuer`'s key signed `child`. Our own TBS check for the algorithms crl-signature.ts
 * knows (no OpenSSL certificate object needed), OpenSSL's X509_verify for anything else. Both
 * refuse a certificate whose inner and outer signature AlgorithmIdentifiers differ.
 * Never throws: an unusable key or algorithm is a signature that does not verify.
 */
export function certificateSignedBy(child: ChainCert, issuer: ChainCert): boolean {
  try {
    const { tbsSignatureAlgorithm: inner, signatureAlgorithm: outer, tbs, signatureValue } = child.parsed;
    if (!bytesEqual(inner.der, outer.der)) return false;
    if (isTbsAlgorithmSupported(outer.oid)) return verifyTbsSignature(outer.oid, outer.paramsDer, tbs, signatureValue, issuer.publicKey).ok;
    return child.x509.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

/** The first non-empty CN, for messages. */
export function commonName(name: X509Name): string | undefined {
  const value = nameAttributes(name).find((a) => a.oid === OID.commonName)?.value;
  return value !== undefined && value.length > 0 ? value : undefined;
}

/** Name comparison: identical DER, or RFC 5280 §7.1 style equality (x509.ts namesEqual). */
export function sameName(a: X509Name, b: X509Name): boolean {
  return namesEqual(a, b);
}

export { bytesEqual, serialToHex };
