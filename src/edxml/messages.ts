// The messages that follow a document: the Status packet a recipient (or, for 13, the sender)
// returns, and the revocation / update / replacement messages, which repeat the document's header
// with the business block saying what they do to the earlier document (QCVN 102 TraceHeaderList).
// Plain functions over records: the peer-axis module sends them; nothing here does I/O.
import type { ExchangeDocument, StatusCode } from '../db/ports.js';
import type { Envelope, Organ, StatusPacket } from './model.js';
import { refOf } from './to-metadata.js';

export interface StatusInput {
  status: StatusCode;
  reason: string | null;
  at: Date;
  staff?: StatusPacket['staffInfo'];
}

/** The Status packet for `document` from `from` (a recipient, or the sender asking a recall with 13). */
export function statusPacketOf(document: ExchangeDocument, from: Organ, s: StatusInput): StatusPacket {
  return {
    responseFor: refOf(document),
    from,
    statusCode: s.status,
    ...(s.reason !== null ? { description: s.reason } : {}),
    timestamp: s.at,
    ...(s.staff ? { staffInfo: s.staff } : {}),
  };
}

export type BusinessKind = 'revocation' | 'update' | 'replacement';

/**
 * A revocation (1), update (2) or replacement (3) of the document `original` describes. A
 * revocation carries no attachment (the document is taken back, not sent again); an update
 * names what changed; a replacement is `replacement`'s envelope, naming the one it replaces.
 */
export function businessMessageOf(original: Envelope, kind: BusinessKind, opts: { reason: string; at: Date; updatedInfo?: string; replacement?: Envelope }): Envelope {
  const earlier = original.header.documentId;
  const trace = { organId: original.header.from.organId, timestamp: opts.at };
  switch (kind) {
    case 'revocation':
      return { ...original, traces: [trace], business: { docType: 1, reason: opts.reason, documentId: earlier, replaces: [] }, attachments: [] };
    case 'update':
      return { ...original, traces: [trace], business: { docType: 2, reason: opts.reason, documentId: earlier, ...(opts.updatedInfo ? { updatedInfo: opts.updatedInfo } : {}), replaces: [] } };
    case 'replacement': {
      if (!opts.replacement) throw new TypeError('a replacement needs the new document’s envelope');
      return { ...opts.replacement, traces: [trace], business: { docType: 3, reason: opts.reason, replaces: [earlier] } };
    }
  }
}
