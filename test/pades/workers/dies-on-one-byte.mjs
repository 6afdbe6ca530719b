// A stand-in verification worker for verify-pool.test.ts: it exits when given a one-byte file
// (a worker lost mid-job), answers PDF_NOT_PDF for a two-byte file, never answers a three-byte
// one (a verification that does not end), grows its heap without bound on a four-byte one (a
// file that needs more memory than allowed), holds 64 MB of buffers outside the heap per MB
// asked on a seven-byte one and then never answers (a decompression bomb), says it holds 1 GB
// after a six-byte one (a worker left swollen), and otherwise answers with a recognisable report
// saying whether the job carried the trust material, or, for a scan, one recognisable mark (for
// a verification asked to scan too: both, and how many verification jobs this worker has answered).
import { Buffer } from 'node:buffer';
import process from 'node:process';
import { parentPort as threadPort } from 'node:worker_threads';

// A child process (the pool's default) or a worker thread: the same messages.
const parentPort = threadPort ?? { postMessage: (m) => process.send(m), on: (event, f) => process.on(event, f) };
process.on('disconnect', () => process.exit(0));
parentPort.postMessage({ ready: true });
const kept = [];
let jobs = 0; // verification jobs answered, reported to a verify-and-scan job
parentPort.on('message', (job) => {
  const n = job.pdf.length;
  if (n === 1) process.exit(3);
  if (n === 3) return; // never answers: a verification that does not end
  if (n === 4) {
    for (;;) kept.push(Array.from({ length: 1e5 }, (_, i) => ({ i })));
  }
  if (n === 7) {
    for (let i = 0; i < 16; i++) kept.push(Buffer.alloc(64 * 1024 * 1024, 1)); // filled: the pages are really taken
    return;
  }
  if (n === 2) {
    parentPort.postMessage({ id: job.id, error: { code: 'PDF_NOT_PDF', message: 'stand-in refusal' } });
    return;
  }
  const heldMb = n === 6 ? 1024 : 1;
  if (job.kind === 'scan') {
    parentPort.postMessage({ id: job.id, marks: [{ page: 1, level: 'MAT', text: 'stand-in' }], heldMb });
    return;
  }
  jobs++;
  const marks = job.scan ? { marks: [{ page: 1, level: 'MAT', text: 'stand-in' }] } : {};
  parentPort.postMessage({ id: job.id, report: { stand: 'in', bytes: n, key: job.key, hadMaterial: job.material !== undefined, ...(job.scan ? { jobs } : {}) }, ...marks, heldMb });
});
