// Content-addressed bytes in the database. Written once: a second put of the same hash is a no-op
// (ON CONFLICT DO NOTHING), and no code path updates a blob. Always one INSERT, in the caller's
// transaction when there is one.
//
// How the bytes travel is per driver, because a file is 300 KB and every copy shows:
// - 'base64' (postgres-js): it sends every parameter as text, so a bytea parameter would be a hex
//   string twice the file's size, built, measured, copied and pushed through the socket. Base64
//   text decoded by the server (`decode($1, 'base64')`) is a third smaller and Buffer encodes it
//   natively.
// - 'binary' (PGlite): a plain bytea parameter, which db/pglite-bytea.ts has PGlite send as raw
//   bytes in binary format (no text form at all).
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db.js';
import type { BlobStore } from '../ports.js';
import { blobs } from '../schema.js';

export type BlobParameter = 'base64' | 'binary';

export async function putBlob(db: Db, sha256: string, bytes: Uint8Array, how: BlobParameter): Promise<void> {
  const value = how === 'base64' ? sql`decode(${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')}, 'base64')` : bytes;
  await db.insert(blobs).values({ sha256, bytes: value, size: bytes.byteLength }).onConflictDoNothing({ target: blobs.sha256 });
}

export async function getBlob(db: Db, sha256: string): Promise<Uint8Array | undefined> {
  const [r] = await db.select({ bytes: blobs.bytes }).from(blobs).where(eq(blobs.sha256, sha256));
  return r?.bytes;
}

export function blobStore(db: Db, how: BlobParameter): BlobStore {
  return { put: (sha, bytes) => putBlob(db, sha, bytes, how), get: (sha) => getBlob(db, sha) };
}
