// Inputs for the tampering matrix, robustness and interop tests: the signed sample letter, and
// later revisions written by hand here (objects, a classic xref table, a trailer with /Prev) so
// that the attacks do not depend on our own incremental writer.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { joinDocument, completeSignature } from '../../src/pades/complete.js';
import { prepareSignature } from '../../src/pades/prepare.js';
import { signPdf, type SignOptions } from '../../src/pades/sign.js';
import { PdfDict, PdfRef, PdfString, type PdfObject } from '../../src/pdf/objects.js';
import { pageRefs } from '../../src/pdf/pages.js';
import { PdfReader } from '../../src/pdf/reader.js';
import { serializeObject } from '../../src/pdf/serialize.js';
import type { SignerAdapter } from '../../src/pki/signer.js';
import { FIXTURES_DIR, fixtureSigner, fixtureTimestamper, fontBytes, image, sampleLetter } from '../support/fixtures.js';
import { tempDir, writeTemp } from '../support/oracles.js';
import { mulberry32 } from '../support/prng.js';

export const CHAIRMAN_FIELD = 'ChuTich';
export const SEAL_FIELD = 'VanThu';

export interface SignedLetter {
  /** The unsigned sample letter. */
  letter: Uint8Array;
  /** Signed by the chairman (B-T, visible, handwritten image). */
  chairman: Uint8Array;
  /** Then sealed by the agency (B-T, visible seal over the chairman's signature). */
  sealed: Uint8Array;
}

/** The Decree 30 flow on the sample letter: the chairman signs, the agency seals; both B-T. */
export async function signedLetter(): Promise<SignedLetter> {
  const letter = await sampleLetter();
  const font = await fontBytes();
  const timestamper = fixtureTimestamper();
  const chairman = joinDocument(
    await signPdf(letter.pdf, fixtureSigner('signer-nguyen-van-an'), {
      level: 'B-T',
      timestamper,
      fieldName: CHAIRMAN_FIELD,
      visible: {
        placement: { kind: 'rect', ...letter.signerBox },
        layout: 'signer',
        lines: ['Chủ tịch', 'Nguyễn Văn An'],
        image: image('handwritten-nguyen-van-an'),
        fontBytes: font,
      },
    }),
  );
  const sealed = joinDocument(
    await signPdf(chairman, fixtureSigner('seal-ubnd-thai-binh'), {
      level: 'B-T',
      timestamper,
      fieldName: SEAL_FIELD,
      visible: {
        placement: { kind: 'over', field: CHAIRMAN_FIELD },
        layout: 'seal',
        lines: ['Ủy ban nhân dân tỉnh Thái Bình'],
        image: image('seal-ubnd-thai-binh'),
        fontBytes: font,
      },
    }),
  );
  return { letter: letter.pdf, chairman, sealed };
}

/** Adds one more (invisible) signature by `signer` to `pdf`. */
export async function addSignature(pdf: Uint8Array, signer: SignerAdapter | string, options: SignOptions = {}): Promise<Uint8Array> {
  const adapter = typeof signer === 'string' ? fixtureSigner(signer) : signer;
  return joinDocument(await signPdf(pdf, adapter, { fieldName: SEAL_FIELD, ...options }));
}

export interface RawObject {
  num: number;
  body: string | Uint8Array | PdfObject;
}

function bodyBytes(b: RawObject['body']): Buffer {
  if (typeof b === 'string') return Buffer.from(b, 'latin1');
  if (b instanceof Uint8Array) return Buffer.from(b);
  return Buffer.from(serializeObject(b));
}

/** A stream object body with the right /Length. */
export function streamBody(dict: string, data: string): Buffer {
  const bytes = Buffer.from(data, 'latin1');
  return Buffer.concat([Buffer.from(`<< ${dict} /Length ${bytes.length} >>\nstream\n`, 'latin1'), bytes, Buffer.from('\nendstream', 'latin1')]);
}

/** Appends one incremental update by hand: the objects, a classic xref table, a trailer with /Prev. */
export function appendRevision(base: Uint8Array, objects: RawObject[]): Uint8Array {
  const r = PdfReader.open(base);
  const parts: Buffer[] = [Buffer.from(base)];
  let pos = base.length;
  const push = (b: Buffer): void => {
    parts.push(b);
    pos += b.length;
  };
  if (base[base.length - 1] !== 0x0a) push(Buffer.from('\n'));
  const offsets = new Map<number, number>();
  for (const o of objects) {
    offsets.set(o.num, pos);
    push(Buffer.concat([Buffer.from(`${o.num} 0 obj\n`), bodyBytes(o.body), Buffer.from('\nendobj\n')]));
  }
  const nums = [...offsets.keys()].sort((a, b) => a - b);
  let xref = 'xref\n';
  for (const n of nums) xref += `${n} 1\n${String(offsets.get(n)).padStart(10, '0')} 00000 n\r\n`;
  const size = Math.max(r.size, ...nums.map((n) => n + 1));
  const info = r.trailer.get('Info');
  const trailer = `/Size ${size} /Root ${String(r.trailer.get('Root'))}${info instanceof PdfRef ? ` /Info ${String(info)}` : ''} /Prev ${r.startxref}`;
  push(Buffer.from(`${xref}trailer\n<< ${trailer} >>\nstartxref\n${pos}\n%%EOF\n`, 'latin1'));
  return Buffer.concat(parts);
}

/** Next free object number of the latest revision. */
export function nextObjectNumber(reader: PdfReader): number {
  let max = reader.size - 1;
  for (const rev of reader.revisions) for (const n of rev.entries.keys()) max = Math.max(max, n);
  return max + 1;
}

export function page1(reader: PdfReader): { ref: PdfRef; dict: PdfDict } {
  const ref = pageRefs(reader)[0]!;
  return { ref, dict: reader.getObject(ref) as PdfDict };
}

/** A later revision giving page 1 one more content stream (drawn over the letter). */
export function changePageContent(pdf: Uint8Array): Uint8Array {
  const reader = PdfReader.open(pdf);
  const { ref, dict } = page1(reader);
  const n = nextObjectNumber(reader);
  const old = dict.get('Contents');
  const contents: PdfObject[] = Array.isArray(old) ? [...old] : old ? [old] : [];
  const page = dict.clone().set('Contents', [...contents, new PdfRef(n, 0)]);
  return appendRevision(pdf, [
    { num: n, body: streamBody('', '1 1 1 rg 50 600 400 100 re f 0 0 0 rg BT /F1 14 Tf 60 650 Td (SO TIEN: 9.000.000.000 VND) Tj ET') },
    { num: ref.num, body: page },
  ]);
}

/** A later revision adding a /FreeText annotation to page 1. */
export function addAnnotation(pdf: Uint8Array): Uint8Array {
  const reader = PdfReader.open(pdf);
  const { ref, dict } = page1(reader);
  const n = nextObjectNumber(reader);
  const annot = `<< /Type /Annot /Subtype /FreeText /Rect [60 600 400 640] /Contents (Da duyet chi 9 ty) /DA (/Helv 12 Tf 0 g) /P ${ref.num} 0 R >>`;
  const annots = dict.get('Annots');
  if (annots instanceof PdfRef) {
    const arr = reader.resolve(annots) as PdfObject[];
    return appendRevision(pdf, [
      { num: n, body: annot },
      { num: annots.num, body: [...arr, new PdfRef(n, 0)] },
    ]);
  }
  const arr = Array.isArray(annots) ? annots : [];
  return appendRevision(pdf, [
    { num: n, body: annot },
    { num: ref.num, body: dict.clone().set('Annots', [...arr, new PdfRef(n, 0)]) },
  ]);
}

/** A later revision deleting the field named `fieldName` from /AcroForm /Fields. */
export function removeField(pdf: Uint8Array, fieldName: string): Uint8Array {
  const reader = PdfReader.open(pdf);
  const catalog = reader.catalog();
  const afEntry = catalog.get('AcroForm');
  const af = reader.resolve(afEntry) as PdfDict;
  const fieldsEntry = af.get('Fields');
  const fields = reader.resolve(fieldsEntry) as PdfObject[];
  const kept = fields.filter((f) => {
    const d = reader.resolve(f);
    const t = d instanceof PdfDict ? d.get('T') : undefined;
    return !(t instanceof PdfString && t.text() === fieldName);
  });
  if (kept.length !== fields.length - 1) throw new Error(`field ${fieldName} not found in /AcroForm /Fields`);
  if (fieldsEntry instanceof PdfRef) return appendRevision(pdf, [{ num: fieldsEntry.num, body: kept }]);
  const newAf = af.clone().set('Fields', kept);
  if (afEntry instanceof PdfRef) return appendRevision(pdf, [{ num: afEntry.num, body: newAf }]);
  const root = reader.trailer.get('Root') as PdfRef;
  return appendRevision(pdf, [{ num: root.num, body: catalog.clone().set('AcroForm', newAf) }]);
}

/** Position and text of the last `/ByteRange [...]` in the file. */
export function lastByteRange(pdf: Uint8Array): { start: number; end: number; values: number[] } {
  const text = Buffer.from(pdf).toString('latin1');
  const at = text.lastIndexOf('/ByteRange');
  const open = text.indexOf('[', at);
  const close = text.indexOf(']', open);
  const values = text
    .slice(open + 1, close)
    .trim()
    .split(/\s+/)
    .map(Number);
  return { start: open, end: close + 1, values };
}

/** Rewrites the last /ByteRange in place, padded to the same length of text. */
export function rewriteLastByteRange(pdf: Uint8Array, values: number[]): Uint8Array {
  const { start, end } = lastByteRange(pdf);
  const width = end - start;
  const text = `[${values.join(' ')}`;
  if (text.length + 1 > width) throw new Error('new /ByteRange does not fit');
  const out = Uint8Array.from(pdf);
  out.set(Buffer.from(text + ' '.repeat(width - text.length - 1) + ']', 'latin1'), start);
  return out;
}

/**
 * A CMS made by `openssl cms -sign -md sha1` over the byte range of a prepared placeholder: our
 * preparation only offers SHA-2, so the SHA-1 signature is built by an independent tool.
 */
export async function signWithOpensslSha1(pdf: Uint8Array, fixtureName: string): Promise<Uint8Array> {
  const { document, record } = await prepareSignature(pdf, { contentsCapacity: 8192, digest: 'sha256', fieldName: SEAL_FIELD });
  const joined = joinDocument(document);
  const [a, b, c, d] = record.byteRange;
  const covered = Buffer.concat([joined.subarray(a, a + b), joined.subarray(c, c + d)]);
  const dir = tempDir('docaxis-sha1-');
  const data = writeTemp(dir, 'covered.bin', covered);
  const out = join(dir, 'cms.der');
  const r = spawnSync(
    'openssl',
    [
      'cms', '-sign', '-binary', '-md', 'sha1', '-outform', 'DER', '-nosmimecap',
      '-signer', `${FIXTURES_DIR}${fixtureName}.cert.pem`,
      '-inkey', `${FIXTURES_DIR}${fixtureName}.key.pem`,
      '-certfile', `${FIXTURES_DIR}intermediate-ca.cert.pem`,
      '-in', data, '-out', out,
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`openssl cms -sign failed: ${r.stderr}`);
  return joinDocument(completeSignature(document, record, readFileSync(out)));
}

// ---------------------------------------------------------------------------------------------
// Robustness: seeded mutations of valid signed PDFs, and a worker that feeds them to the verifier
// and the CLI's inspect logic (run in a worker so a hang or a runaway allocation can be stopped).


const TOKENS = [
  ' obj ', 'endobj', ' 0 R ', ' R ', '<<', '>>', '[', ']', '(', ')', '<', '>', '/ByteRange', '/Contents', '/Prev ',
  '/Length ', '/Type /Sig', '/FT /Sig', '/V ', '/Root ', '/Size ', '/Kids [', '/Parent ', '/AcroForm', '/Fields [',
  'stream\n', '\nendstream', 'xref\n', 'trailer\n', 'startxref\n', '%%EOF\n', '%PDF-1.7\n', ' -1 ', ' 0 ', ' 1 ',
  ' 2147483648 ', ' 99999999999999999999 ', ' 1e308 ', ' 3.5 ', ' -0 ', '\\', '%', '\r', '\n', '\0', '#', '/',
  '/Filter /FlateDecode', '/Type /XRef /W [1 4 2] ', '/Type /ObjStm /N 99999 /First 0', '/Encrypt 1 0 R',
];

export interface MutatedCase {
  index: number;
  kind: string;
  bytes: Uint8Array;
}

/** Case `index` of the corpus made from `bases` with `seed`: each case is reproducible alone. */
export function mutatedCase(bases: readonly Uint8Array[], seed: number, index: number): MutatedCase {
  const rnd = mulberry32((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  const int = (n: number): number => Math.floor(rnd() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  let b = Buffer.from(bases[index % bases.length]!);
  const kinds: string[] = [];
  // Half the positions fall in the last 3 KB, where the xref, trailer and signature dictionary are.
  const pos = (len: number): number => (rnd() < 0.5 ? Math.max(0, len - 1 - int(3072)) : int(len));
  const rounds = 1 + (rnd() < 0.3 ? int(3) : 0);
  for (let r = 0; r < rounds; r++) {
    const op = int(13);
    const len = b.length;
    switch (op) {
      case 0: {
        kinds.push('flip');
        b = Buffer.from(b);
        for (let i = 1 + int(8); i > 0 && len > 0; i--) {
          const p = pos(len);
          b[p] = b[p]! ^ (1 + int(255));
        }
        break;
      }
      case 1: {
        kinds.push('delete');
        const p = pos(len);
        b = Buffer.concat([b.subarray(0, p), b.subarray(p + 1 + int(64))]);
        break;
      }
      case 2: {
        kinds.push('insert-token');
        const p = pos(len);
        b = Buffer.concat([b.subarray(0, p), Buffer.from(pick(TOKENS), 'latin1'), b.subarray(p)]);
        break;
      }
      case 3: {
        kinds.push('truncate');
        b = b.subarray(0, rnd() < 0.5 ? int(len) : pos(len));
        break;
      }
      case 4: {
        kinds.push('duplicate-tail');
        const k = 1 + int(Math.min(len, 8192));
        b = Buffer.concat([b, b.subarray(len - k)]);
        break;
      }
      case 5: {
        kinds.push('xref-offset');
        b = Buffer.from(b);
        const text = b.toString('latin1');
        const rows = [...text.matchAll(/(\d{10}) (\d{5}) [nf]/g)];
        if (rows.length > 0) {
          for (let i = 1 + int(4); i > 0; i--) {
            const row = pick(rows);
            const off = Number(row[1]) + pick([-1, 1, -7, 13, 1000, -100000, 1e9, 0 - Number(row[1])]);
            b.write(String(Math.max(0, off) % 1e10).padStart(10, '0'), row.index, 'latin1');
          }
        }
        break;
      }
      case 6: {
        kinds.push('startxref');
        const text = b.toString('latin1');
        const at = text.lastIndexOf('startxref');
        if (at >= 0) {
          const m = /startxref\s+(\d+)/.exec(text.slice(at));
          if (m) {
            const v = pick([0, 1, Number(m[1]) + pick([-1, 1, 5, -20]), len, len + 10, 2 ** 31, 2 ** 53]);
            b = Buffer.from(text.slice(0, at) + text.slice(at).replace(/startxref\s+\d+/, `startxref\n${v}`), 'latin1');
          }
        }
        break;
      }
      case 7: {
        kinds.push('prev-loop');
        const text = b.toString('latin1');
        const prevs = [...text.matchAll(/\/Prev (\d+)/g)];
        const xrefs = [...text.matchAll(/startxref\s+(\d+)/g)].map((m) => m[1]!);
        if (prevs.length > 0 && xrefs.length > 0) {
          const target = rnd() < 0.6 ? xrefs[xrefs.length - 1]! : pick(xrefs); // itself, or a cycle
          const p = pick(prevs);
          b = Buffer.from(text.slice(0, p.index) + `/Prev ${target}` + text.slice(p.index + p[0].length), 'latin1');
        }
        break;
      }
      case 8: {
        kinds.push('nesting');
        const depth = pick([100, 1_000, 10_000, 100_000]);
        const open = pick(['[', '<<', '[<<', '<< /A ']);
        const close = rnd() < 0.5 ? '' : ({ '[': ']', '<<': '>>', '[<<': '>>]', '<< /A ': '>>' } as Record<string, string>)[open]!.repeat(depth);
        const text = b.toString('latin1');
        const anchors = ['/ByteRange ', '/Root ', '/Fields ', '/Annots ', '/Kids ', '/Contents ', '/V '];
        const anchor = pick(anchors);
        const at = text.lastIndexOf(anchor);
        const p = at >= 0 && rnd() < 0.8 ? at + anchor.length : pos(len);
        b = Buffer.concat([b.subarray(0, p), Buffer.from(open.repeat(depth) + close, 'latin1'), b.subarray(p)]);
        break;
      }
      case 9: {
        kinds.push('number');
        const text = b.toString('latin1');
        const nums = [...text.slice(Math.max(0, len - 4096)).matchAll(/\d+/g)];
        if (nums.length > 0) {
          const m = pick(nums);
          const at = Math.max(0, len - 4096) + m.index;
          const v = pick(['-1', '0', '4294967295', '99999999999999999999', '1e400', '3.14', `${len}`, `${len + 1}`, String(Number(m[0]) + 1)]);
          b = Buffer.from(text.slice(0, at) + v + text.slice(at + m[0].length), 'latin1');
        }
        break;
      }
      case 10: {
        kinds.push('byterange');
        const text = b.toString('latin1');
        const brs = [...text.matchAll(/\/ByteRange\s*\[([^\]]*)\]/g)];
        if (brs.length > 0) {
          const m = pick(brs);
          const v = Array.from({ length: pick([0, 2, 3, 4, 4, 4, 5]) }, () => pick(['0', '-5', `${len}`, `${int(len)}`, '2147483647', '1.5', '/N', '(x)']));
          const inner = v.join(' ').padEnd(m[1]!.length).slice(0, Math.max(m[1]!.length, v.join(' ').length));
          b = Buffer.from(text.slice(0, m.index) + `/ByteRange [${inner}]` + text.slice(m.index + m[0].length), 'latin1');
        }
        break;
      }
      case 11: {
        kinds.push('splice');
        const from = int(len);
        const k = 1 + int(512);
        const chunk = Buffer.from(b.subarray(from, from + k));
        const p = pos(len);
        b = Buffer.concat([b.subarray(0, p), chunk, b.subarray(p + (rnd() < 0.5 ? chunk.length : 0))]);
        break;
      }
      default: {
        kinds.push('stream-length');
        const text = b.toString('latin1');
        const ls = [...text.matchAll(/\/Length (\d+)/g)];
        if (ls.length > 0) {
          const m = pick(ls);
          const v = pick(['0', '-1', '1', String(Number(m[1]) + 1), String(Number(m[1]) - 1), '999999999', '2 0 R', '9999 0 R']);
          b = Buffer.from(text.slice(0, m.index) + `/Length ${v}` + text.slice(m.index + m[0].length), 'latin1');
        }
        break;
      }
    }
  }
  return { index, kind: kinds.join('+'), bytes: b };
}

export interface FuzzWorkerInput {
  bases: Uint8Array[];
  seed: number;
  count: number;
  /** Per-case limit, ms: slower cases are failures. */
  limitMs: number;
}

export interface FuzzFailure {
  index: number;
  kind: string;
  target: 'verify' | 'inspect';
  problem: string;
}

export interface FuzzSummary {
  count: number;
  outcomes: Record<string, number>;
  failures: FuzzFailure[];
  maxMs: number;
  slowest: { index: number; kind: string; ms: number };
  totalMs: number;
}

export type FuzzMessage = { type: 'case'; index: number } | { type: 'done'; summary: FuzzSummary };

/** Worker entry: runs the corpus, posting each case index before it starts, then the summary. */
export async function runFuzzWorker(): Promise<void> {
  const { parentPort, workerData } = await import('node:worker_threads');
  const { verifyPdf } = await import('../../src/pades/verify.js');
  const { inspectPdf } = await import('../../src/cli/inspect.js');
  const { DocaxisError, ERROR_CATALOGUE } = await import('../../src/errors.js');
  const input = workerData as FuzzWorkerInput;
  const post = (m: FuzzMessage): void => parentPort!.postMessage(m);
  const options = (await import('../support/fixtures.js')).trustedOptions();
  const verdicts = new Set(['valid', 'invalid', 'indeterminate', 'no-signatures']);
  const summary: FuzzSummary = { count: 0, outcomes: {}, failures: [], maxMs: 0, slowest: { index: -1, kind: '', ms: 0 }, totalMs: 0 };
  const started = performance.now();
  const bases = input.bases.map((b) => Uint8Array.from(b));
  const run = (c: MutatedCase, target: 'verify' | 'inspect', f: () => string): void => {
    const t = performance.now();
    let outcome: string;
    try {
      outcome = f();
    } catch (e) {
      if (e instanceof DocaxisError && Object.hasOwn(ERROR_CATALOGUE, e.code)) outcome = `error:${e.code}`;
      else {
        const problem = e instanceof Error ? `${e.constructor.name}: ${e.message.slice(0, 200)}` : `thrown ${typeof e}`;
        summary.failures.push({ index: c.index, kind: c.kind, target, problem });
        outcome = 'failure';
      }
    }
    const ms = performance.now() - t;
    if (ms > input.limitMs) summary.failures.push({ index: c.index, kind: c.kind, target, problem: `took ${Math.round(ms)} ms` });
    if (ms > summary.maxMs) {
      summary.maxMs = ms;
      summary.slowest = { index: c.index, kind: `${target} ${c.kind}`, ms };
    }
    const key = `${target} ${outcome}`;
    summary.outcomes[key] = (summary.outcomes[key] ?? 0) + 1;
  };
  for (let i = 0; i < input.count; i++) {
    post({ type: 'case', index: i });
    const c = mutatedCase(bases, input.seed, i);
    run(c, 'verify', () => {
      const r = verifyPdf(c.bytes, options);
      if (!verdicts.has(r.document.verdict) || !Array.isArray(r.signatures)) throw new Error('malformed report');
      return `report:${r.document.verdict}`;
    });
    run(c, 'inspect', () => {
      const r = inspectPdf(c.bytes);
      if (!Array.isArray(r.revisions) || !Array.isArray(r.signatures)) throw new Error('malformed inspection');
      return 'report';
    });
    summary.count++;
  }
  summary.totalMs = performance.now() - started;
  post({ type: 'done', summary });
}
