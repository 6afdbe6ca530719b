// A package as another implementation writes it, typed here by hand from the public QCVN 102:2016
// structure (not produced by our writer): indented, with comments, an XML declaration, the
// optional organ fields, dd/MM/yyyy dates as some systems send, elements this axis does not use
// (ignored), and the "Bussiness" spelling of the schema. Then the same content with a default
// namespace instead of the edXML: prefix: names are matched by namespace, not by prefix.
import { describe, expect, it } from 'vitest';
import { parseEnvelope, parseStatus } from '../../src/edxml/parse.js';
import { metadataInputOf } from '../../src/edxml/to-metadata.js';
import { parseMetadata } from '../../src/exchange/validate-metadata.js';

const PDF_B64 = Buffer.from('%PDF-1.4\n% foreign\n').toString('base64');

const FOREIGN = `<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<!-- exported by a document management system of the Government Office -->
<edXML:edXMLEnvelope xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016" xmlns:xlink="http://www.w3.org/1999/xlink">
  <edXML:edXMLHeader>
    <edXML:MessageHeader>
      <edXML:From>
        <edXML:OrganId>000.00.00.G22</edXML:OrganId>
        <edXML:OrganizationInCharge>Chính phủ</edXML:OrganizationInCharge>
        <edXML:OrganName>Văn phòng Chính phủ</edXML:OrganName>
        <edXML:OrganAdd>1 Hoàng Hoa Thám, Ba Đình, Hà Nội</edXML:OrganAdd>
        <edXML:Email>vpcp@chinhphu.vn</edXML:Email>
        <edXML:Telephone>080 43162</edXML:Telephone>
        <edXML:Fax>080 44130</edXML:Fax>
        <edXML:Website>chinhphu.vn</edXML:Website>
      </edXML:From>
      <edXML:To>
        <edXML:OrganId>000.00.00.H54</edXML:OrganId>
        <edXML:OrganName>UBND tỉnh Thái Bình</edXML:OrganName>
      </edXML:To>
      <edXML:To>
        <edXML:OrganId>000.00.00.H41</edXML:OrganId>
      </edXML:To>
      <edXML:Code>
        <edXML:CodeNumber>7816</edXML:CodeNumber>
        <edXML:CodeNotation>VPCP-TTĐT</edXML:CodeNotation>
      </edXML:Code>
      <edXML:PromulgationInfo>
        <edXML:Place>Hà Nội</edXML:Place>
        <edXML:PromulgationDate>30/09/2015</edXML:PromulgationDate>
      </edXML:PromulgationInfo>
      <edXML:DocumentType>
        <edXML:Type>1</edXML:Type>
        <edXML:TypeName>Công văn</edXML:TypeName>
      </edXML:DocumentType>
      <edXML:Subject>V/v triển khai Hệ thống quản lý văn bản</edXML:Subject>
      <edXML:Content><![CDATA[Nội dung có <ký tự> đặc biệt & chú thích]]></edXML:Content>
      <edXML:SignerInfo>
        <edXML:Competence>KT. BỘ TRƯỞNG, CHỦ NHIỆM</edXML:Competence>
        <edXML:Position>PHÓ CHỦ NHIỆM</edXML:Position>
        <edXML:FullName>Nguyễn Văn B</edXML:FullName>
      </edXML:SignerInfo>
      <edXML:DueDate>2015/10/15</edXML:DueDate>
      <edXML:ToPlaces>
        <edXML:Place>Như trên</edXML:Place>
        <edXML:Place>Lưu: VT, TTĐT</edXML:Place>
      </edXML:ToPlaces>
      <edXML:OtherInfo>
        <edXML:Priority>1</edXML:Priority>
        <edXML:SphereOfPromulgation>Liên thông văn bản quốc gia</edXML:SphereOfPromulgation>
        <edXML:TyperNotation>TA</edXML:TyperNotation>
        <edXML:PromulgationAmount>5</edXML:PromulgationAmount>
        <edXML:PageAmount>2</edXML:PageAmount>
        <edXML:Appendixes>
          <edXML:Appendix>Phụ lục danh sách</edXML:Appendix>
        </edXML:Appendixes>
        <edXML:Classification>NONE</edXML:Classification>
      </edXML:OtherInfo>
      <edXML:ResponseFor>
        <edXML:OrganId>000.00.00.H54</edXML:OrganId>
        <edXML:Code>12/UBND-VP</edXML:Code>
        <edXML:PromulgationDate>2015/09/01</edXML:PromulgationDate>
        <edXML:DocumentId>000.00.00.H54,2015/09/01,12/UBND-VP</edXML:DocumentId>
      </edXML:ResponseFor>
      <edXML:SteeringType>0</edXML:SteeringType>
      <edXML:DocumentId>000.00.00.G22,2015/09/30,7816/VPCP-TTĐT</edXML:DocumentId>
    </edXML:MessageHeader>
    <edXML:TraceHeaderList>
      <edXML:TraceHeader>
        <edXML:OrganId>000.00.00.G22</edXML:OrganId>
        <edXML:Timestamp>2015/09/30 14:05:06</edXML:Timestamp>
      </edXML:TraceHeader>
      <edXML:Bussiness>
        <edXML:BussinessDocType>0</edXML:BussinessDocType>
        <edXML:BussinessDocReason/>
      </edXML:Bussiness>
    </edXML:TraceHeaderList>
  </edXML:edXMLHeader>
  <edXML:edXMLBody>
    <edXML:Manifest>
      <edXML:Reference xlink:href="cid:7816.pdf">
        <edXML:ContentId>7816.pdf</edXML:ContentId>
        <edXML:AttachmentName>7816_VPCP-TTDT.pdf</edXML:AttachmentName>
        <edXML:Description>Văn bản</edXML:Description>
        <edXML:ContentType>application/pdf</edXML:ContentType>
      </edXML:Reference>
    </edXML:Manifest>
    <edXML:Attachment>
      <edXML:ContentId>7816.pdf</edXML:ContentId>
      <edXML:ContentType>application/pdf</edXML:ContentType>
      <edXML:ContentTransferEncoded>base64</edXML:ContentTransferEncoded>
      <edXML:AttachmentName>7816_VPCP-TTDT.pdf</edXML:AttachmentName>
      <edXML:Content>
        ${PDF_B64.slice(0, 12)}
        ${PDF_B64.slice(12)}
      </edXML:Content>
    </edXML:Attachment>
  </edXML:edXMLBody>
</edXML:edXMLEnvelope>
`;

describe('a package produced by another implementation', () => {
  it('parses every field', () => {
    const e = parseEnvelope(new TextEncoder().encode(FOREIGN));
    expect(e.header.from).toEqual({
      organId: '000.00.00.G22',
      organizationInCharge: 'Chính phủ',
      organName: 'Văn phòng Chính phủ',
      organAdd: '1 Hoàng Hoa Thám, Ba Đình, Hà Nội',
      email: 'vpcp@chinhphu.vn',
      telephone: '080 43162',
      fax: '080 44130',
      website: 'chinhphu.vn',
    });
    expect(e.header.to.map((t) => t.organId)).toEqual(['000.00.00.H54', '000.00.00.H41']);
    expect(e.header.code).toEqual({ codeNumber: '7816', codeNotation: 'VPCP-TTĐT' });
    expect(e.header.promulgationInfo).toEqual({ place: 'Hà Nội', date: '2015-09-30' });
    expect(e.header.documentType).toEqual({ type: '1', typeName: 'Công văn' });
    expect(e.header.content).toBe('Nội dung có <ký tự> đặc biệt & chú thích');
    expect(e.header.signerInfo).toEqual({ competence: 'KT. BỘ TRƯỞNG, CHỦ NHIỆM', position: 'PHÓ CHỦ NHIỆM', fullName: 'Nguyễn Văn B' });
    expect(e.header.dueDate).toBe('2015-10-15');
    expect(e.header.toPlaces).toEqual(['Như trên', 'Lưu: VT, TTĐT']);
    expect(e.header.otherInfo).toEqual({ priority: 1, sphereOfPromulgation: 'Liên thông văn bản quốc gia', typerNotation: 'TA', promulgationAmount: 5, pageAmount: 2, appendixes: ['Phụ lục danh sách'], classification: 'NONE' });
    expect(e.header.responseFor).toEqual([{ organId: '000.00.00.H54', code: '12/UBND-VP', promulgationDate: '2015-09-01', documentId: '000.00.00.H54,2015/09/01,12/UBND-VP' }]);
    expect(e.header.steeringType).toBe(0);
    expect(e.header.documentId).toBe('000.00.00.G22,2015/09/30,7816/VPCP-TTĐT');
    // 14:05:06 in Vietnam is 07:05:06 UTC.
    expect(e.traces).toEqual([{ organId: '000.00.00.G22', timestamp: new Date('2015-09-30T07:05:06Z') }]);
    expect(e.business).toEqual({ docType: 0, replaces: [] });
    expect(e.attachments).toHaveLength(1);
    expect(e.attachments[0]).toMatchObject({ contentId: '7816.pdf', name: '7816_VPCP-TTDT.pdf', contentType: 'application/pdf' });
    expect(Buffer.from(e.attachments[0]!.content).toString()).toBe('%PDF-1.4\n% foreign\n');
  });

  it('maps to metadata the send path accepts', () => {
    const m = parseMetadata(metadataInputOf(parseEnvelope(FOREIGN)), new Date('2016-01-01T00:00:00Z'));
    expect(m).toMatchObject({
      codeNumber: '7816',
      codeNotation: 'VPCP-TTĐT',
      documentType: 'Công văn',
      promulgationDate: '2015-09-30',
      dueDate: '2015-10-15',
      priority: 1,
      businessType: 'new',
      recipients: ['000.00.00.H54', '000.00.00.H41'],
      classification: 'NONE',
      signer: { fullName: 'Nguyễn Văn B', competence: 'KT. BỘ TRƯỞNG, CHỦ NHIỆM', position: 'PHÓ CHỦ NHIỆM' },
    });
  });

  it('reads the same package written with a default namespace instead of the edXML: prefix', () => {
    const unprefixed = FOREIGN.replace('xmlns:edXML=', 'xmlns=').replaceAll('<edXML:', '<').replaceAll('</edXML:', '</');
    expect(parseEnvelope(unprefixed)).toEqual(parseEnvelope(FOREIGN));
  });

  it('parses a Status packet written by hand', () => {
    const status = `<?xml version="1.0" encoding="UTF-8"?>
<edXML:edXMLEnvelope xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">
  <edXML:edXMLHeader>
    <edXML:Status>
      <edXML:ResponseFor>
        <edXML:OrganId>000.00.00.G22</edXML:OrganId>
        <edXML:Code>7816/VPCP-TTĐT</edXML:Code>
        <edXML:PromulgationDate>2015/09/30</edXML:PromulgationDate>
        <edXML:DocumentId>000.00.00.G22,2015/09/30,7816/VPCP-TTĐT</edXML:DocumentId>
      </edXML:ResponseFor>
      <edXML:From><edXML:OrganId>000.00.00.H54</edXML:OrganId><edXML:OrganName>UBND tỉnh Thái Bình</edXML:OrganName></edXML:From>
      <edXML:StatusCode>03</edXML:StatusCode>
      <edXML:Description>Đã vào sổ</edXML:Description>
      <edXML:Timestamp>2015/10/01 08:00:00</edXML:Timestamp>
      <edXML:StaffInfo><edXML:Department>Văn thư</edXML:Department><edXML:Staff>Lê C</edXML:Staff><edXML:Mobile>0900000000</edXML:Mobile><edXML:Email>vt@thaibinh.gov.vn</edXML:Email></edXML:StaffInfo>
    </edXML:Status>
  </edXML:edXMLHeader>
</edXML:edXMLEnvelope>`;
    expect(parseStatus(status)).toEqual({
      responseFor: { organId: '000.00.00.G22', code: '7816/VPCP-TTĐT', promulgationDate: '2015-09-30', documentId: '000.00.00.G22,2015/09/30,7816/VPCP-TTĐT' },
      from: { organId: '000.00.00.H54', organName: 'UBND tỉnh Thái Bình' },
      statusCode: '03',
      description: 'Đã vào sổ',
      timestamp: new Date('2015-10-01T01:00:00Z'),
      staffInfo: { department: 'Văn thư', staff: 'Lê C', mobile: '0900000000', email: 'vt@thaibinh.gov.vn' },
    });
  });
});
