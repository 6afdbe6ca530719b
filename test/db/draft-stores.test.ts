// Drafts, versions, history, prepared signatures and user roles: the store contracts, on PGlite
// and PostgreSQL. The guards the use cases rely on: compare-and-set on a draft's state, one
// version number per draft, a prepared signature used at most once even under a race.
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { DraftMetadata, Stores } from '../../src/db/ports.js';
import { hashToken } from '../../src/exchange/auth.js';
import { forEachDatabase, rowsOf } from '../support/databases.js';
import { metadata, seedAgency, seedUser, sha } from './seed.js';

function draftMeta(): DraftMetadata {
  const { codeNumber: _n, ...m } = metadata();
  return m;
}

async function seedDraft(s: Stores, at = new Date()) {
  const agency = await seedAgency(s);
  const drafter = await seedUser(s, agency.id, { role: 'drafter' });
  const signer = await seedUser(s, agency.id, { role: 'signer' });
  const draft = await s.drafts.insert({ agencyId: agency.id, drafterUserId: drafter.id, signerUserId: null, status: 'draft', metadata: draftMeta(), currentVersion: 1 }, at);
  return { agency, drafter, signer, draft };
}

forEachDatabase('draft stores', (t) => {
  describe('user roles', () => {
    it('a user holds several roles; the token lookup carries them; setRoles keeps or moves the primary role', async () => {
      const s = t.stores;
      const agency = await seedAgency(s);
      const u = await s.users.insert({ agencyId: agency.id, name: 'Lãnh đạo', role: 'signer', roles: ['drafter'], active: true });
      expect(u.roles).toEqual(['drafter', 'signer']);
      expect(await s.users.byId(u.id)).toEqual(u);
      const secret = `dax_${randomBytes(32).toString('base64url')}`;
      await s.tokens.insert({ userId: u.id, tokenHash: hashToken(secret), label: 't' });
      expect((await s.tokens.findPrincipal(hashToken(secret)))!.user.roles).toEqual(['drafter', 'signer']);

      expect(await s.users.setRoles(u.id, ['signer', 'clerk'])).toMatchObject({ role: 'signer', roles: ['clerk', 'signer'] });
      expect(await s.users.setRoles(u.id, ['auditor'])).toMatchObject({ role: 'auditor', roles: ['auditor'] });
      expect((await s.users.list(agency.id)).find((x) => x.id === u.id)!.roles).toEqual(['auditor']);
      expect(await s.users.setRoles('00000000-0000-4000-8000-000000000000', ['clerk'])).toBeUndefined();
    });

    it('a row written without user_roles still has its primary role; the database refuses an unknown role', async () => {
      const agency = await seedAgency(t.stores);
      const [row] = rowsOf<{ id: string }>(await t.database.db.execute(sql.raw(`insert into users (agency_id, name, role) values ('${agency.id}', 'Cũ', 'clerk') returning id`)));
      expect((await t.stores.users.byId(row!.id))!.roles).toEqual(['clerk']);
      await expect(t.database.db.execute(sql.raw(`insert into user_roles (user_id, role) values ('${row!.id}', 'boss')`))).rejects.toThrow();
      await expect(t.database.db.execute(sql.raw(`insert into users (agency_id, name, role) values ('${agency.id}', 'X', 'boss')`))).rejects.toThrow();
    });
  });

  describe('drafts', () => {
    it('inserts and reads back; update is compare-and-set on status and version', async () => {
      const s = t.stores;
      const at = new Date('2026-05-01T01:02:03.456Z');
      const { draft, signer } = await seedDraft(s, at);
      expect(draft).toMatchObject({ status: 'draft', currentVersion: 1, signerUserId: null, createdAt: at, updatedAt: at });
      expect(await s.drafts.byId(draft.id)).toEqual(draft);
      const later = new Date(at.getTime() + 1000);
      expect(await s.drafts.update(draft.id, { status: 'draft', currentVersion: 1 }, { status: 'submitted', signerUserId: signer.id }, later)).toBe(true);
      // The same transition again, from a state the draft has left: refused, nothing written.
      expect(await s.drafts.update(draft.id, { status: 'draft', currentVersion: 1 }, { status: 'returned' }, later)).toBe(false);
      expect(await s.drafts.update(draft.id, { status: 'submitted', currentVersion: 2 }, { status: 'signed' }, later)).toBe(false);
      expect(await s.drafts.byId(draft.id)).toMatchObject({ status: 'submitted', signerUserId: signer.id, currentVersion: 1, updatedAt: later });
    });

    it('one version number per draft; versions and events come back in order', async () => {
      const s = t.stores;
      const { draft, drafter } = await seedDraft(s);
      const at = new Date();
      const h1 = sha();
      await s.drafts.addVersion({ draftId: draft.id, version: 1, kind: 'upload', fileSha256: h1, fileSize: 10, createdByUserId: drafter.id }, at);
      await expect(s.drafts.addVersion({ draftId: draft.id, version: 1, kind: 'revision', fileSha256: sha(), fileSize: 11, createdByUserId: drafter.id }, at)).rejects.toThrow();
      await s.drafts.addVersion({ draftId: draft.id, version: 2, kind: 'revision', fileSha256: sha(), fileSize: 12, createdByUserId: drafter.id }, at);
      expect((await s.drafts.versions(draft.id)).map((v) => [v.version, v.kind])).toEqual([[1, 'upload'], [2, 'revision']]);
      for (const kind of ['created', 'submitted', 'returned', 'revised'] as const) {
        await s.drafts.addEvent({ draftId: draft.id, kind, actorUserId: drafter.id, version: 1, comment: kind === 'returned' ? 'Sửa lại' : null, details: { k: kind }, at });
      }
      const events = await s.drafts.events(draft.id);
      expect(events.map((e) => e.kind)).toEqual(['created', 'submitted', 'returned', 'revised']);
      expect(events[2]).toMatchObject({ comment: 'Sửa lại', details: { k: 'returned' } });
    });

    it('lists an agency’s drafts newest first, by person and status, page by page', async () => {
      const s = t.stores;
      const { agency, drafter, signer } = await seedDraft(s, new Date('2026-01-01T00:00:00.000Z'));
      const other = await seedUser(s, agency.id, { role: 'drafter' });
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const d = await s.drafts.insert({ agencyId: agency.id, drafterUserId: i < 3 ? drafter.id : other.id, signerUserId: i === 4 ? signer.id : null, status: i === 4 ? 'submitted' : 'draft', metadata: draftMeta(), currentVersion: 1 }, new Date(Date.UTC(2026, 1, 1 + i)));
        ids.push(d.id);
      }
      const all = await s.drafts.list({ agencyId: agency.id }, { limit: 100 });
      expect(all.items).toHaveLength(6);
      expect(all.items.slice(0, 5).map((d) => d.id)).toEqual([...ids].reverse());
      const mine = await s.drafts.list({ agencyId: agency.id, involvingUserId: drafter.id }, { limit: 100 });
      expect(mine.items).toHaveLength(4);
      expect((await s.drafts.list({ agencyId: agency.id, involvingUserId: signer.id }, { limit: 100 })).items.map((d) => d.id)).toEqual([ids[4]]);
      expect((await s.drafts.list({ agencyId: agency.id, status: 'submitted' }, { limit: 100 })).items.map((d) => d.id)).toEqual([ids[4]]);
      const first = await s.drafts.list({ agencyId: agency.id }, { limit: 4 });
      const second = await s.drafts.list({ agencyId: agency.id }, { limit: 4, after: first.next! });
      expect([...first.items, ...second.items].map((d) => d.id)).toEqual(all.items.map((d) => d.id));
      expect(second.next).toBeNull();
      const otherAgency = await seedAgency(s);
      expect((await s.drafts.list({ agencyId: otherAgency.id }, { limit: 100 })).items).toEqual([]);
    });
  });

  describe('prepared signatures', () => {
    it('round-trips bytes and certificates; used at most once, even by two racing completions', async () => {
      const s = t.stores;
      const { draft, signer } = await seedDraft(s);
      const update = new Uint8Array(randomBytes(5000));
      const certificates = [new Uint8Array(randomBytes(900)), new Uint8Array(randomBytes(800))];
      const at = new Date();
      const p = await s.drafts.insertPrepared({ draftId: draft.id, version: 1, userId: signer.id, certificateSha256: sha(), certificates, record: { version: 1, fieldName: 'Signature1' }, update, expiresAt: new Date(at.getTime() + 600_000) }, at);
      const back = (await s.drafts.preparedById(p.id))!;
      expect(Buffer.from(back.update).equals(Buffer.from(update))).toBe(true);
      expect(back.certificates.map((c) => Buffer.from(c).toString('hex'))).toEqual(certificates.map((c) => Buffer.from(c).toString('hex')));
      expect(back).toMatchObject({ usedAt: null, record: { fieldName: 'Signature1' }, version: 1, userId: signer.id });
      const race = await Promise.all([0, 1, 2, 3].map(() => s.transaction((tx) => tx.drafts.markPreparedUsed(p.id, at))));
      expect(race.filter(Boolean)).toHaveLength(1);
      expect((await s.drafts.preparedById(p.id))!.usedAt).toEqual(at);
      expect(await s.drafts.markPreparedUsed(p.id, at)).toBe(false);
    });
  });
});
