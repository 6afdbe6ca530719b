// `docaxis sign-draft` against a listening test server: the signer's tool fetches what to sign,
// signs it with the .p12 here, uploads the value; the service keeps the signed draft. Then the
// tool's refusals: the server's own code, a server that does not answer, missing settings.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { verifyPdf } from '../../src/pades/verify.js';
import { forEachDatabase } from '../support/databases.js';
import { FIXTURES_DIR, P12_PASSWORD, sampleLetter, trustedOptions } from '../support/fixtures.js';
import { PROVINCE, type Harness, startHarness } from '../http/harness.js';
import { type Person, person, submit, uploadDraft } from '../http/drafts-helpers.js';

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString('utf8');
    cb();
  }
}

async function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string; err: string }> {
  const out = new Capture();
  const err = new Capture();
  const code = await main(args, out, err, env);
  return { code, out: out.text, err: err.text };
}

const P12 = `${FIXTURES_DIR}signer-nguyen-van-an.p12`;

forEachDatabase('cli sign-draft against a listening server', (t) => {
  let h: Harness;
  let server: string;
  let drafter: Person;
  let signer: Person;
  let letter: Uint8Array;

  beforeAll(async () => {
    h = await startHarness(t.stores);
    server = await h.app.listen({ port: 0, host: '127.0.0.1' });
    drafter = await person(h, PROVINCE, 'Chuyên viên', ['drafter']);
    signer = await person(h, PROVINCE, 'Nguyễn Văn An', ['signer']);
    letter = (await sampleLetter()).pdf;
  });
  afterAll(async () => {
    await h.app.close();
  });

  const env = () => ({ DOCAXIS_TOKEN: signer.auth.replace(/^Bearer /, ''), PW: P12_PASSWORD });

  it('signs a submitted draft: prepare, sign here, complete; the stored version verifies', async () => {
    const id = await uploadDraft(h, drafter, letter);
    await submit(h, drafter, id, signer.id);
    const r = await run(['sign-draft', '--server', server, '--draft', id, '--p12', P12, '--password-env', 'PW', '--page', '1', '--rect', '330,90,200,80'], env());
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(new RegExp(`^signed draft ${id} as .*Nguyễn Văn An.*: version 2 \\(signed\\), PAdES B-T, TOTAL_PASSED\\n$`));

    const file = await h.app.inject({ method: 'GET', url: `/api/v1/drafts/${id}/file`, headers: { authorization: drafter.auth } });
    const report = verifyPdf(new Uint8Array(file.rawPayload), trustedOptions());
    expect(report.document.verdict).toBe('valid');

    // Again on the signed draft: the server's refusal, with its code, exit 2, nothing printed on stdout.
    const again = await run(['sign-draft', '--server', `${server}/api/v1/`, '--draft', id, '--p12', P12, '--password-env', 'PW'], env());
    expect(again.code).toBe(2);
    expect(again.out).toBe('');
    expect(again.err).toMatch(/^docaxis: DRAFT_STATE_INVALID: server answered 409/);
  });

  it('a token from another variable (--token-env); a wrong token is the server’s UNAUTHENTICATED', async () => {
    const id = await uploadDraft(h, drafter, letter);
    await submit(h, drafter, id, signer.id);
    const wrong = await run(['sign-draft', '--server', server, '--draft', id, '--p12', P12, '--password-env', 'PW', '--token-env', 'MY_TOKEN'], { MY_TOKEN: `dax_${'A'.repeat(43)}`, PW: P12_PASSWORD });
    expect(wrong.code).toBe(2);
    expect(wrong.err).toMatch(/^docaxis: UNAUTHENTICATED: server answered 401/);
    const ok = await run(['sign-draft', '--server', server, '--draft', id, '--p12', P12, '--password-env', 'PW', '--token-env', 'MY_TOKEN'], { MY_TOKEN: env().DOCAXIS_TOKEN, PW: P12_PASSWORD });
    expect(ok.code, ok.err).toBe(0);
  });

  it('clear errors: no server answering, no token, a wrong password, no PIN, no such token, bad flags', async () => {
    const closed = await freePort();
    const id = '00000000-0000-4000-8000-000000000000';
    const down = await run(['sign-draft', '--server', `http://127.0.0.1:${closed}`, '--draft', id, '--p12', P12, '--password-env', 'PW', '--timeout', '5'], env());
    expect(down.code).toBe(2);
    expect(down.err).toMatch(/^docaxis: SERVER_UNREACHABLE: .*127\.0\.0\.1/);

    // A server that takes the connection and never answers: cut at --timeout.
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const started = process.hrtime.bigint();
    const hung = await run(['sign-draft', '--server', `http://127.0.0.1:${(silent.address() as { port: number }).port}`, '--draft', id, '--p12', P12, '--password-env', 'PW', '--timeout', '1'], env());
    const waitedMs = Number(process.hrtime.bigint() - started) / 1e6;
    silent.close();
    expect(hung.err).toMatch(/^docaxis: SERVER_UNREACHABLE: .*no answer within 1 s/);
    expect(waitedMs).toBeLessThan(10_000);

    const noToken = await run(['sign-draft', '--server', server, '--draft', id, '--p12', P12, '--password-env', 'PW'], { PW: P12_PASSWORD });
    expect(noToken.err).toMatch(/^docaxis: ENV_VAR_MISSING: .*DOCAXIS_TOKEN/);

    const badPassword = await run(['sign-draft', '--server', server, '--draft', id, '--p12', P12, '--password-env', 'PW'], { ...env(), PW: 'wrong' });
    expect(badPassword.err).toMatch(/^docaxis: PKCS12_BAD_PASSWORD/);

    // A token key: an empty SoftHSM2 token directory has no token of that label (nothing is sent).
    const tokens = mkdtempSync(join(tmpdir(), 'docaxis-softhsm-'));
    writeFileSync(join(tokens, 'softhsm2.conf'), `directories.tokendir = ${tokens}\nobjectstore.backend = file\n`);
    const noPin = await run(['sign-draft', '--server', server, '--draft', id, '--pkcs11-module', '/usr/lib/softhsm/libsofthsm2.so', '--token-label', 't', '--key-label', 'k', '--pin-env', 'PIN'], env());
    expect(noPin.err).toMatch(/^docaxis: ENV_VAR_MISSING: .*PIN \(it holds the token PIN\)/);
    const pkcs11 = await run(['sign-draft', '--server', server, '--draft', id, '--pkcs11-module', '/usr/lib/softhsm/libsofthsm2.so', '--token-label', 't', '--key-label', 'k', '--pin-env', 'PIN'], { ...env(), PIN: '1234', SOFTHSM2_CONF: join(tokens, 'softhsm2.conf') });
    expect(pkcs11.err).toMatch(/^docaxis: HSM_TOKEN_NOT_FOUND/);

    for (const args of [['--draft', id], ['--server', 'ftp://x', '--draft', id], ['--server', server, '--draft', 'nope'], ['--server', server, '--draft', id, '--page', '1']]) {
      const bad = await run(['sign-draft', ...args, '--p12', P12, '--password-env', 'PW'], env());
      expect(bad.code).toBe(2);
      expect(bad.err).toMatch(/^docaxis: USAGE: /);
    }
  });
});

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
