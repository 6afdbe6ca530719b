// edXML build/parse: every field survives a round trip; Status packets and the recall / update /
// replacement messages too; the dates are written in the QCVN 102 forms; field errors are listed.
import { describe, expect, it } from 'vitest';
import { buildEnvelope, buildStatus } from '../../src/edxml/build.js';
import { EDXML_NS, type Envelope } from '../../src/edxml/model.js';
import { parseEnvelope, parseStatus } from '../../src/edxml/parse.js';
import { isDocaxisError } from '../../src/errors.js';
import { fullEnvelope, fullStatus } from './sample.js';

function fieldsOf(f: () => unknown): Record<string, string> {
  try {
    f();
  } catch (e) {
    if (isDocaxisError(e, 'EDXML_INVALID')) return e.details?.['fields'] as Record<string, string>;
    throw e;
  }
  throw new Error('expected EDXML_INVALID');
}

describe('edXML envelope', () => {
  it('round-trips every field', () => {
    const e = fullEnvelope();
    expect(parseEnvelope(buildEnvelope(e))).toEqual(e);
  });

  it('round-trips a minimal envelope (optional fields absent stay absent)', () => {
    const full = fullEnvelope();
    const e: Envelope = {
      header: { ...full.header, from: { organId: '000.00.00.H54' }, to: [{ organId: '000.00.12.H54' }], content: undefined as never, dueDate: undefined as never, toPlaces: [], otherInfo: { priority: 0, appendixes: [] }, responseFor: [], steeringType: 0, signerInfo: { fullName: 'Nguyễn Văn An' }, documentType: { typeName: 'Quyết định' } },
      traces: [],
      business: { docType: 0, replaces: [] },
      attachments: [],
    };
    delete (e.header as Partial<typeof e.header>).content;
    delete (e.header as Partial<typeof e.header>).dueDate;
    expect(parseEnvelope(buildEnvelope(e))).toEqual(e);
  });

  it('writes the QCVN 102 namespace, prefix and date forms', () => {
    const xml = buildEnvelope(fullEnvelope());
    expect(xml).toContain(`<edXML:edXMLEnvelope xmlns:edXML="${EDXML_NS}">`);
    expect(xml).toContain('<edXML:PromulgationDate>2026/03/05</edXML:PromulgationDate>');
    expect(xml).toContain('<edXML:DueDate>2026/04/01</edXML:DueDate>');
    // 02:03:04Z is 09:03:04 in Vietnam; 17:30Z is the next day there.
    expect(xml).toContain('<edXML:Timestamp>2026/03/05 09:03:04</edXML:Timestamp>');
    expect(xml).toContain('<edXML:Timestamp>2026/03/06 00:30:00</edXML:Timestamp>');
    expect(xml).toContain('<edXML:BussinessDocType>3</edXML:BussinessDocType>');
  });

  it('lists every bad field at once', () => {
    const xml = buildEnvelope(fullEnvelope())
      .replace('<edXML:CodeNumber>7816</edXML:CodeNumber>', '')
      .replace('2026/03/05</edXML:PromulgationDate>', '2026/02/30</edXML:PromulgationDate>')
      .replace('<edXML:Priority>3</edXML:Priority>', '<edXML:Priority>9</edXML:Priority>')
      .replace('<edXML:Subject>', '<edXML:Subject>x</edXML:Subject><edXML:Subject>');
    const fields = fieldsOf(() => parseEnvelope(xml));
    expect(fields).toMatchObject({
      'MessageHeader.Code.CodeNumber': 'required',
      'MessageHeader.PromulgationInfo.PromulgationDate': expect.stringContaining('yyyy/MM/dd'),
      'MessageHeader.OtherInfo.Priority': 'an integer from 0 to 4',
      'MessageHeader.Subject': 'given more than once',
    });
  });

  it('reads a package with a 12 MiB attachment (the base64 check is linear: a grouped regex overflowed the stack)', () => {
    const e = fullEnvelope();
    const big = new Uint8Array(12 * 1024 * 1024).map((_, i) => (i * 31) & 255);
    e.attachments = [{ contentId: 'big', name: 'big.pdf', contentType: 'application/pdf', content: big }];
    const got = parseEnvelope(buildEnvelope(e)).attachments[0]!.content;
    expect(got.length).toBe(big.length);
    expect(Buffer.compare(Buffer.from(got), Buffer.from(big))).toBe(0);
  });

  it('writes characters XML 1.0 cannot carry as U+FFFD, so the package stays well-formed', () => {
    const e = fullEnvelope();
    e.header.subject = 'a\u0001b\u001Fc\uFFFEd\uD800e';
    expect(parseEnvelope(buildEnvelope(e)).header.subject).toBe('a\uFFFDb\uFFFDc\uFFFDd\uFFFDe');
  });

  it('refuses a root that is not edXMLEnvelope in the QCVN namespace', () => {
    const xml = buildEnvelope(fullEnvelope()).replace(EDXML_NS, 'http://example.com/other');
    expect(fieldsOf(() => parseEnvelope(xml))).toHaveProperty('edXMLEnvelope');
  });

  it('refuses an attachment that is not base64, and a manifest that does not match', () => {
    const xml = buildEnvelope(fullEnvelope()).replace('<edXML:Content>JVBERi0A/wo=</edXML:Content>', '<edXML:Content>%%%</edXML:Content>');
    expect(fieldsOf(() => parseEnvelope(xml))).toHaveProperty(['edXMLBody.Attachment[0].Content'], 'not base64');
    const extra = buildEnvelope(fullEnvelope()).replace('<edXML:ContentId>cid-2</edXML:ContentId><edXML:ContentType>', '<edXML:ContentId>cid-3</edXML:ContentId><edXML:ContentType>');
    expect(fieldsOf(() => parseEnvelope(extra))).toHaveProperty('edXMLBody.Manifest');
  });

  it('recall, update and replacement messages carry their business type and the earlier document', () => {
    for (const [docType, extra] of [
      [1, { reason: 'Gửi nhầm', documentId: '000.00.00.H54,2026/03/01,7700/UBND-VP', replaces: [] }],
      [2, { documentId: '000.00.00.H54,2026/03/01,7700/UBND-VP', updatedInfo: 'DueDate', replaces: [] }],
      [3, { replaces: ['000.00.00.H54,2026/03/01,7700/UBND-VP'] }],
    ] as const) {
      const e = { ...fullEnvelope(), business: { docType, ...extra, replaces: [...extra.replaces] } };
      expect(parseEnvelope(buildEnvelope(e)).business).toEqual(e.business);
    }
    // A revocation that names no document is not one.
    const e = { ...fullEnvelope(), business: { docType: 1 as const, replaces: [] } };
    expect(fieldsOf(() => parseEnvelope(buildEnvelope(e)))).toHaveProperty(['TraceHeaderList.Bussiness.BussinessDocumentInfo.DocumentId']);
  });
});

describe('edXML Status', () => {
  it('round-trips every field', () => {
    const s = fullStatus();
    expect(parseStatus(buildStatus(s))).toEqual(s);
  });

  it('accepts each status code, refuses others, and wants a reason with 02 and 16', () => {
    for (const code of ['01', '02', '03', '04', '05', '06', '13', '15', '16'] as const) {
      expect(parseStatus(buildStatus({ ...fullStatus(), statusCode: code })).statusCode).toBe(code);
    }
    const bad = buildStatus(fullStatus()).replace('<edXML:StatusCode>02</edXML:StatusCode>', '<edXML:StatusCode>07</edXML:StatusCode>');
    expect(fieldsOf(() => parseStatus(bad))).toHaveProperty(['Status.StatusCode']);
    const noReason = { ...fullStatus(), statusCode: '16' as const };
    delete (noReason as Partial<typeof noReason>).description;
    expect(fieldsOf(() => parseStatus(buildStatus(noReason)))).toHaveProperty(['Status.Description']);
  });
});
