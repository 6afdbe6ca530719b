// Trust anchors and CRLs the verifier uses. Adding an anchor already present returns the existing
// record (idempotent, like certificates); CRLs accumulate, the verifier picks the freshest.
import { asc, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db.js';
import type { StoredCrl, TrustAnchor, TrustStore } from '../ports.js';
import { rowsOf } from '../rows.js';
import { crls, trustAnchors } from '../schema.js';

export async function listAnchors(db: Db, activeOnly = false): Promise<TrustAnchor[]> {
  const q = db.select().from(trustAnchors);
  return (activeOnly ? q.where(eq(trustAnchors.active, true)) : q).orderBy(asc(trustAnchors.createdAt), asc(trustAnchors.id));
}

export async function addAnchor(db: Db, a: Omit<TrustAnchor, 'id' | 'createdAt' | 'active'>): Promise<TrustAnchor> {
  const [r] = await db.insert(trustAnchors).values(a).onConflictDoNothing({ target: trustAnchors.fingerprintSha256 }).returning();
  if (r) return r;
  const [existing] = await db.select().from(trustAnchors).where(eq(trustAnchors.fingerprintSha256, a.fingerprintSha256));
  return existing!;
}

export async function setAnchorActive(db: Db, id: string, active: boolean): Promise<void> {
  await db.update(trustAnchors).set({ active }).where(eq(trustAnchors.id, id));
}

/** Newest first per issuer, so a verifier taking the first match per issuer gets the freshest. */
export async function listCrls(db: Db): Promise<StoredCrl[]> {
  return db.select().from(crls).orderBy(asc(crls.issuer), desc(crls.thisUpdate), asc(crls.id));
}

/** The ids in use, in the order listAnchors and listCrls give them. */
export async function trustVersion(db: Db): Promise<string> {
  const [row] = rowsOf<{ v: string }>(
    await db.execute(sql`select
      coalesce((select string_agg(id::text, ',' order by created_at, id) from ${trustAnchors} where active), '')
      || '|' || coalesce((select string_agg(id::text, ',' order by issuer, this_update desc, id) from ${crls}), '') as v`),
  );
  return row!.v;
}

export async function addCrl(db: Db, c: Omit<StoredCrl, 'id' | 'createdAt'>): Promise<StoredCrl> {
  const [r] = await db.insert(crls).values(c).returning();
  return r!;
}

export function trustStore(db: Db): TrustStore {
  return {
    anchors: (activeOnly) => listAnchors(db, activeOnly),
    addAnchor: (a) => addAnchor(db, a),
    setAnchorActive: (id, active) => setAnchorActive(db, id, active),
    crls: () => listCrls(db),
    version: () => trustVersion(db),
    addCrl: (c) => addCrl(db, c),
  };
}
