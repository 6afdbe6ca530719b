// docaxis extend IN -o OUT --level B-LT|B-LTA [--tsa URL] [--trust PEM]... [--intermediate PEM]...
//   [--crl FILE]... [--ocsp FILE]...
// Adds the validation data (/DSS with VRI) of every signature of an already signed PDF, and for
// B-LTA a document timestamp, in revisions of their own. Offline: CRLs and OCSP responses come
// from the files given (a network fetcher is a later addition to ltv-collect's RevocationFetcher).
// `docaxis sign --level B-LT|B-LTA` uses the same flags (ltvFlags, ltvOptionsFrom).
import { DocaxisError } from '../errors.js';
import type { LtOptions } from '../pades/ltv.js';
import { asList, parseCommandArgs, requireOne } from './args.js';
import { AtomicOutput, maxPdfBytes, readInput } from './files.js';

export const EXTEND_USAGE =
  'usage: docaxis extend IN -o OUT --level B-LT|B-LTA [--tsa URL] [--trust PEM]... [--intermediate PEM]... [--crl FILE]... [--ocsp FILE]...\n' +
  '  --trust         where certificate chains end (stored up to the anchor; without it, as far as found)\n' +
  '  --crl, --ocsp   revocation data to embed (PEM or DER; OCSP responses in DER), kept when it covers a certificate';

/** The flags B-LT/B-LTA add to `sign` and `extend`. */
export const LTV_FLAGS = {
  trust: { type: 'string', multiple: true },
  intermediate: { type: 'string', multiple: true },
  crl: { type: 'string', multiple: true },
  ocsp: { type: 'string', multiple: true },
} as const;

export async function ltvOptionsFrom(values: { trust?: string[]; intermediate?: string[]; crl?: string[]; ocsp?: string[] }): Promise<LtOptions> {
  const { readCertificates, readCrls } = await import('../pki/pem.js');
  return {
    trustAnchors: asList(values.trust).flatMap((p) => readCertificates(readInput(p))),
    intermediates: asList(values.intermediate).flatMap((p) => readCertificates(readInput(p))),
    crls: asList(values.crl).flatMap((p) => readCrls(readInput(p))),
    ocspResponses: asList(values.ocsp).map((p) => readInput(p)),
  };
}

export async function runExtend(argv: string[], out: NodeJS.WritableStream, env: NodeJS.ProcessEnv): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { output: { type: 'string', short: 'o' }, level: { type: 'string' }, tsa: { type: 'string' }, ...LTV_FLAGS }, EXTEND_USAGE);
  const input = requireOne(positionals, 'input PDF', EXTEND_USAGE);
  if (!values.output) throw new DocaxisError('USAGE', `missing -o OUT\n${EXTEND_USAGE}`);
  const level = values.level;
  if (level !== 'B-LT' && level !== 'B-LTA') throw new DocaxisError('USAGE', `--level must be B-LT or B-LTA\n${EXTEND_USAGE}`);
  if (level === 'B-LTA' && !values.tsa) throw new DocaxisError('USAGE', `--level B-LTA needs --tsa URL\n${EXTEND_USAGE}`);
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
