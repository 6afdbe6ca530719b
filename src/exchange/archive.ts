// The archive: when a recipient accepts a document, the axis keeps the bytes as received (the
// document's file, untouched) and makes an archival copy of its own: those bytes plus a revision
// with the validation data (/DSS) and a document timestamp (PAdES B-LTA, pades/ltv.ts). Before the
// last document timestamp's TSA certificate expires (minus a margin) or when its digest algorithm
// is on the weak list (ARCHIVE_WEAK_DIGESTS: the digest is stored with the copy, so a digest that
// joins the list makes every copy using it due at the next sweep), a new document timestamp is
// added to the copy, with the first of SHA-256/384/512 not on the list. The work runs off the
// request path, in jobs (src/jobs/): `ArchiveJobs` is the port the use cases see.
//
// Every run is safe to repeat: it reads the current state, does nothing when nothing is due, and
// records its result with a compare-and-set on the copy it started from (ArchiveStore.record), so
// a job run twice (two instances, a retry after a crash) adds one timestamp, never two.
import { createHash } from 'node:crypto';
import type { ArchiveState, ExchangeDocument } from '../db/ports.js';
import { DocaxisError } from '../errors.js';
import { joinDocument } from '../pades/complete.js';
import { extendToLta, type RevocationFetcher } from '../pades/ltv.js';
import type { VerificationReport } from '../pades/report.js';
import type { Timestamper } from '../pades/timestamper.js';
import { InProcessVerifier } from '../pades/verifier.js';
import type { DigestAlgorithm } from '../pki/oids.js';
import type { ExchangeDeps } from './deps.js';
import { trustSnapshot } from './trust-material.js';

/** The port: how the use cases hand archive work to whatever runs jobs (src/jobs/). */
export interface ArchiveJobs {
  /** Queues the archival copy of an accepted document; resolves once queued, never after the work. */
  enqueueArchive(documentId: string): Promise<void>;
  /** Queues a sweep: every document due (accepted without a copy, or whose renewal date came) gets a job. */
  scheduleRenewals(): Promise<void>;
  /** Stops taking work; work in progress finishes (or is resumed by the next run, see the runners). */
  close(): Promise<void>;
}

/** What a job runner calls: one document's archive work, and the list of documents due. */
export interface ArchiveWork {
  archive(documentId: string): Promise<ArchiveOutcome>;
  due(): Promise<string[]>;
}

export type ArchiveOutcome = 'archived' | 'renewed' | 'not-due' | 'not-accepted' | 'lost-race';

export interface ArchiveSettings {
  /** The axis's TSA (service-keys.ts `timestamper`). */
  timestamper: Timestamper;
  /** Renew this many days before the last timestamp's TSA certificate expires (ARCHIVE_RENEWAL_MARGIN_DAYS). */
  marginDays: number;
  /** Imprint digests that no longer prove anything: a timestamp made with one is renewed at once. */
  weakDigests?: readonly string[];
  /** Online revocation data for the DSS; without it, only the stored CRLs and the file's own data. */
  fetcher?: RevocationFetcher;
  /** How many due documents one sweep queues at most (the next sweep takes the rest). */
  sweepLimit?: number;
}

export const DEFAULT_RENEWAL_MARGIN_DAYS = 180;
export const DEFAULT_WEAK_DIGESTS: readonly string[] = ['sha1', 'md5'];
/** A copy is never renewed more often than this, even when its new timestamp is already within the margin. */
const MIN_RENEWAL_INTERVAL_MS = 24 * 3600 * 1000;
const DAY_MS = 24 * 3600 * 1000;
const ACCEPTED: readonly string[] = ['03', '04', '05', '06'];
const DIGESTS: readonly DigestAlgorithm[] = ['sha256', 'sha384', 'sha512'];

/**
 * Called once a recipient's 03 is committed: queues the archival copy without waiting for it (nor
 * for the queue: a lost enqueue is found by the next sweep, which lists accepted documents without
 * a copy).
 */
export function queueArchive(deps: Pick<ExchangeDeps, 'archive'>, documentId: string): void {
  deps.archive?.enqueueArchive(documentId).catch(() => undefined);
}

export type ArchiveDeps = Pick<ExchangeDeps, 'stores' | 'clock' | 'intermediates' | 'verifier'>;

export function archiveWork(deps: ArchiveDeps, settings: ArchiveSettings): ArchiveWork {
  return {
    archive: (id) => archiveDocument(deps, settings, id),
    due: () => deps.stores.archives.due(deps.clock(), settings.sweepLimit ?? 500, settings.weakDigests ?? DEFAULT_WEAK_DIGESTS),
  };
}

/** Makes the first archival copy of an accepted document, or renews it when due; otherwise nothing. */
export async function archiveDocument(deps: ArchiveDeps, settings: ArchiveSettings, documentId: string): Promise<ArchiveOutcome> {
  const now = deps.clock();
  const weak = settings.weakDigests ?? DEFAULT_WEAK_DIGESTS;
  const state = await deps.stores.archives.state(documentId);
  if (state && state.nextRenewalAt > now && !weak.includes(state.digest)) return 'not-due';
  const digest = strongDigest(weak);
  const document = await deps.stores.documents.byId(documentId);
  if (!document) throw new DocaxisError('NOT_FOUND', `document ${documentId}`);
  // Only a document a recipient accepted is archived (a job queued by hand or by a bug does nothing).
  if (!state && !(await deps.stores.deliveries.forDocument(documentId)).some((d) => ACCEPTED.includes(d.status))) return 'not-accepted';

  const base = state ? await checkedBlob(deps, state.archivalSha256, document) : await checkedBlob(deps, document.fileSha256, document);
  const trust = await trustSnapshot(deps).then((t) => t.load());
  const extended = await extendToLta(base, {
    trustAnchors: trust.trustAnchors,
    intermediates: trust.intermediates,
    crls: trust.crls,
    ...(settings.fetcher ? { fetcher: settings.fetcher } : {}),
    at: now,
    timestamper: settings.timestamper,
    digest,
  });
  const bytes = joinDocument(extended);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const report = await (deps.verifier ?? new InProcessVerifier()).verify(bytes, await trustSnapshot(deps), now);
  const next: ArchiveState = { documentId, archivalSha256: sha256, archivedAt: now, nextRenewalAt: nextRenewal(report, now, settings), digest };
  // The blob first: a crash between the two leaves an unreferenced blob, and the next run redoes the work.
  await deps.stores.blobs.put(sha256, bytes);
  const won = await deps.stores.archives.record(state?.archivalSha256 ?? null, next);
  if (!won) return 'lost-race';
  return state ? 'renewed' : 'archived';
}

/** The first of SHA-256, -384, -512 not on the weak list (config.ts refuses a list with all three). */
export function strongDigest(weak: readonly string[]): DigestAlgorithm {
  const d = DIGESTS.find((x) => !weak.includes(x));
  if (!d) throw new DocaxisError('CONFIG_INVALID', 'every digest the archive can timestamp with is on the weak list');
  return d;
}

/**
 * When the copy's last document timestamp must be renewed: its TSA certificate's expiry minus the
 * margin, a day from now for a weak digest (the TSA answered with one: try again soon), and never sooner than a day from now (a TSA whose certificate
 * is already within the margin would otherwise be asked again on every sweep).
 */
export function nextRenewal(report: VerificationReport, now: Date, settings: Pick<ArchiveSettings, 'marginDays' | 'weakDigests'>): Date {
  const last = report.signatures.filter((s) => s.type === 'document-timestamp').at(-1);
  const floor = now.getTime() + MIN_RENEWAL_INTERVAL_MS;
  if (!last?.signer) return new Date(floor);
  const weak = settings.weakDigests ?? DEFAULT_WEAK_DIGESTS;
  if (last.digestAlgorithm && weak.includes(last.digestAlgorithm.toLowerCase())) return new Date(floor);
  const due = Date.parse(last.signer.notAfter) - settings.marginDays * DAY_MS;
  return new Date(Math.max(due, floor));
}

/** The blob, checked against its address: a changed blob is never extended into an archival copy. */
async function checkedBlob(deps: ArchiveDeps, sha256: string, document: ExchangeDocument): Promise<Uint8Array> {
  const bytes = await deps.stores.blobs.get(sha256);
  if (!bytes || createHash('sha256').update(bytes).digest('hex') !== sha256) {
    throw new DocaxisError('INTERNAL', `a stored copy of document ${document.id} is missing or does not match its hash`);
  }
  return bytes;
}
