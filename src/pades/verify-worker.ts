// The body of one verification worker (verify-pool.ts starts them, under V8 heap limits), as a
// child process (IPC) or a worker thread (parentPort): the same messages either way.
// It says it is ready once its modules have loaded, then answers each job: a verification, a
// scan for classification marks, or both (the scan only once the verification has parsed the file). It keeps the parsed trust store of the last key it was sent, so
// the pool sends the material only when the key changes. Each answer says how much the worker
// holds afterwards, so the pool can replace one that a large file left swollen.
import { parentPort } from 'node:worker_threads';
import { scanClassificationMarks } from '../content/classification-marks.js';
import { errorToData } from '../errors.js';
import { TrustStoreParsed } from './verifier.js';
import type { VerifyAnswer, VerifyJob } from './verify-pool.js';

// pdf.js inflates every Flate stream (page content, fonts, CMaps) through the global
// DecompressionStream when there is one: in Node that is a web stream over a zlib stream, whose
// set-up per stream costs more than the small streams of a letter's page (measured: a stamp scan
// of the benchmark letter 11.2 -> 9.1 and 9.9 -> 8.6 ms CPU without it). Without it pdf.js uses
// its own synchronous inflate, bounded like everything here by the worker's heap, RSS and deadline.
// Only this dedicated worker loses the global; nothing else runs in it.
Reflect.deleteProperty(globalThis, 'DecompressionStream');

/** The isolate's heap and its buffers (ArrayBuffers live outside the heap), in MB. */
function heldMb(): number {
  const m = process.memoryUsage();
  return (m.heapTotal + m.external) / 2 ** 20;
}

interface Port {
  postMessage(m: VerifyAnswer): void;
  on(event: 'message', f: (job: VerifyJob) => void): void;
}

function serve(port: Port): void {
  const parsed = new TrustStoreParsed();
  const run = async (job: VerifyJob): Promise<VerifyAnswer> => {
    try {
      if (job.kind === 'scan') return { id: job.id, marks: await scanClassificationMarks(job.pdf) };
      if (job.material) parsed.set(job.key, job.material);
      else if (!parsed.has(job.key)) throw new Error(`no trust material for key ${job.key}`);
      const report = parsed.verify(job.pdf, new Date(job.at), job.maxSignatures);
      return { id: job.id, report, ...(job.scan ? { marks: await scanClassificationMarks(job.pdf) } : {}) };
    } catch (e) {
      return { id: job.id, error: errorToData(e) };
    }
  };
  // The pool sends one job at a time per worker: no queue here.
  port.on('message', (job: VerifyJob) => {
    void run(job).then((answer) => port.postMessage({ ...answer, heldMb: heldMb() }));
  });
}

function port(): Port {
  if (parentPort) return parentPort;
  const send = process.send?.bind(process);
  if (!send) throw new Error('verify-worker.js runs as a child process or a worker thread of verify-pool.ts');
  // The service gone (even killed), nothing is left to answer: no orphan stays behind.
  process.on('disconnect', () => process.exit(0));
  return { postMessage: (m) => void send(m), on: (_event, f) => void process.on('message', f) };
}

const it = port();
serve(it);
it.postMessage({ ready: true });
