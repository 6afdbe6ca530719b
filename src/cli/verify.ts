// docaxis verify FILE [--trust PEM]... [--intermediate PEM]... [--crl FILE]... [--at ISO] [--json]
// The verifier's modules are imported only after the PDF has started to be read: the file is read
// on the thread pool and hashed in the gaps while Node loads those ~35 modules.
import { DocaxisError } from '../errors.js';
import { asList, parseCommandArgs, requireOne } from './args.js';
import { maxPdfBytes, readInput, readPdfHashing } from './files.js';

export const VERIFY_USAGE =
  'usage: docaxis verify FILE [--trust PEM]... [--intermediate PEM]... [--crl FILE]... [--at ISO-8601] [--require-revocation] [--json]\n' +
  '  --require-revocation  every certificate needs a CRL or OCSP response covering the validation time, given (--crl) or\n' +
  '                        carried by the PDF (/DSS, the signature); otherwise INDETERMINATE/TRY_LATER. Without it, the\n' +
  '                        revocation data at hand is still checked and a revoked certificate always fails.';

export async function runVerify(argv: string[], out: NodeJS.WritableStream, env: NodeJS.ProcessEnv): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    argv,
    {
      trust: { type: 'string', multiple: true },
      intermediate: { type: 'string', multiple: true },
      crl: { type: 'string', multiple: true },
      at: { type: 'string' },
      'require-revocation': { type: 'boolean' },
      json: { type: 'boolean' },
    },
    VERIFY_USAGE,
  );
  const file = requireOne(positionals, 'PDF file', VERIFY_USAGE);
  const at = values.at === undefined ? undefined : new Date(values.at);
  if (at && Number.isNaN(at.getTime())) throw new DocaxisError('USAGE', `--at is not an ISO 8601 time: ${values.at}`);
  const reading = readPdfHashing(file, maxPdfBytes(env));
  reading.catch(() => undefined); // awaited below, after the imports (its errors still come first)
  const [{ verifyPdf }, { readCertificates, readCrls }, { renderReport }] = await Promise.all([
    import('../pades/verify.js'),
    import('../pki/pem.js'),
    import('./render-report.js'),
  ]);
  const { bytes, checkpoints } = await reading;
  const report = verifyPdf(bytes, {
    trustAnchors: asList(values.trust).flatMap((p) => readCertificates(readInput(p))),
    intermediates: asList(values.intermediate).flatMap((p) => readCertificates(readInput(p))),
    crls: asList(values.crl).flatMap((p) => readCrls(readInput(p))),
    ...(at ? { at } : {}),
    requireRevocation: values['require-revocation'] === true,
    hashCheckpoints: checkpoints,
  });
  out.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : `${renderReport(file, report)}\n`);
  return report.document.verdict === 'valid' ? 0 : 1;
}
