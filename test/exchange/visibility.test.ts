// Who sees what: the sender all deliveries, a recipient its own, anyone else NOT_FOUND (logged);
// inbox and outbox are always the caller's agency's.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { downloadDocument, fileNameOf, getDocument, reverifyDocument } from '../../src/exchange/get-document.js';
import { listDocuments } from '../../src/exchange/list-documents.js';
import { sendDocument, type SendResult } from '../../src/exchange/send-document.js';
import { updateStatus } from '../../src/exchange/update-status.js';
import type { DocumentFilter } from '../../src/db/ports.js';
import { CODES, lastLog, makeLetters, makeWorld, metadata, refused, type Letters, type World } from './world.js';

let L: Letters;
let w: World;
let sent: SendResult;
beforeAll(async () => {
  L = await makeLetters();
});
beforeEach(async () => {
  w = await makeWorld();
  sent = await sendDocument(w.deps, w.clerk.province, { metadata: metadata({ recipients: [CODES.health, CODES.district], codeNotation: 'UBND-VP/Đ' }), pdf: L.valid });
});

describe('document detail', () => {
  it('the sender sees every delivery with its history', async () => {
    const d = await getDocument(w.deps, w.clerk.province, sent.document.id);
    expect(d.document.id).toBe(sent.document.id);
    expect(d.deliveries.map((x) => [x.recipientCode, x.events.map((e) => e.status)])).toEqual([
      [CODES.health, ['01']],
      [CODES.district, ['01']],
    ]);
  });

  it('a recipient sees only its own delivery', async () => {
    const d = await getDocument(w.deps, w.clerk.health, sent.document.id);
    expect(d.deliveries.map((x) => x.recipientCode)).toEqual([CODES.health]);
  });

  it('a third agency, and an unknown id, get the same NOT_FOUND; the attempt is logged', async () => {
    for (const id of [sent.document.id, 'no-such-id']) {
      const e = await refused(getDocument(w.deps, w.clerk.interior, id), 'NOT_FOUND');
      expect(e.message).toBe('Not found');
      expect(lastLog(w)).toMatchObject({ event: 'access.denied', actorUserId: w.clerk.interior.user.id, agencyId: w.clerk.interior.agency.id, details: { what: `read document ${id}` } });
    }
    await refused(downloadDocument(w.deps, w.clerk.interior, sent.document.id), 'NOT_FOUND');
    await refused(reverifyDocument(w.deps, w.clerk.vpcp, sent.document.id), 'NOT_FOUND');
  });

  it('admins and auditors do not read documents', async () => {
    await refused(getDocument(w.deps, w.admin, sent.document.id), 'FORBIDDEN');
    await refused(downloadDocument(w.deps, w.auditor, sent.document.id), 'FORBIDDEN');
    await refused(listDocuments(w.deps, w.auditor, 'inbox', {}, { limit: 10 }), 'FORBIDDEN');
  });
});

describe('download and re-verification', () => {
  it('the signed bytes with their SHA-256 and an ASCII file name', async () => {
    const r = await downloadDocument(w.deps, w.clerk.health, sent.document.id);
    expect(r.bytes).toEqual(L.valid);
    expect(r.sha256).toBe(sent.document.fileSha256);
    expect(r.fileName).toBe(`${String(sent.document.metadata.codeNumber)}-UBND-VP-D.pdf`);
    expect(fileNameOf({ ...sent.document, metadata: { ...sent.document.metadata, codeNumber: '../', codeNotation: '..' } })).toBe('document.pdf');
  });

  it('re-verification uses today’s trust: valid now, indeterminate once the anchor is withdrawn', async () => {
    expect((await reverifyDocument(w.deps, w.clerk.province, sent.document.id)).document.verdict).toBe('valid');
    for (const a of await w.stores.trust.anchors()) await w.stores.trust.setAnchorActive(a.id, false);
    expect((await reverifyDocument(w.deps, w.clerk.health, sent.document.id)).document.verdict).toBe('indeterminate');
  });

  it('a stored file that no longer matches its hash is never served', async () => {
    w.stores.state.blobs.set(sent.document.fileSha256, L.valid2);
    await refused(downloadDocument(w.deps, w.clerk.health, sent.document.id), 'INTERNAL');
  });
});

describe('inbox and outbox', () => {
  it('inbox: documents delivered to the caller’s agency with its delivery; outbox: sent by it', async () => {
    const urgent = await sendDocument(w.deps, w.clerk.province, { metadata: metadata({ priority: 3 }), pdf: L.valid2 });
    const inbox = await listDocuments(w.deps, w.clerk.health, 'inbox', {}, { limit: 10 });
    expect(inbox.items.map((i) => [i.document.id, i.delivery?.recipientCode])).toEqual([
      [urgent.document.id, CODES.health],
      [sent.document.id, CODES.health],
    ]);
    expect((await listDocuments(w.deps, w.clerk.district, 'inbox', {}, { limit: 10 })).items).toHaveLength(1);
    expect((await listDocuments(w.deps, w.clerk.interior, 'inbox', {}, { limit: 10 })).items).toHaveLength(0);
    const outbox = await listDocuments(w.deps, w.clerk.province, 'outbox', {}, { limit: 10 });
    // The sender sees every recipient's delivery, in the same order as the documents.
    expect(outbox.items.map((i) => [i.document.id, i.deliveries.map((d) => [d.documentId, d.recipientCode]).sort()])).toEqual([
      [urgent.document.id, [[urgent.document.id, CODES.health]]],
      [sent.document.id, [[sent.document.id, CODES.district], [sent.document.id, CODES.health]].sort()],
    ]);
    expect(outbox.items.every((i) => !('delivery' in i))).toBe(true);
    expect((await listDocuments(w.deps, w.clerk.health, 'outbox', {}, { limit: 10 })).items).toHaveLength(0);
  });

  it('filters, urgent first and pagination pass through; the agency cannot be overridden', async () => {
    const urgent = await sendDocument(w.deps, w.clerk.province, { metadata: metadata({ priority: 3 }), pdf: L.valid2 });
    await updateStatus(w.deps, w.clerk.health, sent.document.id, { status: '03' });
    const accepted = await listDocuments(w.deps, w.clerk.health, 'inbox', { status: '03' }, { limit: 10 });
    expect(accepted.items.map((i) => i.document.id)).toEqual([sent.document.id]);
    const first = await listDocuments(w.deps, w.clerk.health, 'inbox', { urgentFirst: true }, { limit: 1 });
    expect(first.items[0]!.document.id).toBe(urgent.document.id);
    const second = await listDocuments(w.deps, w.clerk.health, 'inbox', { urgentFirst: true }, { limit: 1, after: first.next! });
    expect(second.items[0]!.document.id).toBe(sent.document.id);
    // A filter object smuggling another agency's id is scoped back to the caller's agency.
    const smuggled = { recipientAgencyId: w.clerk.district.agency.id } as DocumentFilter;
    const mine = await listDocuments(w.deps, w.clerk.interior, 'inbox', smuggled, { limit: 10 });
    expect(mine.items).toHaveLength(0);
  });
});
