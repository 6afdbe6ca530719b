// Pino options for the service. Fastify's request serialiser logs method, url and address only; the
// redaction below is the second line of defence should a header or body ever be logged: no tokens,
// passwords or document bytes in logs.
import type { FastifyServerOptions } from 'fastify';
import type { LogLevel } from '../config.js';

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
  'authorization',
  'token',
  'secret',
  'password',
  '*.token',
  '*.secret',
  '*.password',
  'body',
  'pdf',
  'bytes',
];

export function loggerOptions(level: LogLevel): NonNullable<FastifyServerOptions['logger']> {
  return { level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } };
}
