// docaxis tsa --port N [--host H] [--p12 FILE --password-env VAR]
// An RFC 3161 timestamp authority over HTTP. Without --p12 it signs with the TEST-ONLY fixture key.
import { DocaxisError } from '../errors.js';
import { startTsaServer } from '../http/tsa-server.js';
import { loadPkcs12 } from '../pki/pkcs12.js';
import { TimestampAuthority } from '../pki/tsa-responder.js';
import { commandHelp, parseCommand, stringOption, usageError } from './options.js';
import { readInput } from './files.js';
import { FIXTURE_P12_PASSWORD, fixturePath } from './fixtures.js';

export async function runTsa(argv: string[], out: NodeJS.WritableStream, env: NodeJS.ProcessEnv): Promise<number> {
  const parsed = parseCommand('tsa', argv);
  if (parsed.help) {
    out.write(`${commandHelp('tsa')}\n`);
    return 0;
  }
  const values = { port: stringOption(parsed.values, 'port'), host: stringOption(parsed.values, 'host'), p12: stringOption(parsed.values, 'p12'), 'password-env': stringOption(parsed.values, 'password-env') };
  const port = Number(values.port ?? NaN);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw usageError('tsa', `--port must be 0-65535${values.port === undefined ? ' (it is required)' : `, got ${values.port}`}`);
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
