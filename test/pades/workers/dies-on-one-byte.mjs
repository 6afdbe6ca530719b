// A stand-in verification worker for verify-pool.test.ts: it exits when given a one-byte file
// (a worker lost mid-job) and otherwise answers with a fixed, recognisable report.
import process from 'node:process';
import { parentPort } from 'node:worker_threads';

parentPort.postMessage({ ready: true });
parentPort.on('message', (job) => {
  if (job.pdf.length === 1) process.exit(3);
  parentPort.postMessage({ id: job.id, report: { stand: 'in', bytes: job.pdf.length, key: job.key, hadMaterial: job.material !== undefined } });
});
