// Drafts: a drafter (chuyên viên) uploads a PDF and its metadata minus the number, submits it to a
// named signer of the same agency; the signer signs it (staged-signing.ts) or returns it with a
// comment; the drafter revises (a new version) and submits again. Every step writes the draft's
// history and the exchange log in the same transaction as the change.
//
// The classification rule comes first, as for a send: a declared level is refused before the
// file is read (the route refuses before a byte of it is kept), a stamped file after our parser
// accepted it and before anything is stored.
import { createHash } from 'node:crypto';
import { DocaxisError, isDocaxisError, type ErrorCategory } from '../errors.js';
import type { Draft, DraftEvent, DraftEventKind, DraftMetadata, DraftVersion, DraftVersionKind, LogEvent, PageOf, Principal, Stores, User } from '../db/ports.js';
import type { ExchangeDeps } from './deps.js';
import { visibleDraft } from './drafts-access.js';
import { parseDraftMetadata } from './drafts-metadata.js';
import { ensureRole, forbidden } from './guard.js';
import { announceDraftChange } from './notify-events.js';
import { refuseClassified } from './refuse-classified.js';
import { codeOf } from './refusal-log.js';
import { hasRole, userHasRole } from './roles.js';
import { checkNoClassificationMarks, checkNotInFuture, checkRecipients } from './send-policy.js';
import { verifyAndScanWithStores } from './verify-and-scan.js';
import { classificationOf } from './validate-metadata.js';

export interface DraftUpload {
  metadata: unknown;
  pdf: Uint8Array;
}

export interface DraftDetail {
  draft: Draft;
  versions: DraftVersion[];
  events: DraftEvent[];
}

const COMMENT_MAX = 2000;
const REFUSALS: ReadonlySet<ErrorCategory> = new Set(['input', 'policy', 'conflict']);

export async function createDraft(deps: ExchangeDeps, p: Principal, input: DraftUpload): Promise<DraftDetail> {
  await ensureRole(deps, p, 'create a draft', 'drafter');
  const level = classificationOf(input.metadata);
  if (level !== 'NONE') return refuseClassified(deps, p, input.metadata, level);
  const now = deps.clock();
  const { metadata, sha256 } = await logRefusal(deps, p, null, input.metadata, () => checkUpload(deps, p, input, now));
  return deps.stores.transaction(async (tx) => {
    const draft = await tx.drafts.insert({ agencyId: p.agency.id, drafterUserId: p.user.id, signerUserId: null, status: 'draft', metadata, currentVersion: 1 }, now);
    await storeVersion(tx, p, draft, 1, 'upload', input.pdf, sha256, now);
    await step(tx, p, draft, 'created', 1, null, { sha256, fileSize: input.pdf.length }, now);
    return detail(tx, draft.id);
  });
}

/** A new version from the drafter: while the draft is still theirs (draft) or came back (returned). */
export async function reviseDraft(deps: ExchangeDeps, p: Principal, id: string, input: DraftUpload): Promise<DraftDetail> {
  await ensureRole(deps, p, 'revise a draft', 'drafter');
  const draft = await visibleDraft(deps, p, id, 'revise draft');
  if (draft.drafterUserId !== p.user.id) return forbidden(deps, p, `revise draft ${id}`, 'only the drafter revises a draft');
  const level = classificationOf(input.metadata);
  if (level !== 'NONE') return refuseClassified(deps, p, input.metadata, level);
  if (draft.status !== 'draft' && draft.status !== 'returned') throw stateError(draft, 'revise');
  const now = deps.clock();
  const { metadata, sha256 } = await logRefusal(deps, p, draft.id, input.metadata, () => checkUpload(deps, p, input, now));
  const version = draft.currentVersion + 1;
  return deps.stores.transaction(async (tx) => {
    const moved = await tx.drafts.update(draft.id, draft, { status: 'draft', currentVersion: version, metadata }, now);
    if (!moved) throw new DocaxisError('DRAFT_STATE_INVALID', 'the draft changed meanwhile; reload it');
    await storeVersion(tx, p, draft, version, 'revision', input.pdf, sha256, now);
    await step(tx, p, draft, 'revised', version, null, { sha256, fileSize: input.pdf.length }, now);
    return detail(tx, draft.id);
  });
}

export async function submitDraft(deps: ExchangeDeps, p: Principal, id: string, input: { signerUserId: string }): Promise<DraftDetail> {
  await ensureRole(deps, p, 'submit a draft', 'drafter');
  const draft = await visibleDraft(deps, p, id, 'submit draft');
  if (draft.drafterUserId !== p.user.id) return forbidden(deps, p, `submit draft ${id}`, 'only the drafter submits a draft');
  if (draft.status !== 'draft' && draft.status !== 'returned') throw stateError(draft, 'submit');
  const signer = await deps.stores.users.byId(input.signerUserId);
  if (!isSignerOf(signer, draft.agencyId)) throw new DocaxisError('DRAFT_SIGNER_INVALID', undefined, { details: { signerUserId: input.signerUserId } });
  const now = deps.clock();
  // Announced after the commit: the named signer's page shows the draft to sign without reloading.
  return announceDraftChange(deps, deps.stores.transaction(async (tx) => {
    const moved = await tx.drafts.update(draft.id, draft, { status: 'submitted', signerUserId: signer.id }, now);
    if (!moved) throw new DocaxisError('DRAFT_STATE_INVALID', 'the draft changed meanwhile; reload it');
    await step(tx, p, draft, 'submitted', draft.currentVersion, null, { signerUserId: signer.id, signerName: signer.name }, now);
    return detail(tx, draft.id);
  }));
}

/** The named signer sends the draft back with a comment (required). */
export async function returnDraft(deps: ExchangeDeps, p: Principal, id: string, input: { comment: unknown }): Promise<DraftDetail> {
  await ensureRole(deps, p, 'return a draft', 'signer');
  const draft = await visibleDraft(deps, p, id, 'return draft');
  if (draft.signerUserId !== p.user.id) return forbidden(deps, p, `return draft ${id}`, 'only the signer named on the draft returns it');
  if (draft.status !== 'submitted') throw stateError(draft, 'return');
  const comment = typeof input.comment === 'string' ? input.comment.normalize('NFC').trim() : '';
  if (!comment) throw new DocaxisError('COMMENT_REQUIRED', undefined, { details: { fields: { comment: 'required' } } });
  if (comment.length > COMMENT_MAX) throw new DocaxisError('COMMENT_REQUIRED', `at most ${COMMENT_MAX} characters`, { details: { fields: { comment: `at most ${COMMENT_MAX} characters` } } });
  const now = deps.clock();
  return announceDraftChange(deps, deps.stores.transaction(async (tx) => {
    const moved = await tx.drafts.update(draft.id, draft, { status: 'returned' }, now);
    if (!moved) throw new DocaxisError('DRAFT_STATE_INVALID', 'the draft changed meanwhile; reload it');
    await step(tx, p, draft, 'returned', draft.currentVersion, comment, {}, now);
    return detail(tx, draft.id);
  }));
}

export async function getDraft(deps: ExchangeDeps, p: Principal, id: string): Promise<DraftDetail> {
  const draft = await visibleDraft(deps, p, id, 'read draft');
  return detail(deps.stores, draft.id);
}

/** The bytes of one version (default: the newest). */
export async function draftFile(deps: ExchangeDeps, p: Principal, id: string, version?: number): Promise<{ draft: Draft; version: DraftVersion; bytes: Uint8Array }> {
  const draft = await visibleDraft(deps, p, id, 'read draft file');
  const wanted = version ?? draft.currentVersion;
  const v = (await deps.stores.drafts.versions(draft.id)).find((x) => x.version === wanted);
  if (!v) throw new DocaxisError('NOT_FOUND', `draft ${id} has no version ${wanted}`);
  const bytes = await deps.stores.blobs.get(v.fileSha256);
  if (!bytes) throw new DocaxisError('INTERNAL', `the bytes of draft ${id} version ${wanted} are missing`);
  return { draft, version: v, bytes };
}

/** Clerks, admins and auditors: every draft of their agency; drafters and signers: their own. */
export async function listDrafts(deps: ExchangeDeps, p: Principal, q: { status?: Draft['status']; limit: number; after?: string }): Promise<PageOf<Draft>> {
  await ensureRole(deps, p, 'list drafts', 'drafter', 'signer', 'clerk', 'admin', 'auditor');
  const all = hasRole(p, 'clerk', 'admin', 'auditor');
  return deps.stores.drafts.list(
    { agencyId: p.agency.id, ...(all ? {} : { involvingUserId: p.user.id }), ...(q.status ? { status: q.status } : {}) },
    { limit: q.limit, ...(q.after ? { after: q.after } : {}) },
  );
}

/** The agency's active signers: whom a drafter may submit to (the web form's list). */
export async function listSigners(deps: ExchangeDeps, p: Principal): Promise<Array<Pick<User, 'id' | 'name'>>> {
  await ensureRole(deps, p, 'list signers', 'drafter', 'signer', 'clerk', 'admin', 'auditor');
  const users = await deps.stores.users.list(p.agency.id);
  return users.filter((u) => isSignerOf(u, p.agency.id)).map((u) => ({ id: u.id, name: u.name }));
}

export function isSignerOf(u: User | undefined, agencyId: string): u is User {
  return u !== undefined && u.active && u.agencyId === agencyId && userHasRole(u, 'signer');
}

export function stateError(d: Draft, action: string): DocaxisError {
  return new DocaxisError('DRAFT_STATE_INVALID', `cannot ${action} a draft that is ${d.status}`, { details: { status: d.status } });
}

/**
 * The checks before anything is stored, in the send path's order: the metadata, the file parsed
 * by our verifier (a file it refuses never reaches the stamp scan), its stamps, the recipients.
 */
async function checkUpload(deps: ExchangeDeps, p: Principal, input: DraftUpload, now: Date): Promise<{ metadata: DraftMetadata; sha256: string }> {
  const metadata = parseDraftMetadata(input.metadata, now);
  if (input.pdf.length === 0) throw new DocaxisError('FILE_MISSING');
  // One worker job verifies and scans for stamps, as for a send.
  const { marks } = await verifyAndScanWithStores(deps, input.pdf, now);
  checkNoClassificationMarks(marks);
  await checkRecipients(deps, p, { ...metadata, codeNumber: '' });
  checkNotInFuture({ ...metadata, codeNumber: '' }, now);
  return { metadata, sha256: createHash('sha256').update(input.pdf).digest('hex') };
}

/** A refusal the drafter caused is logged (code and notation only, never the text), then rethrown. */
async function logRefusal<T>(deps: ExchangeDeps, p: Principal, draftId: string | null, raw: unknown, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (isDocaxisError(e) && REFUSALS.has(e.category)) {
      const details: Record<string, unknown> = { code: e.code, ...(draftId ? { draftId } : {}), ...codeOf(raw) };
      if (e.code === 'CLASSIFICATION_MARK_FOUND' && e.details) Object.assign(details, { level: e.details['level'], page: e.details['page'] });
      await deps.stores.log.append({ event: 'draft.refused', actorUserId: p.user.id, agencyId: p.agency.id, documentId: null, details }, deps.clock()).catch(() => undefined);
    }
    throw e;
  }
}

async function storeVersion(tx: Stores, p: Principal, draft: Draft, version: number, kind: DraftVersionKind, pdf: Uint8Array, sha256: string, now: Date): Promise<void> {
  await tx.blobs.put(sha256, pdf);
  await tx.drafts.addVersion({ draftId: draft.id, version, kind, fileSha256: sha256, fileSize: pdf.length, createdByUserId: p.user.id }, now);
}

const LOG_EVENT_OF: Readonly<Record<DraftEventKind, LogEvent>> = {
  created: 'draft.created',
  revised: 'draft.revised',
  submitted: 'draft.submitted',
  returned: 'draft.returned',
  'signature-prepared': 'draft.signature-prepared',
  signed: 'draft.signed',
  sent: 'draft.sent',
};

/** One step in the draft's history and the exchange log (no comment text in the log: it is the agency's). */
export async function step(tx: Stores, p: Principal, draft: Draft, kind: DraftEventKind, version: number, comment: string | null, details: Record<string, unknown>, now: Date): Promise<void> {
  await tx.drafts.addEvent({ draftId: draft.id, kind, actorUserId: p.user.id, version, comment, details, at: now });
  await tx.log.append(
    { event: LOG_EVENT_OF[kind], actorUserId: p.user.id, agencyId: draft.agencyId, documentId: null, details: { draftId: draft.id, version, ...(comment !== null ? { commented: true } : {}), ...details } },
    now,
  );
}

async function detail(stores: Stores, id: string): Promise<DraftDetail> {
  const [draft, versions, events] = await Promise.all([stores.drafts.byId(id), stores.drafts.versions(id), stores.drafts.events(id)]);
  if (!draft) throw new DocaxisError('NOT_FOUND');
  return { draft, versions, events };
}
