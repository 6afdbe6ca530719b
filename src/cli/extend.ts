// docaxis extend IN -o OUT --level B-LT|B-LTA [--tsa URL] [--trust PEM]... [--intermediate PEM]...
//   [--crl FILE]... [--ocsp FILE]...
// Adds the validation data (/DSS with VRI) of every signature of an already signed PDF, and for
// B-LTA a document timestamp, in revisions of their own. Offline: CRLs and OCSP responses come
// from the files given (a network fetcher is a later addition to ltv-collect's RevocationFetcher).
// `docaxis sign --level B-LT|B-LTA` uses the same flags (ltvFlags, ltvOptionsFrom).
import { DocaxisError } from '../errors.js';
import type { LtOptions } from '../pades/ltv.js';
import { requireOne } from './args.js';
import { commandHelp, listOption, parseCommand, stringOption, usageError } from './options.js';
import { AtomicOutput, maxPdfBytes, readInput } from './files.js';

/** The list options B-LT/B-LTA add to `sign` and `extend` (options.ts LTV_OPTIONS). */
export function ltvValues(v: Parameters<typeof listOption>[0]): { trust: string[]; intermediate: string[]; crl: string[]; ocsp: string[] } {
  return { trust: listOption(v, 'trust'), intermediate: listOption(v, 'intermediate'), crl: listOption(v, 'crl'), ocsp: listOption(v, 'ocsp') };
}

export async function ltvOptionsFrom(values: { trust?: string[]; intermediate?: string[]; crl?: string[]; ocsp?: string[] }): Promise<LtOptions> {
  const { readCertificates, readCrls } = await import('../pki/pem.js');
  return {
    trustAnchors: (values.trust ?? []).flatMap((p) => readCertificates(readInput(p))),
    intermediates: (values.intermediate ?? []).flatMap((p) => readCertificates(readInput(p))),
    crls: (values.crl ?? []).flatMap((p) => readCrls(readInput(p))),
    ocspResponses: (values.ocsp ?? []).map((p) => readInput(p)),
  };
}

export async function runExtend(argv: string[], out: NodeJS.WritableStream, env: NodeJS.ProcessEnv): Promise<number> {
  const parsed = parseCommand('extend', argv);
  if (parsed.help) {
    out.write(`${commandHelp('extend')}\n`);
    return 0;
  }
  const v = parsed.values;
  const values = { output: stringOption(v, 'output'), level: stringOption(v, 'level'), tsa: stringOption(v, 'tsa'), ...ltvValues(v) };
  const input = requireOne(parsed.positionals, 'input PDF', 'extend');
  if (!values.output) throw usageError('extend', 'missing -o OUT');
  const level = values.level;
  if (level !== 'B-LT' && level !== 'B-LTA') throw usageError('extend', '--level must be B-LT or B-LTA');
  if (level === 'B-LTA' && !values.tsa) throw usageError('extend', '--level B-LTA needs --tsa URL');
  const pdf = readInput(input);
  if (pdf.length > maxPdfBytes(env)) throw new DocaxisError('PDF_TOO_LARGE', `${input} is ${pdf.length} bytes`);
  const options = await ltvOptionsFrom(values);
  const { extendToLt, extendToLta } = await import('../pades/ltv.js');
  const { urlTimestamper } = await import('../pades/timestamper.js');
  const extended = level === 'B-LTA' && values.tsa ? await extendToLta(pdf, { ...options, timestamper: urlTimestamper(values.tsa) }) : await extendToLt(pdf, options);
  const target = AtomicOutput.open(values.output);
  try {
    await target.writeAt(extended.original, 0);
    await target.writeAt(extended.update, extended.original.length);
    target.commit();
  } catch (e) {
    target.abort();
    throw e;
  }
  for (const w of extended.warnings) out.write(`warning: ${w}\n`);
  out.write(`extended ${input} -> ${values.output} to PAdES ${level}\n`);
  return 0;
}
