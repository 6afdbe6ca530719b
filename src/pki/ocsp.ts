// OCSP responses (RFC 6960) as revocation evidence: parsing an OCSPResponse or a bare
// BasicOCSPResponse, and the status of one certificate at one time from the responses at hand.
// PKI.js reads the structure; the exact signed bytes (tbsResponseData) and the embedded
// certificates are taken from asn1js's record of the input, never re-encoded.
//
// The responder's signature is checked with node:crypto over the DER tbsResponseData (the same
// verifyTbsSignature that checks CRLs), not with PKI.js's verify(): path validation is synchronous
// (it runs inside a verification worker), PKI.js's verify is async over WebCrypto and would need a
// process-wide engine; and one signature routine for CRLs, certificates and OCSP keeps RSA-PSS
// parameters and ECDSA encodings handled in one place.
//
// A response we cannot trust (wrong responder, bad signature, unknown critical extension) is
// skipped and named in `detail`, never allowed to decide anything, as for CRLs (revocation.ts).
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type * as asn1js from 'asn1js';
import type * as pkijs from 'pkijs';
import { DocaxisError } from '../errors.js';
import { TAG, childrenWithTag, contentOf, readRoot } from './asn1-util.js';
import { type ChainCert, certificateSignedBy, sameName, tryParseChainCert } from './chain-cert.js';
import { verifyTbsSignature } from './crl-signature.js';
import { OID, digestNameForOid } from './oids.js';
import { CRL_REASONS, type RevocationStatus } from './revocation.js';
import { type X509Name, nameToText, parseName, serialToHex } from './x509.js';

// PKI.js and asn1js are loaded on first use, synchronously: requiring them costs ~45 ms, which
// every `docaxis verify` would pay at start-up although most documents carry no OCSP response.
// (Node's module cache keeps them loaded after the first call.)
const requireLib = createRequire(import.meta.url);
const asn1Lib = (): typeof asn1js => requireLib('asn1js') as typeof asn1js;
const pkijsLib = (): typeof pkijs => requireLib('pkijs') as typeof pkijs;

/** A DER OCSP response is a few KB (one or two certificates); far bigger is hostile or not OCSP. */
export const MAX_OCSP_RESPONSE_BYTES = 64 * 1024;
/** Single responses read from one response (real responders send one, a few at most). */
export const MAX_SINGLE_RESPONSES = 200;
// asn1js's own bounds, tighter than its defaults (an OCSP response nests about 12 deep). Embedded
// parsing (asn1js looking for ASN.1 inside every OCTET and BIT STRING) is off: it made a 4 KB
// response cost 3 ms, and nothing here needs it.
const BER_OPTIONS = { maxDepth: 32, maxNodes: 20_000, parseEmbedded: false } as const;

export interface OcspCertId {
  hashAlgorithmOid: string;
  issuerNameHash: Uint8Array;
  issuerKeyHash: Uint8Array;
  /** Lowercase hex, leading zero bytes stripped (as ChainCert.serialHex). */
  serialHex: string;
}

export interface OcspSingleResponse {
  certId: OcspCertId;
  status: 'good' | 'revoked' | 'unknown';
  revokedAt?: Date;
  reason?: string;
  thisUpdate: Date;
  nextUpdate?: Date;
  /** Set when this entry must not decide anything (unknown critical singleExtension). */
  unusableReason?: string;
}

export type OcspResponderId = { kind: 'name'; name: X509Name } | { kind: 'key'; keyHash: Uint8Array };

export interface ParsedOcspResponse {
  /** The BasicOCSPResponse DER (also when an OCSPResponse wrapped it). */
  der: Uint8Array;
  producedAt: Date;
  responderId: OcspResponderId;
  responses: OcspSingleResponse[];
  /** The certs field: candidates for a delegated responder. */
  certificates: Uint8Array[];
  tbsDer: Uint8Array;
  signatureAlgorithmOid: string;
  signatureAlgorithmParamsDer?: Uint8Array;
  signatureValue: Uint8Array;
  /** Set when the response must not decide anything (unknown critical responseExtension). */
  unusableReason?: string;
  /** The nonce extension's octets (RFC 8954), or 'malformed' when its value is not an OCTET STRING. */
  nonce?: Uint8Array | 'malformed';
}

const UNDERSTOOD_RESPONSE_EXTENSIONS: ReadonlySet<string> = new Set([OID.ocspNonce, OID.ocspCrlId, OID.ocspArchiveCutoff, OID.ocspExtendedRevoke]);
const UNDERSTOOD_SINGLE_EXTENSIONS: ReadonlySet<string> = new Set([OID.ocspCrlId, OID.ocspArchiveCutoff, OID.ocspServiceLocator, OID.cRLReason, OID.invalidityDate]);

/**
 * OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED, responseBytes [0] EXPLICIT ResponseBytes OPTIONAL }
 * ResponseBytes ::= SEQUENCE { responseType OBJECT IDENTIFIER, response OCTET STRING }
 * Accepts an OCSPResponse (the /DSS and adbe-revocationInfoArchival form) or a BasicOCSPResponse
 * (the CAdES revocation-values form).
 * @throws DocaxisError OCSP_MALFORMED for anything else, and for a response that is not "successful".
 */
export function parseOcspResponse(der: Uint8Array): ParsedOcspResponse {
  if (der.byteLength === 0) throw new DocaxisError('OCSP_MALFORMED', 'empty input');
  if (der.byteLength > MAX_OCSP_RESPONSE_BYTES) throw new DocaxisError('OCSP_MALFORMED', `${der.byteLength} bytes is too large for an OCSP response`);
  try {
    const own = Uint8Array.prototype.slice.call(der); // the caller's buffer may be reused
    const first = childrenWithTag(own, readRoot(own, false), TAG.sequence, 'OCSP response')[0];
    return first?.tag === 0x0a ? readOcspResponse(own) : readBasic(own);
  } catch (e) {
    if (e instanceof DocaxisError && e.code === 'OCSP_MALFORMED') throw e;
    throw new DocaxisError('OCSP_MALFORMED', e instanceof Error ? e.message : 'not an OCSP response', { cause: e });
  }
}

function asn1Of(der: Uint8Array): asn1js.AsnType {
  const parsed = asn1Lib().fromBER(der, BER_OPTIONS);
  if (parsed.offset === -1) throw new DocaxisError('OCSP_MALFORMED', parsed.result.error || 'BER decoding failed');
  if (parsed.offset !== der.byteLength) throw new DocaxisError('OCSP_MALFORMED', 'trailing data after the OCSP response');
  return parsed.result;
}

function readOcspResponse(der: Uint8Array): ParsedOcspResponse {
  const response = new (pkijsLib().OCSPResponse)({ schema: asn1Of(der) });
  const status = response.responseStatus.valueBlock.valueDec;
  if (status !== 0) throw new DocaxisError('OCSP_MALFORMED', `responseStatus ${status}: not a successful response`);
  const bytes = response.responseBytes;
  if (bytes === undefined) throw new DocaxisError('OCSP_MALFORMED', 'successful response without responseBytes');
  if (bytes.responseType !== OID.ocspBasic) throw new DocaxisError('OCSP_MALFORMED', `response type ${bytes.responseType} is not id-pkix-ocsp-basic`);
  return readBasic(new Uint8Array(bytes.response.valueBlock.valueHexView));
}

//   BasicOCSPResponse ::= SEQUENCE { tbsResponseData ResponseData, signatureAlgorithm AlgorithmIdentifier,
//     signature BIT STRING, certs [0] EXPLICIT SEQUENCE OF Certificate OPTIONAL }
// PKI.js reads ResponseData and the AlgorithmIdentifier; the outer SEQUENCE is taken apart here
// because PKI.js's BasicOCSPResponse would also decode each certificate of `certs` against the
// full Certificate schema (1.5 ms each), only for ocsp.ts to parse them again when needed.
function readBasic(der: Uint8Array): ParsedOcspResponse {
  const asn1 = asn1Of(der);
  const [tbsBlock, algorithmBlock, signatureBlock, ...rest] = asn1 instanceof asn1Lib().Sequence ? asn1.valueBlock.value : [];
  if (!(tbsBlock instanceof asn1Lib().Sequence) || !(algorithmBlock instanceof asn1Lib().Sequence) || !(signatureBlock instanceof asn1Lib().BitString)) {
    throw new DocaxisError('OCSP_MALFORMED', 'not a BasicOCSPResponse');
  }
  if (rest.length > 1 || (rest[0] !== undefined && !(rest[0].idBlock.tagClass === 3 && rest[0].idBlock.tagNumber === 0))) throw new DocaxisError('OCSP_MALFORMED', 'unexpected fields after the signature');
  const data = new (pkijsLib().ResponseData)({ schema: tbsBlock });
  const basic = { signatureAlgorithm: new (pkijsLib().AlgorithmIdentifier)({ schema: algorithmBlock }), signature: signatureBlock };
  if (data.version !== undefined && data.version !== 0) throw new DocaxisError('OCSP_MALFORMED', `ResponseData version ${data.version + 1} is not v1`);
  if (data.responses.length > MAX_SINGLE_RESPONSES) throw new DocaxisError('OCSP_MALFORMED', `${data.responses.length} single responses (at most ${MAX_SINGLE_RESPONSES})`);

  let unusableReason: string | undefined;
  for (const ext of data.responseExtensions ?? []) {
    if (ext.critical && !UNDERSTOOD_RESPONSE_EXTENSIONS.has(ext.extnID)) unusableReason ??= `unknown critical response extension ${ext.extnID}`;
  }
  const nonce = nonceOf(data.responseExtensions?.find((e) => e.extnID === OID.ocspNonce));
  const params = basic.signatureAlgorithm.algorithmParams as asn1js.AsnType | undefined;
  const paramsDer = params !== undefined && !(params instanceof asn1Lib().Null) && params.valueBeforeDecodeView.byteLength > 0 ? new Uint8Array(params.valueBeforeDecodeView) : undefined;
  const bits = basic.signature.valueBlock;
  if (bits.unusedBits !== 0) throw new DocaxisError('OCSP_MALFORMED', 'signature BIT STRING has unused bits');
  return {
    der,
    producedAt: data.producedAt,
    responderId: responderIdOf(data.responderID),
    responses: data.responses.map(readSingle),
    certificates: embeddedCertificates(asn1),
    tbsDer: new Uint8Array(data.tbsView),
    signatureAlgorithmOid: basic.signatureAlgorithm.algorithmId,
    ...(paramsDer !== undefined ? { signatureAlgorithmParamsDer: paramsDer } : {}),
    signatureValue: new Uint8Array(bits.valueHexView),
    ...(unusableReason !== undefined ? { unusableReason } : {}),
    ...(nonce !== undefined ? { nonce } : {}),
  };
}

/** RFC 8954 §2.1: extnValue holds the DER of an OCTET STRING of the nonce octets. */
function nonceOf(ext: pkijs.Extension | undefined): Uint8Array | 'malformed' | undefined {
  if (ext === undefined) return undefined;
  const value = ext.extnValue.valueBlock.valueHexView;
  const inner = asn1Lib().fromBER(value, BER_OPTIONS);
  if (inner.offset !== value.byteLength || !(inner.result instanceof asn1Lib().OctetString)) return 'malformed';
  return new Uint8Array(inner.result.valueBlock.valueHexView);
}

//   ResponderID ::= CHOICE { byName [1] Name, byKey [2] KeyHash }   KeyHash ::= OCTET STRING (SHA-1 of the key bits)
function responderIdOf(id: unknown): OcspResponderId {
  if (id instanceof pkijsLib().RelativeDistinguishedNames) {
    const nameDer = new Uint8Array(id.valueBeforeDecode);
    return { kind: 'name', name: parseName(nameDer, readRoot(nameDer, false)) };
  }
  if (id instanceof asn1Lib().OctetString) return { kind: 'key', keyHash: new Uint8Array(id.valueBlock.valueHexView) };
  throw new DocaxisError('OCSP_MALFORMED', 'ResponderID is neither byName nor byKey');
}

//   SingleResponse ::= SEQUENCE { certID CertID, certStatus CertStatus, thisUpdate GeneralizedTime,
//     nextUpdate [0] EXPLICIT GeneralizedTime OPTIONAL, singleExtensions [1] EXPLICIT Extensions OPTIONAL }
//   CertStatus ::= CHOICE { good [0] IMPLICIT NULL, revoked [1] IMPLICIT RevokedInfo, unknown [2] IMPLICIT UnknownInfo }
//   RevokedInfo ::= SEQUENCE { revocationTime GeneralizedTime, revocationReason [0] EXPLICIT CRLReason OPTIONAL }
function readSingle(single: pkijs.SingleResponse): OcspSingleResponse {
  const id = single.certID;
  const certId: OcspCertId = {
    hashAlgorithmOid: id.hashAlgorithm.algorithmId,
    issuerNameHash: new Uint8Array(id.issuerNameHash.valueBlock.valueHexView),
    issuerKeyHash: new Uint8Array(id.issuerKeyHash.valueBlock.valueHexView),
    serialHex: serialToHex(new Uint8Array(id.serialNumber.valueBlock.valueHexView)).toLowerCase(),
  };
  const status = single.certStatus as asn1js.BaseBlock;
  const base = { certId, thisUpdate: single.thisUpdate, ...(single.nextUpdate !== undefined ? { nextUpdate: single.nextUpdate } : {}) };
  let unusableReason: string | undefined;
  for (const ext of single.singleExtensions ?? []) {
    if (ext.critical && !UNDERSTOOD_SINGLE_EXTENSIONS.has(ext.extnID)) unusableReason ??= `unknown critical single extension ${ext.extnID}`;
  }
  const unusable = unusableReason !== undefined ? { unusableReason } : {};
  if (status.idBlock.tagClass !== 3) throw new DocaxisError('OCSP_MALFORMED', 'certStatus is not context-tagged');
  switch (status.idBlock.tagNumber) {
    case 0:
      return { ...base, status: 'good', ...unusable };
    case 2:
      return { ...base, status: 'unknown', ...unusable };
    case 1: {
      const parts = (status as asn1js.Constructed).valueBlock.value ?? [];
      const time = parts[0];
      if (!(time instanceof asn1Lib().GeneralizedTime)) throw new DocaxisError('OCSP_MALFORMED', 'RevokedInfo without a revocationTime');
      const reasonBlock = parts[1] as asn1js.Constructed | undefined;
      const reasonValue = reasonBlock?.valueBlock.value?.[0];
      const code = reasonValue instanceof asn1Lib().Enumerated ? reasonValue.valueBlock.valueDec : undefined;
      const reason = code === undefined ? undefined : (CRL_REASONS[code] ?? `reason ${code}`);
      return { ...base, status: 'revoked', revokedAt: time.toDate(), ...(reason !== undefined ? { reason } : {}), ...unusable };
    }
    default:
      throw new DocaxisError('OCSP_MALFORMED', `unknown certStatus [${status.idBlock.tagNumber}]`);
  }
}

/** The certs field, each certificate's bytes exactly as in the input (parsed only when needed). */
function embeddedCertificates(basic: asn1js.AsnType): Uint8Array[] {
  const fields = (basic as asn1js.Sequence).valueBlock.value;
  const wrapper = fields.find((f) => f.idBlock.tagClass === 3 && f.idBlock.tagNumber === 0) as asn1js.Constructed | undefined;
  if (wrapper === undefined) return [];
  const list = wrapper.valueBlock.value?.[0];
  if (!(list instanceof asn1Lib().Sequence)) throw new DocaxisError('OCSP_MALFORMED', 'certs is not a SEQUENCE OF Certificate');
  return list.valueBlock.value.map((c) => new Uint8Array(c.valueBeforeDecodeView));
}

// ---------------------------------------------------------------------------------------------
// Status of one certificate

/**
 * Per response and issuer: who may speak for the issuer's certificates (undefined: the response
 * is trusted) or why not. Create one per validation; never share it module-wide.
 */
export type OcspTrustCache = WeakMap<ParsedOcspResponse, Map<string, { responder?: string; why?: string }>>;

export interface OcspCheckOptions {
  /** Certificates that may be a delegated responder besides the response's own (e.g. the /DSS /Certs). */
  responderCandidates?: readonly ChainCert[];
  /** Parses a certificate of the response (a CertificateCache's tryChainCert, typically); default: parse afresh. */
  parseCertificate?: (der: Uint8Array) => ChainCert | undefined;
  trust?: OcspTrustCache;
}

/**
 * Revocation status of `cert` (issued by `issuer`) at time `at`, from the OCSP responses given.
 * Only single responses whose CertID names the certificate (issuer name hash, issuer key hash,
 * serial number) count, and only from a response signed by the issuer or by a responder the
 * issuer delegated to (id-kp-OCSPSigning, RFC 6960 §4.2.2.2). Freshness follows the CRL rule
 * (revocation.ts), minus its leniency for a missing nextUpdate: a "good" covers `at` when it was
 * issued at or after `at`, or when `at` lies before its nextUpdate. A response without nextUpdate
 * says nothing about later times, else an old "good" would outlive a revocation.
 */
export function checkOcspRevocationOf(cert: ChainCert, issuer: ChainCert, responses: readonly ParsedOcspResponse[], at: Date, options: OcspCheckOptions = {}): RevocationStatus {
  const skipped: string[] = [];
  const usable: { single: OcspSingleResponse; response: ParsedOcspResponse; responder: string }[] = [];
  const ids = new CertIdMatcher(cert, issuer);
  for (const response of responses) {
    const singles = response.responses.filter((s) => ids.matches(s.certId));
    if (singles.length === 0) continue;
    const trust = responderTrust(response, issuer, options);
    if (trust.why !== undefined) {
      skipped.push(`OCSP response produced ${response.producedAt.toISOString()}: ${trust.why}`);
      continue;
    }
    for (const single of singles) {
      if (single.unusableReason !== undefined) skipped.push(`OCSP response produced ${response.producedAt.toISOString()}: ${single.unusableReason}`);
      else usable.push({ single, response, responder: trust.responder ?? issuer.label });
    }
  }
  if (usable.length === 0) {
    return { status: 'unknown', detail: skipped.length > 0 ? `no usable OCSP response: ${skipped.join('; ')}` : `no OCSP response for the certificate (issuer ${issuer.label})` };
  }

  const window = (s: OcspSingleResponse) => ({ source: 'ocsp' as const, ocspThisUpdate: s.thisUpdate, ...(s.nextUpdate !== undefined ? { ocspNextUpdate: s.nextUpdate } : {}) });
  // A revocation is never undone (certificateHold aside, reported as revoked like the CRL path).
  const revoked = usable.filter((u) => u.single.status === 'revoked' && u.single.revokedAt !== undefined);
  if (revoked.length > 0) {
    const first = revoked.reduce((a, b) => ((b.single.revokedAt as Date) < (a.single.revokedAt as Date) ? b : a)).single;
    const base = { revokedAt: first.revokedAt as Date, ...(first.reason !== undefined ? { reason: first.reason } : {}), ...window(first) };
    if ((first.revokedAt as Date) <= at) return { status: 'revoked', ...base };
    return { status: 'good', ...base, detail: `revoked at ${(first.revokedAt as Date).toISOString()}, after the validation time` };
  }
  const covers = (s: OcspSingleResponse) => s.thisUpdate >= at || (s.nextUpdate !== undefined && at <= s.nextUpdate);
  const good = usable.filter((u) => u.single.status === 'good');
  const covering = good.filter((u) => covers(u.single));
  if (covering.length > 0) {
    const best = covering.reduce((a, b) => (b.single.thisUpdate > a.single.thisUpdate ? b : a));
    return { status: 'good', ...window(best.single), detail: `OCSP response by ${best.responder}` };
  }
  const unknown = usable.find((u) => u.single.status === 'unknown');
  if (unknown !== undefined && good.length === 0) return { status: 'unknown', ...window(unknown.single), detail: `the OCSP responder ${unknown.responder} does not know the certificate` };
  const latest = good.reduce((a, b) => (b.single.thisUpdate > a.single.thisUpdate ? b : a)).single;
  const until = latest.nextUpdate !== undefined ? `valid until ${latest.nextUpdate.toISOString()}` : 'no nextUpdate';
  return { status: 'unknown', ...window(latest), detail: `latest OCSP response (${latest.thisUpdate.toISOString()}, ${until}) does not cover the validation time` };
}

/** Computes the certificate's CertID once per hash algorithm the responses use. */
class CertIdMatcher {
  readonly #byHash = new Map<string, { name: Buffer; key: Buffer } | null>();
  constructor(
    readonly cert: ChainCert,
    readonly issuer: ChainCert,
  ) {}

  matches(id: OcspCertId): boolean {
    if (id.serialHex !== this.cert.serialHex) return false;
    let hashes = this.#byHash.get(id.hashAlgorithmOid);
    if (hashes === undefined) {
      const hash = digestNameForOid(id.hashAlgorithmOid);
      const keyBits = subjectPublicKeyBits(this.issuer);
      hashes = hash === undefined || keyBits === undefined ? null : { name: digest(hash, this.cert.issuerDer), key: digest(hash, keyBits) };
      this.#byHash.set(id.hashAlgorithmOid, hashes);
    }
    return hashes !== null && hashes.name.equals(id.issuerNameHash) && hashes.key.equals(id.issuerKeyHash);
  }
}

function digest(hash: string, data: Uint8Array): Buffer {
  return createHash(hash).update(data).digest();
}

/** The subjectPublicKey BIT STRING value without its unused-bits octet (what KeyHash hashes). */
export function subjectPublicKeyBits(cert: ChainCert): Uint8Array | undefined {
  try {
    const spki = cert.spkiDer;
    const [, key] = childrenWithTag(spki, readRoot(spki, false), TAG.sequence, 'SubjectPublicKeyInfo');
    if (key === undefined || key.tag !== TAG.bitString) return undefined;
    return contentOf(spki, key).subarray(1);
  } catch {
    return undefined;
  }
}

/**
 * Who answered for `issuer`'s certificates in `response` (the issuer itself, or a delegated
 * responder it certified), or why nobody trusted did: for the OCSP client, which refuses an
 * untrusted answer outright instead of treating it as absent evidence.
 */
export function ocspResponderTrust(response: ParsedOcspResponse, issuer: ChainCert, options: OcspCheckOptions = {}): { responder?: string; why?: string } {
  return responderTrust(response, issuer, options);
}

function responderTrust(response: ParsedOcspResponse, issuer: ChainCert, options: OcspCheckOptions): { responder?: string; why?: string } {
  const cache = options.trust;
  let byIssuer = cache?.get(response);
  const hit = byIssuer?.get(issuer.fingerprint);
  if (hit !== undefined) return hit;
  const result = judgeResponder(response, issuer, options);
  if (cache !== undefined) {
    if (byIssuer === undefined) cache.set(response, (byIssuer = new Map()));
    byIssuer.set(issuer.fingerprint, result);
  }
  return result;
}

function judgeResponder(response: ParsedOcspResponse, issuer: ChainCert, options: OcspCheckOptions): { responder?: string; why?: string } {
  if (response.unusableReason !== undefined) return { why: response.unusableReason };
  const verifies = (key: ChainCert) => verifyTbsSignature(response.signatureAlgorithmOid, response.signatureAlgorithmParamsDer, response.tbsDer, response.signatureValue, key.publicKey);
  // 1. The issuing CA answers for its own certificates.
  if (responderIs(response.responderId, issuer)) {
    const check = verifies(issuer);
    return check.ok ? { responder: issuer.label } : { why: `signature by the issuer ${issuer.label}: ${check.reason}` };
  }
  // 2. A responder the CA delegated to: issued by it, id-kp-OCSPSigning, valid when it answered.
  const parse = options.parseCertificate ?? tryParseChainCert;
  const candidates = [...response.certificates.flatMap((der) => parse(der) ?? []), ...(options.responderCandidates ?? [])].filter((c) => responderIs(response.responderId, c));
  if (candidates.length === 0) return { why: `the responder (${responderText(response.responderId)}) is neither the issuer ${issuer.label} nor a certificate at hand` };
  const reasons: string[] = [];
  for (const c of candidates) {
    const why = whyNotDelegated(c, issuer, response.producedAt);
    if (why !== undefined) {
      reasons.push(`${c.label}: ${why}`);
      continue;
    }
    const check = verifies(c);
    if (!check.ok) {
      reasons.push(`${c.label}: signature ${check.reason}`);
      continue;
    }
    // id-pkix-ocsp-nocheck: the CA vouches for the responder for its lifetime; without it the
    // responder's own status would need checking, which is not done (noted in the report).
    const noCheck = c.parsed.extensions.some((e) => e.oid === OID.ocspNoCheck);
    return { responder: noCheck ? `${c.label} (delegated, id-pkix-ocsp-nocheck)` : `${c.label} (delegated; its own revocation status not checked)` };
  }
  return { why: `responder not authorised by ${issuer.label}: ${reasons.join('; ')}` };
}

function whyNotDelegated(responder: ChainCert, issuer: ChainCert, producedAt: Date): string | undefined {
  if (!sameName(responder.issuerName, issuer.subjectName)) return 'not issued by the CA of the certificate';
  if (!responder.extKeyUsage?.purposes.includes(OID.ekuOcspSigning)) return 'no id-kp-OCSPSigning extended key usage';
  if (producedAt < responder.notBefore || producedAt > responder.notAfter) return `not valid when the response was produced (${producedAt.toISOString()})`;
  if (!certificateSignedBy(responder, issuer)) return 'its certificate is not signed by the CA of the certificate';
  return undefined;
}

function responderIs(id: OcspResponderId, cert: ChainCert): boolean {
  if (id.kind === 'name') return sameName(id.name, cert.subjectName);
  const bits = subjectPublicKeyBits(cert);
  return bits !== undefined && digest('sha1', bits).equals(id.keyHash);
}

function responderText(id: OcspResponderId): string {
  return id.kind === 'name' ? nameToText(id.name) || '(empty name)' : `key ${Buffer.from(id.keyHash).toString('hex')}`;
}
