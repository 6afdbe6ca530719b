// Pino options for the service. Fastify's request serialiser logs method, url and address only; the
// redaction below is the second line of defence should a header or body ever be logged: no tokens,
// passwords or document bytes in logs.
// The url is logged for every request, before any route can refuse it, so a credential a client
// put in the query string (`?access_token=…`, refused by the auth plugin, which reads headers only)
// would land in the log: the request serialiser masks the values of credential-bearing parameters.
import type { FastifyServerOptions } from 'fastify';
import type { LogLevel } from '../config.js';

export const REDACT_PATHS = [
  // Credentials in headers, requests' and replies' (a debug line that logs `request.headers` or
  // `reply.getHeaders()` must not carry the session cookie or the bearer token).
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["set-cookie"]',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'headers["set-cookie"]',
  'headers["x-csrf-token"]',
  '*.headers.authorization',
  '*.headers.cookie',
  '*.headers["set-cookie"]',
  '*.headers["x-csrf-token"]',
  'authorization',
  'cookie',
  '["set-cookie"]',
  // Secrets in bodies: sign-in (password), set-password links (token, password), password changes
  // (currentPassword, newPassword), at the top of a log line's object or one level down
  // (`{ body: request.body }` is redacted whole below, `{ input: request.body }` field by field).
  'token',
  'secret',
  'password',
  'currentPassword',
  'newPassword',
  'csrfToken',
  '*.token',
  '*.secret',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
  '*.csrfToken',
  'body',
  '*.body',
  'pdf',
  'bytes',
];

/**
 * Query parameter names whose value is a credential, compared case-insensitively after dropping
 * `-` and `_` (so access-token, accessToken and ACCESS_TOKEN are one name); also any name that
 * ends in token, secret, password or key (id_token, client_secret, x-api-key).
 */
const CREDENTIAL_PARAMS = new Set(['accesstoken', 'token', 'apikey', 'key', 'password', 'passwd', 'pwd', 'session', 'sessionid', 'sid', 'csrf', 'csrftoken', 'xsrf', 'auth', 'authorization', 'bearer', 'secret', 'signature', 'sig']);
const CREDENTIAL_SUFFIX = /(token|secret|password|key)$/;

export const REDACTED = '[redacted]';

function isCredentialParam(name: string): boolean {
  let decoded = name;
  try {
    decoded = decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    /* a malformed escape: judge the raw name */
  }
  const key = decoded.toLowerCase().replace(/[-_\s.[\]]/g, '');
  return CREDENTIAL_PARAMS.has(key) || CREDENTIAL_SUFFIX.test(key);
}

/**
 * `url` with the value of every credential-bearing query parameter replaced by [redacted]; the
 * path, the other parameters and their order are kept as sent. A fragment never reaches a server.
 */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const query = url
    .slice(q + 1)
    .split(/([&;])/)
    .map((part) => {
      if (part === '&' || part === ';' || part === '') return part;
      const eq = part.indexOf('=');
      const name = eq < 0 ? part : part.slice(0, eq);
      return isCredentialParam(name) ? `${name}=${REDACTED}` : part;
    })
    .join('');
  return `${url.slice(0, q)}?${query}`;
}

interface RequestLike {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  headers?: Record<string, unknown>;
  socket?: { remotePort?: number };
}

/** Fastify's own request serialiser (lib/logger-pino.js), with the url redacted. */
export function serializeRequest(req: RequestLike): Record<string, unknown> {
  return {
    method: req.method,
    url: typeof req.url === 'string' ? redactUrl(req.url) : req.url,
    version: req.headers?.['accept-version'],
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}

export function loggerOptions(level: LogLevel): NonNullable<FastifyServerOptions['logger']> {
  return { level, redact: { paths: REDACT_PATHS, censor: REDACTED }, serializers: { req: serializeRequest } };
}
