// Metadata rules: the document information dictionary (/Info) and the XMP stream may change at
// the LTA level (signing tools update /ModDate and /Producer; pyHanko's metadata rules agree).
import { PdfDict, PdfStream, pdfEquals } from '../../pdf/objects.js';
import { changedKeys, dictOf } from './graph.js';
import { keyList, refNum, type RevisionContext } from './context.js';

export function xmpRule(cx: RevisionContext): void {
  const { oldCat, newCat } = cx.catalogs();
  const xmp = refNum(newCat?.get('Metadata'));
  const c = xmp !== undefined ? cx.changed.get(xmp) : undefined;
  if (c && !cx.explained.has(c.num) && c.now instanceof PdfStream && (c.isNew || refNum(oldCat.get('Metadata')) === c.num)) {
    cx.explained.add(c.num);
    cx.emit('lta', 'metadata-xmp', c.num, `XMP metadata stream ${c.isNew ? 'added' : 'updated'}`);
  }
}

export function infoRule(cx: RevisionContext): void {
  const { t0, t1 } = cx.trailers();
  const was = t0.get('Info');
  const is = t1.get('Info');
  const num = refNum(is);
  const c = num !== undefined ? cx.changed.get(num) : undefined;
  const objChanged = c !== undefined && !cx.explained.has(c.num) && (c.isNew || refNum(was) === c.num) && c.now instanceof PdfDict;
  if (objChanged) cx.explained.add(c.num);
  if (objChanged || !pdfEquals(was, is)) {
    const oldInfo = dictOf(cx.before(was));
    const newInfo = dictOf(cx.now(is));
    const keys = changedKeys(oldInfo, newInfo, pdfEquals);
    cx.emit('lta', 'metadata-info', num, `document information dictionary changed${keys.length ? ` (${keyList(keys)})` : ''}`);
    cx.closure(newInfo ?? null, 'lta', 'metadata-info', 'document information');
  }
}
