// docaxis inspect FILE: the document's structure (revisions, form fields, signatures), no validation.
import { listFields } from '../pdf/acroform.js';
import { nameValue, PdfString } from '../pdf/objects.js';
import { pageRefs } from '../pdf/pages.js';
import { PdfReader } from '../pdf/reader.js';
import { findSignatures } from '../pades/find-signatures.js';
import { requireOne } from './args.js';
import { booleanOption, commandHelp, parseCommand } from './options.js';
import { maxPdfBytes, readPdf } from './files.js';

export interface Inspection {
  version: string;
  size: number;
  pages: number;
  revisions: Array<{ index: number; xref: string; startxref: number; end: number; objects: number }>;
  trailingBytes: number;
  fields: Array<{ name: string; type: string | null; signed: boolean; widgets: number }>;
  signatures: Array<{ field: string; type: string; subFilter: string | null; byteRange: number[]; claimedTime: string | null; firstSeenRevision: number }>;
}

export function inspectPdf(bytes: Uint8Array): Inspection {
  const reader = PdfReader.open(bytes);
  return {
    version: reader.version,
    size: bytes.length,
    pages: pageRefs(reader).length,
    revisions: reader.revisions.map((r) => ({ index: r.index, xref: r.xrefKind, startxref: r.startxref, end: r.end, objects: r.entries.size })),
    trailingBytes: reader.trailingBytes,
    fields: listFields(reader).map((f) => ({ name: f.fullName, type: f.type ?? null, signed: f.value !== undefined && f.value !== null, widgets: f.widgets.length })),
    signatures: findSignatures(reader).map((s) => {
      const br = s.dict.get('ByteRange');
      const m = s.dict.get('M');
      return {
        field: s.fieldName,
        type: s.type,
        subFilter: nameValue(s.dict.get('SubFilter')) ?? null,
        byteRange: Array.isArray(br) ? br.filter((n): n is number => typeof n === 'number') : [],
        claimedTime: m instanceof PdfString ? m.latin1() : null,
        firstSeenRevision: s.firstSeenRevision,
      };
    }),
  };
}

export async function runInspect(argv: string[], out: NodeJS.WritableStream, env: NodeJS.ProcessEnv): Promise<number> {
  const { values, positionals, help } = parseCommand('inspect', argv);
  if (help) {
    out.write(`${commandHelp('inspect')}\n`);
    return 0;
  }
  const file = requireOne(positionals, 'PDF file', 'inspect');
  const info = inspectPdf(readPdf(file, maxPdfBytes(env)));
  if (booleanOption(values, 'json')) {
    out.write(`${JSON.stringify(info, null, 2)}\n`);
    return 0;
  }
  const lines = [`${file}: PDF ${info.version}, ${info.size} bytes, ${info.pages} page(s), ${info.revisions.length} revision(s)`];
  for (const r of info.revisions) lines.push(`  revision ${r.index + 1}: ${r.xref} xref at ${r.startxref}, ends at ${r.end}, ${r.objects} object(s) defined`);
  if (info.trailingBytes > 0) lines.push(`  ${info.trailingBytes} byte(s) after the last %%EOF`);
  lines.push(`  fields: ${info.fields.length === 0 ? 'none' : ''}`);
  for (const f of info.fields) lines.push(`    ${f.name} (${f.type ?? '?'})${f.signed ? ' signed' : ''}, ${f.widgets} widget(s)`);
  lines.push(`  signatures: ${info.signatures.length === 0 ? 'none' : ''}`);
  for (const s of info.signatures) lines.push(`    ${s.field}: ${s.type} ${s.subFilter ?? ''} ByteRange [${s.byteRange.join(' ')}] /M ${s.claimedTime ?? '-'} (revision ${s.firstSeenRevision + 1})`);
  out.write(`${lines.join('\n')}\n`);
  return 0;
}
