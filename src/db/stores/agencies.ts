// Agencies: registered once per QCVN 102 code; never deleted, only deactivated.
import { asc, eq } from 'drizzle-orm';
import { DocaxisError } from '../../errors.js';
import type { Db } from '../db.js';
import type { Agency, AgencyLevel, AgencyStore } from '../ports.js';
import { agencies } from '../schema.js';

type Row = typeof agencies.$inferSelect;

export function toAgency(r: Row): Agency {
  return { ...r, level: r.level as AgencyLevel };
}

export async function agencyByCode(db: Db, code: string): Promise<Agency | undefined> {
  const [r] = await db.select().from(agencies).where(eq(agencies.code, code));
  return r && toAgency(r);
}

export async function agencyById(db: Db, id: string): Promise<Agency | undefined> {
  const [r] = await db.select().from(agencies).where(eq(agencies.id, id));
  return r && toAgency(r);
}

export async function listAgencies(db: Db): Promise<Agency[]> {
  return (await db.select().from(agencies).orderBy(asc(agencies.code))).map(toAgency);
}

/** AGENCY_EXISTS when the code is taken. ON CONFLICT keeps the caller's transaction usable. */
export async function insertAgency(db: Db, a: Omit<Agency, 'id' | 'createdAt'>): Promise<Agency> {
  const [r] = await db.insert(agencies).values(a).onConflictDoNothing({ target: agencies.code }).returning();
  if (!r) throw new DocaxisError('AGENCY_EXISTS', a.code, { details: { code: a.code } });
  return toAgency(r);
}

export async function setAgencyActive(db: Db, id: string, active: boolean): Promise<void> {
  await db.update(agencies).set({ active }).where(eq(agencies.id, id));
}

export function agencyStore(db: Db): AgencyStore {
  return {
    byCode: (code) => agencyByCode(db, code),
    byId: (id) => agencyById(db, id),
    list: () => listAgencies(db),
    insert: (a) => insertAgency(db, a),
    setActive: (id, active) => setAgencyActive(db, id, active),
  };
}
