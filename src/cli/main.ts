// The `docaxis` command. Each subcommand's module is imported only when used, so `verify` does
// not load the signing stack or pdf-lib: start-up time is part of what users wait for.
import { DocaxisError, isDocaxisError } from '../errors.js';

const USAGE = `docaxis - sign and verify official PDFs (PAdES)

usage:
  docaxis verify FILE [--trust PEM]... [--intermediate PEM]... [--crl FILE]... [--ocsp FILE]... [--fetch-revocation] [--at ISO] [--require-revocation] [--json]
  docaxis sign IN -o OUT --p12 FILE --password-env VAR [--level B-B|B-T] [--tsa URL]
               (or, a key on a token: --pkcs11-module PATH --token-label L --key-label K [--pin-env VAR])
               [--visible PAGE:X,Y,W,H | --over FIELD] [--image PNG] [--reason TEXT] [--field NAME] [--adbe]
  docaxis sign-draft --server URL --draft ID (--p12 FILE [--password-env VAR] | --pkcs11-module PATH --token-label L --key-label K --pin-env VAR)
               [--token-env VAR (default DOCAXIS_TOKEN)] [--page N --rect X,Y,W,H] [--timeout SECONDS]
  docaxis extend IN -o OUT --level B-LT|B-LTA [--tsa URL] [--trust PEM]... [--crl FILE]... [--ocsp FILE]...
  docaxis inspect FILE [--json]
  docaxis tsa --port N
  docaxis ocsp --port N --issuer PEM --p12 FILE --password-env VAR [--crl FILE]... (TEST-ONLY responder)
  docaxis csc-demo --port N   a TEST-ONLY remote signing (CSC) service for the demo
  docaxis demo [--out DIR]
  docaxis <command> --help   that command's options, one line each

exit codes: 0 valid / done, 1 not valid or no signature, 2 bad input or usage`;

type Command = (argv: string[], out: NodeJS.WritableStream, env: NodeJS.ProcessEnv) => Promise<number>;

const COMMANDS: Record<string, () => Promise<Command>> = {
  verify: async () => (await import('./verify.js')).runVerify,
  sign: async () => (await import('./sign.js')).runSign,
  'sign-draft': async () => (await import('./sign-draft.js')).runSignDraft,
  extend: async () => (await import('./extend.js')).runExtend,
  inspect: async () => (await import('./inspect.js')).runInspect,
  tsa: async () => (await import('./tsa.js')).runTsa,
  ocsp: async () => (await import('./ocsp.js')).runOcsp,
  demo: async () => (await import('./demo.js')).runDemo,
  'csc-demo': async () => (await import('./csc-demo.js')).runCscDemo,
};

export async function main(argv: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream, env: NodeJS.ProcessEnv): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    const topic = rest[0];
    if (name === 'help' && topic !== undefined) {
      const { isCommandName, commandHelp } = await import('./options.js');
      if (isCommandName(topic)) {
        out.write(`${commandHelp(topic)}\n`);
        return 0;
      }
    }
    out.write(`${USAGE}\n`);
    return name ? 0 : 2;
  }
  const load = COMMANDS[name];
  if (!load) {
    err.write(`docaxis: USAGE: unknown command "${name}"; 'docaxis --help' lists the commands\n${USAGE}\n`);
    return 2;
  }
  try {
    return await (await load())(rest, out, env);
  } catch (e) {
    if (isDocaxisError(e)) {
      const [first, ...more] = e.message.split('\n');
      err.write(`docaxis: ${e.code}: ${first}\n${more.length ? `${more.join('\n')}\n` : ''}`);
      return 2;
    }
    const wrapped = new DocaxisError('INTERNAL', e instanceof Error ? e.message.split('\n', 1)[0] : String(e));
    err.write(`docaxis: ${wrapped.code}: ${wrapped.message}\n`);
    if (env.DOCAXIS_DEBUG && e instanceof Error) err.write(`${e.stack ?? ''}\n`);
    return 2;
  }
}
