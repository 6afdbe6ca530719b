// Validates one signature (or document timestamp) into a report record: byte range, CMS
// integrity and crypto, signing-certificate binding, signature timestamp, certificate chain at the
// validation time with proof of existence from the timestamp, then what changed after it.
import { createHash, type KeyObject } from 'node:crypto';
import { isDocaxisError } from '../errors.js';
import { nameValue, PdfDict, PdfString } from '../pdf/objects.js';
import { listFields } from '../pdf/acroform.js';
import type { PdfReader } from '../pdf/reader.js';
import { readTlv } from '../pki/asn1-util.js';
import { validateChain, type ChainResult } from '../pki/chain.js';
import { parseCms, type ParsedCms } from '../pki/cms-parse.js';
import { verifyCmsSignature } from '../pki/cms-verify.js';
import type { CertificateCache } from '../pki/certificate-cache.js';
import { type ParsedOcspResponse, parseOcspResponse } from '../pki/ocsp.js';
import { MAX_EMBEDDED_ITEMS, readAttributeRevocationValues } from '../pki/revocation-archival.js';
import type { ParsedCrl } from '../pki/revocation.js';
import { inspectTimestampToken, verifyTimestampToken, type TimestampInfo } from '../pki/timestamp.js';
import { checkByteRange } from './byte-range.js';
import type { DssSource } from './dss-read.js';
import { safeCommonName, summariseCertificate, summariseSigner } from './certificate-summary.js';
import { analyseModifications, readCertification, readFieldLock, type DiffOptions } from './diff/index.js';
import type { FoundSignature } from './find-signatures.js';
import type { RangeHasher } from './range-hasher.js';
import type { Indication, SignatureReport, SubIndication } from './report.js';
import { parsePdfDate } from './vn-time.js';

export interface ValidationContext {
  trustAnchors: readonly Uint8Array[];
  intermediates: readonly Uint8Array[];
  crls: readonly ParsedCrl[];
  /** OCSP responses from the caller, if any. */
  ocspResponses?: readonly ParsedOcspResponse[];
  /** The document's /DSS (certificates, CRLs, OCSP responses), read once for every signature. */
  dss?: DssSource;
  /** The time to validate certificates at. */
  at: Date;
  /** Require revocation status for every certificate (else: checked when CRLs or OCSP responses are at hand, given or embedded). */
  requireRevocation: boolean;
  hasher: RangeHasher;
  /** Parsed certificates and CRLs, shared by every signature of one verification. */
  cache: CertificateCache;
  /** Proofs of existence from the valid document timestamps found so far (verify.ts fills it, latest first). */
  proofs?: readonly ProofOfExistence[];
}

/**
 * A valid document timestamp proves that every byte before its own /Contents existed at its time
 * (ETSI EN 319 102-1 §5.6.2.3 POE): a signature, a signature timestamp or an earlier document
 * timestamp whose /Contents starts before `before` is covered.
 */
export interface ProofOfExistence {
  time: Date;
  before: number;
}

/** The earliest proof of existence covering the /Contents that starts at `offset`. */
function proofFor(ctx: ValidationContext, offset: number | undefined): Date | undefined {
  if (offset === undefined) return undefined;
  let best: Date | undefined;
  for (const p of ctx.proofs ?? []) if (offset < p.before && (best === undefined || p.time < best)) best = p.time;
  return best;
}

type Verdict = { indication: Indication; subIndication: SubIndication | null };
const PASSED: Verdict = { indication: 'TOTAL_PASSED', subIndication: null };
const SUPPORTED_SUBFILTERS = new Set(['ETSI.CAdES.detached', 'adbe.pkcs7.detached']);

export function verifySignature(reader: PdfReader, found: FoundSignature, index: number, ctx: ValidationContext): SignatureReport {
  const errors: string[] = [];
  const warnings: string[] = [];
  const subFilter = nameValue(found.dict.get('SubFilter')) ?? null;
  const claimedRaw = found.dict.get('M');
  const claimed = claimedRaw instanceof PdfString ? parsePdfDate(claimedRaw.latin1()) : undefined;
  const report: SignatureReport = {
    index,
    type: found.type,
    fieldName: found.fieldName,
    fieldNames: [...found.fieldNames],
    subFilter,
    indication: 'INDETERMINATE',
    subIndication: null,
    signer: null,
    times: { claimed: claimed?.toISOString() ?? null, proven: null, validation: ctx.at.toISOString() },
    digestAlgorithm: null,
    coverage: { kind: 'partial', byteRange: [], signedRevision: null },
    chain: { status: 'not-checked', trusted: false, certificates: [], revocation: [] },
    timestamp: null,
    modifiedAfterSigning: 'none',
    modifications: { allowed: [], disallowed: [] },
    replays: [],
    errors,
    warnings,
  };
  const finish = (v: Verdict): SignatureReport => {
    report.indication = v.indication;
    report.subIndication = v.subIndication;
    return report;
  };

  const range = checkByteRange(reader, found);
  report.coverage = { kind: range.coverage, byteRange: range.byteRange, signedRevision: range.signedRevision };
  if (range.misplaced) {
    errors.push(range.error ?? 'the /ByteRange gap is not this signature dictionary\'s own /Contents');
    analyseAfter(reader, range.signedRevision, found, report);
    addDisallowed(report, {
      revision: found.firstSeenRevision,
      object: found.ref?.num ?? null,
      kind: 'signature-dictionary-misplaced',
      description: "a signature dictionary whose /ByteRange gap is not its own /Contents was added: it signs nothing of its own",
    });
    return finish(misplacedVerdict(range.byteRange, range.misplaced.ownContents, found, ctx, report));
  }
  if (!range.ok || !range.contents) {
    errors.push(range.error ?? 'bad /ByteRange');
    return finish({ indication: 'TOTAL_FAILED', subIndication: 'FORMAT_FAILURE' });
  }
  // With the /Prev chain broken the revisions are unknown, so no range can match one: the
  // signature's own cryptography is still checked (verify.ts makes the rest INDETERMINATE).
  if (range.coverage === 'partial' && !reader.brokenPrevChain) {
    errors.push('the signature covers only part of a revision: bytes inside the revision are not signed');
    return finish({ indication: 'TOTAL_FAILED', subIndication: 'FORMAT_FAILURE' });
  }
  analyseAfter(reader, range.signedRevision, found, report);

  if (found.type === 'document-timestamp') return finish(verifyDocumentTimestamp(reader, range.byteRange, range.contents, ctx, report));
  if (!subFilter || !SUPPORTED_SUBFILTERS.has(subFilter)) {
    errors.push(`SubFilter ${subFilter ?? '(none)'} is not supported (ETSI.CAdES.detached or adbe.pkcs7.detached)`);
    return finish({ indication: 'INDETERMINATE', subIndication: 'FORMAT_FAILURE' });
  }

  let cms: ParsedCms;
  try {
    cms = parseCms(range.contents, { allowTrailingData: true });
  } catch (e) {
    errors.push(isDocaxisError(e) ? e.message : 'the CMS could not be parsed');
    return finish({ indication: 'TOTAL_FAILED', subIndication: 'FORMAT_FAILURE' });
  }
  const structure = cmsStructureError(cms, subFilter, warnings);
  if (structure) {
    errors.push(structure);
    return finish({ indication: 'TOTAL_FAILED', subIndication: 'FORMAT_FAILURE' });
  }
  report.digestAlgorithm = cms.digest ?? cms.digestAlgorithmOid;
  if (!cms.digest) {
    errors.push(`digest algorithm ${cms.digestAlgorithmOid} is not supported`);
    return finish({ indication: 'INDETERMINATE', subIndication: 'FORMAT_FAILURE' });
  }
  const signerCert = cms.signerCertificate;
  if (!signerCert) {
    errors.push('the CMS does not carry the signing certificate');
    return finish({ indication: 'INDETERMINATE', subIndication: 'NO_SIGNING_CERTIFICATE_FOUND' });
  }
  try {
    report.signer = summariseSigner(signerCert, ctx.cache);
  } catch {
    errors.push('the signing certificate could not be parsed');
    return finish({ indication: 'INDETERMINATE', subIndication: 'NO_SIGNING_CERTIFICATE_FOUND' });
  }

  const documentDigest = ctx.hasher.digest(range.byteRange, cms.digest);
  const check = verifyCmsSignature(cms, documentDigest, signerCert, cachedKey(ctx.cache, signerCert));
  errors.push(...check.errors);
  if (check.messageDigestMatches === false) {
    errors.push('the document bytes do not match the signed digest: the signed content was altered');
    return finish({ indication: 'TOTAL_FAILED', subIndication: 'HASH_FAILURE' });
  }
  if (!check.signatureValid) return finish({ indication: 'TOTAL_FAILED', subIndication: 'SIG_CRYPTO_FAILURE' });
  if (check.signingCertificateMatches === false) {
    errors.push('the signing-certificate attribute names a different certificate');
    return finish({ indication: 'INDETERMINATE', subIndication: 'NO_SIGNING_CERTIFICATE_FOUND' });
  }
  attributeWarnings(cms, subFilter, warnings);

  const proven = signatureTimestamp(cms, ctx, report, range.byteRange[1]);
  const chainVerdict = validateSigner(signerCert, cms, ctx, proven, report);
  if (chainVerdict.indication !== 'TOTAL_PASSED') return finish(chainVerdict);
  if (cms.digest === 'sha1') {
    errors.push('SHA-1 is no longer an acceptable digest for signatures');
    return finish({ indication: 'INDETERMINATE', subIndication: 'CRYPTO_CONSTRAINTS_FAILURE_NO_POE' });
  }
  if (claimed && proven && claimed.getTime() > proven.time.getTime() + 5 * 60_000) {
    warnings.push('the claimed signing time (/M) is later than the timestamp');
  }
  return finish(PASSED);
}

/** What PAdES forbids in the CMS of a detached signature (ETSI EN 319 142-1 6.3, ISO 32000-2 12.8.3.3). */
function cmsStructureError(cms: ParsedCms, subFilter: string, warnings: string[]): string | undefined {
  if (cms.encapsulatedContent !== undefined) return `the CMS encapsulates content, but ${subFilter} requires a detached signature`;
  if (cms.distinctSignerInfoCount > 1) return `the CMS has ${cms.distinctSignerInfoCount} different SignerInfos; a PDF signature has exactly one`;
  if (cms.signerInfoCount > 1) warnings.push(`the CMS repeats its SignerInfo ${cms.signerInfoCount} times (byte-identical copies, checked as one)`);
  if (cms.trailingBytes > 0) warnings.push(`${cms.trailingBytes} non-zero byte(s) follow the CMS value in /Contents (not signed, ignored)`);
  return undefined;
}

/**
 * A dictionary whose gap is not its own /Contents (e.g. a forged field copying another signature's
 * /ByteRange): its own CMS, judged against the bytes it claims, is a digest mismatch when it
 * parses (as pdfsig and pyHanko report it); otherwise the signature cannot be read at all.
 */
function misplacedVerdict(byteRange: number[], own: Uint8Array | undefined, found: FoundSignature, ctx: ValidationContext, report: SignatureReport): Verdict {
  const failed: Verdict = { indication: 'TOTAL_FAILED', subIndication: 'FORMAT_FAILURE' };
  if (!own || found.type !== 'signature') return failed;
  let cms: ParsedCms;
  try {
    cms = parseCms(own, { allowTrailingData: true });
  } catch {
    report.errors.push('its own /Contents is not a CMS signature');
    return failed;
  }
  const signed = cms.signedAttributes?.messageDigest;
  if (!cms.digest || !signed) return failed;
  report.digestAlgorithm = cms.digest;
  if (Buffer.from(ctx.hasher.digest(byteRange, cms.digest)).equals(signed)) return failed;
  report.errors.push('its own CMS does not match the bytes its /ByteRange covers');
  return { indication: 'TOTAL_FAILED', subIndication: 'HASH_FAILURE' };
}

function addDisallowed(report: SignatureReport, entry: SignatureReport['modifications']['disallowed'][number]): void {
  report.modifications.disallowed.push(entry);
  report.modifiedAfterSigning = 'disallowed';
}

/** The certificate's key from the cache; undefined (the CMS check then reports it) if unusable. */
function cachedKey(cache: CertificateCache, der: Uint8Array): KeyObject | undefined {
  try {
    return cache.tryChainCert(der)?.publicKey;
  } catch {
    return undefined;
  }
}

function attributeWarnings(cms: ParsedCms, subFilter: string, warnings: string[]): void {
  const attrs = cms.signedAttributes;
  if (!attrs) {
    warnings.push('the CMS has no signed attributes');
    return;
  }
  if (subFilter === 'ETSI.CAdES.detached') {
    if (!attrs.signingCertificateV2?.length && !attrs.signingCertificateV1?.length) warnings.push('PAdES baseline requires the signing-certificate-v2 attribute');
    if (attrs.signingTime) warnings.push('PAdES baseline forbids the signingTime attribute (the PDF /M carries the claimed time)');
  }
}

/**
 * Validates the unsigned signature timestamp; returns its time when it is a proof of existence.
 * A TSA certificate that has expired (or was revoked) since is still acceptable when a later valid
 * document timestamp covers the signature and the TSA chain, revocation included, was valid at
 * that document timestamp's time (past signature validation, ETSI EN 319 102-1 §5.6.2.4).
 */
function signatureTimestamp(cms: ParsedCms, ctx: ValidationContext, report: SignatureReport, offset: number | undefined): { time: Date; archived: boolean } | undefined {
  if (!cms.timestampToken) return undefined;
  const ts: NonNullable<SignatureReport['timestamp']> = { valid: false, genTime: null, tsa: null, chainStatus: 'not-checked', errors: [] };
  report.timestamp = ts;
  let tokenSound = false;
  let archived = false;
  try {
    const check = verifyTimestampToken(cms.timestampToken, cms.signatureValue);
    ts.genTime = check.info.genTime.toISOString();
    ts.errors.push(...check.errors);
    if (!check.imprintMatches) ts.errors.push('the timestamp does not cover this signature value');
    const tsaCert = check.info.tsaCertificate;
    if (tsaCert) ts.tsa = safeCommonName(tsaCert, ctx.cache);
    if (!tsaCert) ts.errors.push('the timestamp does not carry the TSA certificate');
    const chain = tsaCert ? timestampChain(tsaCert, check.info, ctx) : undefined;
    ts.chainStatus = chain?.status ?? 'no-chain';
    const sound = check.imprintMatches && check.signatureValid;
    const archivedAt = sound && tsaCert && chain && chain.status !== 'valid' ? tsaValidAtProof(tsaCert, check.info, chain, proofFor(ctx, offset), ctx) : undefined;
    if (archivedAt) {
      archived = true;
      ts.chainStatus = 'valid';
      report.warnings.push(`the signature timestamp's TSA chain is ${chain?.status}; it was valid at ${archivedAt.toISOString()}, proven by a later document timestamp`);
    } else if (chain && chain.status !== 'valid') ts.errors.push(...chain.errors);
    ts.valid = sound && (chain?.status === 'valid' || archivedAt !== undefined);
    tokenSound = check.errors.length === 0 && sound && tsaCert !== undefined;
  } catch (e) {
    ts.errors.push(isDocaxisError(e) ? e.message : 'the timestamp token could not be read');
  }
  if (!ts.valid) {
    // A sound token whose TSA chain is not trusted (e.g. no trust anchor given) is not "invalid".
    report.warnings.push(tokenSound ? `the signature timestamp is intact but its TSA's certificate chain is not trusted (${ts.chainStatus}), so it proves no signing time` : 'the signature timestamp is not valid, so it proves no signing time');
    return undefined;
  }
  report.times.proven = ts.genTime;
  return ts.genTime ? { time: new Date(ts.genTime), archived } : undefined;
}

/**
 * The TSA chain at `at` (default the validation time) with the document's own evidence (the
 * token's CMS, the /DSS) besides the caller's. `past`: a validation at a proven earlier time,
 * where every certificate must be covered by revocation data valid then (nothing can be fetched
 * for a certificate that has expired since).
 */
function timestampChain(tsaCert: Uint8Array, info: TimestampInfo, ctx: ValidationContext, at: Date = ctx.at, past = false): ChainResult {
  // Problems of the embedded data are reported once, for the signature (validateSigner).
  const embedded = embeddedRevocation(info.cms, ctx, []);
  return validateChain({
    leaf: tsaCert,
    candidates: [...info.certificates, ...embedded.certificates, ...ctx.intermediates],
    trustAnchors: ctx.trustAnchors,
    crls: ctx.crls,
    ...(ctx.ocspResponses !== undefined && ctx.ocspResponses.length > 0 ? { ocspResponses: ctx.ocspResponses } : {}),
    embedded: { crls: embedded.crls, ocspResponses: embedded.ocspResponses },
    at,
    purpose: 'timestamping',
    cache: ctx.cache,
    requireRevocation: past || ctx.requireRevocation,
    ...(past || ctx.requireRevocation ? { checkRevocation: true } : {}),
  });
}

/**
 * When the TSA chain fails now only because of time (expired, or revoked after the proof), the
 * time at which a later document timestamp proves the token existed and the chain was valid.
 */
function tsaValidAtProof(tsaCert: Uint8Array, info: TimestampInfo, now: ChainResult, proof: Date | undefined, ctx: ValidationContext): Date | undefined {
  if (!proof || info.genTime.getTime() > proof.getTime()) return undefined;
  if (now.status === 'revoked') {
    if (!now.revokedAt || now.revokedAt.getTime() <= proof.getTime()) return undefined;
  } else if (now.status !== 'expired') return undefined;
  const past = timestampChain(tsaCert, info, ctx, proof, true);
  return past.status === 'valid' ? proof : undefined;
}

/** Chain at the validation time; on expiry or revocation, again at the proven signing time. */
function validateSigner(signerCert: Uint8Array, cms: ParsedCms, ctx: ValidationContext, timestamp: { time: Date; archived: boolean } | undefined, report: SignatureReport): Verdict {
  const embedded = embeddedRevocation(cms, ctx, report.warnings);
  const proven = timestamp?.time;
  // Past validation on the strength of a document timestamp: revocation data valid at the proven
  // time must cover every certificate (the B-LT/LTA data), as nothing can be learnt about it later.
  const strictAtProof = timestamp?.archived === true;
  const run = (at: Date, strict = false) =>
    validateChain({
      leaf: signerCert,
      candidates: [...cms.certificates, ...embedded.certificates, ...ctx.intermediates],
      trustAnchors: ctx.trustAnchors,
      crls: ctx.crls,
      ...(ctx.ocspResponses !== undefined && ctx.ocspResponses.length > 0 ? { ocspResponses: ctx.ocspResponses } : {}),
      // The document's own evidence (CMS, /DSS) counts like the caller's: a CRL or OCSP response
      // is believed only when its issuer's key (or a responder the issuer delegated to) signed it.
      embedded: { crls: embedded.crls, ocspResponses: embedded.ocspResponses },
      at,
      purpose: 'document-signing',
      cache: ctx.cache,
      // Checked with whatever evidence is at hand (a revoked certificate is always caught); an
      // uncovered certificate is INDETERMINATE/TRY_LATER only when revocation is required.
      requireRevocation: strict || ctx.requireRevocation,
      ...(strict || ctx.requireRevocation ? { checkRevocation: true } : {}),
    });
  const now = run(ctx.at);
  recordChain(now, report, ctx.cache);
  switch (now.status) {
    case 'valid':
      return PASSED;
    case 'no-chain':
      return { indication: 'INDETERMINATE', subIndication: 'NO_CERTIFICATE_CHAIN_FOUND' };
    case 'bad-signature':
      return { indication: 'INDETERMINATE', subIndication: 'CERTIFICATE_CHAIN_GENERAL_FAILURE' };
    case 'chain-constraints':
    case 'bad-key-usage':
      return { indication: 'INDETERMINATE', subIndication: 'CHAIN_CONSTRAINTS_FAILURE' };
    case 'revocation-unknown':
      return { indication: 'INDETERMINATE', subIndication: 'TRY_LATER' };
    case 'not-yet-valid':
      return { indication: 'TOTAL_FAILED', subIndication: 'NOT_YET_VALID' };
    case 'revoked': {
      if (!proven || !now.revokedAt) return { indication: 'INDETERMINATE', subIndication: 'REVOKED_NO_POE' };
      if (proven.getTime() >= now.revokedAt.getTime()) return { indication: 'TOTAL_FAILED', subIndication: 'REVOKED' };
      return revalidateAtProof(run(proven, strictAtProof), proven, report, 'revoked after the timestamp proves it signed', ctx.cache);
    }
    case 'expired': {
      if (!proven) return { indication: 'INDETERMINATE', subIndication: 'OUT_OF_BOUNDS_NO_POE' };
      if (now.notAfter && proven.getTime() > now.notAfter.getTime()) return { indication: 'TOTAL_FAILED', subIndication: 'EXPIRED' };
      return revalidateAtProof(run(proven, strictAtProof), proven, report, 'expired after the timestamp proves it signed', ctx.cache);
    }
  }
}

function revalidateAtProof(atProof: ChainResult, proven: Date, report: SignatureReport, note: string, cache: CertificateCache): Verdict {
  if (atProof.status !== 'valid') {
    report.errors.push(...atProof.errors.map((e) => `at the proven signing time ${proven.toISOString()}: ${e}`));
    return { indication: 'INDETERMINATE', subIndication: 'OUT_OF_BOUNDS_NO_POE' };
  }
  report.warnings.push(`the certificate was ${note} (${proven.toISOString()})`);
  // The chain that decided is the one at the proven time: report it (its revocation evidence).
  recordChain(atProof, report, cache, false);
  return PASSED;
}

function recordChain(chain: ChainResult, report: SignatureReport, cache: CertificateCache, messages = true): void {
  report.chain = {
    status: chain.status,
    trusted: chain.trustAnchor !== undefined,
    certificates: chain.path.flatMap((der) => {
      try {
        return [summariseCertificate(der, cache)];
      } catch {
        return [];
      }
    }),
    revocation: chain.revocation.map((r, i) => ({
      subject: chain.path[i] ? safeCommonName(chain.path[i], cache) : '',
      status: r.status,
      revokedAt: r.revokedAt?.toISOString() ?? null,
      reason: r.reason ?? null,
      source: r.source ?? null,
      origin: r.origin ?? null,
    })),
  };
  if (!messages) return;
  report.errors.push(...chain.errors);
  report.warnings.push(...chain.warnings);
}

/**
 * Certificates, CRLs and OCSP responses the document carries for this signature: SignedData.crls
 * and adbe-revocationInfoArchival (read by cms-parse), the CAdES revocation/certificate values in
 * the unsigned attributes, and the /DSS with its /VRI entries. Duplicates (the same CRL in the CMS
 * and the DSS) are kept once; what does not parse is named in a warning and left out (CRLs: by
 * the chain, when it comes to them).
 */
function embeddedRevocation(cms: ParsedCms, ctx: ValidationContext, warnings: string[]): { crls: Uint8Array[]; ocspResponses: ParsedOcspResponse[]; certificates: Uint8Array[] } {
  const fromAttributes = cms.unsignedAttributesDer ? readAttributeRevocationValues(cms.unsignedAttributesDer) : undefined;
  if (fromAttributes && fromAttributes.problems.length > 0) warnings.push(`unsigned attributes: ${fromAttributes.problems.join('; ')}`);
  const dss = ctx.dss?.content();
  // Bytes, not parses: the chain parses a CRL only when a trusted path needs its issuer's.
  const crls: Uint8Array[] = [];
  const seenCrls = new Set<string>();
  // The CMS is bounded only by /Contents: cap what it may make us parse, as the /DSS reader does.
  const capped = (list: readonly Uint8Array[], what: string): readonly Uint8Array[] => {
    if (list.length > MAX_EMBEDDED_ITEMS) warnings.push(`the CMS carries ${list.length} ${what}; the first ${MAX_EMBEDDED_ITEMS} were used`);
    return list.slice(0, MAX_EMBEDDED_ITEMS);
  };
  for (const der of [...capped(cms.crls, 'CRLs'), ...(fromAttributes?.crls ?? []), ...(dss?.crls ?? [])]) {
    const key = createHash('sha256').update(der).digest('hex');
    if (!seenCrls.has(key)) crls.push(der);
    seenCrls.add(key);
  }

  const ocspResponses: ParsedOcspResponse[] = [...(ctx.dss?.ocspResponses() ?? [])];
  const seenOcsp = new Set(ocspResponses.map((r) => Buffer.from(r.der).toString('base64')));
  let badOcsp = 0;
  for (const der of [...capped(cms.ocspResponses, 'OCSP responses'), ...(fromAttributes?.ocspResponses ?? [])]) {
    try {
      const response = parseOcspResponse(der);
      const key = Buffer.from(response.der).toString('base64');
      if (!seenOcsp.has(key)) ocspResponses.push(response);
      seenOcsp.add(key);
    } catch {
      badOcsp++;
    }
  }
  if (badOcsp > 0) warnings.push(`${badOcsp} OCSP response(s) in the CMS could not be parsed and were ignored`);
  if (dss && dss.warnings.length > 0) warnings.push(...dss.warnings.map((w) => `document security store: ${w}`));
  return { crls, ocspResponses, certificates: [...(fromAttributes?.certificates ?? []), ...(dss?.certificates ?? [])] };
}

function analyseAfter(reader: PdfReader, signedRevision: number | null, found: FoundSignature, report: SignatureReport): void {
  if (signedRevision === null) return;
  const diff = analyseModifications(reader, signedRevision, permissionsAt(reader, signedRevision, found));
  const toEntry = (m: (typeof diff.allowed)[number]) => ({ revision: m.revision, object: m.object ?? null, kind: m.kind, description: m.description });
  const allowed = diff.allowed.map(toEntry);
  const disallowed = diff.disallowed.map(toEntry);
  if (reader.trailingBytes > 0 && /\S/.test(Buffer.from(reader.bytes.subarray(reader.bytes.length - reader.trailingBytes)).toString('latin1'))) {
    disallowed.push({ revision: reader.revisions.length, object: null, kind: 'trailing-bytes', description: `${reader.trailingBytes} bytes follow the last end-of-file marker` });
  }
  if (!found.presentInLatest) {
    disallowed.push({ revision: reader.revisions.length - 1, object: null, kind: 'signature-removed', description: 'the signature field was removed in a later revision' });
  }
  report.modifications = { allowed, disallowed };
  report.modifiedAfterSigning = disallowed.length > 0 ? 'disallowed' : allowed.length > 0 ? 'allowed' : 'none';
  if (disallowed.length > 0) report.errors.push(`the document was changed after this signature in ways signing does not allow (${disallowed.length} change(s))`);
}

/** The token alone: what follows its value in /Contents (padding, junk) is signed by no one. */
function withoutTrailingBytes(contents: Uint8Array, warnings: string[]): Uint8Array {
  let end: number;
  try {
    end = readTlv(contents, 0, contents.length).end;
  } catch {
    return contents; // not even one TLV: the token parser says what is wrong
  }
  let junk = 0;
  for (let i = end; i < contents.length; i++) if (contents[i] !== 0) junk++;
  if (junk > 0) warnings.push(`${junk} non-zero byte(s) follow the timestamp token in /Contents (not signed, ignored)`);
  return contents.subarray(0, end);
}

/**
 * What may change after this signature: the DocMDP /P of a certification the signed revision
 * carries (the certification itself, or one this signature covers), and this signature's own
 * FieldMDP lock.
 */
function permissionsAt(reader: PdfReader, signedRevision: number, found: FoundSignature): DiffOptions {
  const options: DiffOptions = {};
  const cert = readCertification(reader, signedRevision);
  if (cert) options.docMdpPermission = cert.permission;
  const lock = readFieldLock(reader, found.dict, signatureField(reader, found, signedRevision), signedRevision);
  if (lock) options.fieldLocks = [lock];
  return options;
}

/** The field whose value is this signature, as of the signed revision (for its /Lock). */
function signatureField(reader: PdfReader, found: FoundSignature, at: number): PdfDict | undefined {
  try {
    const field = listFields(reader, at).find((f) => f.type === 'Sig' && (found.ref ? found.ref.equals(f.value) : f.value === found.dict));
    const d = field ? reader.getObject(field.ref, at) : undefined;
    return d instanceof PdfDict ? d : undefined;
  } catch {
    return undefined;
  }
}

/** ETSI.RFC3161 document timestamp: the token's imprint is the digest of the covered bytes. */
function verifyDocumentTimestamp(reader: PdfReader, byteRange: number[], contents: Uint8Array, ctx: ValidationContext, report: SignatureReport): Verdict {
  let info: TimestampInfo;
  try {
    info = inspectTimestampToken(withoutTrailingBytes(contents, report.warnings));
  } catch (e) {
    report.errors.push(isDocaxisError(e) ? e.message : 'the document timestamp could not be read');
    return { indication: 'TOTAL_FAILED', subIndication: 'FORMAT_FAILURE' };
  }
  report.digestAlgorithm = info.imprintAlgorithm ?? null;
  if (!info.imprintAlgorithm) return { indication: 'INDETERMINATE', subIndication: 'FORMAT_FAILURE' };
  const imprint = ctx.hasher.digest(byteRange, info.imprintAlgorithm);
  if (Buffer.compare(Buffer.from(imprint), Buffer.from(info.imprint)) !== 0) {
    report.errors.push('the document timestamp does not match the covered bytes');
    return { indication: 'TOTAL_FAILED', subIndication: 'HASH_FAILURE' };
  }
  const tsaCert = info.tsaCertificate;
  if (!tsaCert) return { indication: 'INDETERMINATE', subIndication: 'NO_SIGNING_CERTIFICATE_FOUND' };
  report.signer = summariseSigner(tsaCert, ctx.cache);
  const eContent = info.cms.encapsulatedContent ?? new Uint8Array();
  const check = verifyCmsSignature(info.cms, createHash(info.cms.digest ?? 'sha256').update(eContent).digest(), tsaCert);
  report.errors.push(...check.errors);
  if (!check.signatureValid || check.messageDigestMatches === false) return { indication: 'TOTAL_FAILED', subIndication: 'SIG_CRYPTO_FAILURE' };
  report.times.proven = info.genTime.toISOString();
  const chain = timestampChain(tsaCert, info, ctx);
  recordChain(chain, report, ctx.cache);
  if (chain.status === 'valid') return PASSED;
  // Expired (or revoked) since, but a later document timestamp proves it and its chain valid then.
  const archivedAt = tsaValidAtProof(tsaCert, info, chain, proofFor(ctx, byteRange[1]), ctx);
  if (archivedAt) {
    report.warnings.push(`the TSA chain is ${chain.status}; it was valid at ${archivedAt.toISOString()}, proven by a later document timestamp`);
    return PASSED;
  }
  if (chain.status === 'no-chain') return { indication: 'INDETERMINATE', subIndication: 'NO_CERTIFICATE_CHAIN_FOUND' };
  if (chain.status === 'revoked') return { indication: 'INDETERMINATE', subIndication: 'REVOKED_NO_POE' };
  if (chain.status === 'expired') return { indication: 'INDETERMINATE', subIndication: 'OUT_OF_BOUNDS_NO_POE' };
  return { indication: 'INDETERMINATE', subIndication: 'CHAIN_CONSTRAINTS_FAILURE' };
}
