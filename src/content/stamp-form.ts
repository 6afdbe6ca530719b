// The stamp form of a classification mark (Decree 26/2020/NĐ-CP, art. 8 and its appendix: the mark
// "MẬT", "TỐI MẬT" or "TUYỆT MẬT" in capitals, bold, alone in a single-bordered rectangle). A text
// line counts only when it IS the mark: nothing but the mark's words, in capitals. So running text
// never matches ("mật độ dân số", "bảo vệ bí mật nhà nước", "đổi mật khẩu"), nor does a heading in
// capitals that merely contains the word ("MẬT ĐỘ DÂN SỐ", "MẬT KHẨU", "BÍ MẬT NHÀ NƯỚC"), nor a
// lone lower-case "mật" that word-wrapping left on a line of its own.
//
// Each word is matched exactly with its diacritics or entirely without them ("MAT", "TOI MAT",
// a font without Vietnamese glyphs): "MẮT" (eye) or "MÁT" (cool) are other words, not the mark.
// Letter-spaced stamps ("M Ậ T", "TỐI  MẬT") are the same mark: spaces inside are ignored.
import type { ClassificationLevel } from './classification-marks.js';

/** The mark's words, whitespace removed, each with and without diacritics. */
const STAMPS: ReadonlyMap<string, ClassificationLevel> = (() => {
  const mat = ['MẬT', 'MAT'];
  const forms = new Map<string, ClassificationLevel>();
  for (const m of mat) {
    forms.set(m, 'MAT');
    for (const toi of ['TỐI', 'TOI']) forms.set(toi + m, 'TOI_MAT');
    for (const tuyet of ['TUYỆT', 'TUYET']) forms.set(tuyet + m, 'TUYET_MAT');
  }
  return forms;
})();

/** Longer lines are not a stamp; also keeps the work per line constant. */
export const MAX_STAMP_LINE = 40;

/** Punctuation, symbols and spaces around the mark: a box drawn with characters, brackets, a colon. */
const FRAME = /^[\p{P}\p{S}\p{Z}\s]+|[\p{P}\p{S}\p{Z}\s]+$/gu;

/** The level a line of text stands for when it is a classification stamp; null otherwise. */
export function stampLevelOf(line: string): ClassificationLevel | null {
  if (line.length > MAX_STAMP_LINE * 2) return null;
  const text = line.normalize('NFC').replace(FRAME, '');
  if (text.length === 0 || text.length > MAX_STAMP_LINE) return null;
  if (/\p{Ll}/u.test(text)) return null; // the stamp is printed in capitals
  return STAMPS.get(text.replace(/[\p{Z}\s]+/gu, '')) ?? null;
}
