// Difference analysis, default deny (the model: pyHanko's sign/diff_analysis). For a signature
// covering revision S, every later revision is compared with the state just before it. Only the
// objects a revision's own xref section (re)defines are looked at; each must be explained by a
// rule family, otherwise it is a disallowed modification:
//   structure.ts    trailer, catalog keys, xref/object streams; the default deny at the end
//   metadata.ts     /Info and XMP
//   dss.ts          the document security store and its VRI entries
//   form.ts         the AcroForm and form filling
//   signatures.ts   new signatures, signature fields and their widgets (no painting when unsigned)
//   annotations.ts  pages, their /Annots, and redefined annotations (dispatching fields)
//   docmdp.ts       what a certification (DocMDP /P) and FieldMDP locks permit
// Each finding carries the DocMDP level it needs (context.ts); this module sorts them.
import type { PdfReader } from '../../pdf/reader.js';
import { existingAnnotationRule, pageRule } from './annotations.js';
import { NEED_RANK, RevisionContext, type Finding, type Modification } from './context.js';
import { isLocked, type DocMdpPermission, type FieldLock } from './docmdp.js';
import { dssRule } from './dss.js';
import { acroFormRule } from './form.js';
import { infoRule, xmpRule } from './metadata.js';
import { signatureObjectRule } from './signatures.js';
import { catalogRule, containerRule, danglingReferenceRule, deletionRule, leftoverRule, trailerRule } from './structure.js';

export type { Modification } from './context.js';
export type { ModificationKind } from './kinds.js';
export { MODIFICATION_KINDS } from './kinds.js';
export { readCertification, readFieldLock, isLocked } from './docmdp.js';
export type { Certification, DocMdpPermission, FieldLock } from './docmdp.js';

export type ModificationLevel = 'none' | 'allowed' | 'disallowed';

export interface DiffResult {
  level: ModificationLevel;
  allowed: Modification[];
  disallowed: Modification[];
}

export interface DiffOptions {
  /** /P of the certification signature's DocMDP transform: 1 none, 2 forms + signing, 3 + annotations. */
  docMdpPermission?: DocMdpPermission;
  /** FieldMDP locks of the signature under analysis: changes to locked fields are disallowed. */
  fieldLocks?: readonly FieldLock[];
}

/** Kinds that only describe file structure: listed, but they do not make a revision 'allowed'. */
const CONTAINER_KINDS = new Set(['xref-stream', 'object-stream']);

const RULES: ReadonlyArray<(cx: RevisionContext) => void> = [
  trailerRule,
  catalogRule,
  acroFormRule,
  dssRule,
  xmpRule,
  infoRule,
  containerRule,
  signatureObjectRule,
  existingAnnotationRule,
  pageRule,
  leftoverRule,
  danglingReferenceRule,
  deletionRule,
];

export function analyseModifications(reader: PdfReader, signedRevision: number, options: DiffOptions = {}): DiffResult {
  const allowed: Modification[] = [];
  const disallowed: Modification[] = [];
  for (let rev = Math.max(signedRevision + 1, 1); rev < reader.revisions.length; rev++) {
    const cx = new RevisionContext(reader, rev);
    for (const rule of RULES) rule(cx);
    cx.findings.sort((a, b) => (a.mod.object ?? -1) - (b.mod.object ?? -1));
    for (const f of cx.findings) {
      const verdict = judge(f, options);
      (verdict ? disallowed : allowed).push(verdict ?? f.mod);
    }
  }
  const level: ModificationLevel =
    disallowed.length > 0 ? 'disallowed' : allowed.some((m) => !CONTAINER_KINDS.has(m.kind)) ? 'allowed' : 'none';
  return { level, allowed, disallowed };
}

/** The disallowed form of a finding, or undefined when the permissions allow it. */
function judge(f: Finding, options: DiffOptions): Modification | undefined {
  const permitted = options.docMdpPermission ?? 2;
  if (NEED_RANK[f.need] > permitted) {
    if (f.need === 'never' || options.docMdpPermission === undefined) return f.mod;
    const what = permitted === 1 ? 'allows no changes' : 'allows form filling and signing only';
    return { ...f.mod, description: `${f.mod.description}; the certification signature ${what} (DocMDP P=${permitted})` };
  }
  const locks = options.fieldLocks ?? [];
  if (f.lockable && f.field !== undefined && locks.some((l) => isLocked(l, f.field!))) {
    return { ...f.mod, kind: 'field-locked', description: `field '${f.field}' is locked by the signature (FieldMDP): ${f.mod.description}` };
  }
  return undefined;
}
