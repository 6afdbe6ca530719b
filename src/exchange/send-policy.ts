// Step 2 of the send policy: the metadata against the state of the axis, in the documented order;
// and the file's own classification stamps (part of step 1, once the file has been parsed).
import { DocaxisError } from '../errors.js';
import type { ClassificationMark } from '../content/classification-marks.js';
import type { Agency, DocumentMetadata, Principal } from '../db/ports.js';
import type { ExchangeDeps } from './deps.js';
import { vietnamDate } from './text.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The recipient agencies, in the order given; refuses unknown, inactive, then the sender itself. */
export async function checkRecipients(deps: ExchangeDeps, p: Principal, m: DocumentMetadata): Promise<Agency[]> {
  const found = await Promise.all(m.recipients.map((code) => deps.stores.agencies.byCode(code)));
  const unknown = m.recipients.filter((_, i) => !found[i]);
  if (unknown.length > 0) throw new DocaxisError('RECIPIENT_UNKNOWN', unknown.join(', '), { details: { codes: unknown } });
  const agencies = found as Agency[];
  const inactive = agencies.filter((a) => !a.active).map((a) => a.code);
  if (inactive.length > 0) throw new DocaxisError('RECIPIENT_INACTIVE', inactive.join(', '), { details: { codes: inactive } });
  if (agencies.some((a) => a.id === p.agency.id)) throw new DocaxisError('SENDER_AMONG_RECIPIENTS', p.agency.code, { details: { codes: [p.agency.code] } });
  return agencies;
}

/** Numbering restarts on 1 January (Decree 30): uniqueness is per sender and year of promulgation. */
export function yearOf(m: DocumentMetadata): number {
  return Number(m.promulgationDate.slice(0, 4));
}

export async function checkNumberFree(deps: ExchangeDeps, p: Principal, m: DocumentMetadata): Promise<void> {
  if (await deps.stores.documents.numberTaken(p.agency.id, yearOf(m), m.codeNumber, m.codeNotation)) {
    throw new DocaxisError('DUPLICATE_NUMBER', `${m.codeNumber}/${m.codeNotation} in ${yearOf(m)}`);
  }
}

/** Promulgation dates are Vietnamese calendar dates: compare with today in Vietnam, not in UTC. */
export function checkNotInFuture(m: DocumentMetadata, now: Date): void {
  const today = vietnamDate(now);
  if (m.promulgationDate > today) throw new DocaxisError('PROMULGATION_IN_FUTURE', `${m.promulgationDate} is after ${today}`);
}

/** Update, replace and recall reference an earlier document of the same sender. */
export async function checkRelated(deps: ExchangeDeps, p: Principal, m: DocumentMetadata): Promise<void> {
  if (m.relatedDocumentId === null) return;
  // Axis ids are UUIDs; anything else cannot be one (and would fail the uuid cast as a 500).
  if (!UUID.test(m.relatedDocumentId)) throw new DocaxisError('RELATED_DOCUMENT_INVALID', m.relatedDocumentId);
  const related = await deps.stores.documents.byId(m.relatedDocumentId);
  // Same message whether it is missing or someone else's: ids leak nothing.
  if (!related || related.senderAgencyId !== p.agency.id) throw new DocaxisError('RELATED_DOCUMENT_INVALID', m.relatedDocumentId);
}

/**
 * A file whose text carries a classification stamp (MẬT, TỐI MẬT, TUYỆT MẬT in the stamp form) is
 * classified whatever its metadata says. The scan runs where verification runs, in the same job
 * (verify-and-scan.ts: one worker job in the service). The refusal names the first stamped page
 * and the level, never more of the text than the stamp itself.
 */
export function checkNoClassificationMarks(marks: ClassificationMark[]): void {
  const first = marks[0];
  if (first) throw new DocaxisError('CLASSIFICATION_MARK_FOUND', `${first.text} on page ${first.page}`, { details: markDetails(first, marks) });
}

function markDetails(first: ClassificationMark, marks: ClassificationMark[]): Record<string, unknown> {
  return { page: first.page, level: first.level, pages: [...new Set(marks.map((m) => m.page))] };
}
