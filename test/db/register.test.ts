// The outgoing register on PGlite and PostgreSQL, through the use case: concurrent registrations
// get distinct consecutive numbers, the year (Vietnam time) restarts the sequence at 1, a failure
// after the number was taken gives the number back, and search/export see only the agency's own.
import { sql } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.js';
import { createStores } from '../../src/db/create-stores.js';
import type { Agency, Principal, Stores, User } from '../../src/db/ports.js';
import type { ExchangeDeps } from '../../src/exchange/deps.js';
import { exportRegisterCsv, registerOutgoing, searchRegister } from '../../src/exchange/register.js';
import { isDocaxisError } from '../../src/errors.js';
import { forEachDatabase, rowsOf, type TestDatabase } from '../support/databases.js';
import { documentInput, seedAgency, seedUser, sha } from './seed.js';

const input = (over: Partial<Parameters<typeof registerOutgoing>[2]> = {}) => ({
  documentType: 'Quyết định',
  subject: 'Về việc phê duyệt kế hoạch chuyển đổi số',
  signerName: 'Nguyễn Văn An',
  documentSha256: sha(),
  ...over,
});

async function clerkOf(stores: Stores, name = 'Ủy ban nhân dân tỉnh Thái Bình'): Promise<{ agency: Agency; user: User; p: Principal }> {
  const agency = await seedAgency(stores, { name });
  const user = await seedUser(stores, agency.id, { role: 'clerk' });
  return { agency, user, p: { user, agency, tokenId: 'test' } };
}

const depsAt = (stores: Stores, at: () => Date): ExchangeDeps => ({ stores, clock: at });

forEachDatabase('outgoing register', (t: TestDatabase) => {
  let deps: ExchangeDeps;
  beforeAll(() => {
    deps = depsAt(t.stores, () => new Date('2026-06-15T03:00:00Z'));
  });

  it('20 concurrent registrations get 20 distinct consecutive numbers (each its own transaction)', async () => {
    const { agency, p } = await clerkOf(t.stores);
    // On PostgreSQL each registration runs on its own pooled connection, so they really race on
    // the counter row; PGlite serialises them on its one connection.
    const pool = t.kind === 'postgres' ? await openDatabase({ url: t.url!, maxConnections: 20 }) : undefined;
    const stores = pool ? createStores(pool) : t.stores;
    const results = await Promise.all(Array.from({ length: 20 }, () => registerOutgoing(depsAt(stores, deps.clock), p, input()))).finally(() => pool?.close());
    const numbers = results.map((r) => r.number).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(new Set(results.map((r) => r.notation))).toEqual(new Set(['QĐ-UBND']));
    const stored = await searchRegister(deps, p, { year: 2026 }, { limit: 100 });
    expect(stored.items.map((e) => e.number).sort((a, b) => a - b)).toEqual(numbers);
    expect(stored.items.every((e) => e.agencyId === agency.id)).toBe(true);
    // Each registration is logged, with its number.
    const logged = await t.stores.log.search({ agencyId: agency.id, event: 'register.entry' }, { limit: 100 });
    expect(logged.items.map((e) => Number(e.details.codeNumber)).sort((a, b) => a - b)).toEqual(numbers);
  });

  it('20 concurrent registrations of which every third fails after taking its number: the 13 that commit are 1..13', async () => {
    const { p } = await clerkOf(t.stores);
    const pool = t.kind === 'postgres' ? await openDatabase({ url: t.url!, maxConnections: 20 }) : undefined;
    const stores = pool ? createStores(pool) : t.stores;
    const attempt = (i: number) =>
      stores.transaction(async (tx) => {
        const r = await registerOutgoing(depsAt(tx, deps.clock), p, input());
        if (i % 3 === 0) throw new Error(`seal ${i} failed`);
        return r.number;
      });
    const settled = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => attempt(i))).finally(() => pool?.close());
    const committed = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : [])).sort((a, b) => a - b);
    expect(settled.filter((s) => s.status === 'rejected')).toHaveLength(7);
    expect(committed).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
    const stored = await searchRegister(deps, p, {}, { limit: 100 });
    expect(stored.items.map((e) => e.number).sort((a, b) => a - b)).toEqual(committed);
  });

  it('the year is Vietnam’s: 31/12 16:59:59Z is still the old year, 17:00Z (midnight +07) starts at 1', async () => {
    const { p } = await clerkOf(t.stores);
    let now = new Date('2026-12-31T16:59:59.000Z'); // 23:59:59 on 31/12/2026 in Vietnam
    const d = depsAt(t.stores, () => now);
    expect(await registerOutgoing(d, p, input())).toMatchObject({ year: 2026, number: 1 });
    expect(await registerOutgoing(d, p, input())).toMatchObject({ year: 2026, number: 2 });
    now = new Date('2026-12-31T17:00:00.000Z'); // 00:00:00 on 1/1/2027 in Vietnam, still 2026 in UTC
    expect(await registerOutgoing(d, p, input())).toMatchObject({ year: 2027, number: 1 });
    expect(await registerOutgoing(d, p, input())).toMatchObject({ year: 2027, number: 2 });
  });

  it('a registration that fails after its number was taken leaves no gap: the next one gets that number', async () => {
    const { p } = await clerkOf(t.stores);
    expect((await registerOutgoing(deps, p, input())).number).toBe(1);
    // The caller's transaction (the seal, later) registers, then fails: everything rolls back.
    const failed = await t.stores
      .transaction(async (tx) => {
        const r = await registerOutgoing(depsAt(tx, deps.clock), p, input());
        expect(r.number).toBe(2);
        throw new Error('sealing failed');
      })
      .catch((e: unknown) => e);
    expect((failed as Error).message).toBe('sealing failed');
    // Fails inside the use case's own transaction, at the log insert, after the entry was written.
    const broken: Stores = { ...t.stores, transaction: (fn) => t.stores.transaction((tx) => fn({ ...tx, log: { ...tx.log, append: () => Promise.reject(new Error('log down')) } })) };
    await expect(registerOutgoing(depsAt(broken, deps.clock), p, input())).rejects.toThrow('log down');
    expect((await registerOutgoing(deps, p, input())).number).toBe(2);
    const all = await searchRegister(deps, p, {}, { limit: 10 });
    expect(all.items.map((e) => e.number).sort()).toEqual([1, 2]);
  });

  it('search by number, text and date range, paged with a cursor; CSV with BOM, Vietnamese headers, Vietnam time', async () => {
    const { p, agency } = await clerkOf(t.stores, 'Sở Y tế tỉnh Thái Bình');
    let now = new Date('2026-03-01T02:00:00Z');
    const d = depsAt(t.stores, () => now);
    for (let i = 0; i < 5; i++) {
      now = new Date(now.getTime() + 60_000);
      await registerOutgoing(d, p, input({ subject: i === 3 ? '=HYPERLINK("http://x") kế hoạch tiêm chủng' : `Văn bản ${i}`, documentType: i === 4 ? 'Công văn' : 'Kế hoạch' }));
    }
    const page1 = await searchRegister(d, p, {}, { limit: 2 });
    expect(page1.items.map((e) => e.number)).toEqual([5, 4]);
    const page2 = await searchRegister(d, p, {}, { limit: 2, after: page1.next! });
    expect(page2.items.map((e) => e.number)).toEqual([3, 2]);
    expect((await searchRegister(d, p, { number: 4 }, { limit: 10 })).items.map((e) => e.notation)).toEqual(['KH-SYT']);
    expect((await searchRegister(d, p, { text: 'TIÊM CHỦNG' }, { limit: 10 })).items.map((e) => e.number)).toEqual([4]);
    expect((await searchRegister(d, p, { text: '5/SYT' }, { limit: 10 })).items.map((e) => e.number)).toEqual([5]);
    expect((await searchRegister(d, p, { text: '%' }, { limit: 10 })).items).toEqual([]);
    const window = { from: new Date('2026-03-01T02:02:00Z'), to: new Date('2026-03-01T02:04:00Z') };
    expect((await searchRegister(d, p, window, { limit: 10 })).items.map((e) => e.number)).toEqual([3, 2]);
    // Another agency's clerk sees none of them.
    const other = await clerkOf(t.stores, 'Sở Nội vụ');
    expect((await searchRegister(d, other.p, {}, { limit: 10 })).items).toEqual([]);

    const csv = await exportRegisterCsv(d, p, { year: 2026 });
    expect(csv.startsWith('\uFEFFNăm,Số,Ký hiệu,Số và ký hiệu,Loại văn bản,Trích yếu,Người ký,Thời gian đăng ký')).toBe(true);
    const lines = csv.slice(1).trimEnd().split('\r\n');
    expect(lines).toHaveLength(6);
    expect(lines[1]).toContain('2026,5,SYT,5/SYT,Công văn,Văn bản 4,Nguyễn Văn An,01.03.2026 09:05:00 +07:00');
    // The formula is defused with an apostrophe (then quoted: it holds a quote and a comma).
    expect(lines[2]).toContain(`"'=HYPERLINK(""http://x"") kế hoạch tiêm chủng"`);
    expect(agency.name).toBe('Sở Y tế tỉnh Thái Bình');
  });

  it('an auditor reads the register, and may not register; the refusal is logged and takes no number', async () => {
    const { agency, p } = await clerkOf(t.stores);
    const auditorUser = await seedUser(t.stores, agency.id, { role: 'auditor' });
    const auditor: Principal = { user: auditorUser, agency, tokenId: 'test' };
    const err = await registerOutgoing(deps, auditor, input()).catch((e: unknown) => e);
    expect(isDocaxisError(err, 'FORBIDDEN')).toBe(true);
    expect((await t.stores.log.head())!).toMatchObject({ event: 'access.denied', actorUserId: auditorUser.id });
    expect((await registerOutgoing(deps, p, input())).number).toBe(1);
    expect((await searchRegister(deps, auditor, {}, { limit: 5 })).items).toHaveLength(1);
  });

  it('the database refuses a second entry with the same number and a malformed hash', async () => {
    const { agency, user } = await clerkOf(t.stores);
    const row = { agencyId: agency.id, year: 2026, notation: 'QĐ-UBND', documentType: 'Quyết định', subject: 's', signerName: 'n', registeredAt: new Date(), registeredBy: user.id, documentSha256: sha() };
    const e = await t.stores.register.register(row);
    const dup = t.database.db.execute(
      sql`insert into register_entries (agency_id, year, number, notation, document_type, subject, signer_name, registered_at, registered_by, document_sha256) values (${agency.id}, 2026, ${e.number}, 'x', 'y', 's', 'n', now(), ${user.id}, ${sha()})`,
    );
    await expect(dup).rejects.toThrow();
    await expect(t.stores.register.register({ ...row, documentSha256: 'not-hex' })).rejects.toThrow();
    const counter = rowsOf<{ last_number: number }>(await t.database.db.execute(sql`select last_number from register_counters where agency_id = ${agency.id}`));
    expect(counter.map((r) => r.last_number)).toEqual([1]);
  });

  it('links an entry to its sent document once, and only within its agency; the abbreviation override wins', async () => {
    const { agency, user, p } = await clerkOf(t.stores, 'Sở Kế hoạch và Đầu tư');
    const reg = await registerOutgoing(deps, p, input({ documentType: 'Báo cáo' }));
    expect(reg.notation).toBe('BC-SKHĐT');
    const doc = await t.stores.documents.insert(documentInput(agency, user));
    const other = await clerkOf(t.stores);
    expect(await t.stores.register.linkDocument(other.agency.id, reg.id, doc.id)).toBe(false);
    expect(await t.stores.register.linkDocument(agency.id, reg.id, doc.id)).toBe(true);
    expect(await t.stores.register.linkDocument(agency.id, reg.id, doc.id)).toBe(false);
    expect((await searchRegister(deps, p, { number: reg.number }, { limit: 1 })).items[0]?.documentId).toBe(doc.id);

    await t.stores.register.setAbbreviation(agency.id, 'SKHĐT-TB');
    await t.stores.register.setAbbreviation(agency.id, 'KHĐT');
    expect(await registerOutgoing(deps, p, input({ documentType: 'Báo cáo' }))).toMatchObject({ number: 2, notation: 'BC-KHĐT' });
  });
});
