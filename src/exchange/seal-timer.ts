// Seals the log every `intervalMs` (main.ts; LOG_SEAL_INTERVAL_SECONDS). One run at a time: a tick
// that finds the previous seal still running (a slow TSA) is skipped rather than queued. A failed
// seal is reported and retried at the next tick; the entries stay chained meanwhile.
import type { LogSeal } from '../db/ports.js';
import type { Timestamper } from '../pades/timestamper.js';
import type { ExchangeDeps } from './deps.js';
import { sealLog } from './seal-log.js';

export interface SealTimer {
  /** Stops the timer and waits for a seal in progress, so the database can be closed after it. */
  stop(): Promise<void>;
}

export function startSealTimer(
  deps: ExchangeDeps,
  opts: { timestamper: Timestamper; intervalMs: number; onSeal?: (s: LogSeal) => void; onError: (e: unknown) => void },
): SealTimer {
  let running: Promise<void> | undefined;
  const tick = () => {
    if (running) return;
    running = sealLog(deps, { timestamper: opts.timestamper })
      .then((s) => void (s && opts.onSeal?.(s)))
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
