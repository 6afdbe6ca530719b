// docaxis verify FILE [--trust PEM]... [--intermediate PEM]... [--crl FILE]... [--ocsp FILE]... [--fetch-revocation] [--at ISO] [--json]
// The verifier's modules are imported only after the PDF has started to be read: the file is read
// on the thread pool and hashed in the gaps while Node loads those ~35 modules.
import { DocaxisError } from '../errors.js';
import { asList, parseCommandArgs, requireOne } from './args.js';
import { maxPdfBytes, readInput, readPdfHashing } from './files.js';

export const VERIFY_USAGE =
  'usage: docaxis verify FILE [--trust PEM]... [--intermediate PEM]... [--crl FILE]... [--ocsp FILE]... [--fetch-revocation] [--at ISO-8601] [--require-revocation] [--json]\n' +
  '  --ocsp FILE           a DER OCSP response to use beside the CRLs\n' +
  '  --fetch-revocation    fetch OCSP (AIA) and CRLs (distribution points) named by the signers\' certificates before\n' +
  '                        verifying (also REVOCATION_FETCH=on); off by default: verification is offline\n' +
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
      ocsp: { type: 'string', multiple: true },
      'fetch-revocation': { type: 'boolean' },
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
  const trustAnchors = asList(values.trust).flatMap((p) => readCertificates(readInput(p)));
  const intermediates = asList(values.intermediate).flatMap((p) => readCertificates(readInput(p)));
  const fetched = await fetchRevocation(bytes, env, values['fetch-revocation'] === true, { trustAnchors, intermediates });
  const report = verifyPdf(bytes, {
    trustAnchors,
    intermediates,
    crls: [...asList(values.crl).flatMap((p) => readCrls(readInput(p))), ...fetched.crls],
    ocspResponses: [...asList(values.ocsp).map((p) => readInput(p)), ...fetched.ocspResponses],
    ...(at ? { at } : {}),
    requireRevocation: values['require-revocation'] === true,
    hashCheckpoints: checkpoints,
  });
  out.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : `${renderReport(file, report)}\n`);
  return report.document.verdict === 'valid' ? 0 : 1;
}

/** CRLs and OCSP responses from the network, only when asked (--fetch-revocation or REVOCATION_FETCH=on). */
async function fetchRevocation(pdf: Uint8Array, env: NodeJS.ProcessEnv, flag: boolean, extra: { trustAnchors: Uint8Array[]; intermediates: Uint8Array[] }) {
  const settings = (await import('../config.js')).revocationFetch(env);
  if (!flag && !settings.enabled) return { crls: [], ocspResponses: [] };
  const [{ NetworkRevocationFetcher }, { prefetchRevocation }] = await Promise.all([import('../pki/revocation-fetcher.js'), import('../pades/revocation-prefetch.js')]);
  const fetcher = new NetworkRevocationFetcher({ ...settings, enabled: true });
  const fetched = await prefetchRevocation(pdf, fetcher, { ...extra, maxBytes: maxPdfBytes(env) });
  for (const problem of fetcher.problems) process.stderr.write(`docaxis: warning: ${problem}\n`);
  return fetched;
}
