// The web's status phases are the server's: the inbox's "not yet handled" count, the outbox's
// "waiting" and the statistics cannot disagree about a copy at 16 (or any other status).
import { expect, it } from 'vitest';
import { STATUS_CODES } from '../../src/db/ports.js';
import { STATUS_PHASE as SERVER } from '../../src/exchange/status-machine.js';
import { STATUS_PHASE as WEB, awaitsRecipient } from '../../src/web/status-phase.js';

it('the web and the server read every status into the same phase', () => {
  expect(WEB).toEqual(SERVER);
  expect(Object.keys(WEB).sort()).toEqual([...STATUS_CODES].sort());
  expect(STATUS_CODES.filter(awaitsRecipient)).toEqual(['01', '13', '16']);
});
