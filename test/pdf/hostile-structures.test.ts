// Hostile structures (issue 10 finding 1): each class ends in its own typed error, or a readable
// result, within a time and memory budget. Every case runs in a child process of its own so that
// its time and peak RSS are measured apart from the test runner and from each other.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PdfReader } from '../../src/pdf/reader.js';
import { PdfStream, PdfString } from '../../src/pdf/objects.js';
import { DEFAULT_PDF_LIMITS } from '../../src/pdf/limits.js';
import { HOSTILE_CASES } from './hostile-cases.js';
import { classicPdf, deepNestingPdf, doubleDeflateStreamPdf, hugeXrefHybrid, objectStreamBombPdf, zlibZeros } from './hostile-pdfs.js';
import { codeOf, latin1, pdfLibDoc } from './helpers.js';

const TIME_BUDGET_MS = 2_000;
const RSS_BUDGET_MB = 200;
const CHILD = path.join(import.meta.dirname, 'hostile-child.ts');

interface Outcome {
  code: string;
  ms: number;
  rssGrowthMB: number;
  fileBytes: number;
}

function runCase(name: string): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', CHILD, name], { cwd: path.join(import.meta.dirname, '../..') });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (status) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (status !== 0 || !line.startsWith('{')) reject(new Error(`case "${name}" exited ${status}: ${err.slice(-2000)}`));
      else resolve(JSON.parse(line) as Outcome);
    });
  });
}


describe('hostile structures end in their typed error within budget (child process per case)', () => {
  const names = Object.keys(HOSTILE_CASES);
  // Two at a time: the machine has two cores; each child measures only itself.
  const outcomes = new Map<string, Promise<Outcome>>();
  const queue = [...names];
  const slots = Array.from({ length: 2 }, async () => {
    for (let n = queue.shift(); n !== undefined; n = queue.shift()) {
      const p = runCase(n);
      outcomes.set(n, p);
      await p.catch(() => undefined);
    }
  });
  const all = Promise.all(slots);

  for (const name of names) {
    it(name, async () => {
      await all;
      const o = await outcomes.get(name)!;
      console.log(`${name}: ${o.code} in ${o.ms} ms, +${o.rssGrowthMB} MB RSS (file ${o.fileBytes} bytes)`);
      expect(o.code).toBe(HOSTILE_CASES[name]!.expect);
      expect(o.ms).toBeLessThan(TIME_BUDGET_MS);
      expect(o.rssGrowthMB).toBeLessThan(RSS_BUDGET_MB);
    }, 120_000);
  }
});

describe('limits are options of PdfReader.open', () => {
  it('refuses limits that are not positive numbers', () => {
    expect(codeOf(() => PdfReader.open(classicPdf(), { limits: { maxNesting: 0 } }))).toBe('CONFIG_INVALID');
    expect(codeOf(() => PdfReader.open(classicPdf(), { limits: { maxStreamBytes: Number.NaN } }))).toBe('CONFIG_INVALID');
    expect(PdfReader.open(classicPdf()).limits).toEqual(DEFAULT_PDF_LIMITS);
  });

  it('a stream over maxStreamBytes stops at the cap; raising the cap reads it', () => {
    const bytes = classicPdf([[4, { dict: '<< /Filter /FlateDecode /Length %LEN% >>', data: zlibZeros(3_000_000) }]]);
    const low = PdfReader.open(bytes, { limits: { maxStreamBytes: 2_000_000 } });
    expect(codeOf(() => low.decodeStream(low.getObject(4) as PdfStream))).toBe('PDF_LIMIT_DECOMPRESSED');
    expect(low.decodedBytes).toBeLessThanOrEqual(2_000_000);
    const r = PdfReader.open(bytes);
    expect(r.decodeStream(r.getObject(4) as PdfStream).length).toBe(3_000_000);
    expect(r.decodedBytes).toBe(3_000_000);
  });

  it('nesting and ratio limits follow the options', () => {
    const nested = PdfReader.open(deepNestingPdf(10));
    expect(Array.isArray(nested.getObject(4))).toBe(true);
    const shallow = PdfReader.open(deepNestingPdf(10), { limits: { maxNesting: 5 } });
    expect(codeOf(() => shallow.getObject(4))).toBe('PDF_LIMIT_NESTING');
    // 1 MiB of zeros deflates ~1000:1: over a ratio of 100, under the default 1,100 (raised floor aside).
    const bytes = classicPdf([[4, { dict: '<< /Filter /FlateDecode /Length %LEN% >>', data: zlibZeros(4 << 20) }]]);
    const strict = PdfReader.open(bytes, { limits: { maxDecodeRatio: 100 } });
    expect(codeOf(() => strict.decodeStream(strict.getObject(4) as PdfStream))).toBe('PDF_LIMIT_DECOMPRESSION_RATIO');
    const dflt = PdfReader.open(bytes);
    expect(dflt.decodeStream(dflt.getObject(4) as PdfStream).length).toBe(4 << 20);
  });

  it('the xref row budget grows with the file size', () => {
    // 200M claimed rows in ~1.5 KB: refused before decoding; with a generous budget the rows the
    // data really holds are read (and only those are allocated).
    const hostile = hugeXrefHybrid(200_000_000, { w: [1, 1, 0], dataBytes: 2 * 1000 });
    expect(codeOf(() => PdfReader.open(hostile))).toBe('PDF_LIMIT_XREF_ENTRIES');
    const r = PdfReader.open(hostile, { limits: { minBytesPerObject: 1e-6, maxXrefEntries: 1e9 } });
    expect(r.revisions[0]!.entries.size).toBeLessThanOrEqual(1000 + 4);
  });

  it('a double-deflate bomb costs at most ~1 MiB of inflating, whatever it claims', () => {
    const r = PdfReader.open(doubleDeflateStreamPdf(1 << 30));
    expect(codeOf(() => r.decodeStream(r.getObject(4) as PdfStream))).toBe('PDF_LIMIT_DECOMPRESSION_RATIO');
    expect(r.decodedBytes).toBeLessThan(8 << 20);
  });
});

describe('objects read as what they are', () => {
  it('two xref entries pointing at one object do not read as the same object', () => {
    const t = Buffer.from(classicPdf([[4, '(four)'], [5, '(five)']])).toString('latin1');
    const off4 = /\n4 1\n(\d{10})/.exec(t)![1]!;
    const aliased = latin1(t.replace(/\n5 1\n\d{10}/, `\n5 1\n${off4}`));
    const r = PdfReader.open(aliased);
    expect(r.getObject(4)).toBeInstanceOf(PdfString);
    // Object 5 is found by its own header ("5 0 obj"), never as object 4.
    expect((r.getObject(5) as PdfString).latin1()).toBe('five');
  });

  it('an object stream that the xref places inside itself is a reference loop', () => {
    const ok = PdfReader.open(objectStreamBombPdf(0));
    expect((ok.getObject(6) as PdfString).latin1()).toBe('x');
    const r = PdfReader.open(objectStreamBombPdf(0, { insideItself: true }));
    expect(codeOf(() => r.getObject(6))).toBe('PDF_REFERENCE_LOOP');
  });

  it('ordinary files from pdf-lib read completely under the default limits', async () => {
    for (const objectStreams of [false, true]) {
      const r = PdfReader.open(await pdfLibDoc({ pages: 50, annots: true, objectStreams }));
      for (const n of r.objectNumbers()) {
        const o = r.getObject(n);
        if (o instanceof PdfStream) r.decodeStream(o);
      }
      expect(r.brokenPrevChain).toBe(false);
    }
  });
});
