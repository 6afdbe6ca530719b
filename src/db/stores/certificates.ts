// Certificates bound to an agency (its seal). Adding one already bound (same fingerprint) returns
// the existing record unchanged: registration is idempotent, and deactivation stays deliberate.
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db.js';
import type { AgencyCertificate, CertificateBinding, CertificateStore } from '../ports.js';
import { agencyCertificates } from '../schema.js';

export async function insertCertificate(db: Db, c: Omit<AgencyCertificate, 'id' | 'createdAt' | 'active'>): Promise<AgencyCertificate> {
  const [r] = await db.insert(agencyCertificates).values(c).onConflictDoNothing().returning();
  if (r) return r;
  const [existing] = await db
    .select()
    .from(agencyCertificates)
    .where(and(eq(agencyCertificates.agencyId, c.agencyId), eq(agencyCertificates.fingerprintSha256, c.fingerprintSha256)));
  return existing!;
}

export async function listCertificatesForAgency(db: Db, agencyId: string, activeOnly = false): Promise<AgencyCertificate[]> {
  const where = activeOnly
    ? and(eq(agencyCertificates.agencyId, agencyId), eq(agencyCertificates.active, true))
    : eq(agencyCertificates.agencyId, agencyId);
  return db.select().from(agencyCertificates).where(where).orderBy(asc(agencyCertificates.createdAt), asc(agencyCertificates.id));
}

/** One query, no DER, however many agencies there are. */
export async function bindingsAmong(db: Db, fingerprints: readonly string[]): Promise<CertificateBinding[]> {
  const wanted = [...new Set(fingerprints.map((f) => f.toLowerCase()))];
  if (wanted.length === 0) return [];
  const lower = sql<string>`lower(${agencyCertificates.fingerprintSha256})`;
  return db
    .select({ fingerprintSha256: lower, agencyId: agencyCertificates.agencyId, active: agencyCertificates.active })
    .from(agencyCertificates)
    .where(inArray(lower, wanted));
}

export async function setCertificateActive(db: Db, id: string, active: boolean): Promise<void> {
  await db.update(agencyCertificates).set({ active }).where(eq(agencyCertificates.id, id));
}

export function certificateStore(db: Db): CertificateStore {
  return {
    insert: (c) => insertCertificate(db, c),
    listForAgency: (agencyId, activeOnly) => listCertificatesForAgency(db, agencyId, activeOnly),
    setActive: (id, active) => setCertificateActive(db, id, active),
    bindingsAmong: (fingerprints) => bindingsAmong(db, fingerprints),
  };
}
