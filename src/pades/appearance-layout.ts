// Pure geometry of a visible-signature appearance: where the image goes and how big the text can
// be. No PDF objects here, so the placement rules (Decree 30 practice) are testable on their own.

import { DocaxisError } from '../errors.js';

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/**
 * Metrics at size 1 (points per point of font size). ascent/descent are the real ink extents of
 * the text being laid out, not the font's hhea values: Vietnamese capitals with stacked marks
 * (Ủ, Ẩ) rise well above the ascender and would otherwise spill out of their area.
 */
export interface Measure {
  widthAt1(text: string): number;
  ascent: number; // above the baseline, positive
  descent: number; // below the baseline, positive
}

export interface FittedText {
  size: number;
  lines: string[]; // after word wrapping
  lineHeight: number;
}

export const MIN_FONT_SIZE = 5;
/** Down to this size a line is shrunk rather than wrapped: a split date or name reads worse. */
const NO_WRAP_MIN_SIZE = 7;
/** Line pitch as a multiple of the font size; 1.2 is the usual typographic default. */
const LINE_PITCH = 1.2;
const SIZE_STEP = 0.25;

/** Height of `n` lines at `size`: first ascent, n-1 pitches, last descent. */
export function blockHeight(n: number, size: number, m: Measure): number {
  if (n === 0) return 0;
  return (m.ascent + m.descent + (n - 1) * lineFactor(m)) * size;
}

function lineFactor(m: Measure): number {
  // Never pitch tighter than the ink, or a line's marks would touch the descenders above it.
  return Math.max(LINE_PITCH, m.ascent + m.descent + 0.05);
}

/**
 * Greedy word wrap of one line to `maxWidth` at `size`; undefined if a single word is wider than
 * the box (the caller then tries a smaller size). Spaces are kept as written inside a line.
 */
export function wrapLine(text: string, maxWidth: number, size: number, widthAt1: (t: string) => number): string[] | undefined {
  if (widthAt1(text) * size <= maxWidth) return [text];
  const words = text.split(/ +/).filter((w) => w !== '');
  const out: string[] = [];
  let current = '';
  for (const word of words) {
    if (widthAt1(word) * size > maxWidth) return undefined;
    const candidate = current === '' ? word : `${current} ${word}`;
    if (widthAt1(candidate) * size <= maxWidth) {
      current = candidate;
    } else {
      out.push(current);
      current = word;
    }
  }
  if (current !== '') out.push(current);
  return out;
}

/**
 * The largest size in [NO_WRAP_MIN_SIZE, maxSize] (0.25 pt steps) at which all lines fit `box`
 * unwrapped; failing that, the largest in [MIN_FONT_SIZE, maxSize] with word wrapping; or exactly
 * `fixedSize` (wrapped if needed) when the caller chose one. Throws SIG_APPEARANCE_INVALID if
 * nothing fits: a signature whose text is cut off must not be produced silently.
 */
export function fitText(lines: string[], box: Box, m: Measure, opts: { maxSize: number; fixedSize?: number }): FittedText {
  if (lines.length === 0) return { size: opts.maxSize, lines: [], lineHeight: 0 };
  // Widths are linear in the size: measure each distinct string once at size 1.
  const cache = new Map<string, number>();
  const widthAt1 = (t: string): number => {
    let w = cache.get(t);
    if (w === undefined) {
      w = m.widthAt1(t);
      cache.set(t, w);
    }
    return w;
  };
  const tryAt = (size: number, wrap = true): FittedText | undefined => {
    const wrapped: string[] = [];
    for (const line of lines) {
      const parts = wrap ? wrapLine(line, box.w, size, widthAt1) : widthAt1(line) * size <= box.w ? [line] : undefined;
      if (!parts) return undefined;
      wrapped.push(...parts);
    }
    if (blockHeight(wrapped.length, size, m) > box.h) return undefined;
    return { size, lines: wrapped, lineHeight: lineFactor(m) * size };
  };
  if (opts.fixedSize !== undefined) {
    const fitted = tryAt(opts.fixedSize);
    if (!fitted) {
      throw new DocaxisError('SIG_APPEARANCE_INVALID', `the text does not fit a ${fmt(box.w)}x${fmt(box.h)} pt area at ${opts.fixedSize} pt`);
    }
    return fitted;
  }
  for (let size = opts.maxSize; size >= Math.min(opts.maxSize, NO_WRAP_MIN_SIZE) - 1e-9; size -= SIZE_STEP) {
    const fitted = tryAt(size, false);
    if (fitted) return fitted;
  }
  for (let size = opts.maxSize; size >= MIN_FONT_SIZE - 1e-9; size -= SIZE_STEP) {
    const fitted = tryAt(size);
    if (fitted) return fitted;
  }
  throw new DocaxisError(
    'SIG_APPEARANCE_INVALID',
    `the box is too small: the text does not fit a ${fmt(box.w)}x${fmt(box.h)} pt area even at ${MIN_FONT_SIZE} pt`,
  );
}

function fmt(n: number): string {
  return String(Math.round(n * 10) / 10);
}

/** Scales an image of `iw`x`ih` pixels to fit `box`, keeping its aspect ratio, centred. */
export function fitImage(iw: number, ih: number, box: Box): Box {
  const s = Math.min(box.w / iw, box.h / ih);
  const w = iw * s;
  const h = ih * s;
  return { x: box.x + (box.w - w) / 2, y: box.y + (box.h - h) / 2, w, h };
}

export type Align = 'left' | 'center' | 'right';
export type VAlign = 'top' | 'middle';

export interface PlacedLine {
  text: string;
  x: number;
  baseline: number;
}

/** Baseline positions of fitted lines inside `box`. */
export function placeLines(t: FittedText, box: Box, m: Measure, align: Align, valign: VAlign): PlacedLine[] {
  const block = blockHeight(t.lines.length, t.size, m);
  const top = valign === 'top' ? box.y + box.h : box.y + (box.h + block) / 2;
  return t.lines.map((text, i) => {
    const width = m.widthAt1(text) * t.size;
    const x = align === 'left' ? box.x : align === 'right' ? box.x + box.w - width : box.x + (box.w - width) / 2;
    return { text, x, baseline: top - m.ascent * t.size - i * t.lineHeight };
  });
}

export interface Plan {
  image?: Box;
  text?: { box: Box; align: Align; valign: VAlign; maxSize: number };
}

/** Inner margin: a little air so text does not touch the widget border. */
export function padding(w: number, h: number): number {
  return Math.min(4, Math.max(1, Math.min(w, h) * 0.04));
}

/**
 * Where the image and the text go for each layout (all in the form's own space, origin bottom-left).
 * - signer: the handwritten signature in the upper 60%, the lines (title, name) centred below it.
 * - seal:   the seal as a square of the full box height on the left (real size: the caller sizes
 *           the box), the lines left-aligned to its right, vertically centred; with textSide
 *           'left' the seal is on the right and the lines right-aligned to its left, so that text
 *           can sit beside the signer's image instead of over it.
 * - text:   lines only, top-down, left-aligned (SAO Y copies, plain visible signatures).
 */
export function planLayout(layout: 'signer' | 'seal' | 'text', w: number, h: number, hasImage: boolean, hasText: boolean, textSide: 'left' | 'right' = 'right'): Plan {
  const p = padding(w, h);
  const inner: Box = { x: p, y: p, w: w - 2 * p, h: h - 2 * p };
  switch (layout) {
    case 'signer': {
      if (!hasImage) return { text: { box: inner, align: 'center', valign: 'middle', maxSize: 12 } };
      if (!hasText) return { image: inner };
      const split = h * 0.4;
      return {
        image: { x: p, y: split, w: w - 2 * p, h: h - p - split },
        text: { box: { x: p, y: p, w: w - 2 * p, h: split - p }, align: 'center', valign: 'middle', maxSize: 12 },
      };
    }
    case 'seal': {
      if (!hasImage) return { text: { box: inner, align: 'left', valign: 'middle', maxSize: 10 } };
      const image: Box = { x: textSide === 'left' ? w - h : 0, y: 0, w: h, h };
      if (!hasText) return { image };
      const gap = Math.max(2, h * 0.05);
      const textW = w - p - h - gap;
      if (textW < 20) {
        throw new DocaxisError('SIG_APPEARANCE_INVALID', `the seal layout needs the box wider than its height plus 20 pt for the text (got ${w}x${h} pt)`);
      }
      const x = textSide === 'left' ? p : h + gap;
      return { image, text: { box: { x, y: p, w: textW, h: h - 2 * p }, align: textSide === 'left' ? 'right' : 'left', valign: 'middle', maxSize: 10 } };
    }
    case 'text':
      // 10 pt is the size the copy rules prescribe for the "SAO Y" block; shrink if needed.
      return { text: { box: inner, align: 'left', valign: 'top', maxSize: 10 } };
  }
}
