// Every command's options in one table: what node:util parseArgs reads, what `docaxis <command>
// --help` prints (one line per option), and what an unknown option's error points to. Kept free
// of imports beyond the error type so that `verify` loads nothing more for it.
import { parseArgs } from 'node:util';
import { DocaxisError } from '../errors.js';

export interface OptionSpec {
  name: string;
  short?: string;
  type: 'string' | 'boolean';
  multiple?: boolean;
  /** The value's placeholder in the help, e.g. PEM, PAGE:X,Y,W,H. */
  arg?: string;
  /** One line: what it does, its units and its default. */
  help: string;
}

export interface CommandSpec {
  synopsis: string;
  summary: string;
  options: readonly OptionSpec[];
  notes?: readonly string[];
}

export type CommandName = 'verify' | 'sign' | 'sign-draft' | 'extend' | 'inspect' | 'tsa' | 'ocsp' | 'demo' | 'csc-demo';

/** A key on a USB token or an HSM instead of a .p12 file, for `sign` and `sign-draft` (pkcs11-options.ts). */
const PKCS11_OPTIONS: OptionSpec[] = [
  { name: 'pkcs11-module', type: 'string', arg: 'PATH', help: 'sign with a key on a USB token or HSM instead of --p12: its PKCS#11 module (.so)' },
  { name: 'token-label', type: 'string', arg: 'L', help: 'with --pkcs11-module: the label of the token holding the key' },
  { name: 'key-label', type: 'string', arg: 'K', help: 'with --pkcs11-module: the label of the private key (or --key-id)' },
  { name: 'key-id', type: 'string', arg: 'HEX', help: 'with --pkcs11-module: the CKA_ID of the private key, hex (or --key-label)' },
  { name: 'pin-env', type: 'string', arg: 'VAR', help: "with --pkcs11-module: environment variable holding the token's PIN; without it the PIN is asked on the terminal" },
];

/** Where a TEST-ONLY service (tsa, ocsp, csc-demo) listens. */
const LISTEN_OPTIONS: OptionSpec[] = [
  { name: 'port', type: 'string', arg: 'N', help: 'TCP port, 0-65535 (0: any free port) (required)' },
  { name: 'host', type: 'string', arg: 'HOST', help: 'address to listen on; default 127.0.0.1' },
];

/** The validation data B-LT/B-LTA embed, for `sign` and `extend`. */
const LTV_OPTIONS: OptionSpec[] = [
  { name: 'trust', type: 'string', multiple: true, arg: 'PEM', help: 'B-LT/B-LTA: trust anchors where the embedded certificate chains end; repeatable' },
  { name: 'intermediate', type: 'string', multiple: true, arg: 'PEM', help: 'B-LT/B-LTA: intermediate CA certificates to embed when the signature lacks them; repeatable' },
  { name: 'crl', type: 'string', multiple: true, arg: 'FILE', help: 'B-LT/B-LTA: CRLs (PEM or DER) to embed in the /DSS, kept when they cover a certificate; repeatable' },
  { name: 'ocsp', type: 'string', multiple: true, arg: 'FILE', help: 'B-LT/B-LTA: OCSP responses (DER) to embed in the /DSS; repeatable' },
];

export const COMMAND_SPECS: Record<CommandName, CommandSpec> = {
  verify: {
    synopsis: 'docaxis verify FILE [options]',
    summary: 'Check every signature of a PDF: integrity, certificate chain, timestamps, what changed after it.',
    options: [
      { name: 'trust', type: 'string', multiple: true, arg: 'PEM', help: 'trust anchors (root certificates), PEM file; repeatable. Without it no chain is trusted: the verdict is INDETERMINATE at best' },
      { name: 'intermediate', type: 'string', multiple: true, arg: 'PEM', help: 'intermediate CA certificates the PDF may lack, PEM file; repeatable' },
      { name: 'crl', type: 'string', multiple: true, arg: 'FILE', help: 'CRLs (PEM or DER) to check revocation with, besides those the PDF carries; repeatable' },
      { name: 'ocsp', type: 'string', multiple: true, arg: 'FILE', help: 'OCSP responses (DER) to check revocation with, besides those the PDF carries; repeatable' },
      { name: 'fetch-revocation', type: 'boolean', help: "fetch OCSP (the certificates' AIA) and CRLs (their distribution points) before verifying (also REVOCATION_FETCH=on); off by default: verification is offline" },
      { name: 'at', type: 'string', arg: 'ISO-8601', help: 'validate as of this time (e.g. 2025-06-30T09:00:00+07:00); default now' },
      { name: 'require-revocation', type: 'boolean', help: 'every certificate needs a CRL or OCSP response (given or in the PDF) covering the time; else INDETERMINATE/TRY_LATER' },
      { name: 'json', type: 'boolean', help: 'print the full report as JSON instead of text' },
      { name: 'help', short: 'h', type: 'boolean', help: 'print this help' },
    ],
    notes: ['Without --require-revocation the revocation data at hand is still checked, and a revoked certificate always fails.'],
  },
  sign: {
    synopsis: 'docaxis sign IN -o OUT (--p12 FILE --password-env VAR | --pkcs11-module PATH --token-label L --key-label K) [options]',
    summary: 'Sign a PDF (PAdES, incremental update: earlier signatures stay valid).',
    options: [
      { name: 'output', short: 'o', type: 'string', arg: 'OUT', help: 'the signed PDF to write (required); written whole or not at all' },
      { name: 'p12', type: 'string', arg: 'FILE', help: "the signer's PKCS#12 file (.p12/.pfx: private key and certificate) (required unless --pkcs11-module)" },
      { name: 'password-env', type: 'string', arg: 'VAR', help: 'name of the environment variable holding the PKCS#12 password (required with --p12; never on the command line)' },
      { name: 'level', type: 'string', arg: 'B-B|B-T|B-LT|B-LTA', help: 'PAdES level: B-B basic (signing time as the signer claims it); B-T adds a TSA timestamp proving that time (needs --tsa); B-LT also embeds the chains and revocation data (/DSS) so it verifies after the CA stops answering; B-LTA adds a document timestamp over all that, for archiving; default B-B' },
      { name: 'tsa', type: 'string', arg: 'URL', help: 'RFC 3161 timestamp authority URL, for --level B-T and above' },
      ...LTV_OPTIONS,
      { name: 'visible', type: 'string', arg: 'PAGE:X,Y,W,H', help: 'visible signature on PAGE (1 = first), X,Y = lower-left corner from the page\'s lower-left, W,H = size; in points (1/72 inch, about 0.353 mm)' },
      { name: 'over', type: 'string', arg: 'FIELD', help: "agency seal over the left third of the signed field FIELD's image (Decree 30); excludes --visible" },
      { name: 'image', type: 'string', arg: 'PNG', help: 'image in the visible signature (handwritten signature or seal), PNG' },
      { name: 'layout', type: 'string', arg: 'signer|seal|text', help: 'visible layout: signer (title, name, image), seal (signer, agency, time), text; default by placement' },
      { name: 'reason', type: 'string', arg: 'TEXT', help: 'reason for signing, stored in the signature (/Reason)' },
      { name: 'location', type: 'string', arg: 'TEXT', help: 'place of signing, stored in the signature (/Location)' },
      { name: 'field', type: 'string', arg: 'NAME', help: 'signature field name; default Signature<n>' },
      { name: 'digest', type: 'string', arg: 'sha256|sha384|sha512', help: 'digest algorithm; default sha256' },
      { name: 'adbe', type: 'boolean', help: 'SubFilter adbe.pkcs7.detached (older readers) instead of ETSI.CAdES.detached' },
      ...PKCS11_OPTIONS,
      { name: 'help', short: 'h', type: 'boolean', help: 'print this help' },
    ],
  },
  'sign-draft': {
    synopsis: 'docaxis sign-draft --server URL --draft ID (--p12 FILE | --pkcs11-module PATH --token-label L --key-label K) [options]',
    summary: "Sign a draft you were asked to sign, with your own key: the service prepares the signature, your key (a .p12 file or a token) signs it here, the service completes and checks it.",
    options: [
      { name: 'server', type: 'string', arg: 'URL', help: 'the docaxis service, e.g. https://axis.example.gov.vn (required)' },
      { name: 'draft', type: 'string', arg: 'ID', help: "the draft's id, as the web page shows it (required)" },
      { name: 'token-env', type: 'string', arg: 'VAR', help: 'environment variable holding your API token; default DOCAXIS_TOKEN' },
      { name: 'p12', type: 'string', arg: 'FILE', help: 'your PKCS#12 file (.p12/.pfx), or use a token with --pkcs11-module' },
      { name: 'password-env', type: 'string', arg: 'VAR', help: 'environment variable holding the PKCS#12 password; without it the password is asked on the terminal' },
      ...PKCS11_OPTIONS,
      { name: 'page', type: 'string', arg: 'N', help: 'page of the visible signature (1 = first), with --rect; default: the service places it' },
      { name: 'rect', type: 'string', arg: 'X,Y,W,H', help: "the visible signature's rectangle, lower-left corner from the page's lower-left, in points (1/72 inch)" },
      { name: 'timeout', type: 'string', arg: 'SECONDS', help: 'give up on a request to the service after this long; default 30' },
      { name: 'help', short: 'h', type: 'boolean', help: 'print this help' },
    ],
  },
  extend: {
    synopsis: 'docaxis extend IN -o OUT --level B-LT|B-LTA [options]',
    summary: 'Make the signatures of a signed PDF verifiable for decades: embed their chains and revocation data (/DSS, B-LT) and, for B-LTA, a document timestamp, each in a revision of its own (earlier signatures stay valid).',
    options: [
      { name: 'output', short: 'o', type: 'string', arg: 'OUT', help: 'the extended PDF to write (required); written whole or not at all' },
      { name: 'level', type: 'string', arg: 'B-LT|B-LTA', help: 'B-LT: validation data only; B-LTA: plus a document timestamp (needs --tsa) (required)' },
      { name: 'tsa', type: 'string', arg: 'URL', help: 'RFC 3161 timestamp authority URL, for B-LTA' },
      ...LTV_OPTIONS,
      { name: 'help', short: 'h', type: 'boolean', help: 'print this help' },
    ],
  },
  inspect: {
    synopsis: 'docaxis inspect FILE [options]',
    summary: 'Show the structure of a PDF (revisions, form fields, signatures) without validating anything.',
    options: [
      { name: 'json', type: 'boolean', help: 'print as JSON' },
      { name: 'help', short: 'h', type: 'boolean', help: 'print this help' },
    ],
  },
  'csc-demo': {
    synopsis: 'docaxis csc-demo --port N [options]',
    summary: 'Run a TEST-ONLY remote signing service (CSC API v1/v2) holding the fixture signers’ keys, for the demo.',
    options: [
      ...LISTEN_OPTIONS,
      { name: 'secret-env', type: 'string', arg: 'VAR', help: 'name of the environment variable holding the OAuth client secret; default CSC_DEMO_CLIENT_SECRET (made up and printed when unset)' },
      { name: 'confirm-after', type: 'string', arg: 'SECONDS', help: 'the "phone" confirms each <name>-phone request after this long; default 5' },
      { name: 'help', short: 'h', type: 'boolean', help: 'print this help' },
    ],
    notes: ['OTPs of the <name>-otp credentials are printed here, as the SMS a signer would receive.'],
  },
  tsa: {
    synopsis: 'docaxis tsa --port N [options]',
    summary: 'Run an RFC 3161 timestamp authority over HTTP (TEST-ONLY fixture key unless --p12 is given).',
    options: [
      ...LISTEN_OPTIONS,
      { name: 'p12', type: 'string', arg: 'FILE', help: "the TSA's PKCS#12 file; default the TEST-ONLY fixture" },
      { name: 'password-env', type: 'string', arg: 'VAR', help: 'name of the environment variable holding the --p12 password' },
      { name: 'help', short: 'h', type: 'boolean', help: 'print this help' },
    ],
  },
  ocsp: {
    synopsis: 'docaxis ocsp --port N [options]',
    summary: "Run a TEST-ONLY OCSP responder over HTTP (POST or GET …/ocsp): good unless a --crl or --revoked lists the serial, unknown for other issuers. Without --issuer and --p12 it serves the OCSP fixtures (their signers' AIA names port 18961).",
    options: [
      ...LISTEN_OPTIONS,
      { name: 'issuer', type: 'string', multiple: true, arg: 'PEM', help: 'CA certificate(s) whose certificates it answers for; repeatable' },
      { name: 'crl', type: 'string', multiple: true, arg: 'FILE', help: "CRLs of those CAs: a listed serial is answered revoked; repeatable" },
      { name: 'revoked', type: 'string', multiple: true, arg: 'SERIAL[:ISO-TIME[:REASON]]', help: 'a serial (hex) to answer revoked, with time and reason; repeatable' },
      { name: 'p12', type: 'string', arg: 'FILE', help: "the responder's PKCS#12: a delegated responder certificate (id-kp-OCSPSigning) or the CA's own" },
      { name: 'password-env', type: 'string', arg: 'VAR', help: 'name of the environment variable holding the --p12 password' },
      { name: 'help', short: 'h', type: 'boolean', help: 'print this help' },
    ],
  },
  demo: {
    synopsis: 'docaxis demo [options]',
    summary: 'Sign a sample letter as the chairman, seal it as the agency (TEST-ONLY keys), verify it.',
    options: [
      { name: 'out', type: 'string', arg: 'DIR', help: 'folder for the files it writes; default demo-output' },
      { name: 'help', short: 'h', type: 'boolean', help: 'print this help' },
    ],
  },
};

export function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(COMMAND_SPECS, name);
}

export function commandHelp(name: CommandName): string {
  const spec = COMMAND_SPECS[name];
  const flags = spec.options.map((o) => `${o.short ? `-${o.short}, ` : ''}--${o.name}${o.arg ? ` ${o.arg}` : ''}`);
  const width = Math.max(...flags.map((f) => f.length));
  const lines = [`usage: ${spec.synopsis}`, spec.summary, '', 'options:'];
  spec.options.forEach((o, i) => lines.push(`  ${flags[i]!.padEnd(width)}  ${o.help}`));
  if (spec.notes) lines.push('', ...spec.notes);
  return lines.join('\n');
}

type ParsedValues = Record<string, string | boolean | Array<string | boolean> | undefined>;

/** Parsed options and positionals; `help` is true when -h/--help was given (nothing else checked). */
export function parseCommand(name: CommandName, argv: string[]): { values: ParsedValues; positionals: string[]; help: boolean } {
  const spec = COMMAND_SPECS[name];
  if (argv.includes('--help') || argv.includes('-h')) return { values: {}, positionals: [], help: true };
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const o of spec.options) options[o.name] = { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) };
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    return { values: values as ParsedValues, positionals, help: false };
  } catch (e) {
    throw new DocaxisError('USAGE', `${describeParseError(e, name, spec)}; ${helpPointer(name)}`);
  }
}

/** parseArgs's message, reduced to the option at fault (its advice about '--' is not for users). */
function describeParseError(e: unknown, name: CommandName, spec: CommandSpec): string {
  const code = (e as { code?: string }).code;
  const message = e instanceof Error ? e.message.split('\n', 1)[0]! : String(e);
  const option = /'(-{1,2}[^' ]+)/.exec(message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) return `unknown option ${option} for 'docaxis ${name}'`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option) {
    const o = spec.options.find((x) => `--${x.name}` === option || `-${x.short}` === option);
    return o?.type === 'string' ? `option ${option} needs a value (${o.arg ?? 'VALUE'})` : `option ${option} takes no value`;
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return message;
  return message.replace(/\. To specify a positional.*$/, '');
}

/** The pointer every usage error of a command ends with. */
export function helpPointer(name: CommandName): string {
  return `'docaxis ${name} --help' lists its options`;
}

/** A usage error of a command: the problem, then where to look. */
export function usageError(name: CommandName, problem: string): DocaxisError {
  return new DocaxisError('USAGE', `${problem}; ${helpPointer(name)}`);
}

export function stringOption(values: ParsedValues, key: string): string | undefined {
  const v = values[key];
  return typeof v === 'string' ? v : undefined;
}

export function booleanOption(values: ParsedValues, key: string): boolean {
  return values[key] === true;
}

export function listOption(values: ParsedValues, key: string): string[] {
  const v = values[key];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string');
}
