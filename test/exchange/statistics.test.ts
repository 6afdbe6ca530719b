// Statistics through the use cases: a seeded flow (sends at three levels, accept / reject /
// complete, a recall kept with 16, a classified refusal and an ordinary one) gives exact figures,
// the same on the memory double, PGlite and PostgreSQL. The clock is pinned so that the times to
// acceptance are whole numbers of seconds.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Principal, Stores } from '../../src/db/ports.js';
import { authenticate } from '../../src/exchange/auth.js';
import type { ExchangeDeps } from '../../src/exchange/deps.js';
import { answerRecall, requestRecall } from '../../src/exchange/recall.js';
import { seedDemoProvince } from '../../src/exchange/seed-demo.js';
import { sendDocument } from '../../src/exchange/send-document.js';
import { getStatistics, type Figures } from '../../src/exchange/statistics.js';
import { updateStatus } from '../../src/exchange/update-status.js';
import { joinDocument } from '../../src/pades/complete.js';
import { signPdf } from '../../src/pades/sign.js';
import { readCertificates } from '../../src/pki/pem.js';
import { forEachDatabase } from '../support/databases.js';
import { FIXTURES_DIR, fixture, fixtureSigner, sampleLetter } from '../support/fixtures.js';
import { MemoryStores } from '../support/memory-stores.js';
import { CODES, makeLetters, metadata, refused } from './world.js';

let provinceLetter: Uint8Array;
let districtLetter: Uint8Array;
beforeAll(async () => {
  provinceLetter = (await makeLetters()).valid;
  const sign = async (pdf: Uint8Array, name: string, fieldName: string) => joinDocument(await signPdf(pdf, fixtureSigner(name), { fieldName }));
  districtLetter = await sign(await sign((await sampleLetter()).pdf, 'signer-le-van-cuong', 'ChuTich'), 'seal-ubnd-dong-hung', 'VanThu');
});

/** Expected figures: the counts given, shares derived, everything else zero. */
function fig(c: Partial<Figures>): Figures {
  const f = { sent: 0, received: 0, accepted: 0, rejected: 0, medianSecondsToAcceptance: null, signedByBoth: 0, classifiedRefusals: 0, ...c };
  const share = (a: number, b: number) => (b === 0 ? null : a / b);
  return { ...f, acceptedShare: share(f.accepted, f.received), rejectedShare: share(f.rejected, f.received), signedByBothShare: share(f.signedByBoth, f.sent) };
}

function scenario(storesOf: () => Stores): void {
  let deps: ExchangeDeps;
  let now: number;
  const at = (seconds: number) => {
    now = t0 + seconds * 1000;
  };
  let t0: number;
  const who: Record<string, Principal> = {};

  beforeAll(async () => {
    t0 = Date.now();
    now = t0;
    deps = { stores: storesOf(), clock: () => new Date(now), intermediates: readCertificates(fixture('intermediates.pem')) };
    const { users } = await seedDemoProvince(deps, { fixturesDir: FIXTURES_DIR });
    const login = (code: string, role: string) => authenticate(deps, users.find((u) => u.agencyCode === code && u.role === role)!.token, {});
    for (const [key, code] of Object.entries(CODES)) who[key] = await login(code, 'clerk');
    who['admin'] = await login(CODES.province, 'admin');
    who['auditor'] = await login(CODES.province, 'auditor');

    const send = (p: Principal, meta: Record<string, unknown>, pdf: Uint8Array) => sendDocument(deps, p, { metadata: meta, pdf });
    const status = (p: Principal, id: string, s: '02' | '03' | '05' | '06', seconds: number) => {
      at(seconds);
      return updateStatus(deps, p, id, { status: s, ...(s === '02' ? { reason: 'Không thuộc thẩm quyền' } : {}) });
    };
    at(0);
    const d1 = (await send(who['province']!, metadata({ recipients: [CODES.health, CODES.district] }), provinceLetter)).document.id;
    const d2Meta = metadata();
    const d2 = (await send(who['province']!, d2Meta, provinceLetter)).document.id;
    const d3 = (await send(who['district']!, metadata({ codeNotation: 'UBND', promulgationPlace: 'Đông Hưng', recipients: [CODES.dongHop, CODES.dongXa] }), districtLetter)).document.id;
    const d4 = (await send(who['province']!, metadata({ recipients: [CODES.interior] }), provinceLetter)).document.id;

    await status(who['district']!, d1, '02', 30);
    await status(who['health']!, d1, '03', 60);
    await status(who['dongHop']!, d3, '03', 90);
    await status(who['health']!, d1, '05', 120);
    await status(who['health']!, d1, '06', 180);
    await status(who['health']!, d2, '03', 300);
    at(400);
    await requestRecall(deps, who['province']!, d4, 'Gửi nhầm nơi nhận');
    await answerRecall(deps, who['interior']!, d4, '16'); // 16: kept but not accepted yet (it may still be rejected): counts as received only

    // Refusals: one classified (counted, for the health department), one ordinary (not counted).
    await refused(send(who['health']!, metadata({ classification: 'MAT', recipients: [CODES.province] }), provinceLetter), 'CLASSIFIED_REFUSED');
    await refused(send(who['province']!, d2Meta, provinceLetter), 'DUPLICATE_NUMBER');
  });

  it('gives exact figures per agency, per level and for the province', async () => {
    const s = await getStatistics(deps, who['auditor']!, {});
    const byCode = Object.fromEntries(s.agencies.map(({ code, name: _n, level: _l, ...f }) => [code, f]));
    expect(byCode).toEqual({
      [CODES.vpcp]: fig({}),
      [CODES.province]: fig({ sent: 3, signedByBoth: 3 }),
      [CODES.interior]: fig({ received: 1 }),
      [CODES.health]: fig({ received: 2, accepted: 2, medianSecondsToAcceptance: 180, classifiedRefusals: 1 }),
      [CODES.district]: fig({ sent: 1, signedByBoth: 1, received: 1, rejected: 1 }),
      [CODES.dongHop]: fig({ received: 1, accepted: 1, medianSecondsToAcceptance: 90 }),
      [CODES.dongXa]: fig({ received: 1 }),
    });
    expect(s.agencies.find((a) => a.code === CODES.district)?.level).toBe('district');
    expect(s.levels).toEqual([
      { level: 'central', ...fig({}) },
      { level: 'province', ...fig({ sent: 3, signedByBoth: 3, received: 3, accepted: 2, medianSecondsToAcceptance: 180, classifiedRefusals: 1 }) },
      { level: 'district', ...fig({ sent: 1, signedByBoth: 1, received: 1, rejected: 1 }) },
      { level: 'commune', ...fig({ received: 2, accepted: 1, medianSecondsToAcceptance: 90 }) },
    ]);
    // Median of 60, 300 and 90 seconds.
    expect(s.total).toEqual(fig({ sent: 4, signedByBoth: 4, received: 6, accepted: 3, rejected: 1, medianSecondsToAcceptance: 90, classifiedRefusals: 1 }));
    expect(s.total.acceptedShare).toBeCloseTo(3 / 6);
    expect(s.range).toEqual({ from: null, to: null });
  });

  it('a range after everything, or before it, counts nothing', async () => {
    for (const range of [{ from: new Date(t0 + 3_600_000) }, { to: new Date(t0 - 60_000) }]) {
      const s = await getStatistics(deps, who['admin']!, range);
      expect(s.total).toEqual(fig({}));
      expect(s.agencies.every((a) => a.sent === 0 && a.received === 0 && a.classifiedRefusals === 0)).toBe(true);
    }
  });

  it('clerks are refused (FORBIDDEN, logged); from after to is a usage error', async () => {
    await refused(getStatistics(deps, who['province']!, {}), 'FORBIDDEN');
    const last = await deps.stores.log.head();
    expect(last).toMatchObject({ event: 'access.denied', details: { what: 'read statistics' } });
    await refused(getStatistics(deps, who['admin']!, { from: new Date(t0 + 1000), to: new Date(t0) }), 'USAGE');
  });
}

describe('statistics [memory]', () => {
  scenario(() => new MemoryStores());
});

forEachDatabase('statistics', (t) => {
  scenario(() => t.stores);
});
