// The figures behind the province's targets, aggregated by the database: one row per fact (a sent
// document, a delivery, a classified refusal), then GROUPING SETS per agency, per level and for
// the province in a single pass, so medians per level are true medians (not medians of medians)
// and no document is ever loaded into the process. Plain SQL that PGlite and PostgreSQL share.
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db.js';
import { rowsOf } from '../rows.js';
import type { AgencyLevel, ExchangeCounts, ExchangeCountsByGroup, StatisticsRange, StatisticsStore } from '../ports.js';

/**
 * Statuses that mean "the recipient took the document": 03 and later. Not 16: a copy kept after a
 * recall has not been accepted yet (it may still be rejected); exchange/status-machine.ts
 * STATUS_PHASE is the table this must match (test/exchange/status-agreement.test.ts checks it).
 */
export const ACCEPTED_STATUSES = ['03', '04', '05', '06'] as const;

interface Row {
  g_agency: number;
  g_level: number;
  id: string | null;
  code: string | null;
  name: string | null;
  level: string | null;
  sent: number;
  signed_by_both: number;
  received: number;
  accepted: number;
  rejected: number;
  median_seconds: number | null;
  classified_refusals: number;
}

/** from inclusive, to exclusive, like the document and log searches. ISO strings: both drivers cast them alike. */
function inRange(column: SQL, r: StatisticsRange): SQL {
  const parts: SQL[] = [sql`true`];
  if (r.from) parts.push(sql`${column} >= ${r.from.toISOString()}::timestamptz`);
  if (r.to) parts.push(sql`${column} < ${r.to.toISOString()}::timestamptz`);
  return sql.join(parts, sql` and `);
}

const acceptedList = sql.raw(ACCEPTED_STATUSES.map((s) => `'${s}'`).join(', '));

/**
 * Signed by both, from the stored report (the send policy checked it, but the figure must show
 * what is stored, not what should be): a TOTAL_PASSED signature by a certificate bound to the
 * sender, preceded in file order by a TOTAL_PASSED signature by a certificate bound to no agency
 * (a person, as signature-policy.ts defines the competent signer).
 */
const signedByBoth = sql`exists (
  select 1 from jsonb_array_elements(d.verification -> 'signatures') seal
  where seal ->> 'type' = 'signature' and seal ->> 'indication' = 'TOTAL_PASSED'
    and lower(seal -> 'signer' ->> 'fingerprintSha256') in (
      select lower(c.fingerprint_sha256) from agency_certificates c where c.agency_id = d.sender_agency_id)
    and exists (
      select 1 from jsonb_array_elements(d.verification -> 'signatures') s
      where s ->> 'type' = 'signature' and s ->> 'indication' = 'TOTAL_PASSED'
        and (s ->> 'index')::int < (seal ->> 'index')::int
        and lower(s -> 'signer' ->> 'fingerprintSha256') not in (select lower(c.fingerprint_sha256) from agency_certificates c)))`;

/** First event with a status, per delivery (status_events_delivery_idx serves it). */
const firstEvent = (status: string) => sql`(select min(e.at) from status_events e where e.delivery_id = dl.id and e.status = ${status})`;

function countsQuery(r: StatisticsRange): SQL {
  return sql`
    with facts as (
      select d.sender_agency_id as agency_id, 'sent' as kind, ${signedByBoth} as both, null::text as status, null::float8 as seconds
      from documents d where ${inRange(sql`d.created_at`, r)}
      union all
      select dl.recipient_agency_id, 'delivery', false, dl.status,
        extract(epoch from (${firstEvent('03')} - ${firstEvent('01')}))::float8
      from deliveries dl join documents d on d.id = dl.document_id where ${inRange(sql`d.created_at`, r)}
      union all
      -- A classified refusal is the one 'send.refused' entry that names a level (refuse-classified.ts).
      select a.id, 'refusal', false, null, null
      from exchange_log l join agencies a on a.code = l.details ->> 'senderCode'
      where l.event = 'send.refused' and (l.details -> 'level') is not null and ${inRange(sql`l.at`, r)}
    )
    select grouping(a.id) as g_agency, grouping(a.level) as g_level, a.id, a.code, a.name, a.level,
      (count(*) filter (where f.kind = 'sent'))::int as sent,
      (count(*) filter (where f.kind = 'sent' and f.both))::int as signed_by_both,
      (count(*) filter (where f.kind = 'delivery'))::int as received,
      (count(*) filter (where f.kind = 'delivery' and f.status in (${acceptedList})))::int as accepted,
      (count(*) filter (where f.kind = 'delivery' and f.status = '02'))::int as rejected,
      percentile_cont(0.5) within group (order by f.seconds) as median_seconds,
      (count(*) filter (where f.kind = 'refusal'))::int as classified_refusals
    from agencies a left join facts f on f.agency_id = a.id
    group by grouping sets ((a.id, a.code, a.name, a.level), (a.level), ())`;
}

const countsOf = (r: Row): ExchangeCounts => ({
  sent: Number(r.sent),
  signedByBoth: Number(r.signed_by_both),
  received: Number(r.received),
  accepted: Number(r.accepted),
  rejected: Number(r.rejected),
  medianSecondsToAcceptance: r.median_seconds === null ? null : Number(r.median_seconds),
  classifiedRefusals: Number(r.classified_refusals),
});

const ZERO: ExchangeCounts = { sent: 0, signedByBoth: 0, received: 0, accepted: 0, rejected: 0, medianSecondsToAcceptance: null, classifiedRefusals: 0 };

export async function exchangeCounts(db: Db, range: StatisticsRange): Promise<ExchangeCountsByGroup> {
  const rows = rowsOf<Row>(await db.execute(countsQuery(range)));
  const out: ExchangeCountsByGroup = { agencies: [], levels: [], total: ZERO };
  for (const r of rows) {
    if (Number(r.g_agency) === 0) {
      out.agencies.push({ agency: { id: r.id!, code: r.code!, name: r.name!, level: r.level as AgencyLevel }, ...countsOf(r) });
    } else if (Number(r.g_level) === 0) {
      out.levels.push({ level: r.level as AgencyLevel, ...countsOf(r) });
    } else {
      out.total = countsOf(r);
    }
  }
  out.agencies.sort((a, b) => a.agency.code.localeCompare(b.agency.code));
  return out;
}

export function statisticsStore(db: Db): StatisticsStore {
  return { counts: (range) => exchangeCounts(db, range) };
}
