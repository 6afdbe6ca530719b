// The font side of an appearance: embedding the subset with pdf-lib, measuring the text, and
// naming the subset as ISO 32000-1 §9.6.4 requires.

import { createHash } from 'node:crypto';

import fontkit, { type Font as FontkitFont } from '@pdf-lib/fontkit';
import { PDFArray, PDFDict, PDFName, PDFRef, PDFStream, type PDFContext, type PDFDocument, type PDFFont } from 'pdf-lib';

import { DocaxisError, asDocaxisError } from '../errors.js';
import type { Measure } from './appearance-layout.js';

/**
 * OpenType features switched off for shaping. pdf-lib draws glyphs at their advance widths and
 * ignores GPOS offsets anyway; with substitutions off too, one code point is one glyph, so the
 * width we compute from per-glyph advances is exactly what gets drawn (no "fi" ligature surprises)
 * and we avoid running the shaper for every trial size while fitting.
 */
const NO_SUBSTITUTIONS = { liga: false, clig: false, calt: false, rlig: false, ccmp: false, locl: false, kern: false, mark: false, mkmk: false };

export interface EmbeddedFont {
  pdfFont: PDFFont;
  /** A metrics-only fontkit instance (per-glyph bounding boxes, coverage, PostScript name). */
  metrics: FontkitFont;
}

/**
 * Embeds `bytes` as a subset (only glyphs later passed to encodeText end up in the file). The
 * second, metrics-only parse costs a few ms (fontkit reads tables lazily); pdf-lib keeps its own
 * instance private and does not expose glyph bounding boxes.
 */
export async function embedSubsetFont(doc: PDFDocument, bytes: Uint8Array): Promise<EmbeddedFont> {
  try {
    doc.registerFontkit(fontkit);
    const metrics = fontkit.create(bytes);
    const pdfFont = await doc.embedFont(bytes, { subset: true, features: NO_SUBSTITUTIONS });
    return { pdfFont, metrics };
  } catch (e) {
    throw asDocaxisError(e, 'SIG_APPEARANCE_INVALID', 'the font could not be parsed (TrueType expected)');
  }
}

/**
 * Widths as the sum of glyph advances (see NO_SUBSTITUTIONS), vertical extents from the ink of the
 * glyphs actually used. Refuses characters the font lacks: .notdef boxes on an official document
 * are worse than an error.
 */
export function measureText(font: EmbeddedFont, lines: string[]): Measure {
  const { metrics } = font;
  const advance = new Map<number, number>();
  let top = 0;
  let bottom = 0;
  const missing: number[] = [];
  for (const cp of new Set([...lines.join('')].map((c) => c.codePointAt(0)!))) {
    if (!metrics.hasGlyphForCodePoint(cp)) {
      missing.push(cp);
      continue;
    }
    const glyph = metrics.glyphForCodePoint(cp);
    advance.set(cp, glyph.advanceWidth);
    const bb = glyph.bbox; // ±Infinity for blank glyphs
    if (Number.isFinite(bb.maxY)) top = Math.max(top, bb.maxY);
    if (Number.isFinite(bb.minY)) bottom = Math.min(bottom, bb.minY);
  }
  if (missing.length > 0) {
    const list = missing.slice(0, 5).map((cp) => `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`);
    throw new DocaxisError('SIG_APPEARANCE_INVALID', `the font has no glyph for ${list.join(', ')}`);
  }
  return {
    widthAt1: (t) => {
      let units = 0;
      for (const c of t) units += advance.get(c.codePointAt(0)!) ?? 0;
      return units / metrics.unitsPerEm;
    },
    ascent: top / metrics.unitsPerEm,
    descent: -bottom / metrics.unitsPerEm,
  };
}

/**
 * pdf-lib names a subset "DejaVuSans-1234"; the spec wants "ABCDEF+DejaVuSans" (six capitals and
 * a plus), which is how viewers, pdffonts and PDF/A validators recognise a subset. The tag is
 * derived from the embedded font program, so the same glyph set gives the same bytes (reproducible
 * output) while different subsets get different tags. Call after doc.flush().
 */
export function tagSubsetFont(context: PDFContext, fontRef: PDFRef, postscriptName: string): string {
  const type0 = context.lookup(fontRef, PDFDict);
  const descendants = type0.lookup(PDFName.of('DescendantFonts'), PDFArray);
  const cidFont = descendants.lookup(0, PDFDict);
  const descriptor = cidFont.lookup(PDFName.of('FontDescriptor'), PDFDict);
  const program = descriptor.lookup(PDFName.of('FontFile2'));
  if (!(program instanceof PDFStream)) throw new DocaxisError('INTERNAL', 'embedded font has no FontFile2 stream');
  const digest = createHash('sha256').update(program.getContents()).digest();
  const tag = Array.from(digest.subarray(0, 6), (b) => String.fromCharCode(65 + (b % 26))).join('');
  // A PostScript name has no spaces or delimiters; keep what the font says, minus anything odd.
  const base = postscriptName.replace(/[^\x21-\x7e]|[()<>[\]{}/%#]/g, '') || 'Font';
  const name = PDFName.of(`${tag}+${base}`);
  type0.set(PDFName.of('BaseFont'), name);
  cidFont.set(PDFName.of('BaseFont'), name);
  descriptor.set(PDFName.of('FontName'), name);
  return name.asString().slice(1);
}
