// The free text a clerk gives with a status change or a recall: trimmed, NFC, bounded, storable.
// One rule for every reason, so a rejection and a recall are refused alike.
import { DocaxisError } from '../errors.js';
import { isUnstorable, UNSTORABLE_MESSAGE } from './text.js';

export const MAX_REASON = 1000;

/** The reason to store (null when none was given), or a field error naming `field`. */
export function cleanReason(raw: string | undefined | null, field = 'reason'): string | null {
  const reason = raw?.normalize('NFC').trim() || null;
  if (reason === null) return null;
  if (isUnstorable(reason)) throw new DocaxisError('TEXT_INVALID', `${field}: ${UNSTORABLE_MESSAGE}`, { details: { fields: { [field]: UNSTORABLE_MESSAGE } } });
  if (reason.length > MAX_REASON) {
    throw new DocaxisError('METADATA_INVALID', `${field}: at most ${MAX_REASON} characters`, { details: { fields: { [field]: `at most ${MAX_REASON} characters` } } });
  }
  return reason;
}
