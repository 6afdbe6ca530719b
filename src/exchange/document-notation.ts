// Số và ký hiệu (Decree 30/2020, art. 8 and Appendix III): the notation after a register number is
// "<type abbreviation>-<agency abbreviation>" (123/QĐ-UBND); a Công văn has no type abbreviation,
// so its notation is the agency's, optionally followed by the drafting unit's (45/UBND-VP). Also
// the two lines the number widget writes into the document: "Số: 123/QĐ-UBND" and
// "Thái Bình, ngày 07 tháng 12 năm 2026" (the date in Vietnam time).
import { DocaxisError } from '../errors.js';
import { DOCUMENT_TYPES, documentTypeName } from './document-types.js';
import { fold } from './text.js';

/** The Decree 30 type abbreviation of a type given by name or abbreviation; null for Công văn. */
export function typeAbbreviation(documentType: string): string | null {
  const name = documentTypeName(documentType);
  const type = name === undefined ? undefined : DOCUMENT_TYPES.find((t) => t.name === name);
  if (!type) throw new DocaxisError('REGISTER_INPUT_INVALID', `unknown document type "${documentType}" (Decree 30/2020, Appendix III)`);
  return type.abbreviation;
}

/** Names whose abbreviation is fixed by usage, not by the initials rule (folded prefix -> abbreviation). */
const FIXED: ReadonlyArray<[string, string]> = [
  ['uy ban nhan dan', 'UBND'],
  ['hoi dong nhan dan', 'HĐND'],
  ['van phong chinh phu', 'VPCP'],
];

/** Words that start the place part of a name ("Sở Y tế tỉnh Thái Bình"): the notation leaves it out. */
const PLACE_WORDS = new Set(['tinh', 'thanh pho', 'huyen', 'quan', 'thi xa', 'xa', 'phuong', 'thi tran']);
const SKIPPED = new Set(['va']);

/**
 * The agency part of a notation derived from the agency's name: UBND for every People's Committee
 * (province, district and commune alike, as their documents show), HĐND likewise, VPCP; otherwise
 * the initials of the name before its place part, "và" skipped: Sở Nội vụ -> SNV, Sở Y tế tỉnh
 * Thái Bình -> SYT, Sở Kế hoạch và Đầu tư -> SKHĐT. An agency whose usage differs has its own
 * abbreviation stored (RegisterStore.setAbbreviation), which wins over this rule.
 */
export function deriveAgencyAbbreviation(agencyName: string): string {
  const name = agencyName.normalize('NFC').trim();
  const folded = fold(name);
  for (const [prefix, abbreviation] of FIXED) if (folded === prefix || folded.startsWith(`${prefix} `)) return abbreviation;
  const words = name.split(/\s+/).filter((w) => w !== '');
  const initials: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const one = fold(words[i]!);
    const two = i + 1 < words.length ? `${one} ${fold(words[i + 1]!)}` : '';
    // Not the first word: "Xã ..." would otherwise have no name at all.
    if (i > 0 && (PLACE_WORDS.has(one) || PLACE_WORDS.has(two))) break;
    if (SKIPPED.has(one)) continue;
    const first = [...words[i]!][0]!;
    if (/\p{L}|\p{N}/u.test(first)) initials.push(first.toLocaleUpperCase('vi'));
  }
  if (initials.length === 0) throw new DocaxisError('REGISTER_INPUT_INVALID', `no abbreviation can be derived from the agency name "${agencyName}"`);
  return initials.join('');
}

/** "QĐ-UBND"; for a Công văn "UBND" or, with the drafting unit, "UBND-VP". */
export function notationFor(documentType: string, agencyAbbreviation: string, unitAbbreviation?: string): string {
  const type = typeAbbreviation(documentType);
  if (type !== null) return `${type}-${agencyAbbreviation}`;
  return unitAbbreviation ? `${agencyAbbreviation}-${unitAbbreviation}` : agencyAbbreviation;
}

const VIETNAM_OFFSET_MS = 7 * 3600 * 1000;

/** The calendar year in Vietnam (UTC+7, no DST) at `at`: the register's year. */
export function vietnamYear(at: Date): number {
  return new Date(at.getTime() + VIETNAM_OFFSET_MS).getUTCFullYear();
}

/** "Số: 123/QĐ-UBND". */
export function numberLine(number: number, notation: string): string {
  return `Số: ${number}/${notation}`;
}

/**
 * "Thái Bình, ngày 07 tháng 12 năm 2026". Decree 30/2020 Appendix I: a day below 10 and the
 * months 1 and 2 take a leading zero (so "tháng 02", but "tháng 3"), against misreading.
 */
export function placeDateLine(place: string, at: Date): string {
  const d = new Date(at.getTime() + VIETNAM_OFFSET_MS);
  const dd = String(d.getUTCDate()).padStart(2, '0');
  const month = d.getUTCMonth() + 1;
  const mm = month <= 2 ? `0${month}` : String(month);
  return `${place.trim()}, ngày ${dd} tháng ${mm} năm ${d.getUTCFullYear()}`.normalize('NFC');
}
