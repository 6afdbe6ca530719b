// postgres-js 3.4.9 poisons a pool slot when a transaction's connection dies. Its `begin` answers
// the callback's failure by writing ROLLBACK (COMMIT on success) to the connection, which by then
// has no socket: the write, deferred by setImmediate, throws (porsager/postgres#1154, #1208) and
// leaves the connection's write buffer and timer set. On every later reconnect that slot's startup
// message is appended to the stale buffer and never flushed, so whichever request gets the slot
// waits the whole connect_timeout and fails `write CONNECT_TIMEOUT`, until about eleven attempts
// have made the buffer big enough to be sent (LanternOps/breeze#3225 describes the same). That is
// the "one request every 10 s fails after a pg_terminate_backend round" of issue 10.
//
// A second defect on the same path: when the backend of a query in flight is terminated, the
// server's FATAL (57P01) stays recorded on the connection after it closes, and the first query the
// slot runs after reconnecting is rejected with that stale error, without having been sent.
//
// The driver is not ours to patch, so this wrapper works around both. A query outside a
// transaction that fails with 57P01-57P03 is sent once more: a backend that is shutting down never
// answers with a result, so such a query was not executed (a real termination mid-query reaches
// the caller as CONNECTION_CLOSED, never retried). And it keeps postgres-js from ever writing to a
// transaction's connection once it is gone:
// - the callback's outcome is not handed back (begin has already rejected through its own
//   onclose race, so the caller still gets the error, and nothing is written);
// - no later query of that transaction reaches the driver: it would be written to the dead slot,
//   or, once the slot reconnects, run on a new session outside the transaction.
// A connection-loss error that is not followed by the close (not seen, but not excluded) still
// ends the transaction: after LOST_SETTLE_MS the caller gets the error.
import type { Sql, TransactionSql } from 'postgres';
import { isUnavailable, sqlState } from './db-errors.js';

const LOST_SETTLE_MS = 2_000;

/** A lost connection, as the driver reports it or wrapped (DocaxisError, DrizzleQueryError) above it. */
function isConnectionLoss(e: unknown): boolean {
  for (let x = e, depth = 0; x !== undefined && x !== null && depth < 4; x = (x as { cause?: unknown }).cause, depth++) {
    if (isUnavailable(x)) return true;
  }
  return false;
}

type Begin = (...args: unknown[]) => Promise<unknown>;
type Callback = (tx: TransactionSql) => unknown;

/** One top-level transaction: once its connection is lost, everything in it stops. */
class TransactionState {
  lostWith: unknown = undefined;
  private onLost: ((e: unknown) => void) | undefined;

  get lost(): boolean {
    return this.lostWith !== undefined;
  }

  markLost(e: unknown): void {
    if (this.lost) return;
    this.lostWith = e;
    this.onLost?.(e);
  }

  whenLost(fn: (e: unknown) => void): void {
    this.onLost = fn;
  }

  /** Runs a begin/savepoint callback; a lost connection means the driver never hears back. */
  settle(fn: () => unknown): Promise<unknown> {
    return new Promise((resolve, reject) => {
      Promise.resolve()
        .then(fn)
        .then(
          (value) => {
            if (!this.lost) resolve(value);
          },
          (e: unknown) => {
            if (isConnectionLoss(e)) this.markLost(e);
            if (!this.lost) reject(e);
          },
        );
    });
  }
}

/** What a query of a lost transaction returns instead of reaching the driver. */
class LostQuery implements PromiseLike<never> {
  constructor(private readonly error: unknown) {}
  private rejected(): Promise<never> {
    return Promise.reject(this.error instanceof Error ? this.error : new Error(String(this.error)));
  }
  then<A = never, B = never>(onfulfilled?: ((value: never) => A | PromiseLike<A>) | null, onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<A | B> {
    return this.rejected().then(onfulfilled, onrejected);
  }
  // drizzle calls unsafe(...).values() for array rows; raw() is the other mode postgres-js offers.
  values(): Promise<never> {
    return this.rejected();
  }
  raw(): Promise<never> {
    return this.rejected();
  }
}

function guardedTransaction(tx: TransactionSql, state: TransactionState): TransactionSql {
  return new Proxy(tx, {
    get(target, prop, receiver) {
      if (prop === 'unsafe') {
        return (...args: Parameters<TransactionSql['unsafe']>) => {
          if (state.lost) return new LostQuery(state.lostWith);
          const query = target.unsafe(...args);
          // Observed before the caller's own handlers (reactions run in order), so a query the
          // caller sends in response to this failure already sees the transaction as lost.
          // postgres-js only executes one microtask after the first `then`, so the caller's
          // synchronous .values() still applies.
          query.catch((e: unknown) => {
            if (isConnectionLoss(e)) state.markLost(e);
          });
          return query;
        };
      }
      if (prop === 'savepoint') {
        return (...args: unknown[]) => {
          if (state.lost) return new LostQuery(state.lostWith);
          const last = args.length - 1;
          const cb = args[last] as Callback;
          args[last] = (sp: TransactionSql) => state.settle(() => cb(guardedTransaction(sp, state)));
          return (target.savepoint as unknown as Begin).apply(target, args);
        };
      }
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
}

/** SQLSTATEs of a server that ends the session: the query they reject never ran. */
const SESSION_ENDED = new Set(['57P01', '57P02', '57P03']);

type PendingQuery = ReturnType<Sql['unsafe']>;

/** A pool query that is sent once more when it was rejected with a stale session-end error. */
class RetriedQuery implements PromiseLike<unknown> {
  private mode: 'rows' | 'values' | 'raw' = 'rows';
  private running: Promise<unknown> | undefined;
  constructor(private readonly send: () => PendingQuery) {}

  values(): this {
    this.mode = 'values';
    return this;
  }
  raw(): this {
    this.mode = 'raw';
    return this;
  }
  then<A = unknown, B = never>(onfulfilled?: ((value: unknown) => A | PromiseLike<A>) | null, onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<A | B> {
    this.running ??= this.once().catch((e: unknown) => (SESSION_ENDED.has(sqlState(e) ?? '') ? this.once() : Promise.reject(e)));
    return this.running.then(onfulfilled, onrejected);
  }
  private once(): Promise<unknown> {
    const q = this.send();
    return Promise.resolve(this.mode === 'values' ? q.values() : this.mode === 'raw' ? q.raw() : q);
  }
}

/** Wraps `client` against the two lost-connection defects above. */
export function lostConnectionGuardedClient<T extends Sql>(client: T): T {
  const begin: Begin = (...args) => {
    const state = new TransactionState();
    const last = args.length - 1;
    const cb = args[last] as Callback;
    args[last] = (tx: TransactionSql) => state.settle(() => cb(guardedTransaction(tx, state)));
    return new Promise((resolve, reject) => {
      state.whenLost((e) => setTimeout(() => reject(e), LOST_SETTLE_MS).unref());
      (client.begin as unknown as Begin).apply(client, args).then(resolve, (e: unknown) => {
        if (isConnectionLoss(e)) state.markLost(e);
        reject(e);
      });
    });
  };
  const unsafe = (...args: Parameters<Sql['unsafe']>) => new RetriedQuery(() => client.unsafe(...args));
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === 'begin') return begin;
      if (prop === 'unsafe') return unsafe;
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
}
