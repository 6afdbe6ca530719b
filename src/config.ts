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
  /** The largest edXML package accepted (EDXML_MAX_BYTES): base64 makes it ~4/3 of the PDF. */
  readonly edxmlMaxBytes: number;
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
  /** Worker processes that verify PDFs off the event loop: at least one, the main thread never parses an uploaded PDF. */
  readonly verifyWorkers: number;
  /** A verification (or mark scan) running longer fails with VERIFY_TIMEOUT and its worker is replaced. */
  readonly verifyTimeoutSeconds: number;
  /**
   * A job's memory: the worker's V8 heap limit, and the growth of the worker's RSS while it runs
   * (decoded streams are buffers outside the heap). Past either, the job fails with
   * VERIFY_MEMORY_LIMIT and its worker (a child process) is replaced, giving all of it back.
   */
  readonly verifyWorkerMemoryMb: number;
  /** A worker holding more than this (above its start) after a job is replaced, so the memory goes back to the system. */
  readonly verifyWorkerRecycleMb: number;
  /** A PDF with more signatures than this is refused before deep verification (PDF_TOO_MANY_SIGNATURES). */
  readonly verifyMaxSignatures: number;
  /** Slow clients: the budgets of the HTTP server and of the routes that take a PDF. */
  readonly http: HttpLimits;
  /** The live event streams (GET /api/v1/events). */
  readonly live: LiveLimits;
  /**
   * PKCS11_MODULES: the PKCS#11 modules (absolute paths of .so files) an admin may bind an agency
   * seal key from; nothing else is ever loaded. Empty: no HSM, and in the demo the seeded agencies
   * seal with the TEST-ONLY fixture keys.
   */
  readonly pkcs11Modules: readonly string[];
  /** Browser sessions (SESSION_IDLE_MINUTES 30, SESSION_MAX_HOURS 12, SESSION_COOKIE_SECURE auto). */
  readonly sessions: SessionConfig;
  /** How long a prepared signature (POST /drafts/:id/signatures/prepare) waits for its value. */
  readonly preparedSignatureTtlMinutes: number;
  /**
   * Remote signing (CSC): CSC_CALLBACK_BASE_URL is this service's public URL, for providers to post
   * asynchronous results to (unset: polling only); CSC_TIMEOUT_MS the deadline of one provider call.
   */
  readonly csc: { readonly callbackBaseUrl: string | undefined; readonly timeoutMs: number };
  /**
   * The archive (exchange/archive.ts): whether accepted documents get an archival copy (B-LTA),
   * how many days before the last document timestamp's TSA certificate expires it is renewed, the
   * digests that make a timestamp due at once, and the minutes between sweeps for due documents.
   */
  readonly archive: {
    readonly enabled: boolean;
    readonly renewalMarginDays: number;
    readonly weakDigests: readonly string[];
    readonly sweepMinutes: number;
  };
  /** Fetching CRLs and OCSP responses named by certificates (off by default: see revocationFetch()). */
  readonly revocationFetch: RevocationFetchConfig;
}

/** The shape of src/pki/revocation-fetcher.ts's RevocationFetchSettings (config.ts imports nothing from pki/). */
export interface RevocationFetchConfig {
  readonly enabled: boolean;
  readonly allowPrivateAddresses: boolean;
  readonly ocsp: { readonly timeoutMs: number; readonly maxAgeHours: number; readonly nonce: boolean; readonly skewSeconds: number; readonly maxResponseBytes: number };
  readonly crlTimeoutMs: number;
  readonly crlMaxBytes: number;
}

export interface SessionConfig {
  readonly idleMinutes: number;
  readonly maxHours: number;
  /** 'auto': Secure when the request came over TLS (request.protocol, behind TRUST_PROXY too). */
  readonly cookieSecure: 'auto' | 'always';
}

export interface LiveLimits {
  /** Streams one user may hold open in this process (tabs); more: 429 LIVE_CONNECTIONS_PER_USER_LIMIT. */
  readonly connectionsPerUser: number;
  /** Streams this process holds for everyone; more: 429 LIVE_CONNECTIONS_FULL. */
  readonly connectionsTotal: number;
  /** A comment line this often keeps proxies and the idle-connection timeout from cutting a quiet stream. */
  readonly heartbeatSeconds: number;
  /**
   * A stream is ended after this long and the browser reconnects through the auth hook again: a
   * revoked credential or a deactivated user stops hearing events within this time.
   */
  readonly maxConnectionSeconds: number;
  /** A client that lets this much of its stream pile up unread (a stalled or very slow reader) is dropped. */
  readonly maxBufferBytes: number;
}

export const DEFAULT_LIVE_LIMITS: LiveLimits = Object.freeze({
  connectionsPerUser: 5,
  connectionsTotal: 1000,
  heartbeatSeconds: 25,
  maxConnectionSeconds: 600,
  maxBufferBytes: 64 * 1024,
});

export interface HttpLimits {
  /** The request line and headers must arrive within this (Node's server.headersTimeout). */
  readonly headersTimeoutSeconds: number;
  /** The whole request, body included, must arrive within this (server.requestTimeout). */
  readonly requestTimeoutSeconds: number;
  /** A connection with no traffic at all for this long is closed (Fastify's connectionTimeout). */
  readonly connectionTimeoutSeconds: number;
  /** An upload slower than this, measured over the grace period, is cut with UPLOAD_TOO_SLOW (408). */
  readonly uploadMinBytesPerSecond: number;
  /** The window of that measure: no upload is cut before it has run this long. */
  readonly uploadGraceSeconds: number;
  /** PDF uploads one user may have in progress (upload to answer); more: 429 UPLOADS_PER_USER_LIMIT. */
  readonly uploadsPerUser: number;
  /** PDF uploads in progress for everyone; more: 503 UPLOAD_SLOTS_FULL. */
  readonly uploadsTotal: number;
}

export const DEFAULT_UPLOAD_LIMIT_BYTES = 64 * 1024 * 1024;
/** A 64 MiB PDF in base64 plus the header: one package holds one upload's worth of PDF. */
export const DEFAULT_EDXML_MAX_BYTES = 90 * 1024 * 1024;
export const DEFAULT_LOG_SEAL_INTERVAL_SECONDS = 300;

export const DEFAULT_HTTP_LIMITS: HttpLimits = Object.freeze({
  headersTimeoutSeconds: 20,
  // 64 MiB at ~1 Mbit/s takes ~9 min: a slower whole request is cut even above the floor rate.
  requestTimeoutSeconds: 600,
  // Longer than a verification may take (VERIFY_TIMEOUT_SECONDS), during which the socket is quiet.
  connectionTimeoutSeconds: 120,
  // 8 KiB/s (64 kbit/s) over 10 s: a poor mobile link passes, a trickle holding a slot does not.
  uploadMinBytesPerSecond: 8192,
  uploadGraceSeconds: 10,
  // A clerk's office shares one account; the benchmark's 20 concurrent senders raise it.
  uploadsPerUser: 8,
  // Each upload may hold up to UPLOAD_LIMIT_BYTES until its answer: this bounds that memory.
  uploadsTotal: 32,
});

/**
 * One core is left to the event loop, more than 4 rarely pays, and there is always one: an
 * untrusted PDF is never parsed on the event loop, whatever the database (a hostile file there
 * stalls every request and escapes the deadline and the memory limit).
 */
export function defaultVerifyWorkers(cores: number): number {
  return Math.max(1, Math.min(4, cores - 1));
}

type Env = Readonly<Record<string, string | undefined>>;

export function loadConfig(env: Env): Config {
  const http = httpLimits(env);
  return Object.freeze({
    port: integer(env, 'PORT', 3000, 0, 65535),
    host: text(env, 'HOST') ?? '127.0.0.1',
    databaseUrl: databaseUrl(env),
    dataDir: text(env, 'DOCAXIS_DATA_DIR') ?? '.data/pglite',
    uploadLimitBytes: integer(env, 'UPLOAD_LIMIT_BYTES', DEFAULT_UPLOAD_LIMIT_BYTES, 1, Number.MAX_SAFE_INTEGER),
    edxmlMaxBytes: integer(env, 'EDXML_MAX_BYTES', DEFAULT_EDXML_MAX_BYTES, 1024, Number.MAX_SAFE_INTEGER),
    logLevel: logLevel(env),
    seedDemo: boolean(env, 'DOCAXIS_SEED_DEMO', true),
    trustProxy: trustProxy(env),
    axisP12: axisP12(env),
    tsaUrl: tsaUrl(env),
    logSealIntervalSeconds: integer(env, 'LOG_SEAL_INTERVAL_SECONDS', DEFAULT_LOG_SEAL_INTERVAL_SECONDS, 0, 7 * 24 * 3600),
    verifyWorkers: integer(env, 'VERIFY_WORKERS', defaultVerifyWorkers(availableParallelism()), 1, 64),
    verifyTimeoutSeconds: integer(env, 'VERIFY_TIMEOUT_SECONDS', 30, 1, 3600),
    verifyWorkerMemoryMb: integer(env, 'VERIFY_WORKER_MEMORY_MB', 256, 64, 16384),
    verifyWorkerRecycleMb: integer(env, 'VERIFY_WORKER_RECYCLE_MB', 128, 16, 16384),
    verifyMaxSignatures: integer(env, 'VERIFY_MAX_SIGNATURES', 20, 1, 1000),
    http,
    live: liveLimits(env, http),
    pkcs11Modules: pkcs11Modules(env),
    sessions: Object.freeze({
      idleMinutes: integer(env, 'SESSION_IDLE_MINUTES', 30, 1, 24 * 60),
      maxHours: integer(env, 'SESSION_MAX_HOURS', 12, 1, 24 * 30),
      cookieSecure: boolean(env, 'SESSION_COOKIE_SECURE', false) ? ('always' as const) : ('auto' as const),
    }),
    preparedSignatureTtlMinutes: integer(env, 'PREPARED_SIGNATURE_TTL_MINUTES', 10, 1, 24 * 60),
    csc: Object.freeze({ callbackBaseUrl: text(env, 'CSC_CALLBACK_BASE_URL'), timeoutMs: integer(env, 'CSC_TIMEOUT_MS', 10_000, 100, 120_000) }),
    archive: Object.freeze({
      enabled: boolean(env, 'ARCHIVE_ENABLED', true),
      renewalMarginDays: integer(env, 'ARCHIVE_RENEWAL_MARGIN_DAYS', 180, 1, 3650),
      weakDigests: weakDigests(env),
      sweepMinutes: integer(env, 'ARCHIVE_SWEEP_MINUTES', 60, 1, 60),
    }),
    revocationFetch: revocationFetch(env),
  });
}

/**
 * REVOCATION_FETCH=off|on, default off, for the service as for the CLI: the service verifies PDFs
 * strangers upload, and the URLs to fetch come from the certificates inside them (an SSRF vector
 * and a way to make the axis wait on hosts an attacker picks). Offline verification with the
 * document's own evidence (/DSS, CMS) and the operator's CRLs stays the default; an operator who
 * turns fetching on still has loopback/private/link-local targets refused unless
 * REVOCATION_ALLOW_PRIVATE=true (for a CA inside the agency network, and for tests).
 */
export function revocationFetch(env: Env): RevocationFetchConfig {
  const mode = text(env, 'REVOCATION_FETCH')?.toLowerCase() ?? 'off';
  if (mode !== 'on' && mode !== 'off') throw invalid('REVOCATION_FETCH', `must be on or off, got "${mode}"`);
  return Object.freeze({
    enabled: mode === 'on',
    allowPrivateAddresses: boolean(env, 'REVOCATION_ALLOW_PRIVATE', false),
    ocsp: Object.freeze({
      timeoutMs: integer(env, 'OCSP_TIMEOUT_SECONDS', 10, 1, 300) * 1000,
      maxAgeHours: integer(env, 'OCSP_MAX_AGE_HOURS', 24, 1, 24 * 365),
      nonce: boolean(env, 'OCSP_NONCE', true),
      skewSeconds: 300,
      maxResponseBytes: 64 * 1024, // MAX_OCSP_RESPONSE_BYTES: larger is refused by the parser anyway
    }),
    crlTimeoutMs: integer(env, 'CRL_TIMEOUT_SECONDS', 20, 1, 600) * 1000,
    crlMaxBytes: integer(env, 'CRL_MAX_BYTES', 10 * 1024 * 1024, 1024, 1024 ** 3),
  });
}

function liveLimits(env: Env, http: HttpLimits): LiveLimits {
  const d = DEFAULT_LIVE_LIMITS;
  const limits: LiveLimits = Object.freeze({
    connectionsPerUser: integer(env, 'LIVE_CONNECTIONS_PER_USER', d.connectionsPerUser, 1, 1000),
    connectionsTotal: integer(env, 'LIVE_CONNECTIONS_TOTAL', d.connectionsTotal, 1, 1_000_000),
    heartbeatSeconds: integer(env, 'LIVE_HEARTBEAT_SECONDS', d.heartbeatSeconds, 1, 3600),
    maxConnectionSeconds: integer(env, 'LIVE_MAX_CONNECTION_SECONDS', d.maxConnectionSeconds, 10, 24 * 3600),
    maxBufferBytes: integer(env, 'LIVE_MAX_BUFFER_BYTES', d.maxBufferBytes, 1024, 64 * 1024 * 1024),
  });
  // A quiet stream is cut by the idle-connection timeout unless a heartbeat comes first.
  if (limits.heartbeatSeconds >= http.connectionTimeoutSeconds) throw invalid('LIVE_HEARTBEAT_SECONDS', `must be below HTTP_CONNECTION_TIMEOUT_SECONDS (${http.connectionTimeoutSeconds})`);
  return limits;
}

function httpLimits(env: Env): HttpLimits {
  const d = DEFAULT_HTTP_LIMITS;
  const limits: HttpLimits = Object.freeze({
    headersTimeoutSeconds: integer(env, 'HTTP_HEADERS_TIMEOUT_SECONDS', d.headersTimeoutSeconds, 1, 3600),
    requestTimeoutSeconds: integer(env, 'HTTP_REQUEST_TIMEOUT_SECONDS', d.requestTimeoutSeconds, 1, 24 * 3600),
    connectionTimeoutSeconds: integer(env, 'HTTP_CONNECTION_TIMEOUT_SECONDS', d.connectionTimeoutSeconds, 1, 24 * 3600),
    uploadMinBytesPerSecond: integer(env, 'UPLOAD_MIN_BYTES_PER_SECOND', d.uploadMinBytesPerSecond, 0, 1024 ** 3),
    uploadGraceSeconds: integer(env, 'UPLOAD_GRACE_SECONDS', d.uploadGraceSeconds, 1, 3600),
    uploadsPerUser: integer(env, 'UPLOADS_PER_USER', d.uploadsPerUser, 1, 10_000),
    uploadsTotal: integer(env, 'UPLOADS_TOTAL', d.uploadsTotal, 1, 100_000),
  });
  // Node refuses to start a server whose headers may take longer than the whole request.
  if (limits.headersTimeoutSeconds > limits.requestTimeoutSeconds) throw invalid('HTTP_HEADERS_TIMEOUT_SECONDS', `must not exceed HTTP_REQUEST_TIMEOUT_SECONDS (${limits.requestTimeoutSeconds})`);
  return limits;
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

function pkcs11Modules(env: Env): readonly string[] {
  const v = text(env, 'PKCS11_MODULES');
  if (v === undefined) return Object.freeze([]);
  const list = v.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = list.find((m) => !m.startsWith('/') || m.includes('/../') || m.endsWith('/..'));
  if (bad !== undefined) throw invalid('PKCS11_MODULES', `must be a comma-separated list of absolute paths, got "${bad}"`);
  return Object.freeze(list);
}

function tsaUrl(env: Env): string | undefined {
  const v = text(env, 'TSA_URL');
  if (v !== undefined && !/^https?:\/\/[^\s]+$/i.test(v)) throw invalid('TSA_URL', 'must be an http(s) URL');
  return v;
}

/** Empty strings count as unset: `FOO= npm start` should mean "default", not "invalid". */
/** ARCHIVE_WEAK_DIGESTS: comma-separated digest names (as reports write them: sha1, md5); default sha1,md5. */
function weakDigests(env: Env): readonly string[] {
  const raw = text(env, 'ARCHIVE_WEAK_DIGESTS');
  if (raw === undefined) return Object.freeze(['sha1', 'md5']);
  const names = raw.split(',').map((n) => n.trim().toLowerCase()).filter((n) => n !== '');
  const bad = names.find((n) => !/^(sha1|md5|sha224|sha256|sha384|sha512)$/.test(n));
  if (bad !== undefined) throw invalid('ARCHIVE_WEAK_DIGESTS', `unknown digest "${bad}" (sha1, md5, sha224, sha256, sha384, sha512)`);
  // SHA-1 is weak whatever the list says; the archive needs one of SHA-256/384/512 to renew with.
  if (['sha256', 'sha384', 'sha512'].every((d) => names.includes(d))) throw invalid('ARCHIVE_WEAK_DIGESTS', 'leaves no digest to timestamp with (keep one of sha256, sha384, sha512)');
  return Object.freeze([...new Set(['sha1', ...names])]);
}

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
