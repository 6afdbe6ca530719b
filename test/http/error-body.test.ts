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

  it('FILE_TOO_LARGE is 413 whichever layer noticed it (ours, fastify\'s body limit, multipart\'s)', () => {
    expect(toHttpError(new DocaxisError('FILE_TOO_LARGE')).status).toBe(413);
    expect(toHttpError(Object.assign(new Error('Request body is too large'), { statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' }))).toMatchObject({ status: 413, body: { error: { code: 'FILE_TOO_LARGE' } } });
    expect(toHttpError(Object.assign(new Error('request file too large'), { statusCode: 413, code: 'FST_REQ_FILE_TOO_LARGE' })).status).toBe(413);
  });

  it('a client that hung up is REQUEST_ABORTED and not serious (logged at info, not error)', () => {
    for (const err of [
      Object.assign(new Error('aborted'), { code: 'ECONNRESET', statusCode: 400 }),
      Object.assign(new Error('the request was closed before the multipart data was fully parsed'), { code: 'FST_MP_PREMATURE_CLOSE', statusCode: 400 }),
      new DocaxisError('REQUEST_ABORTED'),
    ]) {
      expect(toHttpError(err)).toMatchObject({ status: 400, serious: false, body: { error: { code: 'REQUEST_ABORTED' } } });
    }
  });

  it('schema errors name their fields in details.fields', () => {
    const err = Object.assign(new Error('body must have required property \'name\''), {
      statusCode: 400,
      validation: [
        { instancePath: '', params: { missingProperty: 'name' }, message: "must have required property 'name'" },
        { instancePath: '/signer/fullName', params: {}, message: 'must be string' },
      ],
    });
    expect(toHttpError(err).body.error.details).toEqual({ fields: { name: "must have required property 'name'", 'signer.fullName': 'must be string' } });
  });
});
