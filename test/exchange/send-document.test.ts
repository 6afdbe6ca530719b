// The send policy, in order, each refusal with its code, its message and nothing stored; then the
// accepted send and idempotent retries.
import { randomUUID } from 'node:crypto';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DocaxisError, ERROR_CATALOGUE } from '../../src/errors.js';
import type { Stores } from '../../src/db/ports.js';
import { sendDocument } from '../../src/exchange/send-document.js';
import { refuseClassified } from '../../src/exchange/refuse-classified.js';
import { setAgencyActive } from '../../src/exchange/admin.js';
import { CODES, expectNothingStored, lastLog, makeLetters, makeWorld, metadata, refused, type Letters, type World } from './world.js';

let L: Letters;
let w: World;
beforeAll(async () => {
  L = await makeLetters();
});
beforeEach(async () => {
  w = await makeWorld();
});

const send = (meta: Record<string, unknown>, pdf: Uint8Array, idempotencyKey?: string) =>
  sendDocument(w.deps, w.clerk.province, { metadata: meta, pdf, ...(idempotencyKey ? { idempotencyKey } : {}) });

/** Log entries written by the test (after the seed). */
const logSince = (n: number) => w.stores.state.log.slice(n);

describe('policy 1: classified documents', () => {
  it.each([
    ['MAT', 'MAT'],
    ['Mật', 'MAT'],
    ['TOI_MAT', 'TOI_MAT'],
    ['Tối mật', 'TOI_MAT'],
    ['tuyệt MẬT', 'TUYET_MAT'],
  ] as const)('%s is refused before anything else, logged with number/notation and level only', async (given, level) => {
    const before = w.stores.state.log.length;
    // Everything else is wrong too (unknown recipient, unsigned file): classification comes first.
    const meta = metadata({ classification: given, recipients: ['999.99.99.X99'], subject: 'Bí mật quốc phòng' });
    const e = await refused(send(meta, L.unsigned), 'CLASSIFIED_REFUSED');
    expect(e.message).toBe(ERROR_CATALOGUE.CLASSIFIED_REFUSED.message);
    expectNothingStored(w);
    const entries = logSince(before);
    expect(entries).toHaveLength(1);
    expect(entries[0]!.event).toBe('send.refused');
    expect(entries[0]!.documentId).toBeNull();
    expect(entries[0]!.details).toEqual({ senderCode: CODES.province, codeNumber: meta['codeNumber'], codeNotation: 'UBND-VP', level });
    const logged = JSON.stringify(w.stores.state.log);
    expect(logged).not.toContain('Bí mật');
    expect(logged).not.toContain(Buffer.from(L.unsigned.subarray(0, 8)).toString('latin1'));
  });

  it('refuseClassified (called by HTTP before it reads the file) logs only what it has', async () => {
    const before = w.stores.state.log.length;
    const e = await refused(refuseClassified(w.deps, w.clerk.health, { classification: 'Tối mật', subject: 'Kế hoạch tác chiến' }, 'TOI_MAT'), 'CLASSIFIED_REFUSED');
    expect(e.details).toEqual({ level: 'TOI_MAT' });
    expect(logSince(before).map((x) => x.details)).toEqual([{ senderCode: CODES.health, level: 'TOI_MAT' }]);
  });

  it('an unrecognised classification fails closed (METADATA_INVALID, never taken as none)', async () => {
    const e = await refused(send(metadata({ classification: 'hơi mật' }), L.valid), 'METADATA_INVALID');
    expect(e.details).toEqual({ fields: { classification: 'one of NONE, MAT, TOI_MAT, TUYET_MAT' } });
    expectNothingStored(w);
  });
});

describe('policy 2: metadata against the axis', () => {
  it('invalid metadata lists every bad field', async () => {
    const e = await refused(send(metadata({ codeNumber: '123456789012', subject: '', priority: 9 }), L.valid), 'METADATA_INVALID');
    expect(e.message).toContain(ERROR_CATALOGUE.METADATA_INVALID.message);
    expect(e.details).toEqual({ fields: { codeNumber: 'at most 11 characters', subject: 'required', priority: 'an integer from 0 to 4' } });
    expectNothingStored(w);
  });

  it('unknown recipients', async () => {
    const e = await refused(send(metadata({ recipients: [CODES.health, '000.00.99.H54', 'vxp.saas.03'] }), L.valid), 'RECIPIENT_UNKNOWN');
    expect(e.message).toBe(`${ERROR_CATALOGUE.RECIPIENT_UNKNOWN.message}: 000.00.99.H54, vxp.saas.03`);
    expect(e.details).toEqual({ codes: ['000.00.99.H54', 'vxp.saas.03'] });
    expectNothingStored(w);
  });

  it('inactive recipients', async () => {
    await setAgencyActive(w.deps, w.admin, CODES.interior, false);
    const e = await refused(send(metadata({ recipients: [CODES.health, CODES.interior] }), L.valid), 'RECIPIENT_INACTIVE');
    expect(e.message).toBe(`${ERROR_CATALOGUE.RECIPIENT_INACTIVE.message}: ${CODES.interior}`);
    expectNothingStored(w);
  });

  it('the sender among the recipients', async () => {
    const e = await refused(send(metadata({ recipients: [CODES.health, CODES.province] }), L.valid), 'SENDER_AMONG_RECIPIENTS');
    expect(e.message).toBe(`${ERROR_CATALOGUE.SENDER_AMONG_RECIPIENTS.message}: ${CODES.province}`);
    expectNothingStored(w);
  });

  it('a number + notation already used this year; the same number next year is fine', async () => {
    const year = new Date().getUTCFullYear();
    await send(metadata({ codeNumber: '77', promulgationDate: `${year - 1}-12-31` }), L.valid);
    await send(metadata({ codeNumber: '77' }), L.valid);
    const stored = w.stores.state.documents.length;
    const e = await refused(send(metadata({ codeNumber: '77' }), L.valid), 'DUPLICATE_NUMBER');
    expect(e.message).toBe(`${ERROR_CATALOGUE.DUPLICATE_NUMBER.message}: 77/UBND-VP in ${year}`);
    expect(w.stores.state.documents).toHaveLength(stored);
    // Another notation with the same number is another document.
    await send(metadata({ codeNumber: '77', codeNotation: 'QĐ-UBND', documentType: 'QĐ' }), L.valid);
  });

  it('a promulgation date in the future (Vietnam time)', async () => {
    const e = await refused(send(metadata({ promulgationDate: '2999-01-01' }), L.valid), 'PROMULGATION_IN_FUTURE');
    expect(e.message).toMatch(/^The promulgation date is in the future: 2999-01-01 is after \d{4}-\d{2}-\d{2}$/);
    expectNothingStored(w);
  });

  it('with several faults at once, the refusal is the first in the policy’s order (the checks run together)', async () => {
    await send(metadata({ codeNumber: '88' }), L.valid);
    const stored = w.stores.state.documents.length;
    const future = { promulgationDate: '2999-01-01' };
    await refused(send(metadata({ codeNumber: '88', recipients: ['000.00.99.H54'], ...future, relatedDocumentId: randomUUID(), businessType: 'update' }), L.tampered), 'RECIPIENT_UNKNOWN');
    // (numbers are per year: the taken one is tested in this year, the future date on its own)
    await refused(send(metadata({ codeNumber: '88', relatedDocumentId: randomUUID(), businessType: 'update' }), L.tampered), 'DUPLICATE_NUMBER');
    await refused(send(metadata({ codeNumber: '89', ...future, relatedDocumentId: randomUUID(), businessType: 'update' }), L.tampered), 'PROMULGATION_IN_FUTURE');
    await refused(send(metadata({ codeNumber: '89', relatedDocumentId: randomUUID(), businessType: 'update' }), L.tampered), 'RELATED_DOCUMENT_INVALID');
    await refused(send(metadata({ codeNumber: '89' }), L.tampered), 'SIGNATURE_INVALID');
    expect(w.stores.state.documents).toHaveLength(stored);
  });

  it('update / replace / recall must reference one of the sender’s own documents', async () => {
    const missing = await refused(send(metadata({ businessType: 'replace', relatedDocumentId: 'no-such-id' }), L.valid), 'RELATED_DOCUMENT_INVALID');
    expect(missing.message).toBe(`${ERROR_CATALOGUE.RELATED_DOCUMENT_INVALID.message}: no-such-id`);
    expectNothingStored(w);
    // A document of Sở Y tế, sent to the province: the province cannot "update" it.
    const theirs = await sendDocument(w.deps, w.clerk.health, { metadata: metadata({ recipients: [CODES.province] }), pdf: await healthLetter() });
    await refused(send(metadata({ businessType: 'update', relatedDocumentId: theirs.document.id }), L.valid), 'RELATED_DOCUMENT_INVALID');
    expect(w.stores.state.documents).toHaveLength(1);
    // Its own earlier document: accepted.
    const first = await send(metadata(), L.valid);
    const update = await send(metadata({ businessType: '2', relatedDocumentId: first.document.id }), L.valid);
    expect(update.document.metadata).toMatchObject({ businessType: 'update', relatedDocumentId: first.document.id });
  });

  it('every policy refusal is logged as send.refused with its code, no content', async () => {
    const before = w.stores.state.log.length;
    await refused(send(metadata({ recipients: ['000.00.99.H54'] }), L.valid), 'RECIPIENT_UNKNOWN');
    expect(logSince(before).map((e) => [e.event, e.details['code']])).toEqual([['send.refused', 'RECIPIENT_UNKNOWN']]);
    expect(JSON.stringify(logSince(before))).not.toContain('Trục liên thông');
  });
});

describe('policy 3: signatures (Decree 30)', () => {
  it('an unsigned document: SIGNATURE_INVALID with the report', async () => {
    const e = await refused(send(metadata(), L.unsigned), 'SIGNATURE_INVALID');
    expect(e.message).toBe(`${ERROR_CATALOGUE.SIGNATURE_INVALID.message}: The document carries no signature`);
    expect((e.details?.['report'] as { document: { verdict: string } }).document.verdict).toBe('no-signatures');
    expectNothingStored(w);
  });

  it('a document changed after signing: SIGNATURE_INVALID', async () => {
    const e = await refused(send(metadata(), L.tampered), 'SIGNATURE_INVALID');
    expect((e.details?.['report'] as { document: { verdict: string } }).document.verdict).toBe('invalid');
    expectNothingStored(w);
  });

  it('seal only: SIGNER_SIGNATURE_MISSING', async () => {
    const e = await refused(send(metadata(), L.sealOnly), 'SIGNER_SIGNATURE_MISSING');
    expect(e.message).toBe(`${ERROR_CATALOGUE.SIGNER_SIGNATURE_MISSING.message}: no personal signature before the seal of Ủy ban nhân dân tỉnh Thái Bình`);
    expectNothingStored(w);
  });

  it('seal first, signer after: SIGNER_SIGNATURE_MISSING (the order matters)', async () => {
    await refused(send(metadata(), L.sealThenChairman), 'SIGNER_SIGNATURE_MISSING');
    expectNothingStored(w);
  });

  it('the seal of another agency: SEAL_MISSING', async () => {
    const e = await refused(send(metadata(), L.otherSeal), 'SEAL_MISSING');
    expect(e.message).toBe(`${ERROR_CATALOGUE.SEAL_MISSING.message}: none of ${CODES.province}'s certificates signed (signed by: Nguyễn Văn An, Sở Y tế tỉnh Thái Bình)`);
    expectNothingStored(w);
  });

  it('the signer only: SEAL_MISSING', async () => {
    await refused(send(metadata(), L.chairmanOnly), 'SEAL_MISSING');
    expectNothingStored(w);
  });

  it('a deactivated seal certificate no longer seals', async () => {
    const [cert] = await w.stores.certificates.listForAgency(w.clerk.province.agency.id);
    await w.stores.certificates.setActive(cert!.id, false);
    await refused(send(metadata(), L.valid), 'SEAL_MISSING');
    expectNothingStored(w);
  });

  it('without the trust anchor nothing verifies: SIGNATURE_INVALID', async () => {
    for (const a of await w.stores.trust.anchors()) await w.stores.trust.setAnchorActive(a.id, false);
    const e = await refused(send(metadata(), L.valid), 'SIGNATURE_INVALID');
    expect((e.details?.['report'] as { document: { verdict: string } }).document.verdict).toBe('indeterminate');
    expectNothingStored(w);
  });
});

describe('accepted', () => {
  it('stores the file, the document, one delivery per recipient at 01 and the log, together', async () => {
    const before = w.stores.state.log.length;
    const meta = metadata({ recipients: [CODES.health, CODES.district], promulgationDate: '22/11/2026', priority: '2', documentType: 'cong van' });
    const r = await send(meta, L.valid);
    expect(r.replayed).toBe(false);
    expect(r.document.metadata).toMatchObject({ promulgationDate: '2026-11-22', priority: 2, documentType: 'Công văn', classification: 'NONE', businessType: 'new' });
    expect(r.document.edxmlDocumentId).toBe(`${CODES.province},2026/11/22,${String(meta['codeNumber'])}/UBND-VP`);
    expect(r.document.verification.document.verdict).toBe('valid');
    expect(w.stores.state.blobs.get(r.document.fileSha256)).toEqual(L.valid);
    expect(r.deliveries.map((d) => [d.recipientCode, d.status, d.withdrawn])).toEqual([
      [CODES.health, '01', false],
      [CODES.district, '01', false],
    ]);
    const entries = logSince(before);
    expect(entries.map((e) => e.event)).toEqual(['document.sent', 'document.delivered', 'document.delivered']);
    expect(entries[0]!.details).toEqual({
      codeNumber: meta['codeNumber'],
      codeNotation: 'UBND-VP',
      documentType: 'Công văn',
      recipients: [CODES.health, CODES.district],
      sha256: r.document.fileSha256,
      priority: 2,
    });
  });

  it('a failure inside the transaction leaves nothing behind', async () => {
    const realTransaction = w.stores.transaction.bind(w.stores);
    // The log append, the last write, fails: blob, document, deliveries and events roll back.
    w.stores.transaction = <T,>(fn: (tx: Stores) => Promise<T>) =>
      realTransaction((tx) =>
        fn({
          ...tx,
          log: {
            ...tx.log,
            append: () => Promise.reject(new Error('connection lost')),
            appendMany: () => Promise.reject(new Error('connection lost')),
          },
        }),
      );
    await expect(send(metadata(), L.valid)).rejects.toThrow('connection lost');
    expectNothingStored(w);
  });
});

describe('idempotent retries', () => {
  it('the same key, file and metadata return the original, once', async () => {
    const meta = metadata();
    const first = await send(meta, L.valid, 'retry-1');
    const again = await send({ ...meta, promulgationDate: meta['promulgationDate'] }, L.valid, 'retry-1');
    expect(again.replayed).toBe(true);
    expect(again.document.id).toBe(first.document.id);
    expect(again.deliveries.map((d) => d.id)).toEqual(first.deliveries.map((d) => d.id));
    expect(w.stores.state.documents).toHaveLength(1);
  });

  it('the same key with another file or other metadata: IDEMPOTENCY_KEY_REUSED', async () => {
    const meta = metadata();
    await send(meta, L.valid, 'k');
    const e = await refused(send(meta, L.valid2, 'k'), 'IDEMPOTENCY_KEY_REUSED');
    expect(e.message).toBe(`${ERROR_CATALOGUE.IDEMPOTENCY_KEY_REUSED.message}: it was used for document ${String(meta['codeNumber'])}/UBND-VP`);
    await refused(send({ ...meta, subject: 'Khác' }, L.valid, 'k'), 'IDEMPOTENCY_KEY_REUSED');
    expect(w.stores.state.documents).toHaveLength(1);
  });

  it('keys are per sender: another agency may use the same key', async () => {
    await send(metadata(), L.valid, 'shared');
    const theirs = await sendDocument(w.deps, w.clerk.health, { metadata: metadata({ recipients: [CODES.province] }), pdf: await healthLetter(), idempotencyKey: 'shared' });
    expect(theirs.replayed).toBe(false);
  });

  it('a lost insert race is resolved by re-reading the winner', async () => {
    const meta = metadata();
    const first = await send(meta, L.valid, 'race');
    // Simulate the retry arriving before the first send committed: the early lookup misses.
    const lookup = w.stores.documents.byIdempotencyKey;
    let misses = 1;
    w.stores.documents.byIdempotencyKey = async (a, k) => (misses-- > 0 ? undefined : lookup(a, k));
    // The number check would refuse the retry before the insert: bypass it as the race does.
    w.stores.documents.numberTaken = async () => false;
    const again = await send(meta, L.valid, 'race');
    expect(again).toMatchObject({ replayed: true, document: { id: first.document.id } });
    expect(w.stores.state.documents).toHaveLength(1);
  });

  it('a race lost on the number constraint is resolved the same way', async () => {
    const meta = metadata();
    const first = await send(meta, L.valid, 'race-2');
    const lookup = w.stores.documents.byIdempotencyKey;
    let misses = 1;
    w.stores.documents.byIdempotencyKey = async (a, k) => (misses-- > 0 ? undefined : lookup(a, k));
    w.stores.documents.numberTaken = async () => false;
    w.stores.documents.insert = async () => {
      throw new DocaxisError('DUPLICATE_NUMBER');
    };
    expect(await send(meta, L.valid, 'race-2')).toMatchObject({ replayed: true, document: { id: first.document.id } });
    // Without a key it stays a refusal.
    await refused(send(metadata({ codeNumber: meta['codeNumber'] }), L.valid), 'DUPLICATE_NUMBER');
  });

  it('two sends at once with the same key store one document', async () => {
    const meta = metadata();
    const [a, b] = await Promise.all([send(meta, L.valid, 'twin'), send(meta, L.valid, 'twin')]);
    expect(a.document.id).toBe(b.document.id);
    expect([a.replayed, b.replayed].sort()).toEqual([false, true]);
    expect(w.stores.state.documents).toHaveLength(1);
  });
});

describe('roles', () => {
  it('admins and auditors cannot send; the refusal is logged', async () => {
    for (const p of [w.admin, w.auditor]) {
      await refused(sendDocument(w.deps, p, { metadata: metadata(), pdf: L.valid }), 'FORBIDDEN');
      expect(lastLog(w)).toMatchObject({ event: 'access.denied', actorUserId: p.user.id, details: { what: 'send a document' } });
    }
    expectNothingStored(w);
  });

  it('a clerk sends as its own agency: the province letter from Sở Y tế lacks Sở Y tế’s seal', async () => {
    await refused(sendDocument(w.deps, w.clerk.health, { metadata: metadata({ recipients: [CODES.district] }), pdf: L.valid }), 'SEAL_MISSING');
    expectNothingStored(w);
  });
});

let healthPdf: Promise<Uint8Array> | undefined;
/** A letter signed by the department director and sealed by Sở Y tế. */
function healthLetter(): Promise<Uint8Array> {
  healthPdf ??= (async () => {
    const { signPdf } = await import('../../src/pades/sign.js');
    const { joinDocument } = await import('../../src/pades/complete.js');
    const { fixtureSigner, sampleLetter } = await import('../support/fixtures.js');
    const signed = joinDocument(await signPdf((await sampleLetter()).pdf, fixtureSigner('signer-tran-thi-binh'), { fieldName: 'GiamDoc' }));
    return joinDocument(await signPdf(signed, fixtureSigner('seal-syt-thai-binh'), { fieldName: 'VanThu' }));
  })();
  return healthPdf;
}
