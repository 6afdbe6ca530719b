// Which runner the archive's jobs get: pg-boss on a PostgreSQL server (several instances share
// its queue), the in-process one on the embedded PGlite (one process is the only instance, and
// pg-boss needs a server it can open its own connections to). Both behind exchange's ArchiveJobs.
import type { Config } from '../config.js';
import type { ArchiveJobs, ArchiveOutcome, ArchiveWork } from '../exchange/archive.js';
import { InProcessArchiveJobs } from './in-process-archive-jobs.js';
import { PgBossArchiveJobs } from './pg-boss-archive-jobs.js';

export interface ArchiveRunnerOptions {
  /** The PostgreSQL URL (config.databaseUrl); undefined: PGlite, the in-process runner. */
  databaseUrl: string | undefined;
  settings: Config['archive'];
  onError: (err: unknown, documentId: string | null) => void;
  onDone?: (documentId: string, outcome: ArchiveOutcome) => void;
}

export async function startArchiveJobs(work: ArchiveWork, o: ArchiveRunnerOptions): Promise<ArchiveJobs> {
  const report = { onError: o.onError, ...(o.onDone ? { onDone: o.onDone } : {}) };
  if (o.databaseUrl) return PgBossArchiveJobs.start(work, { connectionString: o.databaseUrl, sweepCron: sweepCron(o.settings.sweepMinutes), ...report });
  return new InProcessArchiveJobs(work, { sweepIntervalMs: o.settings.sweepMinutes * 60_000, ...report }).start();
}

/** Every `minutes` (1..60) as cron: hourly at :17 (off the hour, when other jobs crowd), else every n minutes. */
export function sweepCron(minutes: number): string {
  return minutes >= 60 ? '17 * * * *' : `*/${minutes} * * * *`;
}
