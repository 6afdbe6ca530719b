// drizzle's postgres-js session runs every query it has not been given a name for with
// `prepare: false`. postgres-js then sends each parameterised query as an unnamed statement and,
// to learn the parameter types, waits for PostgreSQL's description before binding: two round trips
// and a fresh parse and plan on the server, for every query, every time. A send runs about twenty.
// With `prepare: true` postgres-js names the statement after its text and types and keeps it per
// connection: from the second use on, one round trip and no parse. The set of statement texts is
// small and fixed by the stores' code (row counts of multi-row inserts and IN lists vary a little),
// so the per-connection caches stay small.
//
// This wraps the client drizzle is given, and every transaction or savepoint client it is handed,
// so that `unsafe` (all drizzle uses) prepares. Nothing else about the client changes.
import type { Sql, TransactionSql } from 'postgres';

type Unsafe = Sql['unsafe'];
type Begin = (...args: unknown[]) => Promise<unknown>;

export function preparingClient<T extends Sql | TransactionSql>(client: T): T {
  const unsafe: Unsafe = (query, parameters, options) => client.unsafe(query, parameters, { ...options, prepare: true });
  // begin(cb) / begin(options, cb), savepoint(cb) / savepoint(name, cb): the callback gets a
  // transaction client, which must prepare too.
  const wrapCallback =
    (method: 'begin' | 'savepoint'): Begin =>
    (...args) => {
      const last = args.length - 1;
      const cb = args[last] as (tx: TransactionSql) => unknown;
      args[last] = (tx: TransactionSql) => cb(preparingClient(tx));
      return (client[method as keyof T] as unknown as Begin).apply(client, args);
    };
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === 'unsafe') return unsafe;
      if (prop === 'begin' || prop === 'savepoint') return wrapCallback(prop);
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
}
