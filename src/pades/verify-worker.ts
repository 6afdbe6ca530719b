// The body of one verification worker thread (verify-pool.ts starts them). It says it is ready once
// its modules have loaded, then answers each job. It keeps the parsed trust store of the last key
// it was sent, so the pool sends the material only when the key changes.
import { parentPort } from 'node:worker_threads';
import { errorToData } from '../errors.js';
import { TrustStoreParsed } from './verifier.js';
import type { VerifyAnswer, VerifyJob } from './verify-pool.js';

function serve(port: NonNullable<typeof parentPort>): void {
  const parsed = new TrustStoreParsed();
  port.on('message', (job: VerifyJob) => {
    let answer: VerifyAnswer;
    try {
      if (job.material) parsed.set(job.key, job.material);
      else if (!parsed.has(job.key)) throw new Error(`no trust material for key ${job.key}`);
      answer = { id: job.id, report: parsed.verify(job.pdf, new Date(job.at)) };
    } catch (e) {
      answer = { id: job.id, error: errorToData(e) };
    }
    port.postMessage(answer);
  });
}

if (!parentPort) throw new Error('verify-worker.js runs as a worker thread (verify-pool.ts)');
serve(parentPort);
parentPort.postMessage({ ready: true } satisfies VerifyAnswer);
