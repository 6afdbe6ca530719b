// DSS rules: a document security store (PAdES B-LT) may be added, grow, and gain VRI entries at
// the LTA level, even under DocMDP P=1. Objects of an earlier DSS may be rewritten in place, but a
// crafted earlier DSS must not launder a page's content, resources or annotations.
import { PdfStream } from '../../pdf/objects.js';
import { dictOf, isAnnotation, isField, isSignatureDict, refsIn, typeName } from './graph.js';
import { describe, refNum, type Change, type RevisionContext } from './context.js';

export function dssRule(cx: RevisionContext): void {
  const { oldCat, newCat } = cx.catalogs();
  const newV = newCat?.get('DSS');
  if (newV === undefined) return;
  const oldV = oldCat.get('DSS');
  const had = oldV !== undefined;
  const kind = had ? 'dss-updated' : 'dss-added';
  const oldSet = new Set<number>();
  if (had) {
    const queue = refsIn(oldV);
    while (queue.length > 0 && oldSet.size < 200_000) {
      const r = queue.pop()!;
      if (oldSet.has(r.num)) continue;
      oldSet.add(r.num);
      const o = cx.before(r);
      if (!(o instanceof PdfStream)) refsIn(o, queue);
    }
  }
  const dssNum = refNum(newV);
  for (const c of cx.changed.values()) {
    if (cx.explained.has(c.num) || c.isNew || !oldSet.has(c.num)) continue;
    if (c.num !== dssNum && !plainDssObject(cx, c)) continue;
    cx.explained.add(c.num);
    const what = c.num === dssNum ? 'document security store' : typeName(c.now) === undefined && dictOf(c.now) ? 'VRI or DSS entry' : describe(c.now);
    cx.emit('lta', 'dss-updated', c.num, `${what} updated`);
    cx.closure(c.now, 'lta', 'dss-updated', 'validation data (certificates, CRLs, OCSP responses, VRI)');
  }
  if (dssNum !== undefined && cx.changed.has(dssNum) && !cx.explained.has(dssNum)) {
    const c = cx.changed.get(dssNum)!;
    if (c.isNew || oldSet.has(dssNum)) {
      cx.explained.add(dssNum);
      cx.emit('lta', kind, dssNum, `document security store ${had ? 'updated' : 'added'}`);
    }
  }
  const dict = cx.now(newV);
  if (dictOf(dict)) cx.closure(dict, 'lta', kind, 'validation data (certificates, CRLs, OCSP responses, VRI)');
}

function plainDssObject(cx: RevisionContext, c: Change): boolean {
  if (isAnnotation(c.old) || isField(c.old) || isSignatureDict(c.old)) return false;
  const t = typeName(c.old);
  if (t === 'Page' || t === 'Pages' || t === 'Catalog') return false;
  const i = cx.index();
  return !(i.contents.has(c.num) || i.resources.has(c.num) || i.annotsArrays.has(c.num) || i.annots.has(c.num) || i.appearanceUsers.has(c.num));
}
