// loadConfig: defaults, parsing, and CONFIG_INVALID naming the variable.
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { DEFAULT_EDXML_MAX_BYTES, DEFAULT_HTTP_LIMITS, DEFAULT_UPLOAD_LIMIT_BYTES, defaultVerifyWorkers, loadConfig } from '../../src/config.js';
import { isDocaxisError } from '../../src/errors.js';

describe('loadConfig', () => {
  it('defaults: 127.0.0.1:3000, PGlite under .data/pglite, 64 MiB, info, demo seeding on, built-in TSA, seals every 5 min, verification workers by cores, upload budgets', () => {
    const c = loadConfig({});
    expect(c).toEqual({
      port: 3000,
      host: '127.0.0.1',
      databaseUrl: undefined,
      dataDir: '.data/pglite',
      uploadLimitBytes: DEFAULT_UPLOAD_LIMIT_BYTES,
      edxmlMaxBytes: DEFAULT_EDXML_MAX_BYTES,
      logLevel: 'info',
      seedDemo: true,
      trustProxy: false,
      axisP12: undefined,
      tsaUrl: undefined,
      logSealIntervalSeconds: 300,
      verifyWorkers: defaultVerifyWorkers(availableParallelism()),
      verifyTimeoutSeconds: 30,
      verifyWorkerMemoryMb: 256,
      verifyWorkerRecycleMb: 128,
      verifyMaxSignatures: 20,
      preparedSignatureTtlMinutes: 10,
      archive: { enabled: true, renewalMarginDays: 180, weakDigests: ['sha1', 'md5'], sweepMinutes: 60 },
      http: {
        headersTimeoutSeconds: 20,
        requestTimeoutSeconds: 600,
        connectionTimeoutSeconds: 120,
        uploadMinBytesPerSecond: 8192,
        uploadGraceSeconds: 10,
        uploadsPerUser: 8,
        uploadsTotal: 32,
      },
      live: { connectionsPerUser: 5, connectionsTotal: 1000, heartbeatSeconds: 25, maxConnectionSeconds: 600, maxBufferBytes: 65536 },
      pkcs11Modules: [],
      sessions: { idleMinutes: 30, maxHours: 12, cookieSecure: 'auto' },
      csc: { callbackBaseUrl: undefined, timeoutMs: 10_000 },
      revocationFetch: { enabled: false, allowPrivateAddresses: false, ocsp: { timeoutMs: 10_000, maxAgeHours: 24, nonce: true, skewSeconds: 300, maxResponseBytes: 65_536 }, crlTimeoutMs: 20_000, crlMaxBytes: 10 * 1024 * 1024 },
    });
    expect(c.http).toEqual(DEFAULT_HTTP_LIMITS);
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.http)).toBe(true);
    // At least one worker whatever the cores and the database: the event loop never parses an upload.
    expect([1, 2, 3, 8, 64].map((n) => defaultVerifyWorkers(n))).toEqual([1, 1, 2, 4, 4]);
    expect(loadConfig({ DATABASE_URL: 'postgres://db/x' }).verifyWorkers).toBe(defaultVerifyWorkers(availableParallelism()));
    expect(loadConfig({ DATABASE_URL: 'postgres://db/x' }).verifyWorkers).toBeGreaterThanOrEqual(1);
  });

  it('live streams: LIVE_* settings, and a heartbeat that would come after the idle timeout is refused', () => {
    const c = loadConfig({ LIVE_CONNECTIONS_PER_USER: '3', LIVE_CONNECTIONS_TOTAL: '50', LIVE_HEARTBEAT_SECONDS: '10', LIVE_MAX_CONNECTION_SECONDS: '60', LIVE_MAX_BUFFER_BYTES: '4096' });
    expect(c.live).toEqual({ connectionsPerUser: 3, connectionsTotal: 50, heartbeatSeconds: 10, maxConnectionSeconds: 60, maxBufferBytes: 4096 });
    expect(() => loadConfig({ LIVE_HEARTBEAT_SECONDS: '120' })).toThrow(/LIVE_HEARTBEAT_SECONDS must be below HTTP_CONNECTION_TIMEOUT_SECONDS/);
    expect(() => loadConfig({ LIVE_CONNECTIONS_PER_USER: '0' })).toThrow(/LIVE_CONNECTIONS_PER_USER/);
  });

  it('PKCS11_MODULES: a comma-separated allow-list of absolute paths; a relative path is refused', () => {
    expect(loadConfig({ PKCS11_MODULES: ' /usr/lib/softhsm/libsofthsm2.so , /opt/hsm/lib.so ' }).pkcs11Modules).toEqual(['/usr/lib/softhsm/libsofthsm2.so', '/opt/hsm/lib.so']);
    for (const bad of ['libsofthsm2.so', '/usr/lib/../tmp/x.so', '/a.so,./b.so']) expect(() => loadConfig({ PKCS11_MODULES: bad })).toThrow(/PKCS11_MODULES/);
  });

  it('reads every variable', () => {
    const c = loadConfig({ PORT: '8080', HOST: '0.0.0.0', DATABASE_URL: 'postgres://u:p@db/x', UPLOAD_LIMIT_BYTES: '1024', LOG_LEVEL: 'WARN', DOCAXIS_SEED_DEMO: 'off', TRUST_PROXY: '1', DOCAXIS_DATA_DIR: '/var/lib/docaxis', VERIFY_WORKERS: '3', VERIFY_TIMEOUT_SECONDS: '5' });
    expect(c).toMatchObject({ verifyWorkers: 3, verifyTimeoutSeconds: 5, port: 8080, host: '0.0.0.0', databaseUrl: 'postgres://u:p@db/x', uploadLimitBytes: 1024, logLevel: 'warn', seedDemo: false, trustProxy: 1, dataDir: '/var/lib/docaxis' });
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ PREPARED_SIGNATURE_TTL_MINUTES: '3' }).preparedSignatureTtlMinutes).toBe(3);
    // The archive: SHA-1 stays weak whatever the list; an unknown digest name is refused.
    expect(loadConfig({ ARCHIVE_RENEWAL_MARGIN_DAYS: '30', ARCHIVE_WEAK_DIGESTS: 'SHA224, md5', ARCHIVE_SWEEP_MINUTES: '5', ARCHIVE_ENABLED: 'off' }).archive).toEqual({ enabled: false, renewalMarginDays: 30, weakDigests: ['sha1', 'sha224', 'md5'], sweepMinutes: 5 });
    expect(() => loadConfig({ ARCHIVE_WEAK_DIGESTS: 'sha3' })).toThrow(/ARCHIVE_WEAK_DIGESTS/);
    expect(() => loadConfig({ ARCHIVE_WEAK_DIGESTS: 'sha256,sha384,sha512' })).toThrow(/no digest to timestamp with/);
    expect(() => loadConfig({ ARCHIVE_RENEWAL_MARGIN_DAYS: '0' })).toThrow(/ARCHIVE_RENEWAL_MARGIN_DAYS/);
    // The password variable's NAME is configuration; its value never enters the Config.
    expect(loadConfig({ AXIS_P12: '/etc/docaxis/axis.p12', AXIS_P12_PASSWORD_ENV: 'AXIS_PW', AXIS_PW: 'secret', TSA_URL: 'https://tsa.example.vn/tsr', LOG_SEAL_INTERVAL_SECONDS: '0' })).toMatchObject({
      axisP12: { path: '/etc/docaxis/axis.p12', passwordEnv: 'AXIS_PW' },
      tsaUrl: 'https://tsa.example.vn/tsr',
      logSealIntervalSeconds: 0,
    });
    expect(JSON.stringify(loadConfig({ AXIS_P12: 'k.p12', AXIS_P12_PASSWORD_ENV: 'AXIS_PW', AXIS_PW: 'secret' }))).not.toContain('secret');
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).trustProxy).toEqual(['10.0.0.0/8', '127.0.0.1']);
  });

  it('reads the verification budgets and the slow-client limits', () => {
    const c = loadConfig({
      VERIFY_WORKER_MEMORY_MB: '300',
      VERIFY_WORKER_RECYCLE_MB: '64',
      VERIFY_MAX_SIGNATURES: '5',
      HTTP_HEADERS_TIMEOUT_SECONDS: '5',
      HTTP_REQUEST_TIMEOUT_SECONDS: '90',
      HTTP_CONNECTION_TIMEOUT_SECONDS: '45',
      UPLOAD_MIN_BYTES_PER_SECOND: '0',
      UPLOAD_GRACE_SECONDS: '3',
      UPLOADS_PER_USER: '2',
      UPLOADS_TOTAL: '10',
    });
    expect(c).toMatchObject({ verifyWorkerMemoryMb: 300, verifyWorkerRecycleMb: 64, verifyMaxSignatures: 5 });
    expect(loadConfig({ SESSION_IDLE_MINUTES: '15', SESSION_MAX_HOURS: '8', SESSION_COOKIE_SECURE: 'true' }).sessions).toEqual({ idleMinutes: 15, maxHours: 8, cookieSecure: 'always' });
    expect(() => loadConfig({ SESSION_IDLE_MINUTES: '0' })).toThrow(/SESSION_IDLE_MINUTES/);
    expect(c.http).toEqual({ headersTimeoutSeconds: 5, requestTimeoutSeconds: 90, connectionTimeoutSeconds: 45, uploadMinBytesPerSecond: 0, uploadGraceSeconds: 3, uploadsPerUser: 2, uploadsTotal: 10 });
  });

  for (const [name, value] of [
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['UPLOAD_LIMIT_BYTES', '0'],
    ['LOG_LEVEL', 'loud'],
    ['DOCAXIS_SEED_DEMO', 'maybe'],
    ['DATABASE_URL', 'mysql://x'],
    ['TRUST_PROXY', 'everyone!'],
    ['TSA_URL', 'ftp://tsa'],
    ['LOG_SEAL_INTERVAL_SECONDS', '-5'],
    ['VERIFY_WORKERS', 'many'],
    ['VERIFY_WORKERS', '0'],
    ['VERIFY_WORKER_MEMORY_MB', '16'],
    ['VERIFY_WORKER_RECYCLE_MB', 'lots'],
    ['VERIFY_MAX_SIGNATURES', '0'],
    ['HTTP_HEADERS_TIMEOUT_SECONDS', '0'],
    ['HTTP_HEADERS_TIMEOUT_SECONDS', '900'],
    ['HTTP_REQUEST_TIMEOUT_SECONDS', '-1'],
    ['HTTP_CONNECTION_TIMEOUT_SECONDS', '1.5'],
    ['UPLOAD_MIN_BYTES_PER_SECOND', 'fast'],
    ['UPLOAD_GRACE_SECONDS', '0'],
    ['UPLOADS_PER_USER', '0'],
    ['UPLOADS_TOTAL', '0'],
    ['VERIFY_TIMEOUT_SECONDS', '0'],
    ['PREPARED_SIGNATURE_TTL_MINUTES', '0'],
    ['PREPARED_SIGNATURE_TTL_MINUTES', 'soon'],
    ['AXIS_P12_PASSWORD_ENV', 'PW'],
  ] as const) {
    it(`${name}=${value}: CONFIG_INVALID naming ${name}`, () => {
      try {
        loadConfig({ [name]: value });
        expect.unreachable();
      } catch (e) {
        expect(isDocaxisError(e, 'CONFIG_INVALID')).toBe(true);
        expect((e as Error).message).toContain(name);
        if (name === 'DATABASE_URL') expect((e as Error).message).not.toContain('mysql://x');
      }
    });
  }
});
