// The archive on the in-process runner (the embedded database's): a recipient's 03 queues the
// archival copy without waiting for it; the copy is the bytes as received plus a B-LTA revision that
// our verifier judges VALID now and after every fixture certificate has expired; the original stays
// downloadable byte for byte; the renewal adds one document timestamp when the clock reaches the
// renewal date, and nothing before.
import { createHash } from 'node:crypto';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addCrl, addTrustAnchor } from '../../src/exchange/admin-pki.js';
import { archiveWork, nextRenewal, type ArchiveOutcome } from '../../src/exchange/archive.js';
import { downloadArchivalCopy } from '../../src/exchange/archive-download.js';
import { downloadDocument } from '../../src/exchange/get-document.js';
import { sendDocument, type SendResult } from '../../src/exchange/send-document.js';
import { updateStatus } from '../../src/exchange/update-status.js';
import { InProcessArchiveJobs } from '../../src/jobs/in-process-archive-jobs.js';
import type { Timestamper } from '../../src/pades/timestamper.js';
import { verifyPdf } from '../../src/pades/verify.js';
import { readCertificates } from '../../src/pki/pem.js';
import { joinDocument } from '../../src/pades/complete.js';
import { signPdf } from '../../src/pades/sign.js';
import { fixture, fixtureSigner, fixtureTimestamper, sampleLetter } from '../support/fixtures.js';
import { fixtureNssDb, hasTool, pdfsig, qpdfCheck, tempDir, writeTemp } from '../support/oracles.js';
import { type ArchiveTsa, contentsFromBytes, fixtureAnchors, fixtureCrls, makeArchiveTsa, readDssView } from '../pades/ltv-support.js';
import { CODES, makeWorld, metadata, refused, type World } from './world.js';

/** After every fixture end entity (signer, seal and their TSA: 2045-12-31) has expired. */
const AFTER_EXPIRY = new Date('2046-06-01T00:00:00Z');
const DAY = 24 * 3600 * 1000;

/** The province's letter with both signatures timestamped (B-T): what the archive can carry past the signers' expiry. */
let letterBT: Uint8Array;
let tsa: ArchiveTsa;
let w: World;
let now: Date;
let sent: SendResult;
let tsaCalls: number;
let outcomes: ArchiveOutcome[];
let jobs: InProcessArchiveJobs;
/** Opened by a test to let the archive job proceed (the accept must not wait for it). */
let gate: Promise<void>;

beforeAll(async () => {
  tsa = await makeArchiveTsa();
  const sign = async (pdf: Uint8Array, name: string, fieldName: string) => joinDocument(await signPdf(pdf, fixtureSigner(name), { fieldName, level: 'B-T', timestamper: fixtureTimestamper() }));
  letterBT = await sign(await sign((await sampleLetter()).pdf, 'signer-nguyen-van-an', 'ChuTich'), 'seal-ubnd-thai-binh', 'VanThu');
}, 60_000);

beforeEach(async () => {
  now = new Date();
  w = await makeWorld(() => now);
  // The archive's TSA chains to a root the axis trusts, like a production TSA would.
  await addTrustAnchor(w.deps, w.admin, tsa.root);
  await addCrl(w.deps, w.admin, tsa.crl);
  tsaCalls = 0;
  outcomes = [];
  gate = Promise.resolve();
  const inner = tsa.timestamper(() => now);
  const timestamper: Timestamper = (data, digest) => (tsaCalls++, inner(data, digest));
  const work = archiveWork(w.deps, { timestamper, marginDays: 180 });
  jobs = new InProcessArchiveJobs(
    { archive: async (id) => (await gate, work.archive(id)), due: () => work.due() },
    { sweepIntervalMs: 0, onError: (err) => outcomes.push(`error ${String(err)}` as ArchiveOutcome), onDone: (_id, o) => outcomes.push(o) },
  );
  w.deps.archive = jobs;
  sent = await sendDocument(w.deps, w.clerk.province, { metadata: metadata({ recipients: [CODES.health, CODES.district] }), pdf: letterBT });
});

const trust = () => ({ trustAnchors: [...fixtureAnchors(), tsa.root], intermediates: readCertificates(fixture('intermediates.pem')), crls: [...fixtureCrls(), tsa.crl] });
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const docTimestamps = (pdf: Uint8Array) => contentsFromBytes(pdf).filter((c) => c.type === 'DocTimeStamp').length;

describe('accept -> archival copy', () => {
  it('the accept answers before the archive work runs; the copy appears afterwards', async () => {
    let open!: () => void;
    gate = new Promise((resolve) => (open = resolve));
    const answer = await updateStatus(w.deps, w.clerk.health, sent.document.id, { status: '03' });
    expect(answer.delivery.status).toBe('03');
    // Answered while the job is still held at the gate: nothing archived, no TSA asked.
    expect(await w.stores.archives.state(sent.document.id)).toBeUndefined();
    expect(tsaCalls).toBe(0);
    await refused(downloadArchivalCopy(w.deps, w.clerk.health, sent.document.id), 'ARCHIVE_NOT_READY');
    open();
    await jobs.idle();
    expect(outcomes).toEqual(['archived']);
    expect(tsaCalls).toBe(1);
    expect(await w.stores.archives.state(sent.document.id)).toMatchObject({ archivedAt: now });
  });

  it('the copy is the received bytes plus a B-LTA revision, VALID now and after the signers expired', async () => {
    await updateStatus(w.deps, w.clerk.health, sent.document.id, { status: '03' });
    await jobs.idle();
    const original = await downloadDocument(w.deps, w.clerk.health, sent.document.id);
    expect(Buffer.from(original.bytes).equals(Buffer.from(letterBT))).toBe(true); // kept as received
    expect(original.sha256).toBe(sha(letterBT));
    const copy = await downloadArchivalCopy(w.deps, w.clerk.health, sent.document.id);
    expect(copy.sha256).toBe(sha(copy.bytes));
    expect(copy.fileName).toMatch(/-archival\.pdf$/);
    expect(Buffer.from(copy.bytes.subarray(0, letterBT.length)).equals(Buffer.from(letterBT))).toBe(true); // an incremental revision
    expect(readDssView(copy.bytes).certs.length).toBeGreaterThan(0);
    expect(docTimestamps(copy.bytes)).toBe(1);

    const today = verifyPdf(copy.bytes, { ...trust(), at: now });
    expect(today.document.verdict).toBe('valid');
    expect(today.signatures.map((s) => s.type)).toEqual(['signature', 'signature', 'document-timestamp']);
    const later = verifyPdf(copy.bytes, { ...trust(), at: AFTER_EXPIRY });
    expect(later.signatures.map((s) => [s.type, s.indication])).toEqual([
      ['signature', 'TOTAL_PASSED'],
      ['signature', 'TOTAL_PASSED'],
      ['document-timestamp', 'TOTAL_PASSED'],
    ]);
    expect(later.document.verdict).toBe('valid');
    // The contrast: the bytes as received do not survive the signers' expiry.
    expect(verifyPdf(letterBT, { ...trust(), at: AFTER_EXPIRY }).document.verdict).not.toBe('valid');
    // Renewal date: the archive TSA's certificate expiry (2060-12-31T23:59:59Z) minus 180 days.
    expect(copy.nextRenewalAt.toISOString()).toBe(new Date(Date.parse('2060-12-31T23:59:59Z') - 180 * DAY).toISOString());
  });

  it.runIf(hasTool('qpdf') && hasTool('pdfsig'))('qpdf --check accepts the archival copy; pdfsig finds both signatures still valid and trusted', async () => {
    await updateStatus(w.deps, w.clerk.health, sent.document.id, { status: '03' });
    await jobs.idle();
    const copy = await downloadArchivalCopy(w.deps, w.clerk.health, sent.document.id);
    const file = writeTemp(tempDir(), 'archival.pdf', copy.bytes);
    const r = qpdfCheck(file);
    expect(r.ok, r.output).toBe(true);
    const sigs = pdfsig(file, fixtureNssDb());
    expect(sigs).toHaveLength(3);
    for (const s of sigs.slice(0, 2)) expect(s).toMatchObject({ signatureValid: true, certificateTrusted: true, totalDocumentSigned: false });
    // poppler does not validate RFC 3161 document timestamps (test/pades/ltv.test.ts): our verifier does, above.
  });

  it('the same visibility as the document: sender and recipients yes, another agency NOT_FOUND, admin FORBIDDEN', async () => {
    await updateStatus(w.deps, w.clerk.health, sent.document.id, { status: '03' });
    await jobs.idle();
    const bySender = await downloadArchivalCopy(w.deps, w.clerk.province, sent.document.id);
    const byOther = await downloadArchivalCopy(w.deps, w.clerk.district, sent.document.id);
    expect(byOther.sha256).toBe(bySender.sha256);
    await refused(downloadArchivalCopy(w.deps, w.clerk.interior, sent.document.id), 'NOT_FOUND');
    await refused(downloadArchivalCopy(w.deps, w.admin, sent.document.id), 'FORBIDDEN');
  });

  it('a refusal (02) or an unread document is not archived; a sweep finds an accepted one whose enqueue was lost', async () => {
    await updateStatus(w.deps, w.clerk.district, sent.document.id, { status: '02', reason: 'sai địa chỉ' });
    await jobs.scheduleRenewals();
    await jobs.idle();
    expect(outcomes).toEqual([]);
    // An accept whose enqueue never happened (a crash between the commit and the queue).
    w.deps.archive = undefined;
    await updateStatus(w.deps, w.clerk.health, sent.document.id, { status: '03' });
    expect(await w.stores.archives.state(sent.document.id)).toBeUndefined();
    await jobs.scheduleRenewals();
    await jobs.idle();
    expect(outcomes).toEqual(['archived']);
  });
});

describe('renewal', () => {
  it('adds one document timestamp once the clock reaches the renewal date, none before, none twice', async () => {
    await updateStatus(w.deps, w.clerk.health, sent.document.id, { status: '03' });
    await jobs.idle();
    const first = (await w.stores.archives.state(sent.document.id))!;
    const firstBytes = (await w.stores.blobs.get(first.archivalSha256))!;

    now = new Date(first.nextRenewalAt.getTime() - 60_000); // a minute early: nothing due
    await jobs.scheduleRenewals();
    await jobs.enqueueArchive(sent.document.id); // even asked directly, the job finds nothing to do
    await jobs.idle();
    expect(outcomes).toEqual(['archived', 'not-due']);
    expect(tsaCalls).toBe(1);

    now = new Date(first.nextRenewalAt.getTime() + 60_000);
    await jobs.scheduleRenewals();
    await jobs.scheduleRenewals(); // twice: the second finds the document already queued
    await jobs.idle();
    await jobs.scheduleRenewals(); // and a third after the renewal: no longer due
    await jobs.idle();
    expect(outcomes).toEqual(['archived', 'not-due', 'renewed']);
    expect(tsaCalls).toBe(2);
    const second = (await w.stores.archives.state(sent.document.id))!;
    expect(second.archivedAt).toEqual(now);
    expect(second.archivalSha256).not.toBe(first.archivalSha256);
    const renewed = (await w.stores.blobs.get(second.archivalSha256))!;
    expect(Buffer.from(renewed.subarray(0, firstBytes.length)).equals(Buffer.from(firstBytes))).toBe(true);
    expect(docTimestamps(renewed)).toBe(2);
    // Verified at a date after the renewal: both timestamps and both signatures pass.
    const report = verifyPdf(renewed, { ...trust(), at: new Date(now.getTime() + DAY) });
    expect(report.document.verdict).toBe('valid');
    expect(report.signatures.filter((s) => s.type === 'document-timestamp').every((s) => s.indication === 'TOTAL_PASSED')).toBe(true);
    expect(second.nextRenewalAt.getTime()).toBeGreaterThan(now.getTime());
  });

  it('a digest that joins the weak list makes the copy due at once; the renewal uses a stronger one', async () => {
    await updateStatus(w.deps, w.clerk.health, sent.document.id, { status: '03' });
    await jobs.idle();
    const first = (await w.stores.archives.state(sent.document.id))!;
    expect(first.digest).toBe('sha256');
    // The operator adds SHA-256 to ARCHIVE_WEAK_DIGESTS, long before the renewal date.
    const stricter = archiveWork(w.deps, { timestamper: tsa.timestamper(() => now), marginDays: 180, weakDigests: ['sha1', 'sha256'] });
    const strictJobs = new InProcessArchiveJobs(stricter, { sweepIntervalMs: 0, onError: (err) => outcomes.push(`error ${String(err)}` as ArchiveOutcome), onDone: (_id, o) => outcomes.push(o) });
    now = new Date(now.getTime() + DAY);
    await strictJobs.scheduleRenewals();
    await strictJobs.idle();
    await strictJobs.scheduleRenewals(); // renewed with SHA-384: no longer due
    await strictJobs.idle();
    expect(outcomes).toEqual(['archived', 'renewed']);
    const second = (await w.stores.archives.state(sent.document.id))!;
    expect(second.digest).toBe('sha384');
    const renewed = (await w.stores.blobs.get(second.archivalSha256))!;
    const report = verifyPdf(renewed, { ...trust(), at: now });
    expect(report.document.verdict).toBe('valid');
    expect(report.signatures.filter((s) => s.type === 'document-timestamp').map((s) => s.digestAlgorithm)).toEqual(['sha256', 'sha384']);
    await strictJobs.close();
  });

  it('nextRenewal: TSA expiry minus the margin, a day later for a weak digest or an expiry already within the margin', () => {
    const now0 = new Date('2030-01-01T00:00:00Z');
    const report = (digest: string, notAfter: string) =>
      ({ signatures: [{ type: 'signature' }, { type: 'document-timestamp', digestAlgorithm: digest, signer: { notAfter } }] }) as unknown as Parameters<typeof nextRenewal>[0];
    expect(nextRenewal(report('sha256', '2040-01-01T00:00:00Z'), now0, { marginDays: 10 }).toISOString()).toBe('2039-12-22T00:00:00.000Z');
    expect(nextRenewal(report('sha1', '2040-01-01T00:00:00Z'), now0, { marginDays: 10 }).toISOString()).toBe('2030-01-02T00:00:00.000Z');
    expect(nextRenewal(report('sha256', '2030-01-05T00:00:00Z'), now0, { marginDays: 10 }).toISOString()).toBe('2030-01-02T00:00:00.000Z');
    expect(nextRenewal(report('sha384', '2040-01-01T00:00:00Z'), now0, { marginDays: 10, weakDigests: ['sha1', 'sha384'] }).toISOString()).toBe('2030-01-02T00:00:00.000Z');
  });
});
