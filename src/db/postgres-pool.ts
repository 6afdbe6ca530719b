// A postgres-js pool that can be swapped for a fresh one. The one known way a pool slot is left
// unusable (postgres-lost-connections.ts: a write to a connection that is gone) is prevented for
// transactions; if it happens anyway (a pooled query dispatched in the same event-loop turn as its
// connection's close), the driver guard (postgres-driver-guard.ts) sees its TypeError, and the
// process replaces the pool instead of living with a slot whose every connect hangs
// connect_timeout. Queries in flight finish on the old pool, which is then ended.
import type { Sql } from 'postgres';

export class ReplaceablePostgresPool {
  private current: Sql;
  private readonly retiring = new Set<Promise<void>>();
  private replacedAt = -Infinity;

  /**
   * `open` makes a configured pool (drizzle sets its type parsers on the client it is given, so
   * `open` must do what drizzle does to the first one). `drainSeconds`: how long the old pool's
   * queries get before its connections are closed regardless.
   */
  constructor(
    private readonly open: () => Sql,
    private readonly drainSeconds: number,
  ) {
    this.current = open();
  }

  /** The client to hand out: every use reaches the pool that is current at that moment. */
  readonly client: Sql = new Proxy((() => undefined) as unknown as Sql, {
    get: (_target, prop) => Reflect.get(this.current, prop, this.current) as unknown,
    apply: (_target, thisArg, args: unknown[]) => Reflect.apply(this.current as unknown as (...a: unknown[]) => unknown, thisArg, args),
  });

  /**
   * A fresh pool for new queries; the old one drains, then ends. Faults within a second of a
   * replacement are one burst (one fault hits every transaction of a dropped connection round):
   * one replacement, not one pool per fault.
   */
  replace(): void {
    if (performance.now() - this.replacedAt < 1000) return;
    this.replacedAt = performance.now();
    const old = this.current;
    this.current = this.open();
    const ending = old.end({ timeout: this.drainSeconds }).catch(() => undefined);
    this.retiring.add(ending);
    void ending.finally(() => this.retiring.delete(ending));
  }

  async end(opts: { timeout: number }): Promise<void> {
    await Promise.all([this.current.end(opts), ...this.retiring]);
  }
}
