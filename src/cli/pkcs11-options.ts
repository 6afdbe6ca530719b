// `docaxis sign` with a key on a token or HSM instead of a .p12 file:
//   --pkcs11-module PATH --token-label L (--key-label K | --key-id HEX) [--pin-env VAR]
// The PIN comes from the variable named by --pin-env, or is asked on the terminal (not echoed);
// never from a flag, which would land in the shell history and the process list.
import { DocaxisError } from '../errors.js';
import type { Pkcs11Signer } from '../pki/pkcs11-signer.js';

export const PKCS11_USAGE = '--pkcs11-module PATH --token-label L (--key-label K | --key-id HEX) [--pin-env VAR]';

/** parseArgs definitions, spread into the sign command's. */
export const PKCS11_ARG_OPTIONS = {
  'pkcs11-module': { type: 'string' },
  'token-label': { type: 'string' },
  'key-label': { type: 'string' },
  'key-id': { type: 'string' },
  'pin-env': { type: 'string' },
} as const;

export interface Pkcs11ArgValues {
  'pkcs11-module'?: string | undefined;
  'token-label'?: string | undefined;
  'key-label'?: string | undefined;
  'key-id'?: string | undefined;
  'pin-env'?: string | undefined;
}

export function wantsPkcs11(values: Pkcs11ArgValues): boolean {
  return Object.keys(PKCS11_ARG_OPTIONS).some((k) => values[k as keyof Pkcs11ArgValues] !== undefined);
}

/** Checks the flags before any file is touched (a usage error comes first, as for --p12). */
export function checkPkcs11Args(values: Pkcs11ArgValues, usage: string): void {
  if (!values['pkcs11-module']) throw new DocaxisError('USAGE', `missing --pkcs11-module PATH\n${usage}`);
  if (!values['token-label']) throw new DocaxisError('USAGE', `missing --token-label L\n${usage}`);
  if (!values['key-label'] && !values['key-id']) throw new DocaxisError('USAGE', `missing --key-label K or --key-id HEX\n${usage}`);
}

export interface PinSource {
  env: NodeJS.ProcessEnv;
  /** Asks the PIN on the terminal; undefined when there is none (then --pin-env is required). */
  prompt?: (question: string) => Promise<string>;
}

export async function openPkcs11FromArgs(values: Pkcs11ArgValues, pins: PinSource, usage: string): Promise<Pkcs11Signer> {
  checkPkcs11Args(values, usage);
  const pinVar = values['pin-env'];
  let pin: string | undefined;
  if (pinVar !== undefined) {
    pin = pins.env[pinVar];
    if (pin === undefined) throw new DocaxisError('ENV_VAR_MISSING', `${pinVar} (it holds the token PIN)`);
  } else if (pins.prompt) {
    pin = await pins.prompt(`PIN for token "${values['token-label']}": `);
  } else {
    throw new DocaxisError('USAGE', `no terminal to ask the PIN: give --pin-env VAR\n${usage}`);
  }
  const { openPkcs11Signer } = await import('../pki/pkcs11-signer.js');
  return openPkcs11Signer({
    modulePath: values['pkcs11-module']!,
    tokenLabel: values['token-label']!,
    pin,
    ...(values['key-label'] ? { keyLabel: values['key-label'] } : {}),
    ...(values['key-id'] ? { keyId: values['key-id'] } : {}),
  });
}

/** The terminal prompt, when stdin is a TTY: raw mode, nothing echoed. */
export function terminalPrompt(): PinSource['prompt'] {
  const stdin = process.stdin;
  if (!stdin.isTTY) return undefined;
  return (question) =>
    new Promise((resolve, reject) => {
      process.stderr.write(question);
      let pin = '';
      stdin.setRawMode(true);
      stdin.resume();
      const onData = (chunk: Buffer) => {
        for (const ch of chunk.toString('utf8')) {
          if (ch === '\r' || ch === '\n') return done(null);
          if (ch === '\u0003') return done(new DocaxisError('USAGE', 'PIN entry cancelled'));
          if (ch === '\u007f' || ch === '\b') pin = pin.slice(0, -1);
          else pin += ch;
        }
      };
      const done = (err: DocaxisError | null) => {
        stdin.off('data', onData);
        stdin.setRawMode(false);
        stdin.pause();
        process.stderr.write('\n');
        if (err) reject(err);
        else resolve(pin);
      };
      stdin.on('data', onData);
    });
}

/** Ends the PKCS#11 thread so the command can exit. */
export async function closePkcs11(signer: Pkcs11Signer | undefined): Promise<void> {
  if (!signer) return;
  await signer.close().catch(() => undefined);
  const { sharedPkcs11Host } = await import('../pki/pkcs11-host.js');
  await sharedPkcs11Host().shutdown();
}
