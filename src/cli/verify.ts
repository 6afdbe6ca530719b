// docaxis verify FILE [--trust PEM]... [--intermediate PEM]... [--crl FILE]... [--ocsp FILE]... [--fetch-revocation] [--at ISO] [--json]
// The verifier's modules are imported only after the PDF has started to be read: the file is read
// on the thread pool and hashed in the gaps while Node loads those ~35 modules.
import { requireOne } from './args.js';
import { booleanOption, commandHelp, listOption, parseCommand, stringOption, usageError } from './options.js';
import { maxPdfBytes, readInput, readPdfHashing } from './files.js';

export async function runVerify(argv: string[], out: NodeJS.WritableStream, env: NodeJS.ProcessEnv): Promise<number> {
  const { values, positionals, help } = parseCommand('verify', argv);
  if (help) {
    out.write(`${commandHelp('verify')}\n`);
    return 0;
  }
  const file = requireOne(positionals, 'PDF file', 'verify');
  const atText = stringOption(values, 'at');
  const at = atText === undefined ? undefined : new Date(atText);
  if (at && Number.isNaN(at.getTime())) throw usageError('verify', `--at is not an ISO 8601 time: ${atText}`);
  const reading = readPdfHashing(file, maxPdfBytes(env));
  reading.catch(() => undefined); // awaited below, after the imports (its errors still come first)
  const [{ verifyPdf }, { readCertificates, readCrls }, { renderReport }] = await Promise.all([
    import('../pades/verify.js'),
    import('../pki/pem.js'),
    import('./render-report.js'),
  ]);
  const { bytes, checkpoints } = await reading;
  const trustAnchors = listOption(values, 'trust').flatMap((p) => readCertificates(readInput(p)));
  const intermediates = listOption(values, 'intermediate').flatMap((p) => readCertificates(readInput(p)));
  const fetched = await fetchRevocation(bytes, env, booleanOption(values, 'fetch-revocation'), { trustAnchors, intermediates });
  const report = verifyPdf(bytes, {
    trustAnchors,
    intermediates,
    crls: [...listOption(values, 'crl').flatMap((p) => readCrls(readInput(p))), ...fetched.crls],
    ocspResponses: [...listOption(values, 'ocsp').map((p) => readInput(p)), ...fetched.ocspResponses],
    ...(at ? { at } : {}),
    requireRevocation: booleanOption(values, 'require-revocation'),
    hashCheckpoints: checkpoints,
  });
  out.write(booleanOption(values, 'json') ? `${JSON.stringify(report, null, 2)}\n` : `${renderReport(file, report, { trustAnchorsGiven: listOption(values, 'trust').length > 0 })}\n`);
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
