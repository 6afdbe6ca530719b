// File I/O for the CLI: typed errors, and atomic output (temp file + rename) so that a failed
// run never leaves a half-written PDF where the user expects the signed one.
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
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

export function readInput(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new DocaxisError('FILE_UNREADABLE', `${path} (${code})`);
  }
}

/** Writes the parts in order to `path` atomically. */
export function writeOutputAtomically(path: string, parts: readonly Uint8Array[]): void {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx', 0o644);
    for (const part of parts) {
      let off = 0;
      while (off < part.length) off += writeSync(fd, part, off, part.length - off);
    }
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    rmSync(tmp, { force: true });
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new DocaxisError('FILE_UNWRITABLE', `${path} (${code})`);
  }
}
