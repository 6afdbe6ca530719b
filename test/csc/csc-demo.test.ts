// `docaxis csc-demo`: the TEST-ONLY CSC service of the demo starts, speaks the CSC API with the
// printed client secret, prints the OTP a signer would get by SMS, and stops on SIGINT.
import { Writable } from 'node:stream';
import { expect, it } from 'vitest';
import { runCscDemo } from '../../src/cli/csc-demo.js';
import { CscClient } from '../../src/csc/client.js';

it('csc-demo serves the fixture signers and prints their OTPs', async () => {
  let text = '';
  const out = new Writable({
    write(chunk: Buffer, _e, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  const running = runCscDemo(['--port', '0', '--secret-env', 'CSC_DEMO_TEST_SECRET'], out, { CSC_DEMO_TEST_SECRET: 's3cret-for-the-test' });
  await expect.poll(() => text, { timeout: 10_000 }).toMatch(/CSC API v2 at (http:\/\/\S+)/);
  const base = /CSC API v2 at (http:\/\/\S+)/.exec(text)![1]!;
  const token = /OAuth token endpoint (http:\/\/\S+)/.exec(text)![1]!.replace(/,$/, '');
  expect(text).not.toContain('s3cret-for-the-test');
  const client = new CscClient({ baseUrl: base, apiVersion: 'v2', tokenUrl: token, clientId: 'docaxis-demo', clientSecret: 's3cret-for-the-test' });
  expect(await client.listCredentials('nguyen-van-an')).toEqual(['nguyen-van-an-otp', 'nguyen-van-an-phone']);
  await client.sendOtp('nguyen-van-an-otp');
  expect(text).toMatch(/\[SMS\] OTP for nguyen-van-an-otp: \d{6}/);
  process.emit('SIGINT');
  expect(await running).toBe(0);
});
