// Documents and deliveries: uniqueness mapped to catalogue codes, inbox/outbox filters, cursor
// pagination, compare-and-set status updates and status history.
import { describe, expect, it } from 'vitest';
import { isDocaxisError, type DocaxisError } from '../../src/errors.js';
import type { Agency, DocumentFilter, ExchangeDocument, Stores, User } from '../../src/db/ports.js';
import { forEachDatabase } from '../support/databases.js';
import { documentInput, REPORT, seedAgency, seedUser } from './seed.js';

async function sender(s: Stores): Promise<{ agency: Agency; user: User }> {
  const agency = await seedAgency(s);
  return { agency, user: await seedUser(s, agency.id) };
}

async function allPages(s: Stores, filter: DocumentFilter, limit: number): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let after: string | undefined;
  let pages = 0;
  do {
    const page = await s.documents.list(filter, after === undefined ? { limit } : { limit, after });
    ids.push(...page.items.map((d) => d.id));
    after = page.next ?? undefined;
    pages++;
  } while (after !== undefined);
  return { ids, pages };
}

forEachDatabase('document stores', (t) => {
  describe('documents', () => {
    it('inserts and reads back metadata, report and dates as written', async () => {
      const { agency, user } = await sender(t.stores);
      const input = documentInput(agency, user, { idempotencyKey: 'k-1' });
      const d = await t.stores.documents.insert(input);
      expect(d).toEqual({ ...input, id: d.id, createdAt: d.createdAt });
      expect(d.verification).toEqual(REPORT);
      expect(await t.stores.documents.byId(d.id)).toEqual(d);
      expect(await t.stores.documents.byIdempotencyKey(agency.id, 'k-1')).toEqual(d);
      expect(await t.stores.documents.byIdempotencyKey(agency.id, 'k-2')).toBeUndefined();
      const m = input.metadata;
      expect(await t.stores.documents.numberTaken(agency.id, 2025, m.codeNumber, m.codeNotation)).toBe(true);
      expect(await t.stores.documents.numberTaken(agency.id, 2026, m.codeNumber, m.codeNotation)).toBe(false);
    });

    it('refuses a number reused by the sender in the same year: DUPLICATE_NUMBER', async () => {
      const { agency, user } = await sender(t.stores);
      const first = await t.stores.documents.insert(documentInput(agency, user));
      const again = documentInput(agency, user, { metadata: { codeNumber: first.metadata.codeNumber } });
      await t.stores.transaction(async (tx) => {
        const err = (await tx.documents.insert(again).catch((e: unknown) => e)) as DocaxisError;
        expect(isDocaxisError(err, 'DUPLICATE_NUMBER')).toBe(true);
        expect(await tx.documents.byId(first.id)).toEqual(first); // the transaction is still usable
      });
      // Another year, or another sender, may use it.
      await t.stores.documents.insert({ ...again, year: 2026 });
      const other = await sender(t.stores);
      await t.stores.documents.insert(documentInput(other.agency, other.user, { metadata: { codeNumber: first.metadata.codeNumber } }));
    });

    it('refuses a reused idempotency key: IDEMPOTENCY_KEY_REUSED naming the existing document', async () => {
      const { agency, user } = await sender(t.stores);
      const first = await t.stores.documents.insert(documentInput(agency, user, { idempotencyKey: 'retry-me' }));
      const err = (await t.stores.documents
        .insert(documentInput(agency, user, { idempotencyKey: 'retry-me' }))
        .catch((e: unknown) => e)) as DocaxisError;
      expect(isDocaxisError(err, 'IDEMPOTENCY_KEY_REUSED')).toBe(true);
      expect(err.details).toEqual({ existingDocumentId: first.id });
      // The same key is free for another sender; null keys never clash.
      const other = await sender(t.stores);
      await t.stores.documents.insert(documentInput(other.agency, other.user, { idempotencyKey: 'retry-me' }));
      await t.stores.documents.insert(documentInput(agency, user));
      await t.stores.documents.insert(documentInput(agency, user));
    });

    it('pages the outbox newest first without skipping or repeating', async () => {
      const { agency, user } = await sender(t.stores);
      const made: ExchangeDocument[] = [];
      for (let i = 0; i < 7; i++) made.push(await t.stores.documents.insert(documentInput(agency, user)));
      const expected = [...made]
        .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1))
        .map((d) => d.id);
      const { ids, pages } = await allPages(t.stores, { senderAgencyId: agency.id }, 3);
      expect(ids).toEqual(expected);
      expect(pages).toBe(3);
      const one = await t.stores.documents.list({ senderAgencyId: agency.id }, { limit: 7 });
      expect(one.next).toBeNull();
    });

    it('puts urgent documents first when asked, across pages', async () => {
      const { agency, user } = await sender(t.stores);
      const priorities = [0, 3, 1, 0, 2, 3, 1] as const;
      for (const p of priorities) await t.stores.documents.insert(documentInput(agency, user, { priority: p }));
      const { ids } = await allPages(t.stores, { senderAgencyId: agency.id, urgentFirst: true }, 2);
      const docs = await Promise.all(ids.map((id) => t.stores.documents.byId(id)));
      const got = docs.map((d) => d!.metadata.priority);
      expect(got).toEqual([...priorities].sort((a, b) => b - a));
      expect(new Set(ids).size).toBe(priorities.length);
    });

    it('filters by priority, type, sender code and time', async () => {
      const { agency, user } = await sender(t.stores);
      const a = await t.stores.documents.insert(documentInput(agency, user, { priority: 2, metadata: { documentType: 'Quyết định' } }));
      const b = await t.stores.documents.insert(documentInput(agency, user));
      const ids = async (f: DocumentFilter) => (await t.stores.documents.list({ senderAgencyId: agency.id, ...f }, { limit: 50 })).items.map((d) => d.id);
      expect(await ids({ priority: 2 })).toEqual([a.id]);
      expect(await ids({ documentType: 'Quyết định' })).toEqual([a.id]);
      expect(await ids({ documentType: 'Công văn' })).toEqual([b.id]);
      expect((await t.stores.documents.list({ senderCode: agency.code }, { limit: 50 })).items).toHaveLength(2);
      expect(await ids({ from: new Date(b.createdAt.getTime() + 1) })).toEqual([]);
      expect(await ids({ to: b.createdAt })).toEqual(b.createdAt > a.createdAt ? [a.id] : []);
    });

    it('searches the number/notation and the subject, case-insensitively, taking LIKE wildcards literally', async () => {
      const { agency, user } = await sender(t.stores);
      const a = await t.stores.documents.insert(documentInput(agency, user, { metadata: { codeNumber: '55', codeNotation: 'NQ-TU', subject: 'V/v Phòng chống DỊCH bệnh' } }));
      const b = await t.stores.documents.insert(documentInput(agency, user, { metadata: { codeNumber: '56', codeNotation: 'UBND-VP', subject: 'Giảm 50% phí_sử dụng' } }));
      const ids = async (text: string) => (await t.stores.documents.list({ senderAgencyId: agency.id, text }, { limit: 50 })).items.map((d) => d.id).sort();
      expect(await ids('55/NQ-TU')).toEqual([a.id]);
      expect(await ids('nq-tu')).toEqual([a.id]);
      expect(await ids('ubnd')).toEqual([b.id]);
      expect(await ids('DỊCH')).toEqual([a.id]);
      expect(await ids('phòng chống')).toEqual([a.id]);
      expect(await ids('50%')).toEqual([b.id]);
      // '%' and '_' are the user's characters, not wildcards: '5%' would otherwise match both.
      expect(await ids('5%')).toEqual([]);
      expect(await ids('phí_s')).toEqual([b.id]);
      expect(await ids('p_í')).toEqual([]);
      expect(await ids('nothing like this')).toEqual([]);
    });

    it('refuses a forged cursor with CURSOR_INVALID', async () => {
      const err = await t.stores.documents.list({}, { limit: 5, after: 'not-a-cursor' }).catch((e: unknown) => e);
      expect(isDocaxisError(err, 'CURSOR_INVALID')).toBe(true);
    });
  });

  describe('inbox and deliveries', () => {
    it('shows a recipient its deliveries not withdrawn, filtered by delivery status', async () => {
      const s = t.stores;
      const { agency, user } = await sender(s);
      const r1 = await seedAgency(s);
      const r2 = await seedAgency(s);
      const at = new Date('2025-03-04T01:02:03.004Z');
      const docs: ExchangeDocument[] = [];
      for (let i = 0; i < 3; i++) {
        const d = await s.documents.insert(documentInput(agency, user));
        docs.push(d);
        const ds = await s.deliveries.insertMany([
          { documentId: d.id, recipientAgencyId: r1.id, recipientCode: r1.code, status: '01', statusUpdatedAt: at, withdrawn: false },
          { documentId: d.id, recipientAgencyId: r2.id, recipientCode: r2.code, status: '01', statusUpdatedAt: at, withdrawn: false },
        ]);
        expect(ds.map((x) => x.status)).toEqual(['01', '01']);
      }
      const [d0, d1, d2] = docs as [ExchangeDocument, ExchangeDocument, ExchangeDocument];
      const r1d1 = (await s.deliveries.byDocumentAndRecipient(d1.id, r1.id))!;
      const r1d2 = (await s.deliveries.byDocumentAndRecipient(d2.id, r1.id))!;
      expect(await s.deliveries.updateStatus(r1d1.id, '01', '03', new Date())).toBe(true);
      expect(await s.deliveries.updateStatus(r1d2.id, '01', '15', new Date(), true)).toBe(true);

      const inbox = async (f: DocumentFilter = {}) =>
        (await s.documents.list({ recipientAgencyId: r1.id, ...f }, { limit: 50 })).items.map((d) => d.id);
      expect(await inbox()).toEqual([d1.id, d0.id]); // d2 withdrawn
      expect(await inbox({ status: '03' })).toEqual([d1.id]);
      expect(await inbox({ status: '01' })).toEqual([d0.id]);
      expect((await s.documents.list({ recipientAgencyId: r2.id, status: '01' }, { limit: 50 })).items).toHaveLength(3);
      // Outbox with a status: documents with any delivery in that status.
      expect((await s.documents.list({ senderAgencyId: agency.id, status: '03' }, { limit: 50 })).items.map((d) => d.id)).toEqual([d1.id]);
      // Paging the inbox one by one gives the same order.
      expect((await allPages(s, { recipientAgencyId: r2.id }, 1)).ids).toEqual([d2.id, d1.id, d0.id]);
    });

    it('updates status by compare-and-set and keeps the history in order', async () => {
      const s = t.stores;
      const { agency, user } = await sender(s);
      const r = await seedAgency(s);
      const d = await s.documents.insert(documentInput(agency, user));
      const at = new Date('2025-03-04T01:02:03.004Z');
      const [delivery] = await s.deliveries.insertMany([
        { documentId: d.id, recipientAgencyId: r.id, recipientCode: r.code, status: '01', statusUpdatedAt: at, withdrawn: false },
      ]);
      expect(await s.deliveries.forDocument(d.id)).toEqual([delivery]);
      expect(await s.deliveries.insertMany([])).toEqual([]);

      const later = new Date('2025-03-05T00:00:00.000Z');
      const [won, lost] = await Promise.all([
        s.deliveries.updateStatus(delivery!.id, '01', '03', later),
        s.deliveries.updateStatus(delivery!.id, '01', '02', later),
      ]);
      expect([won, lost].filter(Boolean)).toHaveLength(1);
      const now = (await s.deliveries.byDocumentAndRecipient(d.id, r.id))!;
      expect(now.status).toBe(won ? '03' : '02');
      expect(now.statusUpdatedAt).toEqual(later);
      expect(now.withdrawn).toBe(false);
      expect(await s.deliveries.updateStatus(delivery!.id, '01', '04', later)).toBe(false);

      const receipt = new Uint8Array([0x30, 0x82, 1, 2]);
      const e1 = await s.deliveries.addEvent({ deliveryId: delivery!.id, status: '01', reason: null, actorUserId: null, at, receipt });
      const e2 = await s.deliveries.addEvent({ deliveryId: delivery!.id, status: '02', reason: 'sai địa chỉ', actorUserId: user.id, at, receipt: null });
      expect(e1).toEqual({ id: e1.id, deliveryId: delivery!.id, status: '01', reason: null, actorUserId: null, at, receipt });
      expect(await s.deliveries.events(delivery!.id)).toEqual([e1, e2]);

      // Several in one write: in the order given, after the earlier ones.
      const batch = await s.deliveries.addEvents([
        { deliveryId: delivery!.id, status: '03', reason: null, actorUserId: user.id, at: later, receipt },
        { deliveryId: delivery!.id, status: '04', reason: 'đã giao', actorUserId: null, at: later, receipt: null },
      ]);
      expect(batch.map((e) => [e.status, e.reason, e.receipt])).toEqual([['03', null, receipt], ['04', 'đã giao', null]]);
      expect(await s.deliveries.events(delivery!.id)).toEqual([e1, e2, ...batch]);
      expect(await s.deliveries.addEvents([])).toEqual([]);
    });

    it('refuses a second delivery of one document to one recipient', async () => {
      const s = t.stores;
      const { agency, user } = await sender(s);
      const r = await seedAgency(s);
      const d = await s.documents.insert(documentInput(agency, user));
      const row = { documentId: d.id, recipientAgencyId: r.id, recipientCode: r.code, status: '01' as const, statusUpdatedAt: new Date(), withdrawn: false };
      await s.deliveries.insertMany([row]);
      await expect(s.deliveries.insertMany([row])).rejects.toThrow();
    });
  });
});
