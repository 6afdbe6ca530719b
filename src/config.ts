// The service's configuration, parsed from the environment once at start (src/main.ts) and handed
// down as a frozen value: nothing below reads process.env, so tests build any Config they need.
import { availableParallelism } from 'node:os';
import { DocaxisError } from './errors.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Fastify's trustProxy: off, on (trust every hop), a hop count, or a list of addresses/CIDRs. */
export type TrustProxy = boolean | number | string[];

export interface Config {
  readonly port: number;
  readonly host: string;
  /** A PostgreSQL URL, or undefined for embedded PGlite under `dataDir`. */
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly uploadLimitBytes: number;
  readonly logLevel: LogLevel;
  /** Seed the demo province, but only into an empty database. */
  readonly seedDemo: boolean;
  readonly trustProxy: TrustProxy;
  /**
   * The axis's receipt-signing key: a PKCS#12 file and the NAME of the variable holding its
   * password (the password itself never enters the Config, which may be printed or logged).
   * Unset: the TEST-ONLY fixture in demo mode, no receipts otherwise.
   */
  readonly axisP12: { readonly path: string; readonly passwordEnv: string } | undefined;
  /** An RFC 3161 TSA for sealing the log; unset: the built-in TEST-ONLY TSA. */
  readonly tsaUrl: string | undefined;
  /** Seconds between log seals; 0 turns the timer off (POST /log/seal still works). */
  readonly logSealIntervalSeconds: number;
  /** Worker threads that verify PDFs off the event loop; 0: verify on the main thread. */
  readonly verifyWorkers: number;
  /** With workers: a verification running longer fails with VERIFY_TIMEOUT and its worker is replaced. */
  readonly verifyTimeoutSeconds: number;
}

export const DEFAULT_UPLOAD_LIMIT_BYTES = 64 * 1024 * 1024;
export const DEFAULT_LOG_SEAL_INTERVAL_SECONDS = 300;

/**
 * One core is left to the event loop; more than 4 rarely pays. On 2 cores or fewer it depends on
 * where the database runs (npm run bench:exchange, docs/benchmarks-exchange.md): a PostgreSQL
 * server already uses the second core, and a worker there only adds a copy of each file and a
 * second heap (~2 ms more CPU per send, no gain); the embedded PGlite runs on the event loop, so
 * one worker puts verification on the otherwise idle core (more sends/s at 20 senders).
 */
export function defaultVerifyWorkers(cores: number, embeddedDatabase: boolean): number {
  if (cores <= 2) return embeddedDatabase ? 1 : 0;
  return Math.min(4, cores - 1);
}

type Env = Readonly<Record<string, string | undefined>>;

export function loadConfig(env: Env): Config {
  return Object.freeze({
    port: integer(env, 'PORT', 3000, 0, 65535),
    host: text(env, 'HOST') ?? '127.0.0.1',
    databaseUrl: databaseUrl(env),
    dataDir: text(env, 'DOCAXIS_DATA_DIR') ?? '.data/pglite',
    uploadLimitBytes: integer(env, 'UPLOAD_LIMIT_BYTES', DEFAULT_UPLOAD_LIMIT_BYTES, 1, Number.MAX_SAFE_INTEGER),
    logLevel: logLevel(env),
    seedDemo: boolean(env, 'DOCAXIS_SEED_DEMO', true),
    trustProxy: trustProxy(env),
    axisP12: axisP12(env),
    tsaUrl: tsaUrl(env),
    logSealIntervalSeconds: integer(env, 'LOG_SEAL_INTERVAL_SECONDS', DEFAULT_LOG_SEAL_INTERVAL_SECONDS, 0, 7 * 24 * 3600),
    verifyWorkers: integer(env, 'VERIFY_WORKERS', defaultVerifyWorkers(availableParallelism(), databaseUrl(env) === undefined), 0, 64),
    verifyTimeoutSeconds: integer(env, 'VERIFY_TIMEOUT_SECONDS', 60, 1, 3600),
  });
}

function axisP12(env: Env): Config['axisP12'] {
  const path = text(env, 'AXIS_P12');
  const passwordEnv = text(env, 'AXIS_P12_PASSWORD_ENV');
  if (path === undefined) {
    if (passwordEnv !== undefined) throw invalid('AXIS_P12_PASSWORD_ENV', 'is set but AXIS_P12 (the key file) is not');
    return undefined;
  }
  if (passwordEnv === undefined) throw invalid('AXIS_P12_PASSWORD_ENV', 'must name the variable holding the AXIS_P12 password');
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(passwordEnv)) throw invalid('AXIS_P12_PASSWORD_ENV', `must be a variable name, got "${passwordEnv}"`);
  return Object.freeze({ path, passwordEnv });
}

function tsaUrl(env: Env): string | undefined {
  const v = text(env, 'TSA_URL');
  if (v !== undefined && !/^https?:\/\/[^\s]+$/i.test(v)) throw invalid('TSA_URL', 'must be an http(s) URL');
  return v;
}

/** Empty strings count as unset: `FOO= npm start` should mean "default", not "invalid". */
function text(env: Env, name: string): string | undefined {
  const v = env[name]?.trim();
  return v ? v : undefined;
}

function invalid(name: string, why: string): DocaxisError {
  return new DocaxisError('CONFIG_INVALID', `${name} ${why}`, { details: { variable: name } });
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const v = text(env, name);
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v)) throw invalid(name, `must be a whole number, got "${v}"`);
  const n = Number(v);
  if (n < min || n > max) throw invalid(name, `must be between ${min} and ${max}, got ${v}`);
  return n;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const v = text(env, name)?.toLowerCase();
  if (v === undefined) return fallback;
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  throw invalid(name, `must be true or false, got "${v}"`);
}

function logLevel(env: Env): LogLevel {
  const v = text(env, 'LOG_LEVEL')?.toLowerCase() ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(v)) throw invalid('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}, got "${v}"`);
  return v as LogLevel;
}

function databaseUrl(env: Env): string | undefined {
  const v = text(env, 'DATABASE_URL');
  if (v === undefined) return undefined;
  // Never echo the URL: it usually carries a password.
  if (!/^postgres(ql)?:\/\//.test(v)) throw invalid('DATABASE_URL', 'must start with postgres:// or postgresql://');
  return v;
}

function trustProxy(env: Env): TrustProxy {
  const v = text(env, 'TRUST_PROXY');
  if (v === undefined) return false;
  const lower = v.toLowerCase();
  // Digits are a hop count ("1" = trust the one proxy in front), not a boolean: trusting every
  // hop lets any client forge X-Forwarded-For, so that takes an explicit "true".
  if (/^\d+$/.test(v)) return Number(v);
  if (['true', 'yes', 'on'].includes(lower)) return true;
  if (['false', 'no', 'off'].includes(lower)) return false;
  const list = v.split(',').map((s) => s.trim()).filter(Boolean);
  if (!list.every((s) => /^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(s))) throw invalid('TRUST_PROXY', 'must be true, false, a hop count or a comma-separated list of addresses');
  return list;
}
