// Locating and loading the Unicode font shipped for visible-signature text. DejaVu Sans covers
// every Vietnamese letter as a precomposed glyph (after NFC), which the standard 14 PDF fonts do
// not. Nothing is cached here on purpose: callers that sign many documents keep the bytes.

import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

import { DocaxisError } from '../errors.js';

/** File name of the default font under assets/fonts/. */
export const DEFAULT_FONT_FILE = 'DejaVuSans.ttf';

/**
 * Absolute path of a font under the project's assets/fonts/. The module sits at src/pades/ (tsx,
 * vitest) or dist/pades/ (build), both two levels below the project root.
 */
export function defaultFontPath(file: string = DEFAULT_FONT_FILE): string {
  return fileURLToPath(new URL(`../../assets/fonts/${file}`, import.meta.url));
}

/** Reads a TrueType font; a missing/unreadable file is FILE_UNREADABLE (a deployment problem). */
export async function loadFontBytes(path: string = defaultFontPath()): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : String(e));
    throw new DocaxisError('FILE_UNREADABLE', `font ${path} (${why})`, { cause: e });
  }
}
