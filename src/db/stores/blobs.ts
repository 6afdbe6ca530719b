// Content-addressed bytes in the database. Written once: a second put of the same hash is a no-op
// (ON CONFLICT DO NOTHING), and no code path updates a blob.
import { eq } from 'drizzle-orm';
import type { Db } from '../db.js';
import type { BlobStore } from '../ports.js';
import { blobs } from '../schema.js';

export async function putBlob(db: Db, sha256: string, bytes: Uint8Array): Promise<void> {
  await db.insert(blobs).values({ sha256, bytes, size: bytes.byteLength }).onConflictDoNothing({ target: blobs.sha256 });
}

export async function getBlob(db: Db, sha256: string): Promise<Uint8Array | undefined> {
  const [r] = await db.select({ bytes: blobs.bytes }).from(blobs).where(eq(blobs.sha256, sha256));
  return r?.bytes;
}

export function blobStore(db: Db): BlobStore {
  return { put: (sha, bytes) => putBlob(db, sha, bytes), get: (sha) => getBlob(db, sha) };
}
