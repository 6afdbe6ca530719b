// The statistics store on its own, with hand-made verification reports and status histories, so
// that the edge cases are exact: "signed by both" is read from the stored report (order, validity,
// which certificate is a seal), the median of an even count is the mean of the middle two, the
// range bounds are from-inclusive / to-exclusive, and the SQL store agrees with the memory double.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Agency, AgencyLevel, StatusCode, Stores } from '../../src/db/ports.js';
import type { VerificationReport } from '../../src/pades/report.js';
import { forEachDatabase } from '../support/databases.js';
import { MemoryStores } from '../support/memory-stores.js';
import { REPORT, documentInput, seedAgency, seedUser, sha } from './seed.js';

const PERSON = sha();
const T0 = Date.parse('2025-03-04T01:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000);

type Sig = [fingerprint: string, indication?: 'TOTAL_PASSED' | 'INDETERMINATE'];

/** A report with these signatures in file order (only the fields the statistics read). */
function report(...sigs: Sig[]): VerificationReport {
  return {
    ...REPORT,
    signatures: sigs.map(([fingerprintSha256, indication = 'TOTAL_PASSED'], index) => ({ index, type: 'signature', indication, signer: { fingerprintSha256 } })),
  } as unknown as VerificationReport;
}

function suite(storesOf: () => Stores): void {
  let s: Stores;
  let sender: Agency;
  let other: Agency;
  let idle: Agency;
  const seals: Record<string, string> = {};

  beforeAll(async () => {
    s = storesOf();
    const agency = async (level: AgencyLevel) => {
      const a = await seedAgency(s, { level });
      seals[a.id] = sha();
      await s.certificates.insert({ agencyId: a.id, der: new Uint8Array([1]), fingerprintSha256: seals[a.id]!, subject: a.name, notBefore: at(-1e6), notAfter: at(1e6) });
      return a;
    };
    sender = await agency('district');
    other = await agency('commune');
    idle = await agency('central');
    const user = await seedUser(s, sender.id);
    const own = seals[sender.id]!;
    const reports = [
      report([PERSON], [own]), // both
      report([PERSON], [own.toUpperCase()]), // both: fingerprints compare case-insensitively
      report([own]), // seal only
      report([own], [PERSON]), // wrong order
      report([PERSON, 'INDETERMINATE'], [own]), // the signer's signature did not pass
      report([seals[other.id]!], [own]), // what precedes is another agency's seal, not a person
    ];
    // Per delivery to `other`: its status history as [status, seconds after T0].
    const histories: Array<Array<[StatusCode, number]>> = [
      [['01', 0], ['03', 10], ['05', 20], ['06', 30]],
      [['01', 0], ['03', 30]],
      [['01', 0], ['02', 5]],
      [['01', 0], ['13', 5], ['16', 8]],
      [['01', 0]],
      [['01', 100], ['03', 140]],
    ];
    for (const [i, verification] of reports.entries()) {
      const doc = await s.documents.insert({ ...documentInput(sender, user), verification });
      const history = histories[i]!;
      const [d] = await s.deliveries.insertMany([{ documentId: doc.id, recipientAgencyId: other.id, recipientCode: other.code, status: history.at(-1)![0], statusUpdatedAt: at(0), withdrawn: false }]);
      for (const [status, t] of history) await s.deliveries.addEvent({ deliveryId: d!.id, status, reason: null, actorUserId: null, at: at(t), receipt: null });
    }
    const refusal = (details: Record<string, unknown>, seconds: number) =>
      s.log.append({ event: 'send.refused', actorUserId: user.id, agencyId: sender.id, documentId: null, details: { senderCode: sender.code, ...details } }, at(seconds));
    await refusal({ codeNumber: '1', level: 'MAT' }, 0);
    await refusal({ codeNumber: '2', level: 'TUYET_MAT' }, 3600);
    await refusal({ codeNumber: '3', code: 'DUPLICATE_NUMBER' }, 0);
  });

  it('counts per agency, level and total, from the stored reports and histories', async () => {
    const c = await s.statistics.counts({});
    const of = (a: Agency) => c.agencies.find((x) => x.agency.id === a.id);
    const none = { sent: 0, signedByBoth: 0, received: 0, accepted: 0, rejected: 0, medianSecondsToAcceptance: null, classifiedRefusals: 0 };
    const senderCounts = { ...none, sent: 6, signedByBoth: 2, classifiedRefusals: 2 };
    // Accepted: 06, 03, 03 (16 is kept after a recall but not accepted yet); rejected: 02. Times to 03: 10, 30, 40 -> median 30.
    const otherCounts = { ...none, received: 6, accepted: 3, rejected: 1, medianSecondsToAcceptance: 30 };
    expect(of(sender)).toEqual({ agency: { id: sender.id, code: sender.code, name: sender.name, level: 'district' }, ...senderCounts });
    expect(of(other)).toMatchObject(otherCounts);
    expect(of(idle)).toMatchObject(none);
    expect(c.levels.find((l) => l.level === 'district')).toEqual({ level: 'district', ...senderCounts });
    expect(c.levels.find((l) => l.level === 'commune')).toEqual({ level: 'commune', ...otherCounts });
    expect(c.total).toEqual({ sent: 6, signedByBoth: 2, received: 6, accepted: 3, rejected: 1, medianSecondsToAcceptance: 30, classifiedRefusals: 2 });
  });

  it('the median of an even count is the mean of the middle two', async () => {
    // A fresh agency with two accepted deliveries (20 s and 50 s), read on its own.
    const third = await seedAgency(s, { level: 'commune' });
    const user = await seedUser(s, sender.id);
    for (const seconds of [20, 50]) {
      const doc = await s.documents.insert(documentInput(sender, user));
      const [d] = await s.deliveries.insertMany([{ documentId: doc.id, recipientAgencyId: third.id, recipientCode: third.code, status: '03', statusUpdatedAt: at(0), withdrawn: false }]);
      await s.deliveries.addEvent({ deliveryId: d!.id, status: '01', reason: null, actorUserId: null, at: at(0), receipt: null });
      await s.deliveries.addEvent({ deliveryId: d!.id, status: '03', reason: null, actorUserId: null, at: at(seconds), receipt: null });
    }
    const c = await s.statistics.counts({});
    expect(c.agencies.find((x) => x.agency.id === third.id)).toMatchObject({ received: 2, accepted: 2, medianSecondsToAcceptance: 35 });
    // The commune level now has times 10, 30, 40, 20, 50: a true median over deliveries (30), not of agency medians.
    expect(c.levels.find((l) => l.level === 'commune')?.medianSecondsToAcceptance).toBe(30);
  });

  it('bounds: documents by createdAt, refusals by log time; from inclusive, to exclusive', async () => {
    const future = await s.statistics.counts({ from: new Date(Date.now() + 3_600_000) });
    expect(future.total).toMatchObject({ sent: 0, received: 0, medianSecondsToAcceptance: null, classifiedRefusals: 0 });
    const firstHour = await s.statistics.counts({ from: at(0), to: at(3600) });
    expect(firstHour.total).toMatchObject({ sent: 0, classifiedRefusals: 1 }); // documents were created today, not in 2025-03
    const fromRefusal = await s.statistics.counts({ from: at(3600) });
    expect(fromRefusal.total.classifiedRefusals).toBe(1);
    expect(fromRefusal.total.sent).toBeGreaterThanOrEqual(6);
  });
}

describe('statistics store [memory]', () => {
  suite(() => new MemoryStores());
});

forEachDatabase('statistics store', (t) => {
  suite(() => t.stores);
});
