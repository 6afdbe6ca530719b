// Sending a signed document. The policy runs in a fixed order (each refusal has its own code and
// stores nothing): 1. classification (before anything else): the declared level, then, once the
// metadata parses, the file's own stamps (send-policy.ts), 2. metadata against the axis,
// 3. signatures (signature-policy.ts). An accepted send writes the file, the document, one
// delivery per recipient and the log entries in ONE transaction.
//
// The stamp scan reads the file with pdf.js only after our verifier has parsed it: a file our
// parser refuses (broken, over a structure limit) never reaches the second parser, and keeps its
// own refusal in its place (after the metadata checks). A stamped file that parses is refused as
// classified whatever else is wrong with it, signatures included.
//
// Idempotency-Key: looked up right after the metadata parses, before the checks that a first
// successful attempt would now fail (its own number is taken). Same file and same parsed metadata:
// the original result with replayed: true; anything else: IDEMPOTENCY_KEY_REUSED. A race on the
// insert (the store's unique constraint) is resolved by re-reading and applying the same rule.
import { createHash, randomUUID } from 'node:crypto';
import { DocaxisError, isDocaxisError, type ErrorCategory } from '../errors.js';
import { canonicalJson } from '../db/log-chain.js';
import type { Agency, Delivery, DocumentMetadata, ExchangeDocument, Principal, StatusEvent, Stores } from '../db/ports.js';
import type { VerificationReport } from '../pades/report.js';
import type { ExchangeDeps } from './deps.js';
import { ensureRole } from './guard.js';
import { announceSent } from './notify-events.js';
import { receiptFor } from './receipts.js';
import { refuseClassified } from './refuse-classified.js';
import { codeOf, logSendRefused } from './refusal-log.js';
import { checkNoClassificationMarks, checkNotInFuture, checkNumberFree, checkRecipients, checkRelated, yearOf } from './send-policy.js';
import { checkSignatures } from './signature-policy.js';
import { verifyAndScanWithStores } from './verify-and-scan.js';
import { classificationOf, parseMetadata } from './validate-metadata.js';

export interface SendInput {
  metadata: unknown;
  pdf: Uint8Array;
  idempotencyKey?: string;
}

export interface SendResult {
  document: ExchangeDocument;
  deliveries: Delivery[];
  replayed: boolean;
}

/** Refusals a clerk caused (bad input, policy, conflict) are logged; outages and bugs are not refusals. */
const REFUSAL_CATEGORIES: ReadonlySet<ErrorCategory> = new Set(['input', 'policy', 'conflict']);

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

export async function sendDocument(deps: ExchangeDeps, p: Principal, input: SendInput): Promise<SendResult> {
  await ensureRole(deps, p, 'send a document', 'clerk');
  const level = classificationOf(input.metadata);
  if (level !== 'NONE') return refuseClassified(deps, p, input.metadata, level);
  try {
    return await announceSent(deps, sendChecked(deps, p, input));
  } catch (e) {
    // A log that cannot be written (database down) must not hide the refusal itself.
    if (isDocaxisError(e) && REFUSAL_CATEGORIES.has(e.category)) await logSendRefused(deps, p, { ...codeOf(input.metadata), code: e.code, ...markOf(e) }).catch(() => undefined);
    throw e;
  }
}

/** A stamp refusal is logged with its level and page, like a declared one with its level: never the text. */
function markOf(e: DocaxisError): { level?: unknown; page?: unknown } {
  if (e.code !== 'CLASSIFICATION_MARK_FOUND' || !e.details) return {};
  return { level: e.details['level'], page: e.details['page'] };
}

async function sendChecked(deps: ExchangeDeps, p: Principal, input: SendInput): Promise<SendResult> {
  const now = deps.clock();
  const metadata = parseMetadata(input.metadata, now);
  const key = idempotencyKeyOf(input.idempotencyKey);
  if (input.pdf.length === 0) throw new DocaxisError('FILE_MISSING');
  if (key !== null) {
    const prior = await deps.stores.documents.byIdempotencyKey(p.agency.id, key);
    if (prior) return replay(deps, prior, metadata, input.pdf);
  }

  // The verification (on a worker thread in the service) and the metadata's reads run together;
  // the refusals still come in the policy's order (a stamp in the file, then the metadata, in the
  // order below), and whatever the later checks found is then dropped.
  const checked = verifyAndScanWithStores(deps, input.pdf, now); // one worker job for both
  const verifying = checked.then((c) => c.report);
  const unstamped = checked.then(
    (c) => checkNoClassificationMarks(c.marks),
    () => undefined, // not parsed, not scanned: the verification's own refusal comes below
  );
  const recipientsFound = checkRecipients(deps, p, metadata);
  const numberFree = checkNumberFree(deps, p, metadata);
  const relatedFound = checkRelated(deps, p, metadata);
  for (const pending of [verifying, unstamped, recipientsFound, numberFree, relatedFound]) pending.catch(() => undefined);
  await unstamped;
  const recipients = await recipientsFound;
  await numberFree;
  checkNotInFuture(metadata, now);
  await relatedFound;

  const report = await verifying;
  await checkSignatures(deps, p, report);

  const accepted = { metadata, recipients, report, pdf: input.pdf, key, now, receiptSigner: deps.receiptSigner };
  const prepared = await prepare(p, accepted);
  try {
    return await deps.stores.transaction((tx) => store(tx, p, accepted, prepared));
  } catch (e) {
    // Which unique constraint trips first in a race is up to the database: both mean "look again".
    if (key !== null && (isDocaxisError(e, 'IDEMPOTENCY_KEY_REUSED') || isDocaxisError(e, 'DUPLICATE_NUMBER'))) {
      const prior = await deps.stores.documents.byIdempotencyKey(p.agency.id, key);
      if (prior) return replay(deps, prior, metadata, input.pdf);
    }
    throw e;
  }
}

function idempotencyKeyOf(raw: string | undefined): string | null {
  const key = raw?.trim();
  if (!key) return null;
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw new DocaxisError('METADATA_INVALID', 'idempotencyKey: 1-200 visible ASCII characters', { details: { fields: { idempotencyKey: '1-200 visible ASCII characters' } } });
  }
  return key;
}

async function replay(deps: ExchangeDeps, prior: ExchangeDocument, metadata: DocumentMetadata, pdf: Uint8Array): Promise<SendResult> {
  const sha256 = createHash('sha256').update(pdf).digest('hex');
  if (sha256 !== prior.fileSha256 || canonicalJson(metadata) !== canonicalJson(prior.metadata)) {
    throw new DocaxisError('IDEMPOTENCY_KEY_REUSED', `it was used for document ${prior.metadata.codeNumber}/${prior.metadata.codeNotation}`);
  }
  return { document: prior, deliveries: await deps.stores.deliveries.forDocument(prior.id), replayed: true };
}

interface Accepted {
  metadata: DocumentMetadata;
  recipients: Agency[];
  report: VerificationReport;
  pdf: Uint8Array;
  key: string | null;
  now: Date;
  receiptSigner: ExchangeDeps['receiptSigner'];
}

/** What a send writes, with its ids chosen here so that the receipts can be signed before the transaction. */
interface Prepared {
  document: Omit<ExchangeDocument, 'createdAt'>;
  deliveries: Delivery[];
  events: Array<Omit<StatusEvent, 'id'>>;
}

async function prepare(p: Principal, a: Accepted): Promise<Prepared> {
  const m = a.metadata;
  const document = {
    id: randomUUID(),
    senderAgencyId: p.agency.id,
    senderCode: p.agency.code,
    metadata: m,
    edxmlDocumentId: `${p.agency.code},${m.promulgationDate.replaceAll('-', '/')},${m.codeNumber}/${m.codeNotation}`,
    year: yearOf(m),
    fileSha256: a.report.file.sha256, // verifyPdf hashed exactly these bytes
    fileSize: a.pdf.length,
    verification: a.report,
    createdByUserId: p.user.id,
    idempotencyKey: a.key,
  };
  const deliveries: Delivery[] = a.recipients.map((r) => ({
    id: randomUUID(),
    documentId: document.id,
    recipientAgencyId: r.id,
    recipientCode: r.code,
    status: '01' as const,
    statusUpdatedAt: a.now,
    withdrawn: false,
  }));
  // The arrival is the first entry of each recipient's status history, with the axis's receipt.
  // One receipt at a time: a signer (token, remote service) need not take parallel calls.
  const arrival = { status: '01' as const, reason: null, actorUserId: p.user.id, at: a.now };
  const events = [];
  for (const d of deliveries) events.push({ deliveryId: d.id, ...arrival, receipt: await receiptFor(a.receiptSigner, document, d, arrival) });
  return { document, deliveries, events };
}

async function store(tx: Stores, p: Principal, a: Accepted, w: Prepared): Promise<SendResult> {
  const m = a.metadata;
  const sha256 = w.document.fileSha256;
  // Statements issued together are pipelined on the transaction's connection (one round trip, run
  // in order). The document goes first with the blob: a clash on its number or idempotency key is
  // then known before anything that refers to it is sent.
  const [, document] = await Promise.all([tx.blobs.put(sha256, a.pdf), tx.documents.insert(w.document)]);
  const [deliveries] = await Promise.all([
    tx.deliveries.insertMany(w.deliveries),
    tx.deliveries.addEvents(w.events),
    // One append for the send and every delivery: one lock, one head read, one write.
    tx.log.appendMany(
      [
        {
          event: 'document.sent',
          actorUserId: p.user.id,
          agencyId: p.agency.id,
          documentId: document.id,
          details: { codeNumber: m.codeNumber, codeNotation: m.codeNotation, documentType: m.documentType, recipients: m.recipients, sha256, priority: m.priority },
        },
        ...w.deliveries.map((d) => ({
          event: 'document.delivered' as const,
          actorUserId: p.user.id,
          agencyId: d.recipientAgencyId,
          documentId: document.id,
          details: { deliveryId: d.id, recipientCode: d.recipientCode, codeNumber: m.codeNumber, codeNotation: m.codeNotation },
        })),
      ],
      a.now,
    ),
  ]);
  return { document, deliveries, replayed: false };
}
