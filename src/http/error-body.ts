// Turns anything thrown in a request into the one error shape clients see:
// { error: { code, message, details? } }. Internals (stacks, SQL, causes) never leave the process.
import type { FastifyError } from 'fastify';
import { DocaxisError, type ErrorCode, ERROR_CATALOGUE } from '../errors.js';
import { statusOf } from './status.js';

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: Record<string, unknown> };
}

export interface HttpError {
  status: number;
  body: ErrorBody;
  /** Worth an error-level log line: a bug or a dependency down, not a caller's mistake. */
  serious: boolean;
}

/** USAGE's catalogue text speaks of the command line; over HTTP the same code means a bad request. */
const REQUEST_INVALID = 'Invalid request';

function httpMessage(message: string): string {
  return message.startsWith(ERROR_CATALOGUE.USAGE.message) ? REQUEST_INVALID + message.slice(ERROR_CATALOGUE.USAGE.message.length) : message;
}

/** Codes whose HTTP status is more precise than their category's. */
const STATUS_BY_CODE: Partial<Record<ErrorCode, number>> = { FILE_TOO_LARGE: 413 };

/** A client that hung up mid-body: Node's and fastify's names for it (not a fault of ours). */
const ABORT_CODES = new Set(['ECONNRESET', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE', 'FST_MP_PREMATURE_CLOSE']);

function statusFor(code: ErrorCode): number {
  return STATUS_BY_CODE[code] ?? statusOf(ERROR_CATALOGUE[code].category);
}

export function toHttpError(err: unknown): HttpError {
  if (err instanceof DocaxisError) {
    const status = statusFor(err.code);
    const body: ErrorBody = { error: { code: err.code, message: httpMessage(err.message) } };
    if (err.details !== undefined) body.error.details = { ...err.details };
    return { status, body, serious: status >= 500 };
  }
  const fe = err as Partial<FastifyError> | undefined;
  if (fe && Array.isArray(fe.validation)) {
    // Schema validation: the message names the field (ajv's text), which the caller needs.
    const mapped = plain(400, 'USAGE', `${REQUEST_INVALID}: ${fe.message ?? 'request does not match its schema'}`, false);
    const fields = validationFields(fe.validation);
    if (Object.keys(fields).length > 0) mapped.body.error.details = { fields };
    return mapped;
  }
  if ((typeof fe?.code === 'string' && ABORT_CODES.has(fe.code)) || fe?.message === 'aborted') return fromCatalogue('REQUEST_ABORTED');
  const status = typeof fe?.statusCode === 'number' ? fe.statusCode : 500;
  if (status === 413 || fe?.code === 'FST_REQ_FILE_TOO_LARGE') {
    // Same answer as our own FILE_TOO_LARGE, whichever layer noticed first.
    return fromCatalogue('FILE_TOO_LARGE');
  }
  if (status >= 400 && status < 500 && typeof fe?.code === 'string' && fe.code.startsWith('FST_')) {
    // Fastify's own refusals (bad JSON, unsupported media type, ...): their message is safe and useful.
    return plain(status, 'USAGE', `${REQUEST_INVALID}: ${fe.message ?? fe.code}`, false);
  }
  return plain(500, 'INTERNAL', ERROR_CATALOGUE.INTERNAL.message, true);
}

function fromCatalogue(code: ErrorCode): HttpError {
  return plain(statusFor(code), code, ERROR_CATALOGUE[code].message, false);
}

interface AjvIssue {
  instancePath?: string;
  message?: string;
  params?: { missingProperty?: string; additionalProperty?: string };
}

/** ajv's issues as { field: message }, the field as a dotted path ("signer.fullName", "q"). */
function validationFields(issues: readonly unknown[]): Record<string, string> {
  const fields: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const raw of issues.slice(0, 20)) {
    const issue = (raw ?? {}) as AjvIssue;
    const base = (issue.instancePath ?? '').split('/').filter(Boolean).join('.');
    const leaf = issue.params?.missingProperty ?? issue.params?.additionalProperty;
    const field = leaf ? (base ? `${base}.${leaf}` : leaf) : base;
    fields[field] ??= issue.message ?? 'invalid';
  }
  return fields;
}

function plain(status: number, code: ErrorCode, message: string, serious: boolean): HttpError {
  return { status, body: { error: { code, message } }, serious };
}
