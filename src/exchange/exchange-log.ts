// The exchange log for admins and auditors: search (the CSV export is log-export.ts), and a check
// of the hash chain over the whole log (read in batches, so a long log never sits in memory at
// once), together with the seals over it (check-seals.ts).
import { GENESIS_HASH, verifyChain, type ChainCheck } from '../db/log-chain.js';
import type { LogEntry, LogFilter, Page, PageOf, Principal } from '../db/ports.js';
import { checkSeals, type SealCheck } from './check-seals.js';
import type { ExchangeDeps } from './deps.js';
import { ensureRole } from './guard.js';

const BATCH = 1000;

/** A log search as callers state it: an agency by its code (what people know) or by its id. */
export type LogQuery = LogFilter & { agencyCode?: string };

/** No agency has this id: an unknown code, or a code and an id naming different agencies, matches nothing. */
const NO_AGENCY = '00000000-0000-0000-0000-000000000000';

export async function storeFilter(deps: ExchangeDeps, q: LogQuery): Promise<LogFilter> {
  const { agencyCode, ...filter } = q;
  if (agencyCode === undefined) return filter;
  const agency = await deps.stores.agencies.byCode(agencyCode);
  const id = agency && (filter.agencyId === undefined || filter.agencyId === agency.id) ? agency.id : NO_AGENCY;
  return { ...filter, agencyId: id };
}

export async function searchLog(deps: ExchangeDeps, p: Principal, query: LogQuery, page: Page): Promise<PageOf<LogEntry>> {
  await ensureRole(deps, p, 'search log', 'admin', 'auditor');
  return deps.stores.log.search(await storeFilter(deps, query), { ...page, limit: Math.min(Math.max(Math.trunc(page.limit) || 1, 1), BATCH) });
}

/** The chain's verdict plus the seals'; `ok` only when both hold. Both run, so a tampered row is named by each. */
export interface LogCheck extends ChainCheck {
  seals: SealCheck;
}

export async function verifyLog(deps: ExchangeDeps, p: Principal): Promise<LogCheck> {
  await ensureRole(deps, p, 'verify log', 'admin', 'auditor');
  const chain = await checkChain(deps);
  const seals = await checkSeals(deps);
  return { ...chain, ok: chain.ok && seals.ok, seals };
}

/**
 * Recomputes the chain from the first entry to the head. Besides changed and missing entries in
 * the middle (verifyChain), it catches a deleted first entry (the first prevHash must be the
 * genesis hash) and a deleted tail (the last entry read must be the head).
 */
async function checkChain(deps: ExchangeDeps): Promise<ChainCheck> {
  const head = await deps.stores.log.head();
  if (!head) return { ok: true, checked: 0, firstBroken: null };
  let prevHash = GENESIS_HASH;
  let prevSeq: number | undefined;
  let checked = 0;
  // Sequences start at 1 in practice; reading from 0 also covers a store that starts at 0.
  for (let from = 0; from <= head.seq; from += BATCH) {
    const batch = await deps.stores.log.range(from, Math.min(from + BATCH - 1, head.seq));
    if (batch.length === 0) continue;
    const r = verifyChain(batch, prevHash, prevSeq);
    if (!r.ok) return { ...r, checked: checked + r.checked };
    checked += r.checked;
    prevHash = batch.at(-1)!.hash;
    prevSeq = batch.at(-1)!.seq;
  }
  if (prevSeq !== head.seq || prevHash !== head.hash) {
    return { ok: false, checked, firstBroken: { seq: (prevSeq ?? 0) + 1, reason: `entries up to ${head.seq} are missing` } };
  }
  return { ok: true, checked, firstBroken: null };
}
