// Every kind of change the difference analysis can name. The report carries the kind; the web page
// shows a Vietnamese or English label for it (src/web/change-labels.ts has one per kind, and a test
// checks that none is missing), so a kind is a stable code, never reworded.
export const MODIFICATION_KINDS = [
  // file structure
  'xref-stream',
  'object-stream',
  'object-malformed',
  'object-added',
  'object-added-unreferenced',
  'object-changed',
  'object-deleted',
  'reference-filled',
  'trailer-changed',
  'trailing-bytes',
  // catalog and metadata
  'catalog-changed',
  'catalog-acroform',
  'catalog-extensions',
  'catalog-version',
  'metadata-info',
  'metadata-xmp',
  // DSS and document timestamps
  'dss-added',
  'dss-updated',
  'document-timestamp-added',
  // signatures and their widgets
  'signature-added',
  'signature-field-added',
  'signature-field-filled',
  'signature-widget-added',
  'signature-appearance',
  'signature-changed',
  'signature-removed',
  // added by the verifier's structure checks (verify-signature.ts, replays.ts)
  'signature-dictionary-misplaced',
  'signature-replayed',
  'unsigned-field-appearance',
  // form filling
  'acroform-created',
  'acroform-changed',
  'acroform-fields-extended',
  'acroform-fields-reordered',
  'acroform-default-appearance',
  'acroform-dr-font-added',
  'acroform-dr-changed',
  'acroform-sigflags',
  'acroform-need-appearances',
  'field-added',
  'field-changed',
  'field-removed',
  'form-filled',
  'form-appearance',
  // annotations and pages
  'annotation-added',
  'annotation-changed',
  'annotation-removed',
  'page-annots-extended',
  'page-content-changed',
  'page-resources-changed',
  'page-tree-changed',
  // DocMDP / FieldMDP
  'field-locked',
] as const;

export type ModificationKind = (typeof MODIFICATION_KINDS)[number];
