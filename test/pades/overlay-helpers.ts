// Builds the overlay attack's update (issue 9): one incremental update that adds a field, merged
// with its widget, on page 1 over the signed text, with an appearance of the caller's choosing.
import { PdfDict, PdfRef } from '../../src/pdf/objects.js';
import { appendUpdate, layout, ref, stream, withKeys, type UpdateObject } from './diff-helpers.js';

/** A white box and a new amount: what the reader would see over the signed letter. */
export const WHITE_BOX_AND_AMOUNT = '1 g 0 0 360 40 re f BT /F1 14 Tf 0 g 6 14 Td (So tien: 900.000.000 dong) Tj ET';

export interface FieldSpec {
  /** /FT of the new field. */
  type?: 'Sig' | 'Tx';
  /** Content of its widget's appearance stream; undefined: no /AP at all. */
  appearance?: string;
  /** Widget annotation flags (/F). */
  flags?: number;
  /** Extra keys of the field dictionary, e.g. a /V. */
  extra?: string;
}

/** One incremental update that adds a field (merged with its widget) on page 1 over the text. */
export function addField(bytes: Uint8Array, spec: FieldSpec): Uint8Array {
  const l = layout(bytes);
  const n = l.next;
  const objs: UpdateObject[] = [];
  const ap = spec.appearance !== undefined ? ` /AP << /N ${n + 1} 0 R >>` : '';
  objs.push({
    num: n,
    body: `<< /FT /${spec.type ?? 'Sig'} /T (VanThu) /Type /Annot /Subtype /Widget /Rect [60 560 420 600] /F ${spec.flags ?? 4} /P ${l.pages[0]}${ap}${spec.extra ?? ''} >>`,
  });
  if (spec.appearance !== undefined) {
    objs.push({ num: n + 1, body: stream(`/Type /XObject /Subtype /Form /BBox [0 0 360 40] /Resources << /Font << /F1 ${n + 2} 0 R >> >>`, spec.appearance) });
    objs.push({ num: n + 2, body: '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>' });
  }
  const afEntry = l.catalog.get('AcroForm');
  const af = l.reader.resolve(afEntry) as PdfDict;
  const fields = l.reader.resolve(af.get('Fields')) as PdfRef[];
  const newAF = withKeys(af, { Fields: [...fields, ref(n)] });
  if (afEntry instanceof PdfRef) objs.push({ num: afEntry.num, body: newAF });
  else objs.push({ num: l.root.num, body: withKeys(l.catalog, { AcroForm: newAF }) });
  const annots = l.page1.get('Annots');
  if (annots instanceof PdfRef) objs.push({ num: annots.num, body: [...(l.reader.resolve(annots) as PdfRef[]), ref(n)] });
  else objs.push({ num: l.pages[0]!.num, body: withKeys(l.page1, { Annots: [...((annots as PdfRef[] | undefined) ?? []), ref(n)] }) });
  return appendUpdate(bytes, objs);
}
