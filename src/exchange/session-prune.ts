// Deletes what sign-in leaves behind once it can no longer matter: sessions that ended (revoked,
// past the absolute cap, or idle past the limit) and sign-in throttle rows of names nobody tried
// for a day whose lock is over. Neither is evidence: every sign-in, sign-out, failure and lock is in
// the exchange log, which is never pruned. Runs on a timer like the log sealer (seal-timer.ts), in
// bounded batches so a prune after a long downtime never holds a long lock.
import type { SessionSettings } from './sessions.js';
import type { ExchangeDeps } from './deps.js';

/** Ended sessions are kept this long (an admin's "sessions ended" answer stays explainable). */
export const ENDED_SESSION_RETENTION_MS = 24 * 3_600_000;
/** A throttle row untouched this long (lock over) is forgotten: its failure count starts again. */
export const STALE_THROTTLE_MS = 24 * 3_600_000;
export const PRUNE_BATCH = 500;
/** At most this many batches a run: the rest waits for the next tick. */
const MAX_BATCHES = 20;

export interface Pruned {
  sessions: number;
  throttles: number;
}

export async function pruneSessions(deps: Pick<ExchangeDeps, 'stores' | 'clock'>, settings: Pick<SessionSettings, 'idleMinutes'>, batch = PRUNE_BATCH): Promise<Pruned> {
  const at = deps.clock();
  const endedBefore = new Date(at.getTime() - ENDED_SESSION_RETENTION_MS);
  const idleBefore = new Date(at.getTime() - ENDED_SESSION_RETENTION_MS - settings.idleMinutes * 60_000);
  const staleBefore = new Date(at.getTime() - STALE_THROTTLE_MS);
  const out: Pruned = { sessions: 0, throttles: 0 };
  for (let i = 0; i < MAX_BATCHES; i++) {
    const n = await deps.stores.sessions.pruneEnded(endedBefore, idleBefore, batch);
    out.sessions += n;
    if (n < batch) break;
  }
  for (let i = 0; i < MAX_BATCHES; i++) {
    const n = await deps.stores.credentials.pruneThrottle(staleBefore, at, batch);
    out.throttles += n;
    if (n < batch) break;
  }
  return out;
}

export interface PruneTimer {
  /** Stops the timer and waits for a prune in progress, so the database can be closed after it. */
  stop(): Promise<void>;
}

/** One run at a time; a failed run is reported and the next tick tries again. */
export function startSessionPrune(
  deps: Pick<ExchangeDeps, 'stores' | 'clock'>,
  opts: { settings: Pick<SessionSettings, 'idleMinutes'>; intervalMs: number; onPruned?: (p: Pruned) => void; onError: (e: unknown) => void },
): PruneTimer {
  let running: Promise<void> | undefined;
  const tick = () => {
    if (running) return;
    running = pruneSessions(deps, opts.settings)
      .then((p) => void ((p.sessions > 0 || p.throttles > 0) && opts.onPruned?.(p)))
      .catch(opts.onError)
      .finally(() => (running = undefined));
  };
  const timer = setInterval(tick, opts.intervalMs);
  timer.unref(); // never the reason the process stays up
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
