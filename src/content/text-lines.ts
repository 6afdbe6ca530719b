// Text pieces of a page (in content-stream order, each with its position) grouped into lines as a
// reader sees them: pieces that follow one another on the same baseline with at most a word gap
// between them. A wide gap starts a new line even on the same baseline, so a stamp in the top
// right corner stays apart from the agency's name printed at the same height on the left (pdf.js
// reports that gap as one wide space piece).

/** One piece of text as pdf.js reports it (TextItem): a string drawn with a text matrix. */
export interface TextPiece {
  str: string;
  /** [a, b, c, d, e, f]: the text space of the piece; (e, f) is where it starts. */
  transform: number[];
  /** Advance along the writing direction, in page units. */
  width: number;
  height: number;
  /** The producer ended a line after this piece. */
  hasEOL: boolean;
}

/** Gaps up to this many font sizes still join two pieces (word spacing, kerning, a letter-spaced stamp). */
const MAX_GAP = 1.5;
/** Baselines closer than this many font sizes are one. */
const MAX_RISE = 0.3;
/** A gap above this many font sizes between pieces without spaces stands for a space. */
const SPACE_GAP = 0.15;

interface Cursor {
  /** Where the last piece ended. */
  x: number;
  y: number;
  /** Unit vector of the writing direction. */
  ux: number;
  uy: number;
  size: number;
}

function geometry(p: TextPiece): { x: number; y: number; ux: number; uy: number; size: number } | null {
  const [a = 0, b = 0, c = 0, d = 0, e = 0, f = 0] = p.transform;
  const scale = Math.hypot(a, b);
  const size = Math.hypot(c, d) || p.height;
  if (![a, b, c, d, e, f, p.width].every(Number.isFinite) || scale === 0 || !(size > 0)) return null;
  return { x: e, y: f, ux: a / scale, uy: b / scale, size };
}

/** The page's lines, in the order their first piece was drawn. */
export function linesOf(pieces: Iterable<TextPiece>): string[] {
  const lines: string[] = [];
  let text = '';
  let at: Cursor | null = null;
  const close = () => {
    if (text.trim()) lines.push(text.trim());
    text = '';
    at = null;
  };
  for (const p of pieces) {
    const g = geometry(p);
    if (p.str === '' || !g) {
      if (p.hasEOL) close();
      continue;
    }
    if (/^\s+$/u.test(p.str) && p.width > MAX_GAP * g.size) {
      // pdf.js reports a wide gap on one baseline as a space piece as wide as the gap: a column gap.
      close();
      continue;
    }
    if (at !== null) {
      const c: Cursor = at;
      // The new piece's start seen from where the last one ended, along and across its direction.
      const dx = g.x - c.x;
      const dy = g.y - c.y;
      const along = dx * c.ux + dy * c.uy;
      const across = -dx * c.uy + dy * c.ux;
      const size = Math.max(c.size, g.size);
      const sameDirection = Math.abs(g.ux - c.ux) < 1e-3 && Math.abs(g.uy - c.uy) < 1e-3;
      if (!sameDirection || Math.abs(across) > MAX_RISE * size || along < -0.5 * size || along > MAX_GAP * size) close();
      else if (along > SPACE_GAP * size && !/\s$/u.test(text) && !/^\s/u.test(p.str)) text += ' ';
    }
    text += p.str;
    at = { x: g.x + g.ux * p.width, y: g.y + g.uy * p.width, ux: g.ux, uy: g.uy, size: g.size };
    if (p.hasEOL) close();
  }
  close();
  return lines;
}
