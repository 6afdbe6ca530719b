// The archival copy of a document (archive.ts), for whoever may download the document itself:
// the same visibility rule (sender or a recipient whose copy is not withdrawn), the same checks.
import { createHash } from 'node:crypto';
import type { Principal } from '../db/ports.js';
import { DocaxisError } from '../errors.js';
import type { ExchangeDeps } from './deps.js';
import { fileNameOf } from './get-document.js';
import { visibleDocument } from './visibility.js';

export interface ArchivalFile {
  bytes: Uint8Array;
  sha256: string;
  fileName: string;
  archivedAt: Date;
  nextRenewalAt: Date;
}

export async function downloadArchivalCopy(deps: ExchangeDeps, p: Principal, id: string): Promise<ArchivalFile> {
  const { document } = await visibleDocument(deps, p, id, 'download archival copy of');
  const state = await deps.stores.archives.state(document.id);
  if (!state) throw new DocaxisError('ARCHIVE_NOT_READY', `document ${document.id}`);
  const bytes = await deps.stores.blobs.get(state.archivalSha256);
  if (!bytes || createHash('sha256').update(bytes).digest('hex') !== state.archivalSha256) {
    throw new DocaxisError('INTERNAL', `the archival copy of document ${document.id} is missing or does not match its hash`);
  }
  return { bytes, sha256: state.archivalSha256, fileName: fileNameOf(document).replace(/\.pdf$/, '-archival.pdf'), archivedAt: state.archivedAt, nextRenewalAt: state.nextRenewalAt };
}
