// Classification stamps (Decree 26/2020: MẬT, TỐI MẬT, TUYỆT MẬT) found in a PDF's own text.
// Contract shared by the send policy and the verification workers; the text extraction behind it
// is bounded like verification (time, pages, bytes).
//
// What counts as a stamp is stamp-form.ts; how lines are formed is text-lines.ts; the bounded read
// is pdf-text.ts, after text-work.ts has measured (with our own parser) how much content it may
// hand to pdf.js.
//
// The scan is a net for a clerk's mistake (a stamped letter declared NONE), next to the declared
// classification, which stays the primary control. So a file pdf.js cannot open, a page over the
// content budget, or a read cut by the time budget yields the marks found so far (often none)
// rather than a refusal: the verifier has already judged the file's structure, and a budget that a
// busy machine can exceed must not refuse a legitimate letter at random. A stamp drawn as an image,
// or with a font that has no Unicode mapping, is not text and is not seen.
import { readPageTexts } from './pdf-text.js';
import { stampLevelOf } from './stamp-form.js';
import { linesOf } from './text-lines.js';
import { pagesWithinWork } from './text-work.js';

export type ClassificationLevel = 'MAT' | 'TOI_MAT' | 'TUYET_MAT';

export interface ClassificationMark {
  /** 1-based page number. */
  page: number;
  level: ClassificationLevel;
  /** The text as it stands on the page (the stamp), at most 40 characters. */
  text: string;
}

export interface MarkScanLimits {
  /** Pages read at most (the stamp stands on the first page; later pages are a bonus). Default 5. */
  maxPages?: number;
  /** Milliseconds for the whole scan; what is not read by then is not scanned. Default 3000. */
  timeBudgetMs?: number;
  /** Text pieces read at most per page. Default 5000. */
  maxPiecesPerPage?: number;
  /**
   * Decoded page content (forms counted per use) pdf.js may interpret, over the pages read; the
   * pages past it are not read. Default 1 MiB: a text letter's page holds a few KB, and pdf.js
   * needs up to ~0.8 s for 1 MiB of the slowest content measured (text drawn off the page).
   */
  maxContentBytes?: number;
}

export const DEFAULT_MARK_SCAN_LIMITS: Readonly<Required<MarkScanLimits>> = { maxPages: 5, timeBudgetMs: 3000, maxPiecesPerPage: 5000, maxContentBytes: 1024 * 1024 };

/** The stamp-form classification marks on the document's pages; [] when there are none. */
export async function scanClassificationMarks(pdf: Uint8Array, limits: MarkScanLimits = {}): Promise<ClassificationMark[]> {
  const l = { ...DEFAULT_MARK_SCAN_LIMITS, ...definedOf(limits) };
  const marks: ClassificationMark[] = [];
  const pages = pagesWithinWork(pdf, l.maxPages, l.maxContentBytes);
  if (pages === 0) return marks;
  await readPageTexts(pdf, { ...l, maxPages: pages }, (page, pieces) => {
    const found: ClassificationMark[] = [];
    for (const line of linesOf(pieces)) {
      const level = stampLevelOf(line);
      if (level) found.push({ page, level, text: line.slice(0, 40) });
    }
    if (!namesSeveralLevels(found)) marks.push(...found);
  });
  return marks;
}

/**
 * A document carries ONE level, stamped once (or once per page). A page on which several levels
 * stand alone is a table or a list about the levels (a report on the protection of state secrets
 * with columns "TUYỆT MẬT | TỐI MẬT | MẬT"), not a stamp.
 */
function namesSeveralLevels(marks: ClassificationMark[]): boolean {
  return new Set(marks.map((m) => m.level)).size > 1;
}

/** Options given as undefined keep their default. */
function definedOf(limits: MarkScanLimits): MarkScanLimits {
  return Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== undefined));
}
