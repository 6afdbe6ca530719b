// The archive's columns on `documents` (0010). `record` is a compare-and-set on archival_sha256,
// so two instances that both ran the same renewal cannot both write it: the second one's UPDATE
// matches no row and its copy is dropped (the blob it stored is content-addressed and harmless).
import { and, asc, eq, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../db.js';
import type { ArchiveState, ArchiveStore } from '../ports.js';
import { deliveries, documents } from '../schema.js';

/** Delivery statuses that mean a recipient accepted the document (03 and every step after it). */
export const ACCEPTED_STATUSES = ['03', '04', '05', '06'] as const;

export async function archiveState(db: Db, documentId: string): Promise<ArchiveState | undefined> {
  const [r] = await db
    .select({ archivalSha256: documents.archivalSha256, archivedAt: documents.archivedAt, nextRenewalAt: documents.nextRenewalAt, digest: documents.archivalDigest })
    .from(documents)
    .where(eq(documents.id, documentId));
  if (!r?.archivalSha256 || !r.archivedAt || !r.nextRenewalAt || !r.digest) return undefined;
  return { documentId, archivalSha256: r.archivalSha256, archivedAt: r.archivedAt, nextRenewalAt: r.nextRenewalAt, digest: r.digest };
}

export async function recordArchive(db: Db, expected: string | null, next: ArchiveState): Promise<boolean> {
  const rows = await db
    .update(documents)
    .set({ archivalSha256: next.archivalSha256, archivedAt: next.archivedAt, nextRenewalAt: next.nextRenewalAt, archivalDigest: next.digest })
    .where(and(eq(documents.id, next.documentId), expected === null ? isNull(documents.archivalSha256) : eq(documents.archivalSha256, expected)))
    .returning({ id: documents.id });
  return rows.length === 1;
}

export async function dueArchives(db: Db, now: Date, limit: number, weakDigests: readonly string[]): Promise<string[]> {
  const accepted = db
    .select({ id: deliveries.documentId })
    .from(deliveries)
    .where(inArray(deliveries.status, [...ACCEPTED_STATUSES]));
  const rows = await db
    .select({ id: documents.id })
    .from(documents)
    .where(
      or(
        and(isNull(documents.archivalSha256), inArray(documents.id, accepted)),
        lte(documents.nextRenewalAt, now),
        weakDigests.length > 0 ? inArray(documents.archivalDigest, [...weakDigests]) : undefined,
      ),
    )
    .orderBy(asc(sql`coalesce(${documents.nextRenewalAt}, ${documents.createdAt})`), asc(documents.id))
    .limit(limit);
  return rows.map((r) => r.id);
}

export function archiveStore(db: Db): ArchiveStore {
  return {
    state: (id) => archiveState(db, id),
    record: (expected, next) => recordArchive(db, expected, next),
    due: (now, limit, weak) => dueArchives(db, now, limit, weak),
  };
}
