// Certificate path validation (RFC 5280 §6, shell model) as a report, not a boolean:
// the caller (PAdES verification) maps ChainStatus to ETSI EN 319 102-1 sub-indications.
// Building is in chain-build.ts, certificate facts in chain-cert.ts, CRLs in revocation.ts,
// OCSP responses in ocsp.ts.
import { DocaxisError } from '../errors.js';
import { type CandidatePath, DEFAULT_LIMITS, buildPaths } from './chain-build.js';
import type { CertificateCache } from './certificate-cache.js';
import { type ChainCert, certificateSignedBy, parseChainCert, sameName, tryParseChainCert } from './chain-cert.js';
import { type OcspTrustCache, type ParsedOcspResponse, checkOcspRevocationOf, parseOcspResponse } from './ocsp.js';
import { TAG, childrenOf, readTlv } from './asn1-util.js';
import { OID } from './oids.js';
import { type X509Name, parseName } from './x509.js';
import { type CrlTrustCache, type ParsedCrl, type RevocationStatus, checkRevocationOf, parseCrl } from './revocation.js';

export type CertificatePurpose = 'document-signing' | 'timestamping' | 'any';

export interface ChainInput {
  leaf: Uint8Array;
  /** From the CMS and caller intermediates, any order, may contain junk or duplicates. */
  candidates: readonly Uint8Array[];
  trustAnchors: readonly Uint8Array[];
  crls?: readonly Uint8Array[] | readonly ParsedCrl[];
  /** OCSP responses from the caller (OCSPResponse or BasicOCSPResponse DER, or parsed). */
  ocspResponses?: readonly (Uint8Array | ParsedOcspResponse)[];
  /**
   * Revocation data found in the document being validated (/DSS, the CMS): weighed exactly like
   * the caller's, and reported with origin 'embedded'. Untrusted bytes: what does not parse or
   * does not verify is skipped, never believed.
   */
  embedded?: { crls?: readonly Uint8Array[] | readonly ParsedCrl[]; ocspResponses?: readonly (Uint8Array | ParsedOcspResponse)[] };
  at: Date;
  purpose: CertificatePurpose;
  /** Default: true when any CRL or OCSP response is given or embedded. */
  checkRevocation?: boolean;
  /**
   * With revocation checked: false turns 'no CRL covers this certificate' into a warning instead
   * of 'revocation-unknown' (a revoked certificate is still caught). Default: required.
   */
  requireRevocation?: boolean;
  /**
   * Parses (certificates, CRLs), signature checks and CRL trust shared with other validations of
   * the same run (e.g. every signature of one PDF). Without it, everything is parsed afresh.
   */
  cache?: CertificateCache;
}

export type ChainStatus = 'valid' | 'no-chain' | 'expired' | 'not-yet-valid' | 'revoked' | 'revocation-unknown' | 'bad-key-usage' | 'chain-constraints' | 'bad-signature';

export interface ChainResult {
  /** The first problem found, in PRIORITY order; 'valid' otherwise. */
  status: ChainStatus;
  /** Leaf first, up to and including the trust anchor when one was reached (best partial path otherwise). */
  path: Uint8Array[];
  trustAnchor?: Uint8Array;
  /** One per certificate in the path below the anchor, same order as path. */
  revocation: RevocationStatus[];
  errors: string[];
  warnings: string[];
  /** The earliest notAfter along the path. */
  notAfter?: Date;
  /** The earliest revocation found along the path, even one after `at`. */
  revokedAt?: Date;
}

/** Most severe first: a path's status is the first of these with a problem. */
const PRIORITY: readonly Exclude<ChainStatus, 'valid'>[] = ['bad-signature', 'no-chain', 'chain-constraints', 'bad-key-usage', 'revoked', 'expired', 'not-yet-valid', 'revocation-unknown'];

/**
 * Validates `leaf` at `input.at`.
 * @throws DocaxisError CERT_MALFORMED when the leaf or a trust anchor cannot be parsed (junk among
 *   the candidates is ignored: they come from untrusted documents).
 */
export function validateChain(input: ChainInput): ChainResult {
  const cache = input.cache;
  const parse = cache ? (der: Uint8Array) => cache.chainCert(der) : parseChainCert;
  const leaf = parse(input.leaf);
  const anchors = input.trustAnchors.map((der, i) => {
    try {
      return parse(der);
    } catch (e) {
      throw new DocaxisError('CERT_MALFORMED', `trust anchor #${i + 1} could not be parsed`, { cause: e });
    }
  });
  const setupWarnings: string[] = [];
  const intermediates = uniqueCandidates(input.candidates, leaf, setupWarnings, cache);
  const sources: RevocationSource[] = [
    { kind: 'crl', origin: 'given', crls: toParsedCrls(input.crls ?? [], setupWarnings, cache, '') },
    { kind: 'crl', origin: 'embedded', crls: new LazyCrls(input.embedded?.crls ?? [], cache) },
    { kind: 'ocsp', origin: 'given', responses: toParsedOcsp(input.ocspResponses ?? [], setupWarnings, '') },
    { kind: 'ocsp', origin: 'embedded', responses: toParsedOcsp(input.embedded?.ocspResponses ?? [], setupWarnings, 'embedded ') },
  ];
  const anyData = [input.crls, input.ocspResponses, input.embedded?.crls, input.embedded?.ocspResponses].some((list) => list !== undefined && list.length > 0);
  const revocationRequested = input.checkRevocation ?? anyData;
  if (!revocationRequested) {
    setupWarnings.push(anyData ? 'revocation not checked: checking disabled by the caller' : 'revocation not checked: no CRL given');
  }
  const ctx: JudgeContext = {
    at: input.at,
    purpose: input.purpose,
    sources: sources.filter((s) => (s.kind === 'crl' ? s.crls.length : s.responses.length) > 0),
    setupWarnings,
    revocationRequested,
    revocationRequired: input.requireRevocation ?? true,
    crlTrust: cache?.crlTrust ?? new WeakMap(),
    ocspTrust: new WeakMap(),
    ocspResponders: intermediates,
    parseCertificate: cache ? (der) => cache.tryChainCert(der) : tryParseChainCert,
  };

  // Judge paths best-first and stop at the first valid one; otherwise keep the least bad.
  let best: Judged | undefined;
  for (const candidate of buildPaths(leaf, { anchors, intermediates, ...(cache ? { signatureCache: cache.signatures } : {}) }, DEFAULT_LIMITS)) {
    const judged = judgePath(candidate, ctx);
    if (best === undefined || score(judged) < score(best)) best = judged;
    if (judged.status === 'valid') break;
  }
  // buildPaths always yields at least the leaf on its own; this is for the type checker.
  const chosen = best ?? judgePath({ certs: [leaf], anchored: false, badSignatures: [], stop: 'no-issuer' }, ctx);

  const anchor = chosen.path.anchored ? chosen.path.certs[chosen.path.certs.length - 1] : undefined;
  const revokedAt = chosen.revocation.reduce<Date | undefined>((min, r) => (r.revokedAt !== undefined && (min === undefined || r.revokedAt < min) ? r.revokedAt : min), undefined);
  return {
    status: chosen.status,
    path: chosen.path.certs.map((c) => c.der),
    ...(anchor !== undefined ? { trustAnchor: anchor.der } : {}),
    revocation: chosen.revocation,
    errors: chosen.errors,
    warnings: [...setupWarnings, ...chosen.warnings],
    notAfter: new Date(Math.min(...chosen.path.certs.map((c) => c.notAfter.getTime()))),
    ...(revokedAt !== undefined ? { revokedAt } : {}),
  };
}

/** One kind of evidence from one origin: judged on its own, then combined (revocationOf). */
type RevocationSource =
  | { readonly kind: 'crl'; readonly origin: 'given' | 'embedded'; readonly crls: readonly ParsedCrl[] | LazyCrls }
  | { readonly kind: 'ocsp'; readonly origin: 'given' | 'embedded'; readonly responses: readonly ParsedOcspResponse[] };

interface JudgeContext {
  readonly at: Date;
  readonly purpose: CertificatePurpose;
  /** The non-empty ones only. */
  readonly sources: readonly RevocationSource[];
  readonly revocationRequested: boolean;
  readonly revocationRequired: boolean;
  readonly crlTrust: CrlTrustCache;
  readonly ocspTrust: OcspTrustCache;
  /** Certificates that may be a delegated OCSP responder (besides those in each response). */
  readonly ocspResponders: readonly ChainCert[];
  readonly parseCertificate: (der: Uint8Array) => ChainCert | undefined;
  /** Where lazily parsed evidence reports what it had to skip. */
  readonly setupWarnings: string[];
}

/**
 * A document's CRLs, parsed only when a path reaches a trust anchor through their issuer: a /DSS
 * may carry national CRLs of several MB, and a path without an anchor never looks at them.
 */
class LazyCrls {
  readonly #items: readonly (Uint8Array | ParsedCrl)[];
  readonly #cache: CertificateCache | undefined;
  readonly #issuers = new Map<number, X509Name | null>();
  readonly #parsed = new Map<number, ParsedCrl | null>();

  constructor(items: readonly Uint8Array[] | readonly ParsedCrl[], cache: CertificateCache | undefined) {
    this.#items = items;
    this.#cache = cache;
  }

  get length(): number {
    return this.#items.length;
  }

  /** The CRLs that name `issuer` as theirs (RFC 5280 §7.1 name comparison), parsed. */
  forIssuer(issuer: ChainCert, warnings: string[]): ParsedCrl[] {
    const out: ParsedCrl[] = [];
    this.#items.forEach((item, i) => {
      if (!(item instanceof Uint8Array)) {
        out.push(item);
        return;
      }
      if (!this.#issuers.has(i)) {
        this.#issuers.set(i, crlIssuerName(item));
        if (this.#issuers.get(i) === null) warnings.push(`embedded CRL #${i + 1} ignored: not a CRL`);
      }
      const name = this.#issuers.get(i);
      if (name === null || name === undefined || !sameName(name, issuer.subjectName)) return;
      if (!this.#parsed.has(i)) {
        try {
          this.#parsed.set(i, this.#cache ? this.#cache.crl(item) : parseCrl(item));
        } catch (e) {
          this.#parsed.set(i, null);
          warnings.push(`embedded CRL #${i + 1} ignored: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
      const crl = this.#parsed.get(i);
      if (crl) out.push(crl);
    });
    return out;
  }
}

//   CertificateList ::= SEQUENCE { tbsCertList TBSCertList, ... }
//   TBSCertList ::= SEQUENCE { version Version OPTIONAL, signature AlgorithmIdentifier, issuer Name, ... }
/** The issuer of a DER CRL without reading its entries; null when that much is not there. */
function crlIssuerName(der: Uint8Array): X509Name | null {
  try {
    const [tbs] = childrenOf(der, readTlv(der, 0));
    if (tbs === undefined || tbs.tag !== TAG.sequence) return null;
    let node = readTlv(der, tbs.contentStart, tbs.contentEnd);
    if (node.tag === TAG.integer) node = readTlv(der, node.end, tbs.contentEnd); // the version
    const issuer = readTlv(der, node.end, tbs.contentEnd);
    return parseName(der, issuer);
  } catch {
    return null;
  }
}

interface Judged {
  readonly path: CandidatePath;
  readonly status: ChainStatus;
  readonly revocation: RevocationStatus[];
  readonly errors: string[];
  readonly warnings: string[];
}

/** Lower is better: anchored paths first (a bad signature last among them), then dead ends, longest first. */
function score(j: Judged): number {
  const severity = j.status === 'valid' ? 0 : PRIORITY.length - PRIORITY.indexOf(j.status);
  if (j.path.anchored) return j.status === 'bad-signature' ? 100 : severity;
  return 1000 - j.path.certs.length * 10 + severity;
}

function judgePath(path: CandidatePath, ctx: JudgeContext): Judged {
  const problems = new Map<ChainStatus, string[]>();
  const problem = (status: Exclude<ChainStatus, 'valid'>, message: string): void => {
    const list = problems.get(status) ?? [];
    list.push(message);
    problems.set(status, list);
  };
  const warnings: string[] = [];
  const certs = path.certs;
  const leaf = certs[0] as ChainCert;
  // Certificates judged as certificates; a trust anchor is trusted as configured (RFC 5280 §6.1.1 (d)).
  const belowAnchor = path.anchored ? certs.slice(0, -1) : certs;

  for (const i of path.badSignatures) {
    problem('bad-signature', `${label(certs[i])}: signature does not verify with the key of ${label(certs[i + 1])}`);
  }
  if (!path.anchored) problem('no-chain', noChainMessage(path));

  checkConstraints(path, problem);
  checkPurpose(leaf, ctx.purpose, problem);

  // Shell model: every certificate, the anchor included, valid at `at` (as openssl checks).
  for (const c of certs) {
    if (ctx.at > c.notAfter) problem('expired', `${label(c)}: expired on ${c.notAfter.toISOString()} (validation time ${ctx.at.toISOString()})`);
    if (ctx.at < c.notBefore) problem('not-yet-valid', `${label(c)}: not valid before ${c.notBefore.toISOString()} (validation time ${ctx.at.toISOString()})`);
  }

  const revocation = belowAnchor.map((c, i): RevocationStatus => {
    const issuer = certs[i + 1];
    if (!ctx.revocationRequested) return { status: 'unknown', detail: 'revocation not checked' };
    // Evidence is only as good as the key that signed it: without a trust anchor above the issuer,
    // its CRLs and OCSP responses prove nothing (and the path is 'no-chain' whatever they say).
    if (!path.anchored) return { status: 'unknown', detail: 'revocation not checked: the path does not reach a trust anchor' };
    if (issuer === undefined) return { status: 'unknown', detail: 'issuer not found' };
    const status = revocationOf(c, issuer, ctx);
    if (status.status === 'revoked') {
      problem('revoked', `${label(c)}: revoked on ${status.revokedAt?.toISOString() ?? '?'}${status.reason !== undefined ? ` (${status.reason})` : ''}`);
    } else if (status.status === 'unknown') {
      const message = `${label(c)}: revocation status unknown (${status.detail ?? 'no CRL or OCSP response'})`;
      if (ctx.revocationRequired) problem('revocation-unknown', message);
      else warnings.push(message);
    } else if (status.revokedAt !== undefined) {
      warnings.push(`${label(c)}: revoked after the validation time, on ${status.revokedAt.toISOString()}${status.reason !== undefined ? ` (${status.reason})` : ''}`);
    }
    return status;
  });

  const status = PRIORITY.find((s) => problems.has(s)) ?? 'valid';
  const errors = PRIORITY.flatMap((s) => problems.get(s) ?? []);
  return { path, status, revocation, errors, warnings };
}

/**
 * Each source judged alone, then combined: a revocation found anywhere counts (the earliest), then
 * a "good" that also knows of a later revocation, then any "good"; all unknown: every reason.
 * Equivalent to judging the union, since every source only ever adds evidence.
 */
function revocationOf(cert: ChainCert, issuer: ChainCert, ctx: JudgeContext): RevocationStatus {
  if (ctx.sources.length === 0) return checkRevocationOf(cert, issuer, [], ctx.at, ctx.crlTrust);
  const results = ctx.sources.map((s): RevocationStatus => {
    const r =
      s.kind === 'crl'
        ? checkRevocationOf(cert, issuer, s.crls instanceof LazyCrls ? s.crls.forIssuer(issuer, ctx.setupWarnings) : s.crls, ctx.at, ctx.crlTrust)
        : checkOcspRevocationOf(cert, issuer, s.responses, ctx.at, { trust: ctx.ocspTrust, responderCandidates: ctx.ocspResponders, parseCertificate: ctx.parseCertificate });
    return r.source !== undefined ? { ...r, origin: s.origin } : r;
  });
  const earliest = (list: RevocationStatus[]) => list.reduce((a, b) => ((b.revokedAt as Date) < (a.revokedAt as Date) ? b : a));
  const revoked = results.filter((r) => r.status === 'revoked');
  if (revoked.length > 0) return earliest(revoked);
  const laterRevocation = results.filter((r) => r.status === 'good' && r.revokedAt !== undefined);
  if (laterRevocation.length > 0) return earliest(laterRevocation);
  const good = results.find((r) => r.status === 'good');
  if (good !== undefined) return good;
  if (results.length === 1) return results[0] as RevocationStatus;
  return { status: 'unknown', detail: results.map((r) => r.detail ?? r.status).join('; ') };
}

type Report = (status: Exclude<ChainStatus, 'valid'>, message: string) => void;

/** Basic constraints, key usage for CAs, pathLen, critical extensions (RFC 5280 §6.1.4). */
function checkConstraints(path: CandidatePath, problem: Report): void {
  const certs = path.certs;
  const lastIndex = certs.length - 1;
  certs.forEach((c, i) => {
    const isAnchor = path.anchored && i === lastIndex;
    if (!isAnchor) {
      for (const oid of c.unknownCritical) problem('chain-constraints', `${label(c)}: unsupported critical extension ${oid}`);
      for (const oid of c.malformedExtensions) problem('chain-constraints', `${label(c)}: malformed extension ${oid}`);
    }
    if (i === 0) return;
    const child = certs[i - 1] as ChainCert;
    if (!isAnchor) {
      if (c.basicConstraints?.cA !== true) problem('chain-constraints', `${label(c)}: not a CA certificate (basicConstraints cA not set) but issues ${label(child)}`);
      if (c.keyUsage !== undefined && !c.keyUsage.has('keyCertSign')) problem('chain-constraints', `${label(c)}: key usage lacks keyCertSign but issues ${label(child)}`);
    }
    // pathLenConstraint counts the non-self-issued intermediates below this CA (leaf excluded).
    const pathLen = c.basicConstraints?.pathLen;
    if (pathLen !== undefined) {
      const below = certs.slice(1, i).filter((x) => !x.selfIssued).length;
      if (below > pathLen) problem('chain-constraints', `${label(c)}: pathLenConstraint ${pathLen} exceeded (${below} CA certificates below it)`);
    }
  });
}

function checkPurpose(leaf: ChainCert, purpose: CertificatePurpose, problem: Report): void {
  if (purpose === 'any') return;
  // Deployed signing software accepts digitalSignature or nonRepudiation (domain.md); the same
  // holds for a TSA's signing key (RFC 5280 §4.2.1.3).
  const ku = leaf.keyUsage;
  if (ku !== undefined && !ku.has('digitalSignature') && !ku.has('nonRepudiation')) {
    problem('bad-key-usage', `${label(leaf)}: key usage (${[...ku].join(', ') || 'none'}) allows neither digitalSignature nor nonRepudiation`);
  }
  if (purpose === 'timestamping') {
    // RFC 3161 §2.3: exactly one EKU, id-kp-timeStamping, and the extension MUST be critical.
    const eku = leaf.extKeyUsage;
    if (eku === undefined) problem('bad-key-usage', `${label(leaf)}: no extended key usage; a TSA certificate needs id-kp-timeStamping`);
    else {
      if (!eku.critical) problem('bad-key-usage', `${label(leaf)}: extended key usage is not critical (RFC 3161 §2.3)`);
      if (eku.purposes.length !== 1 || eku.purposes[0] !== OID.ekuTimeStamping) {
        problem('bad-key-usage', `${label(leaf)}: extended key usage must be id-kp-timeStamping only (has ${eku.purposes.join(', ')})`);
      }
    }
  }
}

function noChainMessage(path: CandidatePath): string {
  const last = path.certs[path.certs.length - 1] as ChainCert;
  switch (path.stop) {
    case 'too-long':
      return `${label(last)}: path longer than ${DEFAULT_LIMITS.maxLength} certificates without reaching a trust anchor`;
    case 'budget':
      return `${label(last)}: path building gave up (too many candidate certificates)`;
    default:
      return last.selfIssued && selfSigned(last)
        ? `${label(last)}: self-signed certificate that is not a trust anchor`
        : `${label(last)}: issuer not found among the candidates and trust anchors`;
  }
}

function selfSigned(c: ChainCert): boolean {
  return certificateSignedBy(c, c);
}

function label(c: ChainCert | undefined): string {
  return c === undefined ? '(missing)' : `"${c.label}"`;
}

function uniqueCandidates(candidates: readonly Uint8Array[], leaf: ChainCert, warnings: string[], cache: CertificateCache | undefined): ChainCert[] {
  const seen = new Set([leaf.fingerprint]);
  const out: ChainCert[] = [];
  let junk = 0;
  for (const bytes of candidates) {
    const c = cache ? cache.tryChainCert(bytes) : tryParseChainCert(bytes);
    if (c === undefined) junk++;
    else if (!seen.has(c.fingerprint)) {
      seen.add(c.fingerprint);
      out.push(c);
    }
  }
  if (junk > 0) warnings.push(`${junk} candidate certificate(s) ignored: not parseable`);
  return out;
}

function toParsedCrls(crls: readonly Uint8Array[] | readonly ParsedCrl[], warnings: string[], cache: CertificateCache | undefined, what: string): ParsedCrl[] {
  const out: ParsedCrl[] = [];
  crls.forEach((crl, i) => {
    if (!(crl instanceof Uint8Array)) {
      out.push(crl);
      return;
    }
    try {
      out.push(cache ? cache.crl(crl) : parseCrl(crl));
    } catch (e) {
      // CRLs usually come from the document (DSS) or the network: a bad one is skipped, and the
      // certificates it would have covered end up 'unknown', never 'good'.
      warnings.push(`${what}CRL #${i + 1} ignored: ${e instanceof Error ? e.message : String(e)}`);
    }
  });
  return out;
}

function toParsedOcsp(responses: readonly (Uint8Array | ParsedOcspResponse)[], warnings: string[], what: string): ParsedOcspResponse[] {
  const out: ParsedOcspResponse[] = [];
  responses.forEach((r, i) => {
    if (!(r instanceof Uint8Array)) {
      out.push(r);
      return;
    }
    try {
      out.push(parseOcspResponse(r));
    } catch (e) {
      // Like a bad CRL: skipped, so what it would have covered stays 'unknown', never 'good'.
      warnings.push(`${what}OCSP response #${i + 1} ignored: ${e instanceof Error ? e.message : String(e)}`);
    }
  });
  return out;
}
