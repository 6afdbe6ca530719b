// Failed authentications in the exchange log, aggregated per address so that a flood of bad
// tokens cannot grow the hash chain without bound. An address's first failure is logged at once,
// as before ({ reason, ip }); the failures that follow within the interval are counted, and at the
// interval's end one entry records them ({ ip, count, reasons, since, until }). A flood therefore
// costs one entry per address per interval; the counts of all entries add up to every failure.
//
// The counts live in this process's memory (one instance per HTTP app, no global): two instances
// on one database each log their own share, and a crash loses at most one interval's counts of
// the failures not yet written. The number of addresses held is bounded; past the bound, new
// addresses share one bucket logged as ip "*".
import type { AuthFailureReason } from './auth.js';
import { logAuthFailure } from './auth.js';
import type { ExchangeDeps } from './deps.js';

export interface AuthFailurePolicy {
  /** Length of an address's aggregation window. */
  intervalMs: number;
  /** Addresses with an open window before they share the overflow bucket. */
  maxAddresses: number;
}

export const DEFAULT_AUTH_FAILURE_POLICY: AuthFailurePolicy = { intervalMs: 60_000, maxAddresses: 10_000 };

/** The shared bucket once maxAddresses are held. */
export const OVERFLOW_ADDRESS = '*';

interface Window {
  since: Date;
  endsAt: number;
  count: number;
  reasons: Partial<Record<AuthFailureReason, number>>;
}

export class AuthFailureLog {
  private readonly windows = new Map<string, Window>();
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly deps: ExchangeDeps,
    private readonly policy: AuthFailurePolicy = DEFAULT_AUTH_FAILURE_POLICY,
    private readonly onFlushError: (e: unknown) => void = () => undefined,
  ) {
    // Checked every second (or interval): a window is flushed at most one tick after it ends.
    this.timer = setInterval(() => void this.flush(false), Math.min(policy.intervalMs, 1000));
    this.timer.unref();
  }

  /** Records one failure of `address`; resolves once it is logged or counted. */
  async record(address: string, reason: AuthFailureReason): Promise<void> {
    const key = this.windows.has(address) || this.windows.size < this.policy.maxAddresses ? address : OVERFLOW_ADDRESS;
    const open = this.windows.get(key);
    if (open && !this.closed) {
      open.count++;
      open.reasons[reason] = (open.reasons[reason] ?? 0) + 1;
      return;
    }
    if (!this.closed) this.windows.set(key, { since: this.deps.clock(), endsAt: Date.now() + this.policy.intervalMs, count: 0, reasons: {} });
    await logAuthFailure(this.deps, reason, key);
  }

  /** Failures counted but not yet logged (all addresses). */
  pending(): number {
    let n = 0;
    for (const w of this.windows.values()) n += w.count;
    return n;
  }

  /** Stops the timer and logs every count still open. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.flushing;
    await this.flush(true);
  }

  /** Logs the windows that ended (all of them when `all`), in one append. */
  private flush(all: boolean): Promise<void> {
    this.flushing ??= this.flushNow(all).finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async flushNow(all: boolean): Promise<void> {
    const now = Date.now();
    const due = [...this.windows].filter(([, w]) => all || w.endsAt <= now);
    // What is logged now; failures counted while the append runs stay for the next entry.
    const taken = due.map(([ip, w]) => ({ ip, w, count: w.count, reasons: { ...w.reasons } }));
    const counted = taken.filter((t) => t.count > 0);
    const until = this.deps.clock();
    if (counted.length > 0) {
      try {
        await this.deps.stores.log.appendMany(
          counted.map((t) => ({
            event: 'auth.failed' as const,
            actorUserId: null,
            agencyId: null,
            documentId: null,
            details: { ip: t.ip, count: t.count, reasons: t.reasons, since: t.w.since.toISOString(), until: until.toISOString() },
          })),
          until,
        );
      } catch (e) {
        // Kept, with their counts, for the next tick: nothing is lost while the database is away.
        this.onFlushError(e);
        return;
      }
    }
    for (const t of taken) {
      t.w.count -= t.count;
      for (const [reason, n] of Object.entries(t.reasons) as [AuthFailureReason, number][]) {
        const left = (t.w.reasons[reason] ?? 0) - n;
        if (left > 0) t.w.reasons[reason] = left;
        else delete t.w.reasons[reason];
      }
      // An address still failing keeps a window (its next failures are counted, not logged one by
      // one); a quiet one is forgotten, so its next failure is logged at once again.
      if (t.count === 0 && t.w.count === 0) {
        this.windows.delete(t.ip);
      } else {
        t.w.since = until;
        t.w.endsAt = now + this.policy.intervalMs;
      }
    }
  }
}
