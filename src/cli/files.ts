// File I/O for the CLI: typed errors, and atomic output (temp file + rename) so that a failed
// run never leaves a half-written PDF where the user expects the signed one.
import { createHash, randomBytes, type Hash } from 'node:crypto';
import { closeSync, fdatasync, fstatSync, fsyncSync, ftruncateSync, openSync, read, readFileSync, renameSync, rmSync, statSync, write } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { DocaxisError } from '../errors.js';

/** Default cap on a PDF the CLI will read: far above any official letter or scan, below memory trouble. */
export const DEFAULT_MAX_PDF_BYTES = 512 * 1024 * 1024;

/** The largest PDF to accept, from DOCAXIS_MAX_PDF_BYTES or the default. */
export function maxPdfBytes(env: NodeJS.ProcessEnv): number {
  const v = Number(env.DOCAXIS_MAX_PDF_BYTES);
  return Number.isInteger(v) && v > 0 ? v : DEFAULT_MAX_PDF_BYTES;
}

/** Reads a PDF, refusing one over the limit before reading it into memory. */
export function readPdf(path: string, maxBytes: number): Uint8Array {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (e) {
    throw new DocaxisError('FILE_UNREADABLE', `${path} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (size > maxBytes) throw new DocaxisError('PDF_TOO_LARGE', `${path} is ${size} bytes; the limit is ${maxBytes} (DOCAXIS_MAX_PDF_BYTES)`);
  return readInput(path);
}

/**
 * Bytes read per step while hashing: small enough that reading and hashing overlap (~2.5 ms each
 * here), large enough that a busy machine's scheduling delay is paid a few times, not once per MB.
 */
const HASHING_CHUNK = 4 << 20;

/** A PDF and the SHA-256 states of its first `offset` bytes at every chunk boundary. */
export interface HashedPdf {
  bytes: Uint8Array;
  checkpoints: { algorithm: 'sha256'; points: { offset: number; state: Hash }[] };
}

/**
 * Reads a PDF like readPdf and hashes it while reading: chunk k+1 is read on libuv's thread pool
 * (the kernel copy and the page faults of the fresh buffer) while chunk k is hashed here, so the
 * hashing pass of verification overlaps the read instead of following it.
 */
export async function readPdfHashing(path: string, maxBytes: number): Promise<HashedPdf> {
  const hash = createHash('sha256');
  const points: { offset: number; state: Hash }[] = [];
  const bytes = await readPdfInChunks(path, maxBytes, HASHING_CHUNK, (chunk, end) => {
    hash.update(chunk);
    points.push({ offset: end, state: hash.copy() });
  });
  return { bytes, checkpoints: { algorithm: 'sha256', points } };
}

/**
 * Reads a PDF like readPdf, on libuv's thread pool, and hashes it with `algorithm` chunk by chunk
 * as it arrives: the caller loads modules and opens the PKCS#12 meanwhile, and the signer does not
 * hash the input again (PrepareOptions.inputHash). `onChunk` sees each chunk as it arrives (the
 * signer copies it to the output then, so writing overlaps reading).
 */
export async function readPdfDigesting(
  path: string,
  maxBytes: number,
  algorithm: string,
  onChunk?: (chunk: Uint8Array, offset: number) => void,
): Promise<{ bytes: Uint8Array; state: Hash }> {
  const state = createHash(algorithm);
  const bytes = await readPdfInChunks(path, maxBytes, HASHING_CHUNK, (chunk, end) => {
    onChunk?.(chunk, end - chunk.length);
    state.update(chunk);
  });
  return { bytes, state };
}

async function readPdfInChunks(path: string, maxBytes: number, chunkSize: number, onChunk: (chunk: Uint8Array, end: number) => void): Promise<Uint8Array> {
  const fail = (e: unknown) => new DocaxisError('FILE_UNREADABLE', `${path} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw fail(e);
  }
  let pending: Promise<number> | undefined;
  try {
    let size: number;
    try {
      size = fstatSync(fd).size;
    } catch (e) {
      throw fail(e);
    }
    if (size > maxBytes) throw new DocaxisError('PDF_TOO_LARGE', `${path} is ${size} bytes; the limit is ${maxBytes} (DOCAXIS_MAX_PDF_BYTES)`);
    const bytes = Buffer.allocUnsafe(size);
    const readAt = (at: number): Promise<number> =>
      new Promise((resolve, reject) => read(fd, bytes, at, Math.min(chunkSize, size - at), at, (e, n) => (e ? reject(fail(e)) : resolve(n))));
    let offset = 0;
    pending = size > 0 ? readAt(0) : undefined;
    while (pending) {
      const n = await pending;
      pending = undefined;
      if (n === 0) throw new DocaxisError('FILE_UNREADABLE', `${path} (it shrank while being read)`);
      const end = offset + n;
      if (end < size) pending = readAt(end);
      onChunk(bytes.subarray(offset, end), end);
      offset = end;
    }
    return bytes;
  } finally {
    // A read still in flight (onChunk threw) must finish before its descriptor is closed.
    if (pending) await pending.catch(() => undefined);
    closeSync(fd);
  }
}

export function readInput(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new DocaxisError('FILE_UNREADABLE', `${path} (${code})`);
  }
}

/**
 * An output file written atomically in steps: a temp file beside `path`, written on libuv's thread
 * pool (so that the bytes already known, the unchanged input of an incremental update, are written
 * and flushed while the signature is computed), then fsync and rename in commit().
 */
export class AtomicOutput {
  private constructor(
    private readonly path: string,
    private readonly tmp: string,
    private fd: number | undefined,
  ) {}

  static open(path: string): AtomicOutput {
    const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      return new AtomicOutput(path, tmp, openSync(tmp, 'wx', 0o644));
    } catch (e) {
      throw unwritable(path, e);
    }
  }

  /** Writes `bytes` at `position`, off the main thread. */
  async writeAt(bytes: Uint8Array, position: number): Promise<void> {
    const fd = this.openFd();
    for (let off = 0; off < bytes.length; ) {
      const n = await new Promise<number>((resolve, reject) => write(fd, bytes, off, bytes.length - off, position + off, (e, w) => (e ? reject(unwritable(this.path, e)) : resolve(w))));
      if (n <= 0) throw new DocaxisError('FILE_UNWRITABLE', `${this.path} (nothing written)`);
      off += n;
    }
  }

  /** Flushes what is written so far, off the main thread: commit() then has little left to flush. */
  async flush(): Promise<void> {
    const fd = this.openFd();
    await new Promise<void>((resolve, reject) => fdatasync(fd, (e) => (e ? reject(unwritable(this.path, e)) : resolve())));
  }

  /** Drops everything written (before writing it again from the start). */
  truncate(): void {
    try {
      ftruncateSync(this.openFd(), 0);
    } catch (e) {
      throw unwritable(this.path, e);
    }
  }

  /** fsync, close, rename over `path`. */
  commit(): void {
    try {
      const fd = this.openFd();
      fsyncSync(fd);
      this.fd = undefined;
      closeSync(fd);
      renameSync(this.tmp, this.path);
    } catch (e) {
      this.abort();
      throw unwritable(this.path, e);
    }
  }

  /** Removes the temp file; `path` is left as it was. */
  abort(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    rmSync(this.tmp, { force: true });
  }

  private openFd(): number {
    if (this.fd === undefined) throw new DocaxisError('INTERNAL', `${this.path}: output already closed`);
    return this.fd;
  }
}

function unwritable(path: string, e: unknown): DocaxisError {
  if (e instanceof DocaxisError) return e;
  return new DocaxisError('FILE_UNWRITABLE', `${path} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
}
