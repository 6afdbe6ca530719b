// What every use case needs, passed in (no module-level state): the stores, a clock (tests pin
// it), and extra intermediate certificates for path building (the chain a signer's CMS omits).
import type { Notifications } from '../db/notifications.js';
import type { Stores } from '../db/ports.js';
import type { Timestamper } from '../pades/timestamper.js';
import type { PdfVerifier } from '../pades/verifier.js';
import type { SignerAdapter } from '../pki/signer.js';
import type { ArchiveJobs } from './archive.js';
import type { AgencySealKeys } from './seal-keys.js';

export interface ExchangeDeps {
  stores: Stores;
  clock: () => Date;
  /** verification extras */
  intermediates?: Uint8Array[];
  /** The axis's own key: when set, every delivery and status event gets a signed receipt (receipts.ts). */
  receiptSigner?: SignerAdapter;
  /** RFC 3161 source for sealing the log (seal-log.ts); without it the log is chained but not sealed. */
  timestamper?: Timestamper;
  /**
   * Verifies PDFs and keeps the parsed trust store between calls (an app-lifetime object, never
   * module state): worker threads in the service, this thread in tests. Unset: this thread, parsed per call.
   */
  verifier?: PdfVerifier;
  /** Announces arrivals and status changes to live sessions (notify-events.ts); unset: nobody is told. */
  notifications?: Notifications;
  /** Where an accepted document's archival copy is queued (archive.ts); unset: no archive. */
  archive?: ArchiveJobs;
  /** The agencies' seal keys (HSM bindings, or the demo's TEST-ONLY fixture keys); unset: no agency can seal (SEAL_KEY_MISSING). */
  sealKeys?: AgencySealKeys;
}
