// Scenario: in-process signing with the compiled library (dist/). The agency seal
// (seal-ubnd-thai-binh.p12), invisible, PAdES B-B, from reading the input to writing the output;
// the key is loaded once, before the runs, as a server would.
// usage: node --expose-gc dist-bench/bench/sign.js FILE [RUNS] [WARMUP]
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { basename } from 'node:path';
import { loadSigning, now, PASSWORD, runScenario, scenarioArgs, scratch, SEAL_P12 } from './common.js';

const args = scenarioArgs(process.argv.slice(2));
const lib = await loadSigning();
const signer = lib.loadPkcs12Signer(readFileSync(SEAL_P12), PASSWORD);
const out = scratch(`sign-${basename(args.file)}`);

await runScenario('sign', args, async () => {
  const t0 = now();
  const bytes = readFileSync(args.file);
  const t1 = now();
  const signed = await lib.signPdf(bytes, signer, {
    level: 'B-B',
    fieldName: 'VanThu',
    reason: 'Văn thư ký số của cơ quan',
    name: 'Ủy ban nhân dân tỉnh Thái Bình',
  });
  const t2 = now();
  const fd = openSync(out, 'w');
  writeSync(fd, signed.original);
  writeSync(fd, signed.update);
  closeSync(fd);
  const t3 = now();
  return { read: t1 - t0, signPdf: t2 - t1, write: t3 - t2, total: t3 - t0 };
});
