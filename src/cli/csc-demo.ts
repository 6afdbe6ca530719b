// docaxis csc-demo --port N [--host H] [--secret-env VAR] [--confirm-after SECONDS]
// TEST-ONLY: runs the CSC test server (src/csc/test-server.ts) with the fixture signers' keys, so a
// newcomer can sign a draft remotely on `npm start`'s demo: each signer has an OTP credential
// (<name>-otp: the "SMS" is printed here) and a phone credential (<name>-phone: "confirmed on the
// phone" after --confirm-after seconds). The OAuth client secret comes from the variable --secret-env
// names (default CSC_DEMO_CLIENT_SECRET), or is made up and printed for the demo only.
import { randomBytes } from 'node:crypto';
import { startCscTestServer, type TestCredential } from '../csc/test-server.js';
import { loadPkcs12 } from '../pki/pkcs12.js';
import { commandHelp, parseCommand, stringOption, usageError } from './options.js';
import { readInput } from './files.js';
import { FIXTURE_P12_PASSWORD, fixturePath } from './fixtures.js';

const DEMO_SIGNERS = ['signer-nguyen-van-an', 'signer-tran-thi-binh', 'signer-le-van-cuong', 'signer-pham-thi-dung'];

export async function runCscDemo(argv: string[], out: NodeJS.WritableStream, env: NodeJS.ProcessEnv): Promise<number> {
  const parsed = parseCommand('csc-demo', argv);
  if (parsed.help) {
    out.write(`${commandHelp('csc-demo')}\n`);
    return 0;
  }
  const portText = stringOption(parsed.values, 'port');
  const port = Number(portText ?? NaN);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw usageError('csc-demo', `--port must be 0-65535${portText === undefined ? ' (it is required)' : `, got ${portText}`}`);
  const confirmText = stringOption(parsed.values, 'confirm-after') ?? '5';
  const confirmAfter = Number(confirmText);
  if (!Number.isFinite(confirmAfter) || confirmAfter < 0 || confirmAfter > 600) throw usageError('csc-demo', `--confirm-after must be 0-600 seconds, got ${confirmText}`);
  const secretEnv = stringOption(parsed.values, 'secret-env') ?? 'CSC_DEMO_CLIENT_SECRET';
  const given = env[secretEnv];
  const clientSecret = given ?? randomBytes(16).toString('hex');

  const credentials: TestCredential[] = DEMO_SIGNERS.flatMap((name) => {
    const key = loadPkcs12(readInput(fixturePath(`${name}.p12`)), FIXTURE_P12_PASSWORD);
    const user = name.replace(/^signer-/, '');
    return [
      { userId: user, credentialId: `${user}-otp`, key, authMode: 'explicit' as const },
      { userId: user, credentialId: `${user}-phone`, key, authMode: 'implicit' as const },
    ];
  });
  const server = await startCscTestServer({
    credentials,
    port,
    ...(stringOption(parsed.values, 'host') ? { host: stringOption(parsed.values, 'host')! } : {}),
    clientId: 'docaxis-demo',
    clientSecret,
    onOtp: (id, otp) => out.write(`[SMS] OTP for ${id}: ${otp}\n`),
    autoConfirmMs: confirmAfter * 1000,
  });
  out.write('warning: TEST-ONLY remote signing service with the fixture signers’ keys\n');
  out.write(`CSC API v2 at ${server.baseUrl('v2')} (v1 at ${server.baseUrl('v1')}), OAuth token endpoint ${server.tokenUrl}, client id docaxis-demo\n`);
  if (!given) out.write(`the client secret was made up for this run: start docaxis with ${secretEnv}=${clientSecret}\n`);
  out.write(`provider user ids: ${DEMO_SIGNERS.map((n) => n.replace(/^signer-/, '')).join(', ')} (credentials <id>-otp and <id>-phone)\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  return 0;
}
