// The archive's jobs on the embedded database (PGlite): one process is the only instance, so the
// queue is this process's memory, one job at a time, and a timer sweeps for due documents. Nothing
// is lost by a crash: the queue is rebuilt from the database, whose columns say what is due
// (ArchiveStore.due: accepted without a copy, or renewal date reached), by the sweep run at start
// and then every interval. pg-boss needs a PostgreSQL server (pg-boss-archive-jobs.ts).
import type { ArchiveJobs, ArchiveOutcome, ArchiveWork } from '../exchange/archive.js';

export interface InProcessArchiveOptions {
  /** Between sweeps; 0: no timer (tests call scheduleRenewals). */
  sweepIntervalMs: number;
  onError: (err: unknown, documentId: string | null) => void;
  onDone?: (documentId: string, outcome: ArchiveOutcome) => void;
}

export class InProcessArchiveJobs implements ArchiveJobs {
  readonly #work: ArchiveWork;
  readonly #options: InProcessArchiveOptions;
  /** Queued or running: a second enqueue of the same document is a no-op. */
  readonly #pending = new Set<string>();
  #tail: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(work: ArchiveWork, options: InProcessArchiveOptions) {
    this.#work = work;
    this.#options = options;
  }

  /** Sweeps once now (what a crash left undone), then every interval. */
  start(): this {
    void this.scheduleRenewals();
    if (this.#options.sweepIntervalMs > 0) {
      this.#timer = setInterval(() => void this.scheduleRenewals(), this.#options.sweepIntervalMs);
      this.#timer.unref();
    }
    return this;
  }

  enqueueArchive(documentId: string): Promise<void> {
    if (this.#closed || this.#pending.has(documentId)) return Promise.resolve();
    this.#pending.add(documentId);
    this.#tail = this.#tail.then(async () => {
      try {
        if (this.#closed) return;
        const outcome = await this.#work.archive(documentId);
        this.#options.onDone?.(documentId, outcome);
      } catch (err) {
        // Left as it was: the next sweep finds it due again.
        this.#options.onError(err, documentId);
      } finally {
        this.#pending.delete(documentId);
      }
    });
    return Promise.resolve();
  }

  async scheduleRenewals(): Promise<void> {
    if (this.#closed) return;
    try {
      for (const id of await this.#work.due()) await this.enqueueArchive(id);
    } catch (err) {
      this.#options.onError(err, null);
    }
  }

  /** Resolves when every job queued so far has run (tests). */
  async idle(): Promise<void> {
    let seen: Promise<void>;
    do {
      seen = this.#tail;
      await seen;
    } while (seen !== this.#tail);
  }

  /** Stops the timer and drops what is queued; the job running finishes first. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    await this.#tail;
  }
}
