// The category -> status table and the shape of unknown errors (no internals leak).
import { describe, expect, it } from 'vitest';
import { DocaxisError } from '../../src/errors.js';
import { toHttpError } from '../../src/http/error-body.js';

describe('toHttpError', () => {
  it.each([
    ['METADATA_INVALID', 400],
    ['USAGE', 400],
    ['CLASSIFIED_REFUSED', 422],
    ['UNAUTHENTICATED', 401],
    ['FORBIDDEN', 403],
    ['NOT_FOUND', 404],
    ['DUPLICATE_NUMBER', 409],
    ['DB_UNAVAILABLE', 503],
    ['INTERNAL', 500],
  ] as const)('%s -> %i', (code, status) => {
    const r = toHttpError(new DocaxisError(code, undefined, { details: { x: 1 } }));
    expect(r.status).toBe(status);
    expect(r.body.error).toMatchObject({ code, details: { x: 1 } });
  });

  it('an unknown error is a bare 500 INTERNAL', () => {
    const r = toHttpError(new Error('relation "secrets" does not exist at /srv/app.js:12'));
    expect(r).toEqual({ status: 500, body: { error: { code: 'INTERNAL', message: 'Internal error' } }, serious: true });
  });

  it('schema validation -> 400 USAGE naming the field', () => {
    const err = Object.assign(new Error('body/status must be equal to one of the allowed values'), { validation: [{}], statusCode: 400 });
    expect(toHttpError(err)).toMatchObject({ status: 400, body: { error: { code: 'USAGE' } } });
    expect(toHttpError(err).body.error.message).toBe('Invalid request: body/status must be equal to one of the allowed values');
    expect(toHttpError(new DocaxisError('USAGE', 'from: expected yyyy-mm-dd')).body.error.message).toBe('Invalid request: from: expected yyyy-mm-dd');
  });
});
