// Verifying the log's seals (seal-log.ts): for each seal, oldest first,
//   1. the token is a valid RFC 3161 token over this seal's root (imprint, TSA signature), from a
//      TSA whose certificate chains to one of today's active trust anchors at the token's genTime;
//   2. the root recomputed from the rows themselves equals the sealed root. Each leaf is the hash
//      recomputed from the row's content (chainHash), not the stored `hash` column, so a changed
//      row breaks its seal even when the tamperer also rewrote the hashes after it;
//   3. the seals cover the log without gaps (a deleted seal leaves one);
//   4. every seal the log itself records (its hash-chained log.sealed entries) is still stored,
//      with the range and root it was written with: a deleted newest seal leaves no gap, but its
//      log.sealed entry remains.
// Reports the first broken seal; never throws for a bad seal.
import { chainHash } from '../db/log-chain.js';
import type { LogSeal } from '../db/ports.js';
import { validateChain } from '../pki/chain.js';
import { verifyTimestampToken } from '../pki/timestamp.js';
import type { ExchangeDeps } from './deps.js';
import { merkleRootHex } from './merkle.js';

const READ_BATCH = 1000;

export interface SealCheck {
  ok: boolean;
  checked: number;
  firstBroken: { sealId: string; fromSeq: number; toSeq: number; reason: string } | null;
}

export async function checkSeals(deps: ExchangeDeps): Promise<SealCheck> {
  const [seals, anchors] = await Promise.all([deps.stores.seals.list(), deps.stores.trust.anchors(true)]);
  const trustAnchors = anchors.map((a) => a.der);
  let expectFrom: number | undefined;
  for (let i = 0; i < seals.length; i++) {
    const seal = seals[i]!;
    const reason =
      (expectFrom !== undefined && seal.fromSeq !== expectFrom ? `entries ${expectFrom}..${seal.fromSeq - 1} are not covered (a seal is missing)` : undefined) ??
      tokenProblem(deps, seal, trustAnchors) ??
      (await rowsProblem(deps, seal));
    if (reason !== undefined) return { ok: false, checked: i, firstBroken: { sealId: seal.id, fromSeq: seal.fromSeq, toSeq: seal.toSeq, reason } };
    expectFrom = seal.toSeq + 1;
  }
  const missing = await recordedSealProblem(deps, seals);
  if (missing) return { ok: false, checked: seals.length, firstBroken: missing };
  return { ok: true, checked: seals.length, firstBroken: null };
}

async function recordedSealProblem(deps: ExchangeDeps, seals: LogSeal[]): Promise<SealCheck['firstBroken']> {
  const byId = new Map(seals.map((s) => [s.id, s]));
  let after: string | undefined;
  do {
    const page = await deps.stores.log.search({ event: 'log.sealed' }, { limit: READ_BATCH, ...(after !== undefined ? { after } : {}) });
    for (const e of page.items) {
      const d = e.details;
      const recorded = { sealId: String(d['sealId']), fromSeq: Number(d['fromSeq']), toSeq: Number(d['toSeq']) };
      const stored = byId.get(recorded.sealId);
      if (!stored) return { ...recorded, reason: `the seal recorded by log entry ${e.seq} is missing` };
      if (stored.fromSeq !== recorded.fromSeq || stored.toSeq !== recorded.toSeq || stored.merkleRoot !== d['merkleRoot']) {
        return { ...recorded, reason: `the seal differs from what log entry ${e.seq} recorded` };
      }
    }
    after = page.next ?? undefined;
  } while (after !== undefined);
  return null;
}

function tokenProblem(deps: ExchangeDeps, seal: LogSeal, trustAnchors: Uint8Array[]): string | undefined {
  let check: ReturnType<typeof verifyTimestampToken>;
  try {
    check = verifyTimestampToken(seal.timestampToken, Buffer.from(seal.merkleRoot, 'hex'));
  } catch (e) {
    return `the timestamp token is unreadable (${e instanceof Error ? e.message : String(e)})`;
  }
  if (!check.imprintMatches) return 'the timestamp token does not cover this seal’s Merkle root';
  if (!check.signatureValid) return `the timestamp token does not verify (${check.errors.join('; ')})`;
  const tsa = check.info.tsaCertificate!; // signatureValid implies it was found
  try {
    const chain = validateChain({ leaf: tsa, candidates: [...check.info.certificates, ...(deps.intermediates ?? [])], trustAnchors, at: check.info.genTime, purpose: 'timestamping' });
    if (chain.status !== 'valid') return `the TSA certificate is not trusted: ${chain.status}${chain.errors[0] ? ` (${chain.errors[0]})` : ''}`;
  } catch (e) {
    return `the TSA certificate is not trusted (${e instanceof Error ? e.message : String(e)})`;
  }
  return undefined;
}

async function rowsProblem(deps: ExchangeDeps, seal: LogSeal): Promise<string | undefined> {
  const leaves: string[] = [];
  let expectSeq = seal.fromSeq;
  for (let a = seal.fromSeq; a <= seal.toSeq; a += READ_BATCH) {
    for (const e of await deps.stores.log.range(a, Math.min(a + READ_BATCH - 1, seal.toSeq))) {
      if (e.seq !== expectSeq) return `entry ${expectSeq} is missing`;
      leaves.push(chainHash(e.prevHash, e));
      expectSeq++;
    }
  }
  if (expectSeq !== seal.toSeq + 1) return `entries ${expectSeq}..${seal.toSeq} are missing`;
  if (merkleRootHex(leaves) !== seal.merkleRoot) return 'the entries changed after they were sealed (the Merkle root differs)';
  return undefined;
}
