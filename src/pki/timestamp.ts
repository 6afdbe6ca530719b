// RFC 3161 time-stamp protocol, client side: build a TimeStampReq, read a TimeStampResp, and
// inspect / verify a TimeStampToken (a CMS SignedData over a TSTInfo). Trust in the TSA certificate
// (chain, critical EKU timeStamping) is chain.ts's job, not this module's.
import { createHash, randomBytes } from 'node:crypto';
import { DocaxisError, asDocaxisError, isDocaxisError, type ErrorCode } from '../errors.js';
import {
  DER_NULL,
  TAG,
  type Tlv,
  childrenOf,
  childrenWithTag,
  contentOf,
  decodeOid,
  decodeTime,
  encodeBoolean,
  encodeOctetString,
  encodeOid,
  encodeSmallInteger,
  encodeUnsignedInteger,
  expectTag,
  integerHex,
  integerValue,
  normalizeIntegerHex,
  readRoot,
  seq,
} from './asn1-util.js';
import { checkDigest } from './cms-build.js';
import { type ParsedCms, algorithmOid, parseCms } from './cms-parse.js';
import { verifyCmsSignature } from './cms-verify.js';
import { DIGEST_OID, type DigestAlgorithm, OID, digestNameForOid } from './oids.js';

/** PKIFailureInfo bit numbers (RFC 3161 section 2.4.2). */
export const FAILURE_INFO = {
  badAlg: 0,
  badRequest: 2,
  badDataFormat: 5,
  timeNotAvailable: 14,
  unacceptedPolicy: 15,
  unacceptedExtension: 16,
  addInfoNotAvailable: 17,
  systemFailure: 25,
} as const;

export type FailureInfo = keyof typeof FAILURE_INFO;

const STATUS_NAMES = ['granted', 'grantedWithMods', 'rejection', 'waiting', 'revocationWarning', 'revocationNotification'];

//   MessageImprint ::= SEQUENCE { hashAlgorithm AlgorithmIdentifier, hashedMessage OCTET STRING }
//   TimeStampReq ::= SEQUENCE { version INTEGER { v1(1) }, messageImprint MessageImprint,
//     reqPolicy TSAPolicyId OPTIONAL, nonce INTEGER OPTIONAL, certReq BOOLEAN DEFAULT FALSE,
//     extensions [0] IMPLICIT Extensions OPTIONAL }
export function buildTimestampRequest(p: { data?: Uint8Array; imprint?: Uint8Array; digest: DigestAlgorithm; nonce?: Uint8Array; certReq?: boolean }): { der: Uint8Array; nonce: Uint8Array; imprint: Uint8Array } {
  checkDigest(p.digest);
  const imprint = resolveImprint(p);
  const nonce = p.nonce ?? freshNonce();
  const certReq = p.certReq ?? true;
  // NULL parameters in the request's hash AlgorithmIdentifier: both forms are legal (RFC 5754),
  // and some deployed TSAs only accept this one.
  const messageImprint = seq(seq(encodeOid(DIGEST_OID[p.digest]), DER_NULL), encodeOctetString(imprint));
  const der = seq(encodeSmallInteger(1), messageImprint, encodeUnsignedInteger(nonce), ...(certReq ? [encodeBoolean(true)] : []));
  return { der, nonce, imprint };
}

function resolveImprint(p: { data?: Uint8Array; imprint?: Uint8Array; digest: DigestAlgorithm }): Uint8Array {
  if ((p.data === undefined) === (p.imprint === undefined)) throw new DocaxisError('USAGE', 'give exactly one of data or imprint for a timestamp request');
  if (p.data !== undefined) return createHash(p.digest).update(p.data).digest();
  const expected = createHash(p.digest).digest().length;
  if (p.imprint!.length !== expected) throw new DocaxisError('DIGEST_UNSUPPORTED', `imprint is ${p.imprint!.length} bytes, ${p.digest} gives ${expected}`);
  return p.imprint!;
}

/** 8 random bytes, first octet in 0x01..0x7f so the INTEGER encodes them unchanged. */
function freshNonce(): Uint8Array {
  const n = randomBytes(8);
  n[0] = (n[0]! & 0x7f) | 0x01;
  return n;
}

//   TimeStampResp ::= SEQUENCE { status PKIStatusInfo, timeStampToken TimeStampToken OPTIONAL }
//   PKIStatusInfo ::= SEQUENCE { status PKIStatus, statusString PKIFreeText OPTIONAL, failInfo PKIFailureInfo OPTIONAL }
//   PKIFreeText ::= SEQUENCE SIZE (1..MAX) OF UTF8String
export function parseTimestampResponse(der: Uint8Array, request?: { imprint: Uint8Array; nonce?: Uint8Array }): Uint8Array {
  let status: number;
  let text: string[] = [];
  let failures: string[] = [];
  let tokenNode: Tlv | undefined;
  try {
    const root = readRoot(der, false);
    const [statusInfo, token] = childrenWithTag(der, root, TAG.sequence, 'TimeStampResp');
    const parts = childrenWithTag(der, statusInfo, TAG.sequence, 'PKIStatusInfo');
    status = integerValue(der, expectTag(parts[0], TAG.integer, 'PKIStatus'));
    for (const part of parts.slice(1)) {
      if (part.tag === TAG.sequence) text = childrenOf(der, part).map((s) => Buffer.from(contentOf(der, s)).toString('utf8'));
      if (part.tag === TAG.bitString) failures = failureNames(contentOf(der, part));
    }
    tokenNode = token;
  } catch (e) {
    throw asDocaxisError(e, 'TSA_BAD_RESPONSE');
  }
  if (status !== 0 && status !== 1) {
    const what = [STATUS_NAMES[status] ?? `status ${status}`, ...failures, ...text].join('; ');
    throw new DocaxisError('TSA_REJECTED', what, { details: { status, failInfo: failures, statusString: text } });
  }
  if (!tokenNode) throw new DocaxisError('TSA_BAD_RESPONSE', 'granted without a timeStampToken');
  const token = Uint8Array.from(der.subarray(tokenNode.start, tokenNode.end));
  const info = inspectOr(token, 'TSA_BAD_RESPONSE');
  if (request) {
    if (!Buffer.from(info.imprint).equals(request.imprint)) throw new DocaxisError('TIMESTAMP_INVALID', 'the token imprint differs from the request');
    if (request.nonce !== undefined) {
      const want = normalizeIntegerHex(Buffer.from(request.nonce).toString('hex'));
      if (info.nonce !== want) throw new DocaxisError('TIMESTAMP_INVALID', 'the token nonce differs from the request');
    }
  }
  return token;
}

function failureNames(bitString: Uint8Array): string[] {
  const names: string[] = [];
  for (const [name, bit] of Object.entries(FAILURE_INFO)) {
    const byte = bitString[1 + (bit >> 3)];
    if (byte !== undefined && (byte & (0x80 >> (bit & 7))) !== 0) names.push(name);
  }
  return names;
}

export interface TimestampInfo {
  genTime: Date;
  policy: string;
  /** Lowercase hex. */
  serialNumber: string;
  imprintAlgorithm: 'sha1' | DigestAlgorithm | undefined;
  imprintAlgorithmOid: string;
  imprint: Uint8Array;
  /** Lowercase hex, leading zero octets stripped. */
  nonce?: string;
  tsaCertificate?: Uint8Array;
  certificates: Uint8Array[];
  /** DER of the TSTInfo (the eContent the token's messageDigest covers). */
  tstInfo: Uint8Array;
  cms: ParsedCms;
}

//   TSTInfo ::= SEQUENCE { version INTEGER { v1(1) }, policy TSAPolicyId, messageImprint MessageImprint,
//     serialNumber INTEGER, genTime GeneralizedTime, accuracy Accuracy OPTIONAL,
//     ordering BOOLEAN DEFAULT FALSE, nonce INTEGER OPTIONAL, tsa [0] GeneralName OPTIONAL,
//     extensions [1] IMPLICIT Extensions OPTIONAL }
export function inspectTimestampToken(token: Uint8Array): TimestampInfo {
  return inspectOr(token, 'TIMESTAMP_INVALID');
}

function inspectOr(token: Uint8Array, code: ErrorCode): TimestampInfo {
  let cms: ParsedCms;
  try {
    cms = parseCms(token);
  } catch (e) {
    throw new DocaxisError(code, `the token is not a CMS SignedData (${isDocaxisError(e) ? e.message : String(e)})`, { cause: e });
  }
  const tst = cms.encapsulatedContent;
  if (cms.eContentType !== OID.tstInfo || !tst) throw new DocaxisError(code, 'the token does not encapsulate a TSTInfo');
  try {
    const root = readRoot(tst, false);
    const f = childrenWithTag(tst, root, TAG.sequence, 'TSTInfo');
    if (integerValue(tst, expectTag(f[0], TAG.integer, 'TSTInfo.version')) !== 1) throw new Error('TSTInfo version is not 1');
    const policy = decodeOid(tst, expectTag(f[1], TAG.oid, 'policy'));
    const [alg, hashed] = childrenWithTag(tst, f[2], TAG.sequence, 'messageImprint');
    const imprintAlgorithmOid = algorithmOid(tst, alg, 'messageImprint.hashAlgorithm');
    const imprint = Uint8Array.from(contentOf(tst, expectTag(hashed, TAG.octetString, 'hashedMessage')));
    const serialNumber = integerHex(tst, expectTag(f[3], TAG.integer, 'serialNumber'));
    const genTime = decodeTime(tst, expectTag(f[4], TAG.generalizedTime, 'genTime'));
    const nonceNode = f.slice(5).find((n) => n.tag === TAG.integer);
    return {
      genTime,
      policy,
      serialNumber,
      imprintAlgorithm: digestNameForOid(imprintAlgorithmOid),
      imprintAlgorithmOid,
      imprint,
      ...(nonceNode ? { nonce: integerHex(tst, nonceNode) } : {}),
      ...(cms.signerCertificate ? { tsaCertificate: cms.signerCertificate } : {}),
      certificates: cms.certificates,
      tstInfo: tst,
      cms,
    };
  } catch (e) {
    throw asDocaxisError(e, code, `malformed TSTInfo: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export interface TimestampCheck {
  info: TimestampInfo;
  imprintMatches: boolean;
  signatureValid: boolean;
  errors: string[];
}

/** Checks the imprint against `timestampedData` and the token's own CMS signature (not the TSA's trust). */
export function verifyTimestampToken(token: Uint8Array, timestampedData: Uint8Array): TimestampCheck {
  const info = inspectTimestampToken(token);
  const errors: string[] = [];
  let imprintMatches = false;
  if (info.imprintAlgorithm) {
    imprintMatches = createHash(info.imprintAlgorithm).update(timestampedData).digest().equals(info.imprint);
    if (!imprintMatches) errors.push('the message imprint does not match the timestamped data');
  } else {
    errors.push(`unsupported imprint hash algorithm ${info.imprintAlgorithmOid}`);
  }
  let signatureValid = false;
  const digest = info.cms.digest;
  if (!info.tsaCertificate) {
    errors.push('the token carries no TSA certificate matching its SignerInfo');
  } else if (!digest) {
    errors.push(`unsupported token digest algorithm ${info.cms.digestAlgorithmOid}`);
  } else if (!info.cms.signedAttributes) {
    errors.push('the token SignerInfo has no signed attributes');
  } else {
    const check = verifyCmsSignature(info.cms, createHash(digest).update(info.tstInfo).digest(), info.tsaCertificate);
    errors.push(...check.errors);
    if (check.signingCertificateMatches === undefined) errors.push('the token lacks the ESS signingCertificate(V2) attribute RFC 3161 requires');
    signatureValid = check.signatureValid && check.messageDigestMatches === true && check.signingCertificateMatches === true;
  }
  return { info, imprintMatches, signatureValid, errors };
}
