// Builds the `Stores` the use cases take, bound to the pool or to one transaction. Every store
// method passes through translateDbError, so a lost database reaches the use cases as
// DocaxisError('DB_UNAVAILABLE') whatever the driver.
import { isDocaxisError } from '../errors.js';
import type { Database } from './client.js';
import type { Db } from './db.js';
import { translateDbError } from './db-errors.js';
import type { Stores } from './ports.js';
import { agencyStore } from './stores/agencies.js';
import { archiveStore } from './stores/archives.js';
import { type BlobParameter, blobStore } from './stores/blobs.js';
import { certificateStore } from './stores/certificates.js';
import { credentialStore } from './stores/credentials.js';
import { cscStore } from './stores/csc.js';
import { deliveryStore } from './stores/deliveries.js';
import { documentStore } from './stores/documents.js';
import { draftStore } from './stores/drafts.js';
import { logStore } from './stores/log.js';
import { registerStore } from './stores/register.js';
import { sealKeyStore } from './stores/seal-keys.js';
import { sealStore } from './stores/seals.js';
import { sessionStore } from './stores/sessions.js';
import { statisticsStore } from './stores/statistics.js';
import { tokenStore } from './stores/tokens.js';
import { trustStore } from './stores/trust.js';
import { userStore } from './stores/users.js';

export function createStores(database: Database): Stores {
  // postgres-js sends parameters as text only; PGlite (db/pglite-bytea.ts) sends bytes as bytes.
  return bindStores(database.db, false, database.kind === 'postgres' ? 'base64' : 'binary');
}

/**
 * `inTransaction`: the stores are bound to an open transaction, and a nested `transaction(fn)`
 * runs `fn` in that same transaction (no savepoint: a failure rolls back the whole unit).
 */
export function bindStores(db: Db, inTransaction: boolean, blobParameter: BlobParameter): Stores {
  const stores: Stores = {
    transaction: inTransaction ? (fn) => fn(stores) : (fn) => runTransaction(db, blobParameter, fn),
    agencies: guard(agencyStore(db)),
    users: guard(userStore(db)),
    tokens: guard(tokenStore(db)),
    credentials: guard(credentialStore(db)),
    sessions: guard(sessionStore(db)),
    certificates: guard(certificateStore(db)),
    trust: guard(trustStore(db)),
    blobs: guard(blobStore(db, blobParameter)),
    documents: guard(documentStore(db)),
    deliveries: guard(deliveryStore(db)),
    log: guard(logStore(db, inTransaction)),
    seals: guard(sealStore(db)),
    statistics: guard(statisticsStore(db)),
    register: guard(registerStore(db, inTransaction)),
    sealKeys: guard(sealKeyStore(db)),
    drafts: guard(draftStore(db)),
    archives: guard(archiveStore(db)),
    csc: guard(cscStore(db)),
  };
  return stores;
}

/**
 * A pooled connection that died while idle is only noticed when BEGIN is sent on it. When the
 * transaction failed that early (`fn` never ran, so nothing was sent but BEGIN), it is safe to
 * try again on a fresh connection; once `fn` has started, the failure is the caller's to handle.
 */
const BEGIN_ATTEMPTS = 3;

async function runTransaction<T>(db: Db, blobParameter: BlobParameter, fn: (tx: Stores) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    let started = false;
    try {
      return await db.transaction((tx) => {
        started = true;
        return fn(bindStores(tx, true, blobParameter));
      });
    } catch (e) {
      const err = translateDbError(e);
      if (started || attempt >= BEGIN_ATTEMPTS || !isDocaxisError(err, 'DB_UNAVAILABLE')) throw err;
    }
  }
}

type AsyncMethods = Record<string, (...args: never[]) => Promise<unknown>>;

/** Same methods, with driver errors translated. */
function guard<T extends object>(store: T): T {
  const out: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(store as AsyncMethods)) {
    out[name] = async (...args: never[]) => {
      try {
        return await method(...args);
      } catch (e) {
        throw translateDbError(e);
      }
    };
  }
  return out as T;
}
