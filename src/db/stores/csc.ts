// Remote signing state (ports-csc.ts): providers, bound credentials, pending signatures. A pending
// signature moves by compare-and-set on its status, so a poller, a callback and the signer's own
// request racing on one transaction cannot complete it twice.
import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../db.js';
import type { CscApiVersion, CscAuthMode, CscCredentialBinding, CscPending, CscPendingStatus, CscProvider, CscStore } from '../ports-csc.js';
import { cscCredentials, cscPending, cscProviders } from '../schema.js';

const toProvider = (r: typeof cscProviders.$inferSelect): CscProvider => ({ ...r, apiVersion: r.apiVersion as CscApiVersion });

const toCredential = (r: typeof cscCredentials.$inferSelect): CscCredentialBinding => ({
  ...r,
  certificates: r.certificates.map((b) => new Uint8Array(Buffer.from(b, 'base64'))),
  keyAlgorithm: r.keyAlgorithm as 'rsa' | 'ec',
  authMode: r.authMode as CscAuthMode,
  scal: r.scal as '1' | '2',
});

const toPending = (r: typeof cscPending.$inferSelect): CscPending => ({ ...r, status: r.status as CscPendingStatus });

export function cscStore(db: Db): CscStore {
  return {
    insertProvider: async (p, at) => toProvider((await db.insert(cscProviders).values({ ...p, createdAt: at, updatedAt: at }).returning())[0]!),
    updateProvider: async (id, to, at) => {
      const [r] = await db.update(cscProviders).set({ ...to, updatedAt: at }).where(eq(cscProviders.id, id)).returning();
      return r && toProvider(r);
    },
    providerById: async (id) => {
      const [r] = await db.select().from(cscProviders).where(eq(cscProviders.id, id));
      return r && toProvider(r);
    },
    providers: async () => (await db.select().from(cscProviders).orderBy(asc(cscProviders.name))).map(toProvider),
    insertCredential: async (c, at) => {
      const certificates = c.certificates.map((d) => Buffer.from(d).toString('base64'));
      return toCredential((await db.insert(cscCredentials).values({ ...c, certificates, createdAt: at }).returning())[0]!);
    },
    credentialById: async (id) => {
      const [r] = await db.select().from(cscCredentials).where(eq(cscCredentials.id, id));
      return r && toCredential(r);
    },
    credentialsOf: async (userId) => (await db.select().from(cscCredentials).where(eq(cscCredentials.userId, userId)).orderBy(asc(cscCredentials.createdAt))).map(toCredential),
    insertPending: async (p, at) => toPending((await db.insert(cscPending).values({ ...p, createdAt: at, updatedAt: at }).returning())[0]!),
    pendingById: async (id) => {
      const [r] = await db.select().from(cscPending).where(eq(cscPending.id, id));
      return r && toPending(r);
    },
    updatePending: async (id, from, to, at) => {
      const rows = await db
        .update(cscPending)
        .set({ ...to, updatedAt: at })
        .where(and(eq(cscPending.id, id), eq(cscPending.status, from)))
        .returning({ id: cscPending.id });
      return rows.length === 1;
    },
    awaitingConfirmation: async () => (await db.select().from(cscPending).where(eq(cscPending.status, 'awaiting-confirmation')).orderBy(asc(cscPending.createdAt))).map(toPending),
  };
}
