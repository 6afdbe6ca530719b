// The text of a PDF's first pages, read with pdf.js (a kept parser: fonts, ToUnicode maps and
// content streams are what it does) under explicit bounds: pages read, text pieces per page, and a
// deadline after which reading stops and the document is released. pdf.js is imported here, on
// first use, so that the CLI and the parts of the service that never read text do not load it.
//
// In Node pdf.js runs its "worker" on this thread (its fake worker, loaded from its own package,
// no fetch): the whole scan is meant to run inside the verification worker (src/pades/verifier.ts).
// The deadline here is cooperative: the fake worker passes work on with resolved promises, so the
// timer gets its turn only when pdf.js waits (a chunk of text handed over). What pdf.js may be
// given is therefore bounded before it starts (text-work.ts), and the verification worker's own
// deadline is the hard bound.

import type { TextPiece } from './text-lines.js';

export interface TextReadLimits {
  /** Pages read at most, from the first. */
  maxPages: number;
  /** Text pieces read at most per page (the rest of the page is not read). */
  maxPiecesPerPage: number;
  /** Milliseconds for the whole read, document opening included. */
  timeBudgetMs: number;
}

/** How the read ended: every page asked for, the deadline, or pdf.js could not open the file. */
export type TextReadOutcome = 'complete' | 'budget' | 'unreadable';

/** Called with each page's pieces in order (1-based page number). */
export type PageVisitor = (page: number, pieces: TextPiece[]) => void;

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
type LoadingTask = ReturnType<PdfJs['getDocument']>;
type Page = Awaited<ReturnType<Awaited<LoadingTask['promise']>['getPage']>>;

/** pdf.js options for untrusted input: no eval, no fonts installed, no fetch of any kind, no XFA, no logging. */
function documentParameters(pdf: Uint8Array) {
  return {
    // A copy, as a plain Uint8Array: pdf.js detaches the buffer it is given (the caller keeps its
    // bytes) and refuses a Buffer, whose slice() would be a view anyway.
    data: new Uint8Array(pdf),
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    useWorkerFetch: false,
    useWasm: false,
    enableXfa: false,
    disableRange: true,
    disableStream: true,
    disableAutoFetch: true,
    isOffscreenCanvasSupported: false,
    isImageDecoderSupported: false,
    stopAtErrors: false, // a damaged page yields what text it has, like a viewer shows it
    verbosity: 0, // errors only: warnings about fonts and broken streams are not ours to print
  };
}

/** Reads up to the limits, calling `visit` per page; never throws for what the file contains. */
export async function readPageTexts(pdf: Uint8Array, limits: TextReadLimits, visit: PageVisitor): Promise<TextReadOutcome> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs'); // loading the library is not the document's cost
  const deadline = Date.now() + limits.timeBudgetMs;
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<'budget'>((resolve) => {
    timer = setTimeout(() => resolve('budget'), Math.max(0, limits.timeBudgetMs));
  });
  let task: LoadingTask;
  try {
    task = pdfjs.getDocument(documentParameters(pdf));
  } catch {
    clearTimeout(timer);
    return 'unreadable';
  }
  const state = { stopped: false };
  try {
    return await Promise.race([readAll(task, limits, deadline, state, visit), expired]);
  } finally {
    state.stopped = true;
    clearTimeout(timer);
    // Releases the parsed document and ends whatever pdf.js was still doing for it.
    await task.destroy().catch(() => undefined);
  }
}

async function readAll(task: LoadingTask, limits: TextReadLimits, deadline: number, state: { stopped: boolean }, visit: PageVisitor): Promise<TextReadOutcome> {
  let doc: Awaited<LoadingTask['promise']>;
  try {
    doc = await task.promise;
  } catch {
    return state.stopped ? 'budget' : 'unreadable';
  }
  const pages = Math.min(doc.numPages, limits.maxPages);
  for (let n = 1; n <= pages; n++) {
    if (state.stopped || Date.now() >= deadline) return 'budget';
    let page: Page;
    try {
      page = await doc.getPage(n);
    } catch {
      continue; // a broken page object: the next may still be read
    }
    const pieces = await piecesOf(page, limits.maxPiecesPerPage, state).catch(() => [] as TextPiece[]);
    if (state.stopped) return 'budget';
    visit(n, pieces);
  }
  return 'complete';
}

/** The page's text pieces, stopping at `max` (the stream is cancelled, pdf.js stops extracting). */
async function piecesOf(page: Page, max: number, state: { stopped: boolean }): Promise<TextPiece[]> {
  const pieces: TextPiece[] = [];
  const reader = page.streamTextContent().getReader();
  try {
    while (pieces.length < max && !state.stopped) {
      const { done, value } = await reader.read();
      if (done) break;
      for (const item of (value as { items: unknown[] }).items) {
        if (pieces.length >= max) break;
        if (isPiece(item)) pieces.push({ str: item.str, transform: item.transform, width: item.width, height: item.height, hasEOL: item.hasEOL === true });
      }
    }
  } finally {
    await reader.cancel(new Error('enough text read')).catch(() => undefined); // pdf.js asserts a reason
  }
  return pieces;
}

function isPiece(item: unknown): item is TextPiece {
  const i = item as Partial<TextPiece> | null;
  return typeof i?.str === 'string' && Array.isArray(i.transform) && typeof i.width === 'number' && typeof i.height === 'number';
}
