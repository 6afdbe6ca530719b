// A draft's metadata is the send form's, minus the number: the outgoing register gives the number
// when the clerk registers the signed draft. The same parser (validate-metadata.ts) checks the
// rest, so a draft that passes here fails at sending only on what the register adds.
import { DocaxisError } from '../errors.js';
import type { DraftMetadata } from '../db/ports.js';
import { parseMetadata } from './validate-metadata.js';

/** Stands in for the number while the rest is parsed; never stored. */
const NUMBER_PLACEHOLDER = '0';

export function parseDraftMetadata(raw: unknown, now: Date): DraftMetadata {
  if (raw && typeof raw === 'object' && !Array.isArray(raw) && Object.hasOwn(raw, 'codeNumber')) {
    const message = 'given by the outgoing register when the signed draft is registered, not in a draft';
    throw new DocaxisError('METADATA_INVALID', `codeNumber: ${message}`, { details: { fields: { codeNumber: message } } });
  }
  const withNumber = raw && typeof raw === 'object' && !Array.isArray(raw) ? { ...(raw as Record<string, unknown>), codeNumber: NUMBER_PLACEHOLDER } : raw;
  const { codeNumber: _placeholder, ...metadata } = parseMetadata(withNumber, now);
  return metadata;
}
