// The CLI's file layer: reading a PDF while hashing it (the states handed to verifyPdf must be the
// SHA-256 of exactly the prefixes they claim; openssl is the oracle), and the stepwise atomic output.
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AtomicOutput, readPdfDigesting, readPdfHashing } from '../../src/cli/files.js';
import { tempDir } from '../support/oracles.js';

const MiB = 1 << 20;

function opensslSha256(path: string): string {
  return /([0-9a-f]{64})\s*$/.exec(execFileSync('openssl', ['dgst', '-sha256', path], { encoding: 'utf8' }))![1]!;
}

describe('readPdfHashing', () => {
  it('returns the file and, at every chunk boundary, the SHA-256 state of the bytes before it', async () => {
    const dir = tempDir();
    const file = join(dir, 'big.pdf');
    const content = randomBytes(8 * MiB + 12_345);
    writeFileSync(file, content);
    const { bytes, checkpoints } = await readPdfHashing(file, 64 * MiB);
    expect(Buffer.from(bytes).equals(content)).toBe(true);
    expect(checkpoints.algorithm).toBe('sha256');
    expect(checkpoints.points.map((p) => p.offset)).toEqual([4 * MiB, 8 * MiB, content.length]);
    for (const p of checkpoints.points) {
      expect(p.state.copy().digest('hex')).toBe(createHash('sha256').update(content.subarray(0, p.offset)).digest('hex'));
    }
    expect(checkpoints.points.at(-1)!.state.copy().digest('hex')).toBe(opensslSha256(file));
  });

  it('refuses a file over the limit, a missing file and a directory with typed errors', async () => {
    const dir = tempDir();
    const file = join(dir, 'small.pdf');
    writeFileSync(file, randomBytes(2000));
    await expect(readPdfHashing(file, 1000)).rejects.toMatchObject({ code: 'PDF_TOO_LARGE' });
    await expect(readPdfHashing(join(dir, 'missing.pdf'), 1000)).rejects.toMatchObject({ code: 'FILE_UNREADABLE' });
    await expect(readPdfHashing(dir, 1 << 30)).rejects.toMatchObject({ code: 'FILE_UNREADABLE' });
    await expect(readPdfDigesting(dir, 1 << 30, 'sha256')).rejects.toMatchObject({ code: 'FILE_UNREADABLE' });
  });

  it('reads an empty file as empty (the verifier then says PDF_EMPTY)', async () => {
    const file = join(tempDir(), 'empty.pdf');
    writeFileSync(file, '');
    const { bytes, checkpoints } = await readPdfHashing(file, 1000);
    expect(bytes.length).toBe(0);
    expect(checkpoints.points).toEqual([]);
  });
});

describe('readPdfDigesting', () => {
  it('returns exactly the file and the hash state of all of it, in the algorithm asked for', async () => {
    const file = join(tempDir(), 'f.pdf');
    const content = randomBytes(3 * MiB + 7);
    writeFileSync(file, content);
    const { bytes, state } = await readPdfDigesting(file, 64 * MiB, 'sha384');
    expect(Buffer.from(bytes).equals(content)).toBe(true);
    expect(state.digest('hex')).toBe(createHash('sha384').update(content).digest('hex'));
  });
});

describe('AtomicOutput', () => {
  it('replaces the target only on commit, with the parts at their offsets', async () => {
    const dir = tempDir();
    const target = join(dir, 'out.pdf');
    writeFileSync(target, 'old');
    const head = randomBytes(MiB + 3);
    const tail = randomBytes(777);
    const out = AtomicOutput.open(target);
    await out.writeAt(head, 0);
    await out.flush();
    await out.writeAt(tail, head.length);
    expect(readFileSync(target, 'utf8')).toBe('old');
    out.commit();
    expect(Buffer.from(readFileSync(target)).equals(Buffer.concat([head, tail]))).toBe(true);
    expect(readdirSync(dir)).toEqual(['out.pdf']);
  });

  it('truncate() drops what was written; abort() leaves the target and no temp file', async () => {
    const dir = tempDir();
    const target = join(dir, 'out.pdf');
    const out = AtomicOutput.open(target);
    await out.writeAt(randomBytes(5000), 0);
    out.truncate();
    await out.writeAt(Buffer.from('abc'), 0);
    out.commit();
    expect(readFileSync(target, 'utf8')).toBe('abc');

    const again = AtomicOutput.open(target);
    await again.writeAt(Buffer.from('xyz'), 0);
    again.abort();
    expect(readFileSync(target, 'utf8')).toBe('abc');
    expect(readdirSync(dir)).toEqual(['out.pdf']);
  });

  it('reports an output in a missing folder as FILE_UNWRITABLE', () => {
    const target = join(tempDir(), 'no', 'such', 'out.pdf');
    expect(() => AtomicOutput.open(target)).toThrow(expect.objectContaining({ code: 'FILE_UNWRITABLE' }));
    expect(existsSync(target)).toBe(false);
  });
});
