// docaxis tsa --port N [--host H] [--p12 FILE --password-env VAR]
// An RFC 3161 timestamp authority over HTTP. Without --p12 it signs with the TEST-ONLY fixture key.
import { DocaxisError } from '../errors.js';
import { startTsaServer } from '../http/tsa-server.js';
import { loadPkcs12 } from '../pki/pkcs12.js';
import { TimestampAuthority } from '../pki/tsa-responder.js';
import { parseCommandArgs } from './args.js';
import { readInput } from './files.js';
import { FIXTURE_P12_PASSWORD, fixturePath } from './fixtures.js';

export const TSA_USAGE = 'usage: docaxis tsa --port N [--host 127.0.0.1] [--p12 FILE --password-env VAR]';

export async function runTsa(argv: string[], out: NodeJS.WritableStream, env: NodeJS.ProcessEnv): Promise<number> {
  const { values } = parseCommandArgs(
    argv,
    { port: { type: 'string' }, host: { type: 'string' }, p12: { type: 'string' }, 'password-env': { type: 'string' } },
    TSA_USAGE,
  );
  const port = Number(values.port ?? NaN);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new DocaxisError('USAGE', `--port must be 0-65535\n${TSA_USAGE}`);
  let material;
  if (values.p12) {
    const v = values['password-env'];
    const password = v ? env[v] : undefined;
    if (password === undefined) throw new DocaxisError('ENV_VAR_MISSING', `${v ?? '--password-env VAR'} (it holds the PKCS#12 password)`);
    material = loadPkcs12(readInput(values.p12), password);
  } else {
    material = loadPkcs12(readInput(fixturePath('tsa.p12')), FIXTURE_P12_PASSWORD);
    out.write('warning: signing timestamps with the TEST-ONLY fixture TSA key\n');
  }
  const authority = new TimestampAuthority({ certificate: material.certificate, privateKey: material.privateKey, chain: material.chain });
  const server = await startTsaServer(authority, { port, ...(values.host ? { host: values.host } : {}) });
  out.write(`RFC 3161 TSA listening on ${server.url}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  return 0;
}
