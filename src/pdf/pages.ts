// The page tree (§7.7.3): leaf order, lookup by index and inherited attributes. Every walk keeps a
// visited set and a node budget, because a /Kids cycle in a hostile file must not hang a signer.

import { DocaxisError } from '../errors.js';
import { PdfDict, PdfRef, nameValue, type PdfObject } from './objects.js';
import type { PdfReader } from './reader.js';
import { limitError } from './limits.js';

const MAX_TREE_DEPTH = 64;
const INHERITABLE = new Set(['MediaBox', 'CropBox', 'Rotate', 'Resources']);

function isPagesNode(d: PdfDict): boolean {
  const t = nameValue(d.get('Type'));
  return t === 'Pages' || (t !== 'Page' && d.has('Kids'));
}

function kidsOf(reader: PdfReader, node: PdfDict, at: number | undefined): PdfRef[] {
  const kids = reader.resolve(node.get('Kids'), at);
  return Array.isArray(kids) ? kids.filter((k): k is PdfRef => k instanceof PdfRef) : [];
}

function rootRef(reader: PdfReader, at: number | undefined): PdfRef {
  const pages = reader.catalog(at).get('Pages');
  if (!(pages instanceof PdfRef)) throw new DocaxisError('PDF_OBJECT_MALFORMED', 'the catalog has no /Pages reference');
  return pages;
}

/** All page references in document order. */
export function pageRefs(reader: PdfReader, atRevision?: number): PdfRef[] {
  const out: PdfRef[] = [];
  const visited = new Set<string>();
  // Iterative DFS; the stack holds kids in reverse so pages come out in order.
  const stack: Array<{ ref: PdfRef; depth: number }> = [{ ref: rootRef(reader, atRevision), depth: 0 }];
  while (stack.length > 0) {
    const { ref, depth } = stack.pop()!;
    if (visited.has(ref.key) || depth > MAX_TREE_DEPTH) continue;
    visited.add(ref.key);
    if (visited.size > reader.limits.maxObjects) throw limitError('PDF_LIMIT_OBJECTS', `the page tree has more than ${reader.limits.maxObjects} nodes`);
    const node = reader.getObject(ref, atRevision);
    if (!(node instanceof PdfDict)) continue;
    if (isPagesNode(node)) {
      const kids = kidsOf(reader, node, atRevision);
      for (let i = kids.length - 1; i >= 0; i--) stack.push({ ref: kids[i]!, depth: depth + 1 });
    } else {
      out.push(ref);
    }
  }
  return out;
}

/** The page at a 0-based index; descends by /Count so that only one branch is loaded. */
export function pageDict(reader: PdfReader, pageIndex: number, atRevision?: number): { ref: PdfRef; dict: PdfDict } {
  if (!Number.isInteger(pageIndex) || pageIndex < 0) throw new DocaxisError('PDF_PAGE_NOT_FOUND', `page index ${pageIndex}`);
  const fast = descend(reader, pageIndex, atRevision);
  if (fast) return fast;
  // /Count values are wrong in some files; the full walk is the ground truth.
  const ref = pageRefs(reader, atRevision)[pageIndex];
  const dict = ref ? reader.getObject(ref, atRevision) : undefined;
  if (!ref || !(dict instanceof PdfDict)) throw new DocaxisError('PDF_PAGE_NOT_FOUND', `page index ${pageIndex}`);
  return { ref, dict };
}

function descend(reader: PdfReader, index: number, at: number | undefined): { ref: PdfRef; dict: PdfDict } | undefined {
  let ref = rootRef(reader, at);
  let remaining = index;
  const visited = new Set<string>();
  for (let depth = 0; depth <= MAX_TREE_DEPTH; depth++) {
    if (visited.has(ref.key)) return undefined;
    visited.add(ref.key);
    const node = reader.getObject(ref, at);
    if (!(node instanceof PdfDict) || !isPagesNode(node)) return undefined;
    const kids = kidsOf(reader, node, at);
    // Flat trees (one /Pages with every page as a kid) are common: when /Count equals the number of
    // kids, try the kid at the index directly instead of loading all of them.
    if (reader.resolve(node.get('Count'), at) === kids.length && remaining < kids.length) {
      const k = reader.getObject(kids[remaining]!, at);
      if (k instanceof PdfDict && !isPagesNode(k)) return { ref: kids[remaining]!, dict: k };
    }
    let next: PdfRef | undefined;
    for (const kid of kids) {
      const k = reader.getObject(kid, at);
      if (!(k instanceof PdfDict)) continue;
      if (isPagesNode(k)) {
        const count = reader.resolve(k.get('Count'), at);
        if (typeof count !== 'number' || count < 0) return undefined;
        if (remaining < count) {
          next = kid;
          break;
        }
        remaining -= count;
      } else {
        if (remaining === 0) return { ref: kid, dict: k };
        remaining--;
      }
    }
    if (!next) return undefined;
    ref = next;
  }
  return undefined;
}

/** An attribute of the page or, if absent, of its nearest ancestor (/MediaBox /CropBox /Rotate /Resources). */
export function inheritedPageAttribute(reader: PdfReader, pageDict: PdfDict, key: string, atRevision?: number): PdfObject | undefined {
  let node: PdfDict | undefined = pageDict;
  const seen = new Set<PdfDict>();
  for (let depth = 0; node && depth <= MAX_TREE_DEPTH && !seen.has(node); depth++) {
    seen.add(node);
    const v = node.get(key);
    if (v !== undefined) return reader.resolve(v, atRevision);
    if (!INHERITABLE.has(key)) return undefined;
    const parent = reader.resolve(node.get('Parent'), atRevision);
    node = parent instanceof PdfDict ? parent : undefined;
  }
  return undefined;
}
