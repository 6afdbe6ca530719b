// Status packets from our records, and the revocation / update / replacement messages: each is
// written, read back, and says what it does to which earlier document.
import { describe, expect, it } from 'vitest';
import { buildEnvelope, buildStatus } from '../../src/edxml/build.js';
import { businessMessageOf, statusPacketOf } from '../../src/edxml/messages.js';
import { parseEnvelope, parseStatus } from '../../src/edxml/parse.js';
import type { ExchangeDocument } from '../../src/db/ports.js';
import { fullEnvelope } from './sample.js';

const doc = {
  senderCode: '000.00.00.H54',
  edxmlDocumentId: '000.00.00.H54,2026/03/05,7816/UBND-VP',
  metadata: { codeNumber: '7816', codeNotation: 'UBND-VP', promulgationDate: '2026-03-05' },
} as unknown as ExchangeDocument;

describe('edXML messages', () => {
  it('a recipient’s refusal (02) and the sender’s recall request (13) as Status packets', () => {
    const at = new Date('2026-03-06T03:00:00Z');
    const refused = parseStatus(buildStatus(statusPacketOf(doc, { organId: '000.00.12.H54' }, { status: '02', reason: 'Sai thẩm quyền', at })));
    expect(refused).toEqual({
      responseFor: { organId: '000.00.00.H54', code: '7816/UBND-VP', promulgationDate: '2026-03-05', documentId: '000.00.00.H54,2026/03/05,7816/UBND-VP' },
      from: { organId: '000.00.12.H54' },
      statusCode: '02',
      description: 'Sai thẩm quyền',
      timestamp: at,
    });
    const recall = parseStatus(buildStatus(statusPacketOf(doc, { organId: '000.00.00.H54' }, { status: '13', reason: null, at, staff: { staff: 'Văn thư' } })));
    expect(recall).toMatchObject({ statusCode: '13', from: { organId: '000.00.00.H54' }, staffInfo: { staff: 'Văn thư' } });
    expect(recall).not.toHaveProperty('description');
  });

  it('revocation, update and replacement name the earlier document', () => {
    const original = { ...fullEnvelope(), business: { docType: 0 as const, replaces: [] } };
    const at = new Date('2026-03-07T00:00:00Z');
    const revocation = parseEnvelope(buildEnvelope(businessMessageOf(original, 'revocation', { reason: 'Gửi nhầm nơi nhận', at })));
    expect(revocation.business).toEqual({ docType: 1, reason: 'Gửi nhầm nơi nhận', documentId: original.header.documentId, replaces: [] });
    expect(revocation.attachments).toEqual([]);
    const update = parseEnvelope(buildEnvelope(businessMessageOf(original, 'update', { reason: 'Sửa hạn xử lý', updatedInfo: 'DueDate', at })));
    expect(update.business).toEqual({ docType: 2, reason: 'Sửa hạn xử lý', documentId: original.header.documentId, updatedInfo: 'DueDate', replaces: [] });
    const next = fullEnvelope();
    next.header = { ...next.header, code: { codeNumber: '7900', codeNotation: 'UBND-VP' }, documentId: '000.00.00.H54,2026/03/07,7900/UBND-VP' };
    const replacement = parseEnvelope(buildEnvelope(businessMessageOf(original, 'replacement', { reason: 'Thay thế do sai sót', at, replacement: next })));
    expect(replacement.header.documentId).toBe('000.00.00.H54,2026/03/07,7900/UBND-VP');
    expect(replacement.business).toEqual({ docType: 3, reason: 'Thay thế do sai sót', replaces: [original.header.documentId] });
    expect(replacement.traces).toEqual([{ organId: '000.00.00.H54', timestamp: at }]);
  });
});
