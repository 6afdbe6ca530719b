// Verification on worker threads. A document's verification is synchronous CPU work (parsing,
// hashing, RSA, chains): on the event loop it stalls every other request for its duration, and it
// uses one core of several. The pool runs it on `size` workers, each holding its own parsed trust
// store, and queues the rest. The caller keeps its bytes: each job gets a copy.
import { Worker } from 'node:worker_threads';
import { DocaxisError, errorFromData, type ErrorData } from '../errors.js';
import { scanClassificationMarks, type ClassificationMark } from '../content/classification-marks.js';
import type { VerificationReport } from './report.js';
import type { PdfVerifier, TrustMaterial, TrustSnapshot } from './verifier.js';

/** Main thread -> worker. `material` is sent only when the worker's key differs. */
export interface VerifyJob {
  id: number;
  pdf: Uint8Array;
  at: number;
  key: string;
  material?: TrustMaterial;
}

/** Worker -> main thread: `ready` once, when its modules have loaded; then one answer per job. */
export type VerifyAnswer = { ready: true } | { id: number; report: VerificationReport } | { id: number; error: ErrorData };

interface Pending {
  pdf: Uint8Array;
  trust: TrustSnapshot;
  at: Date;
  resolve(r: VerificationReport): void;
  reject(e: unknown): void;
}

export interface PoolOptions {
  /** The worker's script; default: the build's verify-worker.js. */
  script?: URL;
  /** A job running longer fails with VERIFY_TIMEOUT and its worker is replaced; default 60 s. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 60_000;

interface Slot {
  worker: Worker;
  /** The trust key the worker last received. */
  key: string | undefined;
  /** Said it is ready: a worker that fails before that is a broken install, not a bad document. */
  online: boolean;
  job: (Pending & { id: number; timer?: NodeJS.Timeout }) | undefined;
}

/** Under vitest this module runs from src/*.ts, but a worker needs JavaScript: the build's copy. */
export function defaultWorkerScript(): URL {
  const here = import.meta.url;
  if (here.endsWith('.ts')) return new URL(here.replace(/\/src\/pades\/verify-pool\.ts$/, '/dist/pades/verify-worker.js'));
  return new URL('./verify-worker.js', here);
}

export class WorkerVerifierPool implements PdfVerifier {
  readonly #script: URL;
  readonly #timeoutMs: number;
  readonly #slots: Slot[] = [];
  readonly #queue: Pending[] = [];
  #nextId = 1;
  #closed = false;
  #broken: Error | undefined;
  /** The material of the newest key asked for, loaded once for all workers. */
  #latest: { key: string; material: Promise<TrustMaterial> } | undefined;

  constructor(size: number, options: PoolOptions = {}) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError('a pool needs at least one worker');
    this.#script = options.script ?? defaultWorkerScript();
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    for (let i = 0; i < size; i++) this.#slots.push(this.#start());
  }

  get size(): number {
    return this.#slots.length;
  }

  verify(pdf: Uint8Array, trust: TrustSnapshot, at: Date): Promise<VerificationReport> {
    if (this.#closed) return Promise.reject(new DocaxisError('INTERNAL', 'the verification pool is closed'));
    if (this.#broken) return Promise.reject(new DocaxisError('INTERNAL', `the verification workers cannot start: ${this.#broken.message}`));
    return new Promise((resolve, reject) => {
      this.#queue.push({ pdf, trust, at, resolve, reject });
      this.#pump();
    });
  }

  /** On this thread for now: the pool's own worker job for the scan replaces it (verifypool). */
  scanMarks(pdf: Uint8Array): Promise<ClassificationMark[]> {
    return scanClassificationMarks(pdf);
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const p of this.#queue.splice(0)) p.reject(new DocaxisError('INTERNAL', 'the verification pool is closed'));
    await Promise.all(this.#slots.map((s) => s.worker.terminate()));
  }

  #start(): Slot {
    const worker = new Worker(this.#script);
    worker.unref(); // idle workers must not keep the process alive; a busy one is ref'd
    const slot: Slot = { worker, key: undefined, online: false, job: undefined };
    worker.on('message', (a: VerifyAnswer) => this.#answered(slot, a));
    worker.on('error', (e) => this.#lost(slot, e));
    worker.on('exit', (code) => this.#lost(slot, new Error(`exited with code ${code}`)));
    return slot;
  }

  #pump(): void {
    for (const slot of this.#slots) {
      if (this.#queue.length === 0) return;
      if (slot.job) continue;
      void this.#dispatch(slot, this.#queue.shift()!);
    }
  }

  async #dispatch(slot: Slot, p: Pending): Promise<void> {
    const job: NonNullable<Slot['job']> = { ...p, id: this.#nextId++ };
    slot.job = job; // reserved while the material loads
    let material: TrustMaterial | undefined;
    try {
      if (slot.key !== p.trust.key) material = await this.#material(p.trust);
    } catch (e) {
      slot.job = undefined;
      p.reject(e);
      this.#pump();
      return;
    }
    if (slot.job !== job) return; // the worker was lost meanwhile; the job was already rejected
    slot.worker.ref();
    const message: VerifyJob = { id: job.id, pdf: p.pdf, at: p.at.getTime(), key: p.trust.key, ...(material ? { material } : {}) };
    slot.worker.postMessage(message);
    slot.key = p.trust.key;
    job.timer = setTimeout(() => this.#timedOut(slot, job), this.#timeoutMs);
    job.timer.unref();
  }

  /** A worker cannot be interrupted mid-verification: it is replaced, and its job fails. */
  #timedOut(slot: Slot, job: NonNullable<Slot['job']>): void {
    if (slot.job !== job) return;
    slot.job = undefined;
    const i = this.#slots.indexOf(slot);
    if (i >= 0 && !this.#closed) this.#slots[i] = this.#start(); // the old one's 'exit' is then ignored
    void slot.worker.terminate();
    job.reject(new DocaxisError('VERIFY_TIMEOUT', `still running after ${this.#timeoutMs} ms`));
    this.#pump();
  }

  #material(trust: TrustSnapshot): Promise<TrustMaterial> {
    if (this.#latest?.key !== trust.key) {
      const material = trust.load();
      const entry = { key: trust.key, material };
      this.#latest = entry;
      // A failed load is not kept: the next job tries again.
      material.catch(() => {
        if (this.#latest === entry) this.#latest = undefined;
      });
    }
    return this.#latest!.material;
  }

  #answered(slot: Slot, a: VerifyAnswer): void {
    if ('ready' in a) {
      slot.online = true;
      return;
    }
    const job = slot.job;
    if (!job || job.id !== a.id) return;
    clearTimeout(job.timer);
    slot.job = undefined;
    slot.worker.unref();
    if ('report' in a) job.resolve(a.report);
    else {
      // The worker may not have taken the material (it failed to parse): send it again next time.
      slot.key = undefined;
      job.reject(errorFromData(a.error));
    }
    this.#pump();
  }

  /** A worker that failed or exited: its job fails, a fresh worker takes its place. */
  #lost(slot: Slot, why: Error): void {
    const i = this.#slots.indexOf(slot);
    if (i < 0) return; // already replaced ('error' is followed by 'exit')
    const job = slot.job;
    clearTimeout(job?.timer);
    slot.job = undefined;
    if (!slot.online && !this.#closed) {
      // Starting again would fail the same way, forever: fail this job, what waits and every later call.
      this.#broken = why;
      for (const p of [...(job ? [job] : []), ...this.#queue.splice(0)]) p.reject(new DocaxisError('INTERNAL', `the verification workers cannot start: ${why.message}`, { cause: why }));
      return;
    }
    job?.reject(new DocaxisError('INTERNAL', `the verification worker stopped: ${why.message}`, { cause: why }));
    if (this.#closed) return;
    this.#slots[i] = this.#start();
    this.#pump();
  }
}
