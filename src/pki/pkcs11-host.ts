// The one thread of this process that talks PKCS#11 (its program: pkcs11-worker-source.ts). A
// module call can take long (a USB token, a network HSM) and pkcs11js calls are synchronous, so
// none runs on the event loop: the main thread posts a request and awaits the answer, with a
// deadline. One thread per process because a module is initialised once per process.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { DocaxisError, errorFromData, type ErrorData } from '../errors.js';
import { PKCS11_WORKER_SOURCE } from './pkcs11-worker-source.js';

export const DEFAULT_PKCS11_TIMEOUT_MS = 10_000;

export interface OpenRequest {
  module: string;
  token: string;
  keyLabel?: string;
  /** Hex of CKA_ID. */
  keyId?: string;
  pin: string;
}

export interface OpenedKey {
  ref: number;
  algorithm: 'rsa' | 'ec';
  /** Hex of the key's CKA_ID, and its CKA_LABEL, as the token has them. */
  id: string;
  label: string;
  /** The certificate object with the key's CKA_ID, DER; null when the token has none. */
  certificate: Uint8Array | null;
  /** Every other certificate object on the token (typically its CA chain), DER. */
  others: Uint8Array[];
}

type Request = ({ op: 'open' } & OpenRequest) | { op: 'sign'; ref: number; mechanism: 'rsa-pkcs' | 'ecdsa'; data: Uint8Array } | { op: 'close'; ref: number };
type Answer = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: ErrorData };

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: DocaxisError) => void;
  timer: NodeJS.Timeout;
}

export class Pkcs11Host {
  readonly #timeoutMs: number;
  #worker: Worker | undefined;
  #pending = new Map<number, Pending>();
  #nextId = 1;
  /** Bumped when the thread is replaced (after a deadline): refs of the old thread are void. */
  #generation = 0;

  constructor(options: { timeoutMs?: number } = {}) {
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_PKCS11_TIMEOUT_MS;
  }

  get generation(): number {
    return this.#generation;
  }

  open(request: OpenRequest): Promise<OpenedKey> {
    return this.#call({ op: 'open', ...request }) as Promise<OpenedKey>;
  }

  sign(ref: number, mechanism: 'rsa-pkcs' | 'ecdsa', data: Uint8Array): Promise<Uint8Array> {
    return this.#call({ op: 'sign', ref, mechanism, data }) as Promise<Uint8Array>;
  }

  async close(ref: number): Promise<void> {
    await this.#call({ op: 'close', ref });
  }

  /** Ends the thread (sessions close with it; the module stays initialised in the process). */
  async shutdown(): Promise<void> {
    const w = this.#worker;
    this.#worker = undefined;
    this.#failAll(new DocaxisError('HSM_UNAVAILABLE', 'the PKCS#11 thread was shut down'));
    if (w) await w.terminate();
  }

  #call(request: Request): Promise<unknown> {
    const worker = this.#ensureWorker();
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.#timedOut(id), this.#timeoutMs);
      this.#pending.set(id, { resolve, reject, timer });
      // Ref'd while a call is pending, so a CLI awaiting a signature does not exit under it.
      worker.ref();
      worker.postMessage({ id, ...request });
    });
  }

  #ensureWorker(): Worker {
    if (this.#worker) return this.#worker;
    const pkcs11js = createRequire(import.meta.url).resolve('pkcs11js');
    const worker = new Worker(PKCS11_WORKER_SOURCE, { eval: true, workerData: { pkcs11js } });
    worker.on('message', (a: Answer) => this.#answer(a));
    worker.on('error', (e) => this.#lost(worker, e.message));
    worker.on('exit', (code) => this.#lost(worker, `exited with code ${code}`));
    worker.unref();
    this.#worker = worker;
    return worker;
  }

  #answer(a: Answer): void {
    const p = this.#pending.get(a.id);
    if (!p) return;
    this.#settled(a.id, p);
    if (a.ok) p.resolve(a.value);
    else p.reject(errorFromData(a.error));
  }

  #settled(id: number, p: Pending): void {
    clearTimeout(p.timer);
    this.#pending.delete(id);
    if (this.#pending.size === 0) this.#worker?.unref();
  }

  /** A module call that does not return is stuck in native code: the thread is replaced. */
  #timedOut(id: number): void {
    const p = this.#pending.get(id);
    if (!p) return;
    const w = this.#worker;
    this.#worker = undefined;
    this.#generation++;
    this.#failAll(new DocaxisError('HSM_TIMEOUT', `no answer from the PKCS#11 module within ${this.#timeoutMs} ms`));
    void w?.terminate();
  }

  #lost(worker: Worker, why: string): void {
    if (this.#worker !== worker) return;
    this.#worker = undefined;
    this.#generation++;
    this.#failAll(new DocaxisError('HSM_UNAVAILABLE', `the PKCS#11 thread stopped: ${why}`));
  }

  #failAll(e: DocaxisError): void {
    for (const [id, p] of this.#pending) {
      this.#settled(id, p);
      p.reject(e);
    }
  }
}

let shared: Pkcs11Host | undefined;

/** The process's host (one module initialisation per process). */
export function sharedPkcs11Host(): Pkcs11Host {
  shared ??= new Pkcs11Host();
  return shared;
}
