// Extracts a self-contained object graph from a pdf-lib scratch document as serialized bodies,
// renumbered from the caller's first free object number, ready for an incremental update.
//
// Why renumber instead of presetting context.largestObjectNumber: PDFDocument.create() has already
// allocated the scratch catalog and page tree (objects 1, 2), so a small first number would collide
// with them; renumbering the reachable graph also gives a dense range with no holes for the xref.

import { PDFArray, PDFDict, PDFRef, PDFStream, type PDFContext, type PDFObject } from 'pdf-lib';

import { DocaxisError } from '../errors.js';

export interface SerializedObject {
  num: number;
  body: Uint8Array;
}

/** Every indirect object reachable from `root` (root first, then breadth-first order). */
export function reachableRefs(context: PDFContext, root: PDFRef): PDFRef[] {
  const seen = new Set<PDFRef>(); // PDFRef.of interns, so identity equals (num, gen) equality
  const order: PDFRef[] = [];
  const queue: PDFRef[] = [root];
  while (queue.length > 0) {
    const ref = queue.shift()!;
    if (seen.has(ref)) continue;
    seen.add(ref);
    order.push(ref);
    const obj = context.lookup(ref);
    if (obj === undefined) {
      throw new DocaxisError('INTERNAL', `appearance object ${ref.toString()} references a missing object`);
    }
    forEachRef(obj, (r) => {
      if (!seen.has(r)) queue.push(r);
    });
  }
  return order;
}

function forEachRef(obj: PDFObject, visit: (r: PDFRef) => void): void {
  if (obj instanceof PDFRef) visit(obj);
  else if (obj instanceof PDFStream) forEachRef(obj.dict, visit);
  else if (obj instanceof PDFDict) for (const [, v] of obj.entries()) forEachRef(v, visit);
  else if (obj instanceof PDFArray) for (let i = 0; i < obj.size(); i++) forEachRef(obj.get(i), visit);
}

/** Rewrites, in place, every reference inside `obj` through `map` (the scratch doc is discarded). */
function remapRefs(obj: PDFObject, map: Map<PDFRef, PDFRef>): void {
  const dict = obj instanceof PDFStream ? obj.dict : obj instanceof PDFDict ? obj : undefined;
  if (dict) {
    for (const [k, v] of dict.entries()) {
      if (v instanceof PDFRef) dict.set(k, mapped(v, map));
      else remapRefs(v, map);
    }
  } else if (obj instanceof PDFArray) {
    for (let i = 0; i < obj.size(); i++) {
      const v = obj.get(i);
      if (v instanceof PDFRef) obj.set(i, mapped(v, map));
      else remapRefs(v, map);
    }
  }
}

function mapped(r: PDFRef, map: Map<PDFRef, PDFRef>): PDFRef {
  const to = map.get(r);
  // Cannot happen for a graph collected by reachableRefs; guard against emitting a dangling ref.
  if (!to) throw new DocaxisError('INTERNAL', `appearance reference ${r.toString()} is outside the emitted objects`);
  return to;
}

/**
 * Serializes the graph reachable from `root`, numbering it firstObjectNumber, +1, ... (generation 0),
 * root first. Bodies are what goes between "n 0 obj\n" and "\nendobj".
 */
export function extractObjects(context: PDFContext, root: PDFRef, firstObjectNumber: number): SerializedObject[] {
  const refs = reachableRefs(context, root);
  const map = new Map<PDFRef, PDFRef>();
  refs.forEach((r, i) => map.set(r, PDFRef.of(firstObjectNumber + i)));
  const objects = refs.map((r) => context.lookup(r)!);
  for (const obj of objects) remapRefs(obj, map);
  return objects.map((obj, i) => {
    const body = new Uint8Array(obj.sizeInBytes());
    const written = obj.copyBytesInto(body, 0);
    if (written !== body.length) throw new DocaxisError('INTERNAL', 'pdf-lib object size mismatch while serializing the appearance');
    return { num: firstObjectNumber + i, body };
  });
}
