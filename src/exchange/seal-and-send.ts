// From a signed draft to a sent document, as the clerk (văn thư) does it under Decree 30/2020:
// register the document in the outgoing register (its number and date), seal the signed draft
// with the agency's key, the seal over the left third of the signer's signature image and the
// number and date written as further widgets of the seal's own signature ("Số: 12/QĐ-UBND" at the
// number position), then send the sealed bytes through the ordinary send path (same policy, same
// checks). The draft becomes `sent`.
//
// One transaction holds all of it: the register's counter row stays locked until the send has
// stored its document, so a seal or a send that fails gives its number back (no gap, no reuse),
// and concurrent clerks of one agency queue on the counter. The draft is moved signed -> sent
// first, as a compare-and-set: a second seal-and-send of the same draft waits for the first and
// is then refused (DRAFT_STATE_INVALID), never sent twice.
import type { Principal } from '../db/ports.js';
import { DocaxisError, isDocaxisError } from '../errors.js';
import { listFields } from '../pdf/acroform.js';
import { inheritedPageAttribute, pageDict } from '../pdf/pages.js';
import { PdfReader } from '../pdf/reader.js';
import type { ExtraWidget, Placement } from '../pades/placement.js';
import type { ExchangeDeps } from './deps.js';
import { draftFile, stateError, step } from './drafts.js';
import { ensureRole } from './guard.js';
import { numberLine, placeDateLine } from './document-notation.js';
import { announceDraft, announceSent } from './notify-events.js';
import { registerOutgoing } from './register.js';
import { sealDocument } from './seal-document.js';
import { sendDocument, type SendResult } from './send-document.js';
import { vietnamDate } from './text.js';

/** A rectangle in points from the page's lower-left corner; page from 1. */
export interface PageRect {
  page: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface SealAndSendInput {
  /** Where "Số: ..." goes; default: page 1, under the agency name (defaultNumberPlacement). */
  numberPlacement?: PageRect;
  /** Where the seal goes; default: over the left third of the signer's signature image. */
  sealPlacement?: PageRect;
}

export interface SealAndSendResult {
  registerEntry: { id: string; number: number; year: number; notation: string; registeredAt: Date };
  documentId: string;
}

/** Decree 30's layout (Appendix I): the number line 180 pt wide, 16 pt high. */
const NUMBER_BOX = { width: 180, height: 16 };
/** The number's baseline box top sits this far below the top of page 1: under the agency's name (two lines and the rule below them). */
const NUMBER_BELOW_TOP = 130;
const LEFT_MARGIN = 60;
const RIGHT_MARGIN = 40;

export async function sealAndSend(deps: ExchangeDeps, p: Principal, draftId: string, input: SealAndSendInput = {}): Promise<SealAndSendResult> {
  await ensureRole(deps, p, 'seal and send a draft', 'clerk');
  // NOT_FOUND for another agency's draft (visibleDraft, inside draftFile): its existence is not told.
  const { draft, version, bytes } = await draftFile(deps, p, draftId);
  if (draft.status !== 'signed') throw stateError(draft, 'seal and send');
  // The key is resolved (an HSM key opened) before the transaction: the lookup reads the pool's
  // stores, which must not wait on the transaction's connection (PGlite has only one), and a token
  // that cannot open costs no lock. sealDocument then refuses SEAL_KEY_MISSING inside it.
  const key = (await deps.sealKeys?.forAgency(p.agency.id)) ?? null;
  const sealKeys = { forAgency: async (agencyId: string) => (agencyId === p.agency.id ? key : null) };

  const reader = PdfReader.open(bytes);
  const sealPlacement: Placement = input.sealPlacement ? { kind: 'rect', ...input.sealPlacement } : { kind: 'over', field: signerField(reader) };
  const numberPlacement = input.numberPlacement ?? defaultNumberPlacement(reader);
  const { loadFontBytes } = await import('../pades/fonts.js');
  const fontBytes = await loadFontBytes();
  const m = draft.metadata;

  let sent: SendResult;
  let result: SealAndSendResult;
  try {
    [sent, result] = await deps.stores.transaction(async (tx) => {
      // The live hints wait for the commit (below): a rolled-back send is never announced.
      const { notifications: _quiet, ...rest } = deps;
      const txDeps: ExchangeDeps = { ...rest, stores: tx };
      const now = deps.clock();
      if (!(await tx.drafts.update(draft.id, draft, { status: 'sent' }, now))) throw new DocaxisError('DRAFT_STATE_INVALID', 'the draft changed meanwhile; reload it');
      const entry = await registerOutgoing(txDeps, p, { documentType: m.documentType, subject: m.subject, signerName: m.signer.fullName, documentSha256: version.fileSha256 });
      const widgets = numberWidgets(reader, numberPlacement, numberLine(entry.number, entry.notation), placeDateLine(m.promulgationPlace, entry.registeredAt));
      const sealed = await sealDocument({ ...txDeps, sealKeys }, p, bytes, {
        placement: sealPlacement,
        fontBytes,
        extraWidgets: widgets,
        ...(deps.timestamper ? { level: 'B-T' as const } : {}),
      });
      const metadata = { ...m, codeNumber: String(entry.number), codeNotation: entry.notation, promulgationDate: vietnamDate(entry.registeredAt) };
      const s = await sendDocument(txDeps, p, { metadata, pdf: sealed.pdf });
      if (!(await tx.register.linkDocument(p.agency.id, entry.id, s.document.id))) throw new DocaxisError('INTERNAL', `register entry ${entry.id} could not be linked`);
      await step(tx, p, draft, 'sent', draft.currentVersion, null, { documentId: s.document.id, registerEntryId: entry.id, codeNumber: String(entry.number), codeNotation: entry.notation, sha256Sealed: sealed.sha256After }, now);
      return [s, { registerEntry: { id: entry.id, number: entry.number, year: entry.year, notation: entry.notation, registeredAt: entry.registeredAt }, documentId: s.document.id }] as const;
    });
  } catch (e) {
    // The refusal logs written inside the transaction went with it: one line says what happened.
    if (isDocaxisError(e) && e.category !== 'internal') {
      await deps.stores.log.append({ event: 'draft.refused', actorUserId: p.user.id, agencyId: p.agency.id, documentId: null, details: { draftId: draft.id, code: e.code, step: 'seal-and-send' } }, deps.clock()).catch(() => undefined);
    }
    throw e;
  }
  await announceSent(deps, Promise.resolve(sent));
  announceDraft(deps, { ...draft, status: 'sent' });
  return result;
}

/**
 * The signer's field: the newest signed signature field with a visible widget (the draft's only
 * signature, in the usual flow). None: the caller must say where the seal goes.
 */
function signerField(reader: PdfReader): string {
  const signed = listFields(reader).filter((f) => f.type === 'Sig' && f.value !== undefined && f.widgets.some((w) => w.rect && Math.abs(w.rect[2] - w.rect[0]) > 1 && Math.abs(w.rect[3] - w.rect[1]) > 1));
  const last = signed.at(-1);
  if (!last) throw new DocaxisError('SEAL_PLACEMENT_REQUIRED');
  return last.fullName;
}

/** Page 1, left column, under the agency's name (Decree 30, Appendix I: the "Số:" line). */
export function defaultNumberPlacement(reader: PdfReader): PageRect {
  const [, , , top] = mediaBox(reader, 0);
  return { page: 1, x: LEFT_MARGIN, y: top - NUMBER_BELOW_TOP, ...NUMBER_BOX };
}

/** The number at its box; the place and date on the same line in the right column, as the letter lays them out. */
function numberWidgets(reader: PdfReader, at: PageRect, number: string, date: string): ExtraWidget[] {
  const [, , right] = mediaBox(reader, at.page - 1);
  const dateX = Math.max(at.x + at.width + 10, right / 2);
  const widgets: ExtraWidget[] = [{ placement: { kind: 'rect', ...at }, lines: [number], fontSize: Math.min(12, at.height * 0.75), align: 'center' }];
  // Room for the date only when the number box leaves the right column free.
  if (right - RIGHT_MARGIN - dateX >= 150) widgets.push({ placement: { kind: 'rect', page: at.page, x: dateX, y: at.y, width: right - RIGHT_MARGIN - dateX, height: at.height }, lines: [date], fontSize: Math.min(11, at.height * 0.7), align: 'center' });
  return widgets;
}

function mediaBox(reader: PdfReader, pageIndex: number): [number, number, number, number] {
  const box = inheritedPageAttribute(reader, pageDict(reader, pageIndex).dict, 'MediaBox');
  if (Array.isArray(box) && box.length === 4 && box.every((n) => typeof n === 'number')) {
    const [a, b, c, d] = box as number[];
    return [Math.min(a!, c!), Math.min(b!, d!), Math.max(a!, c!), Math.max(b!, d!)];
  }
  return [0, 0, 595.28, 841.89];
}
