// File I/O for the CLI: typed errors, and atomic output (temp file + rename) so that a failed
// run never leaves a half-written PDF where the user expects the signed one.
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, renameSync, rmSync, writeSync, fsyncSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { DocaxisError } from '../errors.js';

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
