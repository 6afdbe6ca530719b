// Agency seal keys in an HSM or token (migration 0006). At most one active binding per agency
// (a partial unique index); unbinding keeps the row, inactive.
import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '../db.js';
import type { SealKeyBinding, SealKeyStore } from '../ports.js';
import { agencySealKeys } from '../schema.js';

export function sealKeyStore(db: Db): SealKeyStore {
  return {
    async insert(b) {
      const [row] = await db.insert(agencySealKeys).values(b).returning();
      return row as SealKeyBinding;
    },
    async activeFor(agencyId) {
      const [row] = await db
        .select()
        .from(agencySealKeys)
        .where(and(eq(agencySealKeys.agencyId, agencyId), eq(agencySealKeys.active, true)));
      return row;
    },
    listFor: (agencyId) => db.select().from(agencySealKeys).where(eq(agencySealKeys.agencyId, agencyId)).orderBy(desc(agencySealKeys.createdAt), desc(agencySealKeys.id)),
    async deactivate(agencyId) {
      const rows = await db
        .update(agencySealKeys)
        .set({ active: false })
        .where(and(eq(agencySealKeys.agencyId, agencyId), eq(agencySealKeys.active, true)))
        .returning({ id: agencySealKeys.id });
      return rows.length;
    },
  };
}
