// Pieces of text to lines: same baseline and a word gap at most join; a column gap, a new baseline,
// a change of direction or an end of line split.
import { describe, expect, it } from 'vitest';
import { linesOf, type TextPiece } from '../../src/content/text-lines.js';

/** A horizontal piece at (x, y) in a font of `size`, each character `size * 0.6` wide. */
const at = (str: string, x: number, y: number, size = 12, hasEOL = false): TextPiece => ({ str, transform: [size, 0, 0, size, x, y], width: str.length * size * 0.6, height: size, hasEOL });

describe('linesOf', () => {
  it('a stamp on the same baseline as the agency name, far to its right, is a line of its own', () => {
    expect(linesOf([at('ỦY BAN NHÂN DÂN', 60, 800), at('MẬT', 480, 800)])).toEqual(['ỦY BAN NHÂN DÂN', 'MẬT']);
    // Drawn in the other order: the text goes back to the left, a new line.
    expect(linesOf([at('MẬT', 480, 800), at('ỦY BAN NHÂN DÂN', 60, 800)])).toEqual(['MẬT', 'ỦY BAN NHÂN DÂN']);
    // As pdf.js reports it: the gap between them is a space piece as wide as the gap.
    const name = at('ỦY BAN NHÂN DÂN', 60, 800);
    const gap = { ...at(' ', 60 + name.width, 800), width: 480 - 60 - name.width };
    expect(linesOf([name, gap, at('MẬT', 480, 800)])).toEqual(['ỦY BAN NHÂN DÂN', 'MẬT']);
    expect(linesOf([at('TỐI', 100, 800), { ...at(' ', 121.6, 800), width: 3 }, at('MẬT', 124.6, 800)])).toEqual(['TỐI MẬT']);
  });

  it('pieces of one line join, with a space where the gap is a word gap', () => {
    const a = at('bảo vệ bí', 60, 700);
    const gapAfter = 60 + a.width;
    expect(linesOf([a, at('mật', gapAfter + 3, 700), at(' nhà nước', gapAfter + 3 + 3 * 7.2, 700)])).toEqual(['bảo vệ bí mật nhà nước']);
    expect(linesOf([at('TỐI', 100, 700), at('MẬT', 100 + 3 * 7.2 + 0.5, 700)])).toEqual(['TỐIMẬT']);
  });

  it('a letter-spaced stamp stays one line', () => {
    const pieces = ['M', 'Ậ', 'T'].map((c, i) => at(c, 400 + i * 14, 800));
    expect(linesOf(pieces)).toEqual(['M Ậ T']);
  });

  it('a new baseline, an end of line or an empty EOL piece splits', () => {
    expect(linesOf([at('bí', 60, 700), at('MẬT', 60 + 1.2 * 12 + 2, 688)])).toEqual(['bí', 'MẬT']);
    expect(linesOf([at('bí', 60, 700, 12, true), at('MẬT', 60 + 14.4 + 2, 700)])).toEqual(['bí', 'MẬT']);
    expect(linesOf([at('bí', 60, 700), { ...at('', 0, 0), width: 0, hasEOL: true }, at('MẬT', 74, 700)])).toEqual(['bí', 'MẬT']);
  });

  it('rotated text joins along its own direction', () => {
    const up = (str: string, y: number): TextPiece => ({ str, transform: [0, 12, -12, 0, 300, y], width: str.length * 7.2, height: 12, hasEOL: false });
    expect(linesOf([up('TỐI', 100), up('MẬT', 100 + 21.6 + 3)])).toEqual(['TỐI MẬT']);
    expect(linesOf([at('TỐI', 300, 100), up('MẬT', 121.6 + 3)])).toEqual(['TỐI', 'MẬT']);
  });

  it('pieces with a broken matrix are left out, not thrown on', () => {
    expect(linesOf([{ ...at('MẬT', 0, 0), transform: [NaN, 0, 0, 12, 0, 0] }, { ...at('x', 0, 0), transform: [] }, at('TUYỆT MẬT', 60, 500)])).toEqual(['TUYỆT MẬT']);
  });
});
