// The archive's jobs on PostgreSQL, with pg-boss (its own schema, `pgboss_docaxis` by default,
// created and migrated by pg-boss at start: queue, job, schedule, version and its functions).
// Why pg-boss and not graphile-worker: a job whose worker died is retried after `expireInSeconds`
// (graphile-worker keeps a crashed worker's jobs locked for 4 hours), its queue policies give
// one-job-per-key (`stately` + singletonKey = the document id) without code of ours, and its cron
// is coordinated across instances in the database (one sweep per slot, whatever the instances).
//
// Several instances: each one works both queues; a job is claimed by one of them (SKIP LOCKED), the
// `stately` policy keeps at most one queued and one active job per document, and the work itself
// is a compare-and-set (exchange/archive.ts), so a job run twice still adds one timestamp.
import PgBoss from 'pg-boss';
import type { ArchiveJobs, ArchiveOutcome, ArchiveWork } from '../exchange/archive.js';

export const ARCHIVE_QUEUE = 'docaxis-archive-document';
export const SWEEP_QUEUE = 'docaxis-archive-sweep';
export const DEFAULT_JOB_SCHEMA = 'pgboss_docaxis';

export interface PgBossArchiveOptions {
  connectionString: string;
  /** pg-boss's schema (default pgboss_docaxis). */
  schema?: string;
  /** When the sweep runs (cron, UTC); default every hour at minute 17. */
  sweepCron?: string;
  /** A job still active after this long is taken as dead (its worker crashed) and retried. Default 900. */
  expireInSeconds?: number;
  /** Retries of one document's job before it is given up (the next sweep queues it again). Default 5. */
  retryLimit?: number;
  /** Seconds before a retry. Default 60. */
  retryDelaySeconds?: number;
  /** How often expired jobs are looked for (pg-boss maintenance). Default 60. */
  maintenanceIntervalSeconds?: number;
  /** How often an idle worker looks for jobs. Default 2. */
  pollingIntervalSeconds?: number;
  onError: (err: unknown, documentId: string | null) => void;
  onDone?: (documentId: string, outcome: ArchiveOutcome) => void;
}

interface ArchiveJobData {
  documentId: string;
}

export class PgBossArchiveJobs implements ArchiveJobs {
  readonly #boss: PgBoss;
  readonly #work: ArchiveWork;
  readonly #options: PgBossArchiveOptions;

  private constructor(boss: PgBoss, work: ArchiveWork, options: PgBossArchiveOptions) {
    this.#boss = boss;
    this.#work = work;
    this.#options = options;
  }

  /** Installs or migrates pg-boss's schema, creates the queues and the hourly sweep, starts the workers. */
  static async start(work: ArchiveWork, options: PgBossArchiveOptions): Promise<PgBossArchiveJobs> {
    const boss = new PgBoss({
      connectionString: options.connectionString,
      schema: options.schema ?? DEFAULT_JOB_SCHEMA,
      application_name: 'docaxis-jobs',
      max: 4,
      maintenanceIntervalSeconds: options.maintenanceIntervalSeconds ?? 60,
    });
    boss.on('error', (err) => options.onError(err, null));
    await boss.start();
    const jobs = new PgBossArchiveJobs(boss, work, options);
    try {
      await jobs.#install();
    } catch (err) {
      await boss.stop({ graceful: false }).catch(() => undefined);
      throw err;
    }
    return jobs;
  }

  async #install(): Promise<void> {
    const o = this.#options;
    const archiveQueue = { expireInSeconds: o.expireInSeconds ?? 900, retryLimit: o.retryLimit ?? 5, retryDelay: o.retryDelaySeconds ?? 60 };
    // createQueue does nothing when the queue exists: updateQueue applies today's settings.
    await this.#boss.createQueue(ARCHIVE_QUEUE, { name: ARCHIVE_QUEUE, policy: 'stately', ...archiveQueue });
    await this.#boss.updateQueue(ARCHIVE_QUEUE, { name: ARCHIVE_QUEUE, policy: 'stately', ...archiveQueue });
    const sweepQueue = { expireInSeconds: 300, retryLimit: 0 };
    await this.#boss.createQueue(SWEEP_QUEUE, { name: SWEEP_QUEUE, policy: 'stately', ...sweepQueue });
    await this.#boss.updateQueue(SWEEP_QUEUE, { name: SWEEP_QUEUE, policy: 'stately', ...sweepQueue });
    await this.#boss.schedule(SWEEP_QUEUE, o.sweepCron ?? '17 * * * *', {}, { singletonKey: 'sweep' });
    const polling = { pollingIntervalSeconds: o.pollingIntervalSeconds ?? 2, batchSize: 1 };
    await this.#boss.work<ArchiveJobData>(ARCHIVE_QUEUE, polling, (jobs) => this.#archive(jobs));
    await this.#boss.work(SWEEP_QUEUE, polling, () => this.#sweep());
  }

  async #archive(jobs: PgBoss.Job<ArchiveJobData>[]): Promise<void> {
    for (const job of jobs) {
      try {
        const outcome = await this.#work.archive(job.data.documentId);
        this.#options.onDone?.(job.data.documentId, outcome);
      } catch (err) {
        this.#options.onError(err, job.data.documentId);
        throw err; // pg-boss records the failure and retries after retryDelay
      }
    }
  }

  async #sweep(): Promise<void> {
    for (const id of await this.#work.due()) await this.enqueueArchive(id);
  }

  async enqueueArchive(documentId: string): Promise<void> {
    // null when a job for this document is already queued (stately): nothing more to do.
    await this.#boss.send(ARCHIVE_QUEUE, { documentId } satisfies ArchiveJobData, { singletonKey: documentId });
  }

  async scheduleRenewals(): Promise<void> {
    await this.#boss.send(SWEEP_QUEUE, {}, { singletonKey: 'sweep' });
  }

  /** Stops fetching; waits for the jobs in progress (up to 30 s, then they are left to expire and be retried). */
  async close(): Promise<void> {
    await this.#boss.stop({ graceful: true, timeout: 30_000, close: true });
  }
}
