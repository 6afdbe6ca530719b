// An envelope with every field set (and two of everything that may repeat), for the edXML tests.
import type { Envelope, StatusPacket } from '../../src/edxml/model.js';

export function fullEnvelope(): Envelope {
  return {
    header: {
      from: { organId: '000.00.00.H54', organName: 'UBND tỉnh Thái Bình', organizationInCharge: 'Văn phòng UBND', organAdd: '12 Lê Lợi, Thái Bình', email: 'vp@thaibinh.gov.vn', telephone: '0227 3831 111', fax: '0227 3831 112', website: 'https://thaibinh.gov.vn' },
      to: [
        { organId: '000.00.12.H54', organName: 'Sở Y tế' },
        { organId: '000.00.00.G22', organName: 'Văn phòng Chính phủ' },
      ],
      code: { codeNumber: '7816', codeNotation: 'UBND-VP' },
      promulgationInfo: { place: 'Thái Bình', date: '2026-03-05' },
      documentType: { type: '1', typeName: 'Công văn' },
      subject: 'V/v triển khai <gửi nhận> văn bản điện tử & "ký số"',
      content: 'Nội dung tóm tắt',
      signerInfo: { competence: 'KT. CHỦ TỊCH', position: 'PHÓ CHỦ TỊCH', fullName: 'Nguyễn Văn An' },
      dueDate: '2026-04-01',
      toPlaces: ['Như trên', 'Lưu: VT'],
      otherInfo: { priority: 3, sphereOfPromulgation: 'Toàn tỉnh', typerNotation: 'NVA', promulgationAmount: 12, pageAmount: 3, appendixes: ['Phụ lục I', 'Phụ lục II'], classification: 'NONE' },
      responseFor: [
        { organId: '000.00.00.G22', code: '55/VPCP-TTĐT', promulgationDate: '2026-02-01', documentId: '000.00.00.G22,2026/02/01,55/VPCP-TTĐT' },
        { organId: '000.00.12.H54', code: '9/SYT-VP', promulgationDate: '2026-01-09', documentId: '000.00.12.H54,2026/01/09,9/SYT-VP' },
      ],
      steeringType: 1,
      documentId: '000.00.00.H54,2026/03/05,7816/UBND-VP',
    },
    traces: [
      { organId: '000.00.00.H54', timestamp: new Date('2026-03-05T02:03:04Z') },
      { organId: '000.00.00.G22', timestamp: new Date('2026-03-05T17:30:00Z') },
    ],
    business: { docType: 3, reason: 'Sai sót số liệu', documentId: '000.00.00.H54,2026/03/01,7700/UBND-VP', updatedInfo: 'Subject', replaces: ['000.00.00.H54,2026/03/01,7700/UBND-VP', '000.00.00.H54,2026/03/02,7701/UBND-VP'] },
    attachments: [
      { contentId: 'cid-1', name: '7816-UBND-VP.pdf', description: 'Văn bản chính', contentType: 'application/pdf', content: new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x2d, 0, 255, 10]) },
      { contentId: 'cid-2', name: 'phu-luc.docx', contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', content: new Uint8Array(1000).map((_, i) => i % 256) },
    ],
  };
}

export function fullStatus(): StatusPacket {
  return {
    responseFor: { organId: '000.00.00.H54', code: '7816/UBND-VP', promulgationDate: '2026-03-05', documentId: '000.00.00.H54,2026/03/05,7816/UBND-VP' },
    from: { organId: '000.00.12.H54', organName: 'Sở Y tế' },
    statusCode: '02',
    description: 'Không đúng thẩm quyền',
    timestamp: new Date('2026-03-06T01:02:03Z'),
    staffInfo: { department: 'Văn phòng', staff: 'Trần Thị Bình', mobile: '0912345678', email: 'binh@syt.gov.vn' },
  };
}
