import { describe, expect, it } from 'vitest';
import { isKnownPostgresWriteAfterClose } from '../../src/db/postgres-driver-guard.js';

describe('the postgres-js write-after-close guard', () => {
  it('matches only the driver bug, never other errors', () => {
    const bug = new TypeError("Cannot read properties of null (reading 'write')");
    bug.stack = `${bug.message}\n    at nextWrite (/app/node_modules/postgres/src/connection.js:254:12)`;
    expect(isKnownPostgresWriteAfterClose(bug)).toBe(true);
    const ours = new TypeError("Cannot read properties of null (reading 'write')");
    ours.stack = `${ours.message}\n    at send (/app/dist/http/routes/send.js:10:3)`;
    expect(isKnownPostgresWriteAfterClose(ours)).toBe(false);
    expect(isKnownPostgresWriteAfterClose(new Error('reading \'write\' postgres/src/connection.js'))).toBe(false);
  });
});
