// The exchange log for admins and auditors: search, CSV export, and a check of the hash chain
// over the whole log (read in batches, so a long log never sits in memory at once), together with
// the seals over it (check-seals.ts).
import { GENESIS_HASH, canonicalJson, verifyChain, type ChainCheck } from '../db/log-chain.js';
import type { LogEntry, LogFilter, Page, PageOf, Principal } from '../db/ports.js';
import { checkSeals, type SealCheck } from './check-seals.js';
import { csvRow } from './csv.js';
import type { ExchangeDeps } from './deps.js';
import { ensureRole } from './guard.js';

const BATCH = 1000;
const CSV_HEADER = ['seq', 'at', 'event', 'actorUserId', 'agencyId', 'documentId', 'details', 'prevHash', 'hash'];

/** A log search as callers state it: an agency by its code (what people know) or by its id. */
export type LogQuery = LogFilter & { agencyCode?: string };

/** No agency has this id: an unknown code, or a code and an id naming different agencies, matches nothing. */
const NO_AGENCY = '00000000-0000-0000-0000-000000000000';

async function storeFilter(deps: ExchangeDeps, q: LogQuery): Promise<LogFilter> {
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

/**
 * The export as CSV text, newest entry first, in chunks of one page of entries: read by keyset
 * (seq) pages and handed out as the consumer asks, so memory stays constant whatever the log's
 * size. The role, the filter and the first page are checked before this resolves, so those
 * failures are ordinary errors rather than a cut stream.
 */
export async function streamLogCsv(deps: ExchangeDeps, p: Principal, query: LogQuery): Promise<AsyncIterable<string>> {
  await ensureRole(deps, p, 'export log', 'admin', 'auditor');
  const filter = await storeFilter(deps, query);
  const first = await deps.stores.log.search(filter, { limit: BATCH });
  return csvPages(deps, filter, first);
}

/** The same export as one string: for small, filtered exports only (the HTTP route streams). */
export async function exportLogCsv(deps: ExchangeDeps, p: Principal, query: LogQuery): Promise<string> {
  let csv = '';
  for await (const chunk of await streamLogCsv(deps, p, query)) csv += chunk;
  return csv;
}

async function* csvPages(deps: ExchangeDeps, filter: LogFilter, first: PageOf<LogEntry>): AsyncGenerator<string> {
  yield csvRow(CSV_HEADER);
  for (let page = first; ; ) {
    if (page.items.length > 0) yield page.items.map(csvLine).join('');
    if (page.next === null) return;
    page = await deps.stores.log.search(filter, { limit: BATCH, after: page.next });
  }
}

function csvLine(e: LogEntry): string {
  return csvRow([String(e.seq), e.at.toISOString(), e.event, e.actorUserId ?? '', e.agencyId ?? '', e.documentId ?? '', canonicalJson(e.details), e.prevHash, e.hash]);
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
