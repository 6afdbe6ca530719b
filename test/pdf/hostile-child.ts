// Runs one hostile case in its own process (spawned by hostile-structures.test.ts) so that its
// time and peak RSS are its own: builds the file, then opens it and reads every object and stream.
// Prints one JSON line: { code, ms, rssGrowthMB, fileBytes, malformed (objects that did not read) }.
import { PdfReader } from '../../src/pdf/reader.js';
import { PdfStream } from '../../src/pdf/objects.js';
import { isDocaxisError } from '../../src/errors.js';
import { isLimitError } from '../../src/pdf/limits.js';
import { HOSTILE_CASES } from './hostile-cases.js';

const name = process.argv[2] ?? '';
const c = HOSTILE_CASES[name];
if (!c) throw new Error(`unknown case ${name}`);
const bytes = c.build();
(globalThis as { gc?: () => void }).gc?.();
const rss0 = process.memoryUsage().rss;
const t0 = performance.now();
let code = 'ok';
let malformed = 0;
try {
  const r = PdfReader.open(bytes, c.limits ? { limits: c.limits } : {});
  for (const n of r.objectNumbers()) {
    // A malformed object is that object's problem; a budget or a loop is the file's outcome.
    try {
      const o = r.getObject(n);
      if (o instanceof PdfStream) r.decodeStream(o);
    } catch (e) {
      if (isLimitError(e) || isDocaxisError(e, 'PDF_REFERENCE_LOOP') || !isDocaxisError(e)) throw e;
      malformed++;
    }
  }
  for (const key of r.trailer.keys()) r.resolve(r.trailer.get(key));
  if (r.brokenPrevChain) code = 'ok:brokenPrevChain';
} catch (e) {
  if (!isDocaxisError(e)) throw e;
  code = e.code;
}
const ms = performance.now() - t0;
const peak = process.resourceUsage().maxRSS * 1024;
console.log(JSON.stringify({ code, ms: Math.round(ms), rssGrowthMB: Math.max(0, Math.round((peak - rss0) / 1e6)), fileBytes: bytes.length, malformed }));
