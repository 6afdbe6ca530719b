// Decree 30/2020 Appendix III: the names of administrative documents and their abbreviations.
// Systems disagree on numeric codes, so the axis stores the name and accepts the abbreviation too.
import { fold } from './text.js';

export interface DocumentTypeName {
  name: string;
  /** null for Công văn: its notation is the issuing unit's. */
  abbreviation: string | null;
}

export const DOCUMENT_TYPES: readonly DocumentTypeName[] = [
  { name: 'Nghị quyết', abbreviation: 'NQ' },
  { name: 'Quyết định', abbreviation: 'QĐ' },
  { name: 'Chỉ thị', abbreviation: 'CT' },
  { name: 'Quy chế', abbreviation: 'QC' },
  { name: 'Quy định', abbreviation: 'QyĐ' },
  { name: 'Thông cáo', abbreviation: 'TC' },
  { name: 'Thông báo', abbreviation: 'TB' },
  { name: 'Hướng dẫn', abbreviation: 'HD' },
  { name: 'Chương trình', abbreviation: 'CTr' },
  { name: 'Kế hoạch', abbreviation: 'KH' },
  { name: 'Phương án', abbreviation: 'PA' },
  { name: 'Đề án', abbreviation: 'ĐA' },
  { name: 'Dự án', abbreviation: 'DA' },
  { name: 'Báo cáo', abbreviation: 'BC' },
  { name: 'Biên bản', abbreviation: 'BB' },
  { name: 'Tờ trình', abbreviation: 'TTr' },
  { name: 'Hợp đồng', abbreviation: 'HĐ' },
  { name: 'Công điện', abbreviation: 'CĐ' },
  { name: 'Giấy ủy quyền', abbreviation: 'GUQ' },
  { name: 'Giấy mời', abbreviation: 'GM' },
  { name: 'Giấy giới thiệu', abbreviation: 'GGT' },
  { name: 'Giấy nghỉ phép', abbreviation: 'GNP' },
  { name: 'Phiếu gửi', abbreviation: 'PG' },
  { name: 'Phiếu chuyển', abbreviation: 'PC' },
  { name: 'Phiếu báo', abbreviation: 'PB' },
  { name: 'Bản sao y', abbreviation: 'SY' },
  { name: 'Bản trích sao', abbreviation: 'TrS' },
  { name: 'Bản sao lục', abbreviation: 'SL' },
  { name: 'Công văn', abbreviation: null },
];

/**
 * The canonical name for a type given by name (case-, diacritic- and "uỷ/ủy"-insensitive) or by its
 * exact abbreviation. Abbreviations compare exactly because folding merges some (QĐ/QD, ĐA/DA).
 */
export function documentTypeName(input: string): string | undefined {
  const byAbbreviation = DOCUMENT_TYPES.find((t) => t.abbreviation !== null && t.abbreviation.normalize('NFC') === input.normalize('NFC'));
  if (byAbbreviation) return byAbbreviation.name;
  const key = fold(input);
  return DOCUMENT_TYPES.find((t) => fold(t.name) === key)?.name;
}
