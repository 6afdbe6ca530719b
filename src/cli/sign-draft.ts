// docaxis sign-draft --server URL --draft ID (--p12 FILE [--password-env VAR] | --pkcs11-module PATH
//   --token-label L --key-label K --pin-env VAR) [--token-env VAR] [--page N --rect X,Y,W,H] [--timeout S]
// The signer's own tool for staged signing: asks the service to prepare the signature over the
// draft (sending the certificate and chain first), signs the returned signed attributes with the
// signer's key, here on this computer, and uploads the raw value; the service completes, verifies
// and keeps the signed draft. The key never leaves this process (or the token).
import { DocaxisError, errorFromData } from '../errors.js';
import type { SignerAdapter } from '../pki/signer.js';
import type { DigestAlgorithm } from '../pki/oids.js';
import { commandHelp, helpPointer, parseCommand, stringOption } from './options.js';
import { closePkcs11, openPkcs11FromArgs, terminalPrompt } from './pkcs11-options.js';
import type { Pkcs11Signer } from '../pki/pkcs11-signer.js';
import { readInput } from './files.js';

const DEFAULT_TIMEOUT_SECONDS = 30;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The key options of sign-draft; PKCS#11 ones are parsed here and served by signerFromOptions. */
export interface SignerOptions {
  p12?: string | undefined;
  passwordEnv?: string | undefined;
  pkcs11Module?: string | undefined;
  tokenLabel?: string | undefined;
  keyLabel?: string | undefined;
  keyId?: string | undefined;
  pinEnv?: string | undefined;
}

/**
 * The one place a signer comes from. A .p12 file (password from --password-env, else a prompt on a
 * terminal); PKCS#11 (a USB token, an HSM) plugs in here, behind the same SignerAdapter port.
 */
export async function signerFromOptions(opts: SignerOptions, env: NodeJS.ProcessEnv): Promise<SignerAdapter> {
  if (opts.p12 && opts.pkcs11Module) throw usage('--p12 and --pkcs11-module exclude each other');
  if (opts.pkcs11Module) {
    const values = { 'pkcs11-module': opts.pkcs11Module, 'token-label': opts.tokenLabel, 'key-label': opts.keyLabel, 'key-id': opts.keyId, 'pin-env': opts.pinEnv };
    return openPkcs11FromArgs(values, { env, prompt: terminalPrompt() }, helpPointer('sign-draft'));
  }
  if (!opts.p12) throw usage('a key is required: --p12 FILE (or --pkcs11-module PATH ...)');
  const password = opts.passwordEnv !== undefined ? env[opts.passwordEnv] : await promptHidden('PKCS#12 password: ');
  if (password === undefined) throw new DocaxisError('ENV_VAR_MISSING', `${opts.passwordEnv ?? '--password-env VAR'} (it holds the PKCS#12 password)`);
  const { loadPkcs12Signer } = await import('../pki/key-signer.js');
  return loadPkcs12Signer(readInput(opts.p12), password);
}

export async function runSignDraft(argv: string[], out: NodeJS.WritableStream, env: NodeJS.ProcessEnv): Promise<number> {
  const parsed = parseCommand('sign-draft', argv);
  if (parsed.help) {
    out.write(`${commandHelp('sign-draft')}
`);
    return 0;
  }
  const str = (k: string): string | undefined => stringOption(parsed.values, k);
  const positionals = parsed.positionals;
  const values = {
    server: str('server'), draft: str('draft'), 'token-env': str('token-env'), p12: str('p12'), 'password-env': str('password-env'),
    'pkcs11-module': str('pkcs11-module'), 'token-label': str('token-label'), 'key-label': str('key-label'), 'key-id': str('key-id'), 'pin-env': str('pin-env'),
    page: str('page'), rect: str('rect'), timeout: str('timeout'),
  };
  if (positionals.length > 0) throw usage(`unexpected argument "${positionals[0]}"`);
  const api = apiBase(values.server);
  const draft = values.draft;
  if (!draft || !UUID.test(draft)) throw usage('--draft must be the draft’s id (a UUID)');
  const tokenVar = values['token-env'] ?? 'DOCAXIS_TOKEN';
  const token = env[tokenVar];
  if (!token) throw new DocaxisError('ENV_VAR_MISSING', `${tokenVar} (it holds your API token)`);
  const timeoutMs = timeoutOf(values.timeout);
  const placement = placementOf(values.page, values.rect);

  const signer = await signerFromOptions(
    { p12: values.p12, passwordEnv: values['password-env'], pkcs11Module: values['pkcs11-module'], tokenLabel: values['token-label'], keyLabel: values['key-label'], keyId: values['key-id'], pinEnv: values['pin-env'] },
    env,
  );
  try {
    return await signAndUpload(signer, api, draft, token, timeoutMs, placement, out);
  } finally {
    // A token's session and its PKCS#11 thread end with the command.
    if ('close' in signer) await closePkcs11(signer as Pkcs11Signer);
  }
}

async function signAndUpload(signer: SignerAdapter, api: string, draft: string, token: string, timeoutMs: number, placement: ReturnType<typeof placementOf>, out: NodeJS.WritableStream): Promise<number> {
  const certificates = [signer.certificate, ...signer.chain].map((c) => Buffer.from(c).toString('base64'));
  const call = (path: string, body: unknown) => postJson(`${api}/drafts/${draft}${path}`, token, body, timeoutMs);

  const prepared = (await call('/signatures/prepare', { certificates, ...(placement ? { placement } : {}) })) as { preparedId: string; dataToSign: string; digestAlgorithm: DigestAlgorithm; version: number; expiresAt: string };
  const value = await signer.sign(new Uint8Array(Buffer.from(prepared.dataToSign, 'base64')), prepared.digestAlgorithm);
  const done = (await call(`/signatures/${prepared.preparedId}/complete`, { signatureValue: Buffer.from(value).toString('base64') })) as {
    draft: { id: string; status: string; currentVersion: number };
    signature: { indication: string; level: string; signer: { commonName: string | null; subject: string } | null };
  };
  const who = done.signature.signer?.commonName ?? done.signature.signer?.subject ?? 'unknown signer';
  out.write(`signed draft ${done.draft.id} as ${who}: version ${done.draft.currentVersion} (${done.draft.status}), PAdES ${done.signature.level}, ${done.signature.indication}\n`);
  return 0;
}

function usage(why: string): DocaxisError {
  return new DocaxisError('USAGE', `${why}; ${helpPointer('sign-draft')}`);
}

/** http(s)://host[:port][/prefix] -> .../api/v1 (given or not). */
function apiBase(server: string | undefined): string {
  if (!server) throw usage('missing --server URL');
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw usage(`--server must be an http(s) URL, got "${server}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw usage(`--server must be an http(s) URL, got "${server}"`);
  const base = url.toString().replace(/\/+$/, '');
  return base.endsWith('/api/v1') ? base : `${base}/api/v1`;
}

function timeoutOf(v: string | undefined): number {
  if (v === undefined) return DEFAULT_TIMEOUT_SECONDS * 1000;
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 600) throw usage('--timeout must be 1-600 seconds');
  return Number(v) * 1000;
}

function placementOf(page: string | undefined, rect: string | undefined): { page: number; rect: [number, number, number, number] } | undefined {
  if (page === undefined && rect === undefined) return undefined;
  const m = rect !== undefined ? /^(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?),(\d+(?:\.\d+)?),(\d+(?:\.\d+)?)$/.exec(rect) : null;
  if (page === undefined || !/^\d+$/.test(page) || Number(page) < 1 || !m) throw usage('--page N and --rect X,Y,W,H (points) go together, e.g. --page 1 --rect 330,90,200,80');
  const [x, y, w, h] = m.slice(1).map(Number) as [number, number, number, number];
  return { page: Number(page), rect: [x, y, w, h] };
}

/** One JSON POST with a deadline; the server's refusal comes back as its own catalogue code. */
async function postJson(url: string, token: string, body: unknown, timeoutMs: number): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { authorization: token.startsWith('Bearer ') ? token : `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (e) {
    const why = e instanceof Error && e.name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000} s` : e instanceof Error ? ((e.cause as Error | undefined)?.message ?? e.message) : String(e);
    throw new DocaxisError('SERVER_UNREACHABLE', `${new URL(url).origin}: ${why}`);
  }
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new DocaxisError('SERVER_UNREACHABLE', `${new URL(url).origin} answered ${res.status} with no JSON`);
  }
  if (!res.ok) {
    const error = (parsed as { error?: { code?: string; message?: string } }).error;
    const e = errorFromData({ ...(error?.code ? { code: error.code } : {}), message: `server answered ${res.status}: ${error?.message ?? text.slice(0, 200)}` });
    throw e;
  }
  return parsed;
}

/** A password read from the terminal without echo; undefined when there is no terminal. */
async function promptHidden(question: string): Promise<string | undefined> {
  const stdin = process.stdin;
  if (!stdin.isTTY) return undefined;
  process.stderr.write(question);
  stdin.setRawMode(true);
  stdin.resume();
  return new Promise((resolve) => {
    let typed = '';
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          stdin.setRawMode(false);
          stdin.pause();
          stdin.off('data', onData);
          process.stderr.write('\n');
          resolve(typed);
          return;
        }
        if (ch === '\u0003') {
          stdin.setRawMode(false);
          process.exit(130);
        }
        typed = ch === '\u007f' ? typed.slice(0, -1) : typed + ch;
      }
    };
    stdin.on('data', onData);
  });
}
