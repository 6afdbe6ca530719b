// Verification off the event loop. A document's verification is synchronous CPU work (parsing,
// hashing, RSA, chains): on the event loop it stalls every other request for its duration, and it
// uses one core of several. The pool runs it on `size` workers, each holding its own parsed trust
// store, and queues the rest. The caller keeps its bytes: each job gets a copy. The same workers
// read a PDF's text for classification marks (scanMarks): it parses the same untrusted bytes.
// verifyAndScan does both in ONE job: the bytes cross once, the worker wakes once, and the scan
// does not queue a second time behind other documents' verifications (a send needs both).
//
// A worker is a child process by default, a worker thread on request (`isolation`). Threads
// share the process's malloc: glibc keeps what a thread freed in that thread's arena, and a
// replacement thread gets a fresh arena, so every hostile file that is stopped leaves its native
// memory behind (measured: +125 MB per 500 MB deflate bomb stopped at 128 MB, without bound). A
// process gives everything back when it exits, and its own RSS is the exact measure of a job.
//
// Budgets per job, because the bytes are hostile until proven otherwise:
// - time: a job still running after `timeoutMs` fails with VERIFY_TIMEOUT, its worker replaced;
// - heap: each worker runs under V8's heap limits (--max-old-space-size, or a thread's
//   resourceLimits); a job that needs more fails with VERIFY_MEMORY_LIMIT, its worker replaced;
// - memory outside the heap (decoded streams are Buffers, which V8's limits do not count): while
//   jobs run, the worker's RSS (a thread: the whole process's) is sampled; past `memoryMb` above
//   what it was when the job started, the job fails with VERIFY_MEMORY_LIMIT, its worker replaced;
// - memory kept after a job: a worker holding more than `recycleMb` after a job is replaced, so
//   what a large or hostile file made it take goes back to the system.
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ClassificationMark } from '../content/classification-marks.js';
import { DocaxisError, errorFromData, type ErrorData } from '../errors.js';
import type { VerificationReport } from './report.js';
import type { PdfVerifier, TrustMaterial, TrustSnapshot, VerifiedAndScanned } from './verifier.js';

/** Main thread -> worker. `material` is sent only when the worker's key differs. */
export type VerifyJob =
  | { kind: 'verify'; id: number; pdf: Uint8Array; at: number; key: string; material?: TrustMaterial; maxSignatures?: number; /** Then scan for marks (only if the verification ran). */ scan?: true }
  | { kind: 'scan'; id: number; pdf: Uint8Array };

/**
 * Worker -> main thread: `ready` once, when its modules have loaded; then one answer per job,
 * with what the worker's heap and buffers hold after it (MB), for recycling.
 */
export type VerifyAnswer = { ready: true } | (({ id: number; report: VerificationReport; marks?: ClassificationMark[] } | { id: number; marks: ClassificationMark[] } | { id: number; error: ErrorData }) & { heldMb?: number });

type Pending = { pdf: Uint8Array; reject(e: unknown): void } & (
  | { kind: 'verify'; trust: TrustSnapshot; at: Date; scan: boolean; resolve(r: { report: VerificationReport; marks?: ClassificationMark[] }): void }
  | { kind: 'scan'; resolve(r: ClassificationMark[]): void }
);

type Running = Pending & { id: number; timer?: NodeJS.Timeout; startedAt: number; rssAtStart: number };

export interface PoolOptions {
  /** The worker's script; default: the build's verify-worker.js. */
  script?: URL;
  /** A job running longer fails with VERIFY_TIMEOUT and its worker is replaced; default 30 s. */
  timeoutMs?: number;
  /** A worker's heap limit (V8 old generation), and the RSS growth a job may cause; default 256 MB. */
  memoryMb?: number;
  /** A worker holding more than this after a job is replaced; default 128 MB. */
  recycleMb?: number;
  /** 'process' (default): child processes, whose memory goes back on exit; 'thread': worker threads. */
  isolation?: 'process' | 'thread';
  /** More signatures than this refuse a document (PDF_TOO_MANY_SIGNATURES); default verifyPdf's (20). */
  maxSignatures?: number;
}

/** One worker, thread or process, behind the few calls the pool makes. */
interface Runner {
  send(m: VerifyJob): void;
  busy(yes: boolean): void;
  stop(): Promise<unknown>;
  /** The worker's own RSS in bytes (a process), or the whole process's (a thread). */
  rss(): number;
}

/** Linux: the second field of /proc/PID/statm is the resident pages. Elsewhere: this process's RSS. */
function rssOf(pid: number | undefined): number {
  if (pid === undefined) return process.memoryUsage.rss();
  try {
    return Number(readFileSync(`/proc/${pid}/statm`, 'latin1').split(' ')[1]) * 4096;
  } catch {
    return process.memoryUsage.rss();
  }
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MEMORY_MB = 256;
const DEFAULT_RECYCLE_MB = 128;
/** How often the RSS is sampled while jobs run: a stream decodes at a few hundred MB/s. */
const RSS_SAMPLE_MS = 50;

interface Slot {
  worker: Runner;
  /** The trust key the worker last received. */
  key: string | undefined;
  /** Said it is ready: a worker that fails before that is a broken install, not a bad document. */
  online: boolean;
  /** The worker's RSS once ready: what it holds beyond this after a job is what the job left. */
  readyRss: number;
  job: Running | undefined;
}

/** V8's young generation: a sixteenth of the heap, between 8 and 64 MB. */
function youngMb(memoryMb: number): number {
  return Math.min(64, Math.max(8, Math.floor(memoryMb / 16)));
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
  readonly #memoryMb: number;
  readonly #recycleMb: number;
  readonly #isolation: 'process' | 'thread';
  readonly #maxSignatures: number | undefined;
  readonly #slots: Slot[] = [];
  readonly #queue: Pending[] = [];
  #nextId = 1;
  #closed = false;
  #broken: Error | undefined;
  #sampler: NodeJS.Timeout | undefined;
  #replaced = 0;
  /** The material of the newest key asked for, loaded once for all workers. */
  #latest: { key: string; material: Promise<TrustMaterial> } | undefined;

  constructor(size: number, options: PoolOptions = {}) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError('a pool needs at least one worker');
    this.#script = options.script ?? defaultWorkerScript();
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#memoryMb = options.memoryMb ?? DEFAULT_MEMORY_MB;
    this.#recycleMb = options.recycleMb ?? DEFAULT_RECYCLE_MB;
    this.#isolation = options.isolation ?? 'process';
    this.#maxSignatures = options.maxSignatures;
    for (let i = 0; i < size; i++) this.#slots.push(this.#start());
  }

  get size(): number {
    return this.#slots.length;
  }

  /** Workers replaced so far (deadline, memory, a crash or recycling): for tests and metrics. */
  get replaced(): number {
    return this.#replaced;
  }

  verify(pdf: Uint8Array, trust: TrustSnapshot, at: Date): Promise<VerificationReport> {
    return new Promise((resolve, reject) => this.#submit({ kind: 'verify', pdf, trust, at, scan: false, resolve: (r) => resolve(r.report), reject }));
  }

  /** One job: the verification, then (if it ran) the scan; a verification that throws is the answer. */
  verifyAndScan(pdf: Uint8Array, trust: TrustSnapshot, at: Date): Promise<VerifiedAndScanned> {
    return new Promise((resolve, reject) =>
      this.#submit({ kind: 'verify', pdf, trust, at, scan: true, resolve: ({ report, marks }) => (marks ? resolve({ report, marks }) : reject(new DocaxisError('INTERNAL', 'the verification worker did not scan'))), reject }),
    );
  }

  scanMarks(pdf: Uint8Array): Promise<ClassificationMark[]> {
    return new Promise((resolve, reject) => this.#submit({ kind: 'scan', pdf, resolve, reject }));
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#sampler);
    for (const p of this.#queue.splice(0)) p.reject(new DocaxisError('INTERNAL', 'the verification pool is closed'));
    await Promise.all(this.#slots.map((s) => s.worker.stop()));
  }

  #submit(p: Pending): void {
    if (this.#closed) return p.reject(new DocaxisError('INTERNAL', 'the verification pool is closed'));
    if (this.#broken) return p.reject(new DocaxisError('INTERNAL', `the verification workers cannot start: ${this.#broken.message}`));
    this.#queue.push(p);
    this.#pump();
  }

  #start(): Slot {
    const slot: Slot = { worker: undefined as unknown as Runner, key: undefined, online: false, readyRss: 0, job: undefined };
    const on = {
      message: (a: VerifyAnswer) => this.#answered(slot, a),
      lost: (e: Error) => this.#lost(slot, e),
    };
    slot.worker = this.#isolation === 'thread' ? this.#thread(on) : this.#process(on);
    return slot;
  }

  #thread(on: { message(a: VerifyAnswer): void; lost(e: Error): void }): Runner {
    const worker = new Worker(this.#script, {
      resourceLimits: { maxOldGenerationSizeMb: this.#memoryMb, maxYoungGenerationSizeMb: youngMb(this.#memoryMb) },
    });
    worker.unref(); // idle workers must not keep the process alive; a busy one is ref'd
    worker.on('message', on.message);
    worker.on('error', on.lost);
    worker.on('exit', (code) => on.lost(new Error(`exited with code ${code}`)));
    return { send: (m) => worker.postMessage(m), busy: (yes) => (yes ? worker.ref() : worker.unref()), stop: () => worker.terminate(), rss: () => process.memoryUsage.rss() };
  }

  #process(on: { message(a: VerifyAnswer): void; lost(e: Error): void }): Runner {
    const child: ChildProcess = fork(fileURLToPath(this.#script), [], {
      execArgv: [`--max-old-space-size=${this.#memoryMb}`, `--max-semi-space-size=${Math.max(1, Math.floor(youngMb(this.#memoryMb) / 3))}`],
      serialization: 'advanced', // Uint8Array and Date cross as they are
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    child.stderr?.on('data', (c: Buffer) => (stderr = (stderr + c.toString('utf8')).slice(-2000)));
    const idle = () => {
      child.unref();
      (child.channel as { unref?(): void } | undefined)?.unref?.();
      (child.stderr as { unref?(): void } | null)?.unref?.();
    };
    idle();
    child.on('message', on.message);
    child.on('error', on.lost);
    child.on('exit', (code, signal) => {
      // V8 aborts a process whose heap is full, saying so on stderr.
      const oom = /heap out of memory|Reached heap limit/i.test(stderr);
      const e: NodeJS.ErrnoException = new Error(oom ? 'out of memory' : `exited with ${signal ?? `code ${code}`}`);
      if (oom) e.code = 'ERR_WORKER_OUT_OF_MEMORY';
      on.lost(e);
    });
    return {
      send: (m) => child.send(m),
      busy: (yes) => {
        if (!yes) return idle();
        child.ref();
        (child.channel as { ref?(): void } | undefined)?.ref?.();
      },
      stop: () =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
      rss: () => rssOf(child.pid),
    };
  }

  #pump(): void {
    for (const slot of this.#slots) {
      if (this.#queue.length === 0) return;
      // A worker still starting takes nothing yet: a job's deadline counts its own work only.
      if (slot.job || !slot.online) continue;
      void this.#dispatch(slot, this.#queue.shift()!);
    }
  }

  async #dispatch(slot: Slot, p: Pending): Promise<void> {
    const job: Running = { ...p, id: this.#nextId++, startedAt: performance.now(), rssAtStart: 0 };
    slot.job = job; // reserved while the material loads
    let message: VerifyJob;
    if (p.kind === 'verify') {
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
      message = { kind: 'verify', id: job.id, pdf: p.pdf, at: p.at.getTime(), key: p.trust.key, ...(material ? { material } : {}), ...(this.#maxSignatures !== undefined ? { maxSignatures: this.#maxSignatures } : {}), ...(p.scan ? { scan: true as const } : {}) };
      slot.key = p.trust.key;
    } else {
      message = { kind: 'scan', id: job.id, pdf: p.pdf };
    }
    slot.worker.busy(true);
    job.startedAt = performance.now();
    job.rssAtStart = slot.worker.rss();
    slot.worker.send(message);
    job.timer = setTimeout(() => this.#abandon(slot, job, new DocaxisError('VERIFY_TIMEOUT', `still running after ${this.#timeoutMs} ms`)), this.#timeoutMs);
    job.timer.unref();
    this.#sampleWhileBusy();
  }

  /** A worker cannot be interrupted mid-job: it is replaced, and its job fails with `why`. */
  #abandon(slot: Slot, job: Running, why: DocaxisError): void {
    if (slot.job !== job) return;
    clearTimeout(job.timer);
    slot.job = undefined;
    this.#replace(slot);
    job.reject(why);
    this.#pump();
  }

  /** A fresh worker takes the slot's place; the old one's 'exit' is then ignored. */
  #replace(slot: Slot): void {
    const i = this.#slots.indexOf(slot);
    if (i < 0) return;
    this.#replaced++;
    if (!this.#closed) this.#slots[i] = this.#start();
    else this.#slots.splice(i, 1);
    void slot.worker.stop();
  }

  /** RSS growth is what a decoded stream costs outside the V8 heap: sampled while jobs run. */
  #sampleWhileBusy(): void {
    if (this.#sampler) return;
    this.#sampler = setInterval(() => {
      const running = this.#slots.filter((s) => s.job?.timer !== undefined);
      if (running.length === 0) {
        clearInterval(this.#sampler);
        this.#sampler = undefined;
        return;
      }
      // A process is measured alone. Threads share one RSS: the oldest job is blamed, its start
      // being the lowest baseline (the growth is measured from before any newer one began).
      const suspects = this.#isolation === 'process' ? running : [running.reduce((a, b) => (a.job!.startedAt <= b.job!.startedAt ? a : b))];
      for (const slot of suspects) {
        const grew = (slot.worker.rss() - slot.job!.rssAtStart) / 2 ** 20;
        if (grew > this.#memoryMb) this.#abandon(slot, slot.job!, new DocaxisError('VERIFY_MEMORY_LIMIT', `the verification grew by ${Math.round(grew)} MB (limit ${this.#memoryMb} MB)`));
      }
    }, RSS_SAMPLE_MS);
    this.#sampler.unref();
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
      slot.readyRss = slot.worker.rss();
      this.#pump();
      return;
    }
    const job = slot.job;
    if (!job || job.id !== a.id) return;
    clearTimeout(job.timer);
    slot.job = undefined;
    slot.worker.busy(false);
    // A thread reports its heap and buffers; a process is measured whole (what malloc kept too).
    const heldMb = this.#isolation === 'process' ? Math.max(a.heldMb ?? 0, (slot.worker.rss() - slot.readyRss) / 2 ** 20) : (a.heldMb ?? 0);
    if (heldMb > this.#recycleMb) this.#replace(slot);
    if ('error' in a) {
      // The worker may not have taken the material (it failed to parse): send it again next time.
      slot.key = undefined;
      job.reject(errorFromData(a.error));
    } else if (job.kind === 'verify' && 'report' in a) job.resolve(a);
    else if (job.kind === 'scan' && 'marks' in a && a.marks) job.resolve(a.marks);
    else job.reject(new DocaxisError('INTERNAL', `the verification worker answered a ${job.kind} job with something else`));
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
    if ((why as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY') job?.reject(new DocaxisError('VERIFY_MEMORY_LIMIT', `the worker's heap limit (${this.#memoryMb} MB) was reached`));
    else job?.reject(new DocaxisError('INTERNAL', `the verification worker stopped: ${why.message}`, { cause: why }));
    if (this.#closed) return;
    this.#replaced++;
    this.#slots[i] = this.#start();
    this.#pump();
  }
}
