// Scenario: the floor. What any signer must do to a file: read it, SHA-256 all of it, one RSA-2048
// signature (node:crypto, the fixture seal key), write it; a verifier reads, hashes and checks one
// signature. floor(sign) = read + hash + sign + write; floor(verify) = read + hash + verify.
// usage: node --expose-gc dist-bench/bench/floor.js FILE [RUNS] [WARMUP]
import { createHash, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { now, runScenario, scenarioArgs, scratch, SEAL_CERT, SEAL_KEY } from './common.js';

const args = scenarioArgs(process.argv.slice(2));
const key = createPrivateKey(readFileSync(SEAL_KEY));
const pub = createPublicKey(readFileSync(SEAL_CERT));
const out = scratch(`floor-${basename(args.file)}`);

await runScenario('floor', args, () => {
  const t0 = now();
  const bytes = readFileSync(args.file);
  const t1 = now();
  const digest = createHash('sha256').update(bytes).digest();
  const t2 = now();
  const signature = sign('sha256', digest, key);
  const t3 = now();
  writeFileSync(out, bytes);
  const t4 = now();
  if (!verify('sha256', digest, pub, signature)) throw new Error('floor: signature does not verify');
  const t5 = now();
  const [read, hash, rsaSign, write, rsaVerify] = [t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4];
  return { read, hash, rsaSign, write, rsaVerify, sign: read + hash + rsaSign + write, verify: read + hash + rsaVerify };
});
