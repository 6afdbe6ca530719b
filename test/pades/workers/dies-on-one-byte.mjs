// A stand-in verification worker for verify-pool.test.ts: it exits when given a one-byte file
// (a worker lost mid-job), answers PDF_NOT_PDF for a two-byte file, never answers a three-byte
// one (a verification that does not end), and otherwise answers with a
// recognisable report saying whether the job carried the trust material.
import process from 'node:process';
import { parentPort } from 'node:worker_threads';

parentPort.postMessage({ ready: true });
parentPort.on('message', (job) => {
  if (job.pdf.length === 1) process.exit(3);
  if (job.pdf.length === 3) return; // never answers: a verification that does not end
  if (job.pdf.length === 2) {
    parentPort.postMessage({ id: job.id, error: { code: 'PDF_NOT_PDF', message: 'stand-in refusal' } });
    return;
  }
  parentPort.postMessage({ id: job.id, report: { stand: 'in', bytes: job.pdf.length, key: job.key, hadMaterial: job.material !== undefined } });
});
