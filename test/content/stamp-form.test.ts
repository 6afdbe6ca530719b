// The stamp form alone (no PDF): which lines of text are a classification stamp.
import { describe, expect, it } from 'vitest';
import { stampLevelOf } from '../../src/content/stamp-form.js';

describe('stampLevelOf: the mark standing alone, in capitals', () => {
  it.each([
    ['MẬT', 'MAT'],
    ['TỐI MẬT', 'TOI_MAT'],
    ['TUYỆT MẬT', 'TUYET_MAT'],
    ['MAT', 'MAT'],
    ['TOI MAT', 'TOI_MAT'],
    ['TUYET MAT', 'TUYET_MAT'],
    ['TỐI MAT', 'TOI_MAT'], // one word typed without its diacritics
    ['  MẬT  ', 'MAT'],
    ['TỐI   MẬT', 'TOI_MAT'],
    ['M Ậ T', 'MAT'], // letter-spaced
    ['T U Y Ệ T  M Ậ T', 'TUYET_MAT'],
    ['TỐI\u00a0MẬT', 'TOI_MAT'], // no-break space
    ['[MẬT]', 'MAT'], // a box drawn with characters
    ['│ TUYỆT MẬT │', 'TUYET_MAT'],
    ['TỐI MẬT'.normalize('NFD'), 'TOI_MAT'], // decomposed letters, as some producers map them
  ] as const)('%j is a stamp (%s)', (line, level) => {
    expect(stampLevelOf(line)).toBe(level);
  });

  it.each([
    'mật',
    'Mật', // a word capitalised at the start of a sentence, not a stamp
    'Tối mật',
    'mật độ dân số',
    'Mật độ dân số của tỉnh năm 2025',
    'bảo vệ bí mật nhà nước',
    'đổi mật khẩu',
    'MẬT ĐỘ', // a heading that merely contains the word
    'MẬT ĐỘ DÂN SỐ',
    'MẬT KHẨU',
    'BÍ MẬT NHÀ NƯỚC',
    'BẢO VỆ BÍ MẬT NHÀ NƯỚC',
    'KHÔNG MẬT',
    'MẬT 01',
    'MẮT', // eye: another word, whatever its case
    'MÁT',
    'MẠT',
    'TỐI MẮT',
    'TỐI-MẬT',
    'MATT',
    'AMAT',
    'ỦY BAN NHÂN DÂN',
    'KHẨN',
    '',
    '   ',
    'MẬT'.repeat(30),
  ])('%j is not', (line) => {
    expect(stampLevelOf(line)).toBeNull();
  });
});
