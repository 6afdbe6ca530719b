// ArchiveStore (0010) on PGlite and PostgreSQL: what is due (accepted without a copy, or renewal
// date reached; never a document nobody accepted), and record's compare-and-set.
import { expect, it } from 'vitest';
import type { ArchiveState } from '../../src/db/ports.js';
import { authenticate } from '../../src/exchange/auth.js';
import type { ExchangeDeps } from '../../src/exchange/deps.js';
import { seedDemoProvince } from '../../src/exchange/seed-demo.js';
import { sendDocument } from '../../src/exchange/send-document.js';
import { updateStatus } from '../../src/exchange/update-status.js';
import { forEachDatabase } from '../support/databases.js';
import { FIXTURES_DIR, fixture } from '../support/fixtures.js';
import { readCertificates } from '../../src/pki/pem.js';
import { CODES, makeLetters, metadata } from '../exchange/world.js';

forEachDatabase('archive store', (t) => {
  it('due lists accepted documents without a copy and copies whose renewal date came; record is a compare-and-set', async () => {
    const now = new Date();
    const deps: ExchangeDeps = { stores: t.stores, clock: () => now, intermediates: readCertificates(fixture('intermediates.pem')) };
    const { users } = await seedDemoProvince(deps, { fixturesDir: FIXTURES_DIR });
    const clerk = (code: string) => authenticate(deps, users.find((u) => u.agencyCode === code && u.role === 'clerk')!.token, {});
    const L = await makeLetters();
    const sent = await sendDocument(deps, await clerk(CODES.province), { metadata: metadata({ recipients: [CODES.health, CODES.district] }), pdf: L.valid });
    const id = sent.document.id;
    const s = t.stores.archives;

    expect(await s.due(now, 10, ['sha1'])).not.toContain(id); // delivered, nobody accepted
    await updateStatus(deps, await clerk(CODES.district), id, { status: '02', reason: 'không thuộc thẩm quyền' });
    expect(await s.due(now, 10, ['sha1'])).not.toContain(id); // refused is not accepted
    await updateStatus(deps, await clerk(CODES.health), id, { status: '03' });
    expect(await s.due(now, 10, ['sha1'])).toContain(id);
    expect(await s.state(id)).toBeUndefined();

    const first: ArchiveState = { documentId: id, archivalSha256: 'a'.repeat(64), archivedAt: now, nextRenewalAt: new Date(now.getTime() + 3_600_000), digest: 'sha256' };
    expect(await s.record(null, first)).toBe(true);
    expect(await s.record(null, { ...first, archivalSha256: 'b'.repeat(64) })).toBe(false); // another run got there first
    expect(await s.state(id)).toEqual(first);
    expect(await s.due(now, 10, ['sha1'])).not.toContain(id);
    expect(await s.due(new Date(now.getTime() + 3_600_000), 10, ['sha1'])).toContain(id); // the renewal date itself is due
    expect(await s.due(now, 10, ['sha1', 'sha256'])).toContain(id); // its digest became weak: due whatever the date
    expect(await s.due(now, 10, [])).not.toContain(id);

    const second: ArchiveState = { ...first, archivalSha256: 'c'.repeat(64), nextRenewalAt: new Date(now.getTime() + 7_200_000) };
    expect(await s.record('b'.repeat(64), second)).toBe(false);
    expect(await s.record(first.archivalSha256, second)).toBe(true);
    expect(await s.state(id)).toEqual(second);
    // The document record itself is unchanged: the file stays the bytes as received.
    const doc = await t.stores.documents.byId(id);
    expect(doc?.fileSha256).toBe(sent.document.fileSha256);
    expect(doc).not.toHaveProperty('archivalSha256');
  }, 60_000);
});
