// Candidate certification paths from a leaf towards the trust anchors, best first.
// Only the building: which certificate may have issued which, and whether its signature holds.
// Judging a path (time, constraints, purpose, revocation) is chain.ts's job, so that a branch
// failing any of those can be abandoned for the next (cross-certificates, re-keyed CAs).
import { type ChainCert, bytesEqual, certificateSignedBy, sameName } from './chain-cert.js';

export interface CandidatePath {
  /** Leaf first; when `anchored`, the last one is the configured trust anchor. */
  readonly certs: readonly ChainCert[];
  readonly anchored: boolean;
  /** Indexes i whose signature does not verify with the key of certs[i + 1]. */
  readonly badSignatures: readonly number[];
  /** Why an unanchored path stops. */
  readonly stop?: 'no-issuer' | 'too-long' | 'budget';
}

export interface BuildLimits {
  /** Certificates in one path, anchor included. */
  readonly maxLength: number;
  /** Paths yielded, anchored or not. */
  readonly maxPaths: number;
  /** Nodes expanded over the whole search: bounds the work hostile candidate lists can cause. */
  readonly maxSteps: number;
}

export const DEFAULT_LIMITS: BuildLimits = { maxLength: 8, maxPaths: 16, maxSteps: 200 };

export interface BuildPool {
  readonly anchors: readonly ChainCert[];
  readonly intermediates: readonly ChainCert[];
  /**
   * "issuer fingerprint>child fingerprint" -> signature verifies. Pass one shared map to reuse
   * the arithmetic across validations (CertificateCache does); a fresh one is used otherwise.
   */
  readonly signatureCache?: Map<string, boolean>;
}

/** The configured anchor `cert` stands for: same DER, or same subject and same public key. */
export function findAnchor(cert: ChainCert, anchors: readonly ChainCert[]): ChainCert | undefined {
  return (
    anchors.find((a) => a.fingerprint === cert.fingerprint) ??
    anchors.find((a) => bytesEqual(a.spkiDer, cert.spkiDer) && sameName(a.subjectName, cert.subjectName))
  );
}

/**
 * Depth-first, issuers ordered by: signature verifies, key identifier match (child's AKI equals
 * the candidate's SKI; absent counts as a weak match), trust anchor before intermediate.
 * Yields every complete path and every dead end, lazily, so the caller stops at the first good one.
 */
export function* buildPaths(leaf: ChainCert, pool: BuildPool, limits: BuildLimits = DEFAULT_LIMITS): Generator<CandidatePath> {
  const signatureCache = pool.signatureCache ?? new Map<string, boolean>();
  const signs = (issuer: ChainCert, child: ChainCert): boolean => {
    const key = `${issuer.fingerprint}>${child.fingerprint}`;
    let ok = signatureCache.get(key);
    if (ok === undefined) {
      // An unsupported or mismatched key type is simply not this issuer's signature.
      ok = certificateSignedBy(child, issuer);
      signatureCache.set(key, ok);
    }
    return ok;
  };
  const all = [...pool.anchors.map((c) => ({ c, anchor: true })), ...pool.intermediates.map((c) => ({ c, anchor: false }))];
  let steps = 0;
  let yielded = 0;

  // Explicit stack instead of recursion: depth is bounded anyway, but this keeps budgets simple.
  type Frame = { certs: ChainCert[]; bad: number[] };
  const stack: Frame[] = [{ certs: [leaf], bad: [] }];
  while (stack.length > 0 && yielded < limits.maxPaths) {
    const frame = stack.pop() as Frame;
    const last = frame.certs[frame.certs.length - 1] as ChainCert;
    const anchor = findAnchor(last, pool.anchors);
    if (anchor !== undefined) {
      yielded++;
      yield { certs: [...frame.certs.slice(0, -1), anchor], anchored: true, badSignatures: frame.bad };
      continue;
    }
    if (frame.certs.length >= limits.maxLength) {
      yielded++;
      yield { certs: frame.certs, anchored: false, badSignatures: frame.bad, stop: 'too-long' };
      continue;
    }
    if (++steps > limits.maxSteps) {
      yielded++;
      yield { certs: frame.certs, anchored: false, badSignatures: frame.bad, stop: 'budget' };
      break;
    }
    const visited = new Set(frame.certs.map((c) => c.fingerprint));
    const issuers = all
      .filter(({ c }) => !visited.has(c.fingerprint) && sameName(c.subjectName, last.issuerName))
      .map(({ c, anchor: isAnchor }) => ({ c, rank: rank(last, c, isAnchor, signs(c, last)) }))
      .sort((a, b) => a.rank - b.rank);
    if (issuers.length === 0) {
      yielded++;
      yield { certs: frame.certs, anchored: false, badSignatures: frame.bad, stop: 'no-issuer' };
      continue;
    }
    // Push in reverse so that the best issuer is popped first.
    for (let k = issuers.length - 1; k >= 0; k--) {
      const { c } = issuers[k] as { c: ChainCert };
      const bad = signs(c, last) ? frame.bad : [...frame.bad, frame.certs.length - 1];
      stack.push({ certs: [...frame.certs, c], bad });
    }
  }
}

function rank(child: ChainCert, issuer: ChainCert, isAnchor: boolean, signatureOk: boolean): number {
  let r = signatureOk ? 0 : 100;
  if (child.authorityKeyId !== undefined && issuer.subjectKeyId !== undefined) {
    r += child.authorityKeyId === issuer.subjectKeyId ? 0 : 20;
  } else {
    r += 10;
  }
  return r + (isAnchor ? 0 : 1);
}
