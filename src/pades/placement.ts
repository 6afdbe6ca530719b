// Where a visible signature goes: an explicit rectangle on a page, or anchored to an existing
// signature as Decree 30 describes (the agency seal over the left third of the signer's image).
import { DocaxisError } from '../errors.js';
import type { FormField } from '../pdf/acroform.js';
import { inheritedPageAttribute, pageDict, pageRefs } from '../pdf/pages.js';
import type { PdfReader } from '../pdf/reader.js';

export type Placement =
  /** `page` is 1-based as people count pages; x, y from the page's lower-left corner, in points. */
  | { kind: 'rect'; page: number; x: number; y: number; width: number; height: number }
  /** Over the widget of an existing field, e.g. the signer's signature. */
  | { kind: 'over'; field: string; width?: number; height?: number };

/**
 * A further widget of the signature's own field, drawn as text (layout 'text'): e.g. the register
 * number and date the agency seal writes at the "Số: ..." position of the letter, so that they
 * are part of the seal's own signed appearance. The rectangle comes from the template or a click.
 */
export interface ExtraWidget {
  placement: Extract<Placement, { kind: 'rect' }>;
  /** e.g. ['Số: 123/QĐ-UBND'] or ['Thái Bình, ngày 07 tháng 12 năm 2026']. */
  lines: string[];
  /** Fixed size in points; default: the largest that fits, at most 10 pt. */
  fontSize?: number;
  /** Default left; 'center' for a line centred in its column, as letters print "Số: ...". */
  align?: 'left' | 'center' | 'right';
}

/** At most this many extra widgets: a number and a date, with room for a template's variants. */
export const MAX_EXTRA_WIDGETS = 8;

export interface ResolvedPlacement {
  pageIndex: number;
  rect: [number, number, number, number];
  /** For the seal layout: the side of the seal its text goes, to keep it off the signer's image. */
  textSide?: 'left' | 'right';
}

/** A state agency seal is about 36 mm across (102 pt); drawn at real size. */
export const SEAL_DIAMETER_PT = 102;
const SEAL_TEXT_WIDTH_PT = 170;

export function resolvePlacement(reader: PdfReader, placement: Placement, fields: readonly FormField[]): ResolvedPlacement {
  if (placement.kind === 'rect') return resolveRect(reader, placement);
  const field = fields.find((f) => f.fullName === placement.field);
  const widget = field?.widgets.find((w) => w.rect !== undefined);
  if (!field || !widget?.rect) throw new DocaxisError('PDF_FIELD_NOT_FOUND', `no visible field named "${placement.field}"`);
  const refs = pageRefs(reader);
  const pageIndex = widget.pageRef ? refs.findIndex((r) => r.equals(widget.pageRef)) : 0;
  if (pageIndex < 0) throw new DocaxisError('PDF_FIELD_NOT_FOUND', `field "${placement.field}" is not on any page`);
  const [x1, y1, x2, y2] = normalise(widget.rect);
  const height = placement.height ?? SEAL_DIAMETER_PT;
  const width = placement.width ?? height + SEAL_TEXT_WIDTH_PT;
  // The seal covers the left third of the signer's image: its right edge sits at one third of the
  // signer's width. Its text goes on the seal's left, beside the signature rather than over it.
  const right = x1 + (x2 - x1) / 3;
  const bottom = (y1 + y2) / 2 - height / 2;
  return { pageIndex, rect: [round(right - width), round(bottom), round(right), round(bottom + height)], textSide: 'left' };
}

function resolveRect(reader: PdfReader, p: Extract<Placement, { kind: 'rect' }>): ResolvedPlacement {
  const values = [p.page, p.x, p.y, p.width, p.height];
  if (!values.every(Number.isFinite) || p.width <= 0 || p.height <= 0 || !Number.isInteger(p.page) || p.page < 1) {
    throw new DocaxisError('SIG_APPEARANCE_INVALID', 'expected PAGE:X,Y,W,H with a page from 1 and a positive width and height');
  }
  const page = pageDict(reader, p.page - 1);
  const box = inheritedPageAttribute(reader, page.dict, 'MediaBox');
  const [mx, my] = Array.isArray(box) && box.length === 4 && box.every((n) => typeof n === 'number') ? normalise(box as number[]) : [0, 0];
  return { pageIndex: p.page - 1, rect: [mx + p.x, my + p.y, mx + p.x + p.width, my + p.y + p.height] };
}

function normalise(r: readonly number[]): [number, number, number, number] {
  const [a = 0, b = 0, c = 0, d = 0] = r;
  return [Math.min(a, c), Math.min(b, d), Math.max(a, c), Math.max(b, d)];
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
