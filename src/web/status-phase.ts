// Where a recipient's copy stands, read from its status: the web's copy of
// src/exchange/status-machine.ts STATUS_PHASE (the web bundle cannot import the server's modules;
// test/web/status-phase.test.ts fails when the two differ). Every count the pages show (the inbox's
// "not yet handled", the outbox's "waiting") reads this table, as the statistics do on the server.
export type StatusPhase = 'waiting' | 'accepted' | 'rejected' | 'withdrawn';

export const STATUS_PHASE: Readonly<Record<string, StatusPhase>> = {
  '01': 'waiting',
  '02': 'rejected',
  '03': 'accepted',
  '04': 'accepted',
  '05': 'accepted',
  '06': 'accepted',
  '13': 'waiting',
  '15': 'withdrawn',
  '16': 'waiting',
};

/** The recipient's clerk has something to do: arrived (01), a recall to answer (13), kept after a recall (16). */
export const awaitsRecipient = (status: string): boolean => STATUS_PHASE[status] === 'waiting';
