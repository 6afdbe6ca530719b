// The visible appearance of a signature widget (Decree 30/2020 practice): a Form XObject with the
// handwritten signature or the agency seal image and Vietnamese text in an embedded font subset.
//
// It is drawn with pdf-lib in a throw-away scratch document and handed back as serialized object
// bodies; the user's PDF is never re-saved (that would break earlier signatures). The lead's
// incremental writer appends the bodies and points the widget's /AP /N at `xobjectNum`.

import {
  PDFDocument,
  beginText,
  concatTransformationMatrix,
  drawObject,
  endText,
  popGraphicsState,
  pushGraphicsState,
  setFillingRgbColor,
  setFontAndSize,
  setTextMatrix,
  showText,
  type PDFOperator,
  type PDFRef,
} from 'pdf-lib';

import { DocaxisError } from '../errors.js';
import { embedSubsetFont, measureText, tagSubsetFont, type EmbeddedFont } from './appearance-font.js';
import { embedImage } from './appearance-image.js';
import { fitImage, fitText, placeLines, planLayout } from './appearance-layout.js';
import { extractObjects } from './appearance-objects.js';
import { formatVietnamTime } from './vn-time.js';

export type AppearanceLayout = 'signer' | 'seal' | 'text';

export interface AppearanceSpec {
  layout: AppearanceLayout;
  /** Points: the widget's /Rect size. */
  width: number;
  height: number;
  /** PNG (alpha kept) or JPEG. Not allowed with the 'text' layout. */
  image?: Uint8Array;
  /** Text lines composed by the caller; normalised to NFC, long lines are word-wrapped. */
  lines: string[];
  /** The TrueType font to subset (see fonts.ts for the shipped DejaVu Sans). */
  fontBytes: Uint8Array;
  /** Fixed size in points; default: the largest size that fits (12/10 pt down to 5 pt). */
  fontSize?: number;
  /** 0..1 RGB, default black (also for the seal layout: the seal image is red, its text is not). */
  textColor?: [number, number, number];
  /** Seal layout only: which side of the seal the text goes (default right). */
  textSide?: 'left' | 'right';
  /** Text layout only: horizontal alignment (default left), e.g. centred "Số: ..." in its column. */
  textAlign?: 'left' | 'center' | 'right';
}

export interface BuiltAppearance {
  /** Object number of the Form XObject (== firstObjectNumber). */
  xobjectNum: number;
  /** Bodies to write as "num 0 obj\n" + body + "\nendobj\n"; numbers are dense from firstObjectNumber. */
  objects: Array<{ num: number; body: Uint8Array }>;
  nextObjectNumber: number;
}

/** Bounds on the widget size: below this nothing legible fits, above it is PDF's user-space limit. */
const MIN_BOX = 8;
const MAX_BOX = 14_400;
const FONT_KEY = 'F1';
const IMAGE_KEY = 'Im1';

export async function buildAppearance(spec: AppearanceSpec, firstObjectNumber: number): Promise<BuiltAppearance> {
  validateSpec(spec, firstObjectNumber);
  const lines = normaliseLines(spec.lines);
  const hasText = lines.some((l) => l !== '');
  if (spec.layout === 'text' && spec.image) {
    throw new DocaxisError('SIG_APPEARANCE_INVALID', "the 'text' layout takes no image");
  }
  if (!hasText && !spec.image) throw new DocaxisError('SIG_APPEARANCE_INVALID', 'the appearance has neither text nor image');

  const doc = await PDFDocument.create({ updateMetadata: false });
  const plan = planLayout(spec.layout, spec.width, spec.height, spec.image !== undefined, hasText, spec.textSide);

  const ops: PDFOperator[] = [];
  let font: EmbeddedFont | undefined;
  const fonts: Record<string, PDFRef> = {};
  const xobjects: Record<string, PDFRef> = {};

  if (spec.image && plan.image) {
    const image = await embedImage(doc, spec.image);
    const at = fitImage(image.width, image.height, plan.image);
    ops.push(pushGraphicsState(), concatTransformationMatrix(round(at.w), 0, 0, round(at.h), round(at.x), round(at.y)), drawObject(IMAGE_KEY), popGraphicsState());
    xobjects[IMAGE_KEY] = image.ref;
  }

  if (hasText && plan.text) {
    const embedded = await embedSubsetFont(doc, spec.fontBytes);
    font = embedded;
    const m = measureText(embedded, lines);
    const fitted = fitText(lines, plan.text.box, m, { maxSize: plan.text.maxSize, fixedSize: spec.fontSize });
    const [r, g, b] = spec.textColor ?? [0, 0, 0];
    ops.push(pushGraphicsState(), setFillingRgbColor(r, g, b), beginText(), setFontAndSize(FONT_KEY, fitted.size));
    const align = spec.layout === 'text' && spec.textAlign ? spec.textAlign : plan.text.align;
    for (const line of placeLines(fitted, plan.text.box, m, align, plan.text.valign)) {
      if (line.text === '') continue;
      // Absolute Tm per line rather than relative Td: no accumulated rounding drift.
      ops.push(setTextMatrix(1, 0, 0, 1, round(line.x), round(line.baseline)), showText(embedded.pdfFont.encodeText(line.text)));
    }
    ops.push(endText(), popGraphicsState());
    fonts[FONT_KEY] = embedded.pdfFont.ref;
  }

  const form = doc.context.formXObject(ops, {
    BBox: [0, 0, spec.width, spec.height],
    // Only the resource kinds actually used: no empty /Font << >> in an image-only appearance.
    Resources: { ...(font ? { Font: fonts } : {}), ...(spec.image && plan.image ? { XObject: xobjects } : {}) },
  });
  const formRef = doc.context.register(form);
  // flush() writes the font subset (only the glyphs encoded above) and the image streams.
  await doc.flush();
  if (font) tagSubsetFont(doc.context, font.pdfFont.ref, font.metrics.postscriptName ?? '');
  const objects = extractObjects(doc.context, formRef, firstObjectNumber);
  return { xobjectNum: firstObjectNumber, objects, nextObjectNumber: firstObjectNumber + objects.length };
}

/** The agency-signature text block: ['Ký bởi: …', 'Email: …'?, 'Cơ quan: …'?, 'Thời gian ký: …']. */
export function sealLines(p: { signerName: string; agency?: string; email?: string; time: Date }): string[] {
  const out = [`Ký bởi: ${p.signerName.trim()}`];
  if (p.email?.trim()) out.push(`Email: ${p.email.trim()}`);
  if (p.agency?.trim()) out.push(`Cơ quan: ${p.agency.trim()}`);
  out.push(`Thời gian ký: ${formatVietnamTime(p.time)}`);
  return out.map((l) => l.normalize('NFC'));
}

function validateSpec(spec: AppearanceSpec, firstObjectNumber: number): void {
  const bad = (why: string): never => {
    throw new DocaxisError('SIG_APPEARANCE_INVALID', why);
  };
  if (!Number.isSafeInteger(firstObjectNumber) || firstObjectNumber < 1) bad(`first object number ${firstObjectNumber} is not a positive integer`);
  if (!['signer', 'seal', 'text'].includes(spec.layout)) bad(`unknown layout ${String(spec.layout)}`);
  for (const [name, v] of [['width', spec.width], ['height', spec.height]] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v)) bad(`${name} is not a finite number`);
    if (v < MIN_BOX) bad(`the box is too small: ${name} ${v} pt < ${MIN_BOX} pt`);
    if (v > MAX_BOX) bad(`${name} ${v} pt exceeds the PDF limit of ${MAX_BOX} pt`);
  }
  if (spec.fontSize !== undefined && !(Number.isFinite(spec.fontSize) && spec.fontSize > 0 && spec.fontSize <= 200)) {
    bad(`font size ${spec.fontSize} is not in (0, 200]`);
  }
  if (spec.textColor !== undefined) {
    const c = spec.textColor;
    if (!Array.isArray(c) || c.length !== 3 || !c.every((x) => Number.isFinite(x) && x >= 0 && x <= 1)) {
      bad('text colour must be three numbers in 0..1');
    }
  }
  if (!Array.isArray(spec.lines) || !spec.lines.every((l) => typeof l === 'string')) bad('lines must be an array of strings');
  if (spec.textAlign !== undefined && !['left', 'center', 'right'].includes(spec.textAlign)) bad(`unknown text alignment ${String(spec.textAlign)}`);
  if (!(spec.fontBytes instanceof Uint8Array) || spec.fontBytes.length === 0) bad('no font bytes');
}

/**
 * NFC first: pdf-lib shows glyphs one after another without mark positioning, so a decomposed
 * "ê" + combining acute would print the accent beside the letter; Vietnamese has a precomposed
 * code point for every letter+tone. Embedded newlines split lines, other controls become spaces.
 */
function normaliseLines(lines: string[]): string[] {
  return lines
    .flatMap((l) => l.normalize('NFC').split(/\r\n|\r|\n/))
    .map((l) => l.replace(/\p{Cc}/gu, ' ').trimEnd());
}

/** Content-stream numbers with 3 decimals: enough below 1/1000 pt, and stable output. */
function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
