// Names of the domain's codes as clerks read them (docs/domain.md): statuses, urgency,
// classification, levels, document types. Vietnamese is the official wording; English explains it.
import { currentLang } from './i18n.js';

type Pair = readonly [vi: string, en: string];
const pick = (p: Pair | undefined, fallback: string): string => (p ? p[currentLang() === 'vi' ? 0 : 1] : fallback);

export const STATUS: Record<string, Pair> = {
  '01': ['Đã đến', 'Arrived'],
  '02': ['Từ chối tiếp nhận', 'Rejected'],
  '03': ['Đã tiếp nhận', 'Accepted'],
  '04': ['Phân công', 'Assigned'],
  '05': ['Đang xử lý', 'In progress'],
  '06': ['Hoàn thành', 'Completed'],
  '13': ['Yêu cầu lấy lại', 'Recall requested'],
  '15': ['Đồng ý lấy lại', 'Recall accepted'],
  '16': ['Từ chối lấy lại', 'Recall refused'],
};
export const statusLabel = (code: string): string => `${code} · ${pick(STATUS[code], code)}`;

/** 0 normal … 4 flash at a set time; 1–4 are urgent and shown first. */
export const PRIORITY: Record<number, Pair> = {
  0: ['Thường', 'Normal'],
  1: ['Khẩn', 'Urgent'],
  2: ['Thượng khẩn', 'Very urgent'],
  3: ['Hỏa tốc', 'Flash'],
  4: ['Hỏa tốc hẹn giờ', 'Flash, timed'],
};
export const priorityLabel = (p: number): string => pick(PRIORITY[p], String(p));

export const CLASSIFICATION: Record<string, Pair> = {
  NONE: ['Không mật', 'Not classified'],
  MAT: ['Mật', 'Confidential'],
  TOI_MAT: ['Tối mật', 'Secret'],
  TUYET_MAT: ['Tuyệt mật', 'Top secret'],
};
export const classificationLabel = (c: string): string => pick(CLASSIFICATION[c], c);

export const LEVEL: Record<string, Pair> = {
  central: ['Trung ương', 'Central'],
  province: ['Tỉnh', 'Province'],
  district: ['Huyện', 'District'],
  commune: ['Xã', 'Commune'],
};
export const levelLabel = (l: string): string => pick(LEVEL[l], l);

export const ROLE: Record<string, Pair> = {
  clerk: ['Văn thư', 'Clerk'],
  admin: ['Quản trị', 'Administrator'],
  auditor: ['Kiểm tra viên', 'Auditor'],
  drafter: ['Chuyên viên', 'Drafter'],
  signer: ['Người ký', 'Signer'],
};

export const DRAFT_STATUS: Record<string, Pair> = {
  draft: ['Đang soạn', 'Drafting'],
  submitted: ['Chờ ký', 'Waiting for signature'],
  returned: ['Trả lại', 'Returned'],
  signed: ['Đã ký', 'Signed'],
};
export const draftStatusLabel = (s: string): string => pick(DRAFT_STATUS[s], s);

export const DRAFT_EVENT: Record<string, Pair> = {
  created: ['Tạo dự thảo', 'Created'],
  revised: ['Sửa đổi (phiên bản mới)', 'Revised (new version)'],
  submitted: ['Trình ký', 'Submitted for signature'],
  returned: ['Trả lại', 'Returned'],
  'signature-prepared': ['Chuẩn bị chữ ký', 'Signature prepared'],
  signed: ['Đã ký', 'Signed'],
  sealed: ['Vào sổ, đóng dấu và gửi', 'Registered, sealed and sent'],
};
export const draftEventLabel = (k: string): string => pick(DRAFT_EVENT[k], k);
export const roleLabel = (r: string): string => pick(ROLE[r], r);

export const BUSINESS_TYPE: Record<string, Pair> = {
  new: ['Văn bản mới', 'New'],
  update: ['Cập nhật', 'Update'],
  replace: ['Thay thế', 'Replace'],
  recall: ['Thu hồi', 'Recall'],
};
export const businessTypeLabel = (b: string): string => pick(BUSINESS_TYPE[b], b);

export const STEERING: Record<number, Pair> = {
  0: ['Không', 'None'],
  1: ['Chỉ đạo', 'Directive'],
  2: ['Báo cáo chỉ đạo', 'Report on a directive'],
};
export const steeringLabel = (s: number): string => pick(STEERING[s], String(s));

/** Decree 30/2020 Appendix III: the type names the service validates, with their abbreviations. */
export const DOCUMENT_TYPES: ReadonlyArray<readonly [name: string, abbreviation: string]> = [
  ['Công văn', ''],
  ['Nghị quyết', 'NQ'],
  ['Quyết định', 'QĐ'],
  ['Chỉ thị', 'CT'],
  ['Quy chế', 'QC'],
  ['Quy định', 'QyĐ'],
  ['Thông cáo', 'TC'],
  ['Thông báo', 'TB'],
  ['Hướng dẫn', 'HD'],
  ['Chương trình', 'CTr'],
  ['Kế hoạch', 'KH'],
  ['Phương án', 'PA'],
  ['Đề án', 'ĐA'],
  ['Dự án', 'DA'],
  ['Báo cáo', 'BC'],
  ['Biên bản', 'BB'],
  ['Tờ trình', 'TTr'],
  ['Hợp đồng', 'HĐ'],
  ['Công điện', 'CĐ'],
  ['Giấy ủy quyền', 'GUQ'],
  ['Giấy mời', 'GM'],
  ['Giấy giới thiệu', 'GGT'],
  ['Giấy nghỉ phép', 'GNP'],
  ['Phiếu gửi', 'PG'],
  ['Phiếu chuyển', 'PC'],
  ['Phiếu báo', 'PB'],
  ['Bản sao y', 'SY'],
  ['Bản trích sao', 'TrS'],
  ['Bản sao lục', 'SL'],
];
