// VerifyOptions.hashCheckpoints (hash states the CLI takes while reading) must change nothing in
// the report, only spare the hashing pass; states of another algorithm are ignored.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPdfHashing } from '../../src/cli/files.js';
import { RangeHasher } from '../../src/pades/range-hasher.js';
import { signPdf } from '../../src/pades/sign.js';
import { joinDocument } from '../../src/pades/complete.js';
import { verifyPdf } from '../../src/pades/verify.js';
import { fixtureSigner, sampleLetter, trustedOptions } from '../support/fixtures.js';
import { tempDir } from '../support/oracles.js';

function checkpointsOf(bytes: Uint8Array, step: number, algorithm = 'sha256') {
  const h = createHash(algorithm);
  const points = [];
  for (let off = 0; off < bytes.length; ) {
    const end = Math.min(bytes.length, off + step);
    h.update(bytes.subarray(off, end));
    points.push({ offset: end, state: h.copy() });
    off = end;
  }
  return { algorithm, points };
}

describe('RangeHasher with checkpoints', () => {
  it('gives the same range and file digests as hashing from scratch, for every checkpoint spacing', () => {
    const bytes = new Uint8Array(10_000).map((_, i) => (i * 7919) % 251);
    const ranges = [
      [0, 4000, 4100, 5900],
      [0, 6000, 6100, 3900],
    ];
    const plain = new RangeHasher(bytes, ranges);
    for (const step of [1, 999, 4000, 4001, 10_000, 20_000]) {
      const fast = new RangeHasher(bytes, ranges, checkpointsOf(bytes, step));
      for (const r of ranges) expect(Buffer.from(fast.digest(r, 'sha256')).toString('hex')).toBe(Buffer.from(plain.digest(r, 'sha256')).toString('hex'));
      expect(Buffer.from(fast.fileDigest('sha256')).toString('hex')).toBe(createHash('sha256').update(bytes).digest('hex'));
      // Another algorithm than the checkpoints': hashed from scratch.
      expect(Buffer.from(fast.digest(ranges[0]!, 'sha512')).toString('hex')).toBe(Buffer.from(plain.digest(ranges[0]!, 'sha512')).toString('hex'));
    }
    const sha1States = new RangeHasher(bytes, ranges, checkpointsOf(bytes, 1000, 'sha1'));
    expect(Buffer.from(sha1States.fileDigest('sha256')).toString('hex')).toBe(createHash('sha256').update(bytes).digest('hex'));
  });
});

describe('verifyPdf with the CLI reader\'s checkpoints', () => {
  it('reports exactly what it reports without them, for a valid and for a tampered document', async () => {
    const letter = await sampleLetter();
    const signed = joinDocument(await signPdf(letter.pdf, fixtureSigner('signer-nguyen-van-an'), { fieldName: 'ChuTich' }));
    const sealed = joinDocument(await signPdf(signed, fixtureSigner('seal-ubnd-thai-binh'), { fieldName: 'VanThu' }));
    const tampered = Buffer.from(sealed);
    const at = tampered.indexOf('/Type /Page') + 1;
    tampered[at] = tampered[at]! ^ 0x20; // a byte inside the signed ranges
    const at2 = new Date();
    for (const [name, bytes] of [['sealed', sealed], ['tampered', tampered]] as const) {
      const file = join(tempDir(), `${name}.pdf`);
      writeFileSync(file, bytes);
      const read = await readPdfHashing(file, 1 << 30);
      expect(Buffer.from(read.bytes).equals(readFileSync(file))).toBe(true);
      const withStates = verifyPdf(read.bytes, trustedOptions({ at: at2, hashCheckpoints: read.checkpoints }));
      const without = verifyPdf(bytes, trustedOptions({ at: at2 }));
      expect(withStates).toEqual(without);
      expect(withStates.file.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
      expect(withStates.document.verdict).toBe(name === 'sealed' ? 'valid' : 'invalid');
    }
  });
});
