// Statistics for admins and auditors: per agency, per level and for the whole province, the
// figures the province reports against its targets. The store aggregates (SQL); this layer only
// checks the caller, fills in levels without agencies and turns counts into shares, so the
// arithmetic of a share is written once for every store.
import { DocaxisError } from '../errors.js';
import { AGENCY_LEVELS, type Agency, type AgencyLevel, type ExchangeCounts, type Principal, type StatisticsRange } from '../db/ports.js';
import type { ExchangeDeps } from './deps.js';
import { ensureRole } from './guard.js';

export interface Figures extends ExchangeCounts {
  /** accepted / received; null when nothing was received (no share of nothing). */
  acceptedShare: number | null;
  /** rejected / received. */
  rejectedShare: number | null;
  /** signedByBoth / sent. */
  signedByBothShare: number | null;
}

export interface Statistics {
  range: { from: Date | null; to: Date | null };
  agencies: Array<Figures & Pick<Agency, 'code' | 'name' | 'level'>>;
  /** Always the four levels, central first. */
  levels: Array<Figures & { level: AgencyLevel }>;
  total: Figures;
}

const share = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole);

function figuresOf(c: ExchangeCounts): Figures {
  return {
    sent: c.sent,
    received: c.received,
    accepted: c.accepted,
    rejected: c.rejected,
    acceptedShare: share(c.accepted, c.received),
    rejectedShare: share(c.rejected, c.received),
    medianSecondsToAcceptance: c.medianSecondsToAcceptance,
    signedByBoth: c.signedByBoth,
    signedByBothShare: share(c.signedByBoth, c.sent),
    classifiedRefusals: c.classifiedRefusals,
  };
}

const NONE: ExchangeCounts = { sent: 0, signedByBoth: 0, received: 0, accepted: 0, rejected: 0, medianSecondsToAcceptance: null, classifiedRefusals: 0 };

/** Range: from inclusive, to exclusive, on when the document was sent (refusals: when refused). */
export async function getStatistics(deps: ExchangeDeps, p: Principal, range: StatisticsRange): Promise<Statistics> {
  await ensureRole(deps, p, 'read statistics', 'admin', 'auditor');
  if (range.from && range.to && range.from > range.to) throw new DocaxisError('USAGE', 'from must not be after to');
  const counts = await deps.stores.statistics.counts({ ...(range.from ? { from: range.from } : {}), ...(range.to ? { to: range.to } : {}) });
  return {
    range: { from: range.from ?? null, to: range.to ?? null },
    agencies: counts.agencies.map(({ agency, ...c }) => ({ code: agency.code, name: agency.name, level: agency.level, ...figuresOf(c) })),
    levels: AGENCY_LEVELS.map((level) => ({ level, ...figuresOf(counts.levels.find((l) => l.level === level) ?? NONE) })),
    total: figuresOf(counts.total),
  };
}
