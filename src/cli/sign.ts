// docaxis sign IN -o OUT --p12 FILE --password-env VAR [--level B-B|B-T] [--tsa URL]
//   [--visible PAGE:X,Y,W,H | --over FIELD] [--image PNG] [--reason TEXT] [--field NAME] [--adbe]
import { DocaxisError } from '../errors.js';
import type { AppearanceLayout } from '../pades/appearance.js';
import type { CertificateInfo } from '../pki/certificate.js';
import type { loadPkcs12Signer } from '../pki/key-signer.js';
import type { DigestAlgorithm } from '../pki/oids.js';
import type { Placement } from '../pades/placement.js';
import type { VisibleSignature } from '../pades/prepare.js';
import { parseCommandArgs, requireOne } from './args.js';
import { LTV_FLAGS, ltvOptionsFrom } from './extend.js';
import { AtomicOutput, maxPdfBytes, readInput, readPdfDigesting } from './files.js';

export const SIGN_USAGE =
  'usage: docaxis sign IN -o OUT --p12 FILE --password-env VAR [--level B-B|B-T|B-LT|B-LTA] [--tsa URL] ' +
  '[--trust PEM]... [--crl FILE]... [--ocsp FILE]... ' +
  '[--visible PAGE:X,Y,W,H | --over FIELD] [--image PNG] [--layout signer|seal|text] [--reason TEXT] [--location TEXT] ' +
  '[--field NAME] [--digest sha256|sha384|sha512] [--adbe]';

export async function runSign(argv: string[], out: NodeJS.WritableStream, env: NodeJS.ProcessEnv): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    argv,
    {
      output: { type: 'string', short: 'o' },
      p12: { type: 'string' },
      'password-env': { type: 'string' },
      level: { type: 'string' },
      tsa: { type: 'string' },
      visible: { type: 'string' },
      over: { type: 'string' },
      image: { type: 'string' },
      layout: { type: 'string' },
      reason: { type: 'string' },
      location: { type: 'string' },
      field: { type: 'string' },
      digest: { type: 'string' },
      adbe: { type: 'boolean' },
      ...LTV_FLAGS,
    },
    SIGN_USAGE,
  );
  const input = requireOne(positionals, 'input PDF', SIGN_USAGE);
  const output = need(values.output, '-o OUT');
  const p12Path = need(values.p12, '--p12 FILE');
  const passwordVar = need(values['password-env'], '--password-env VAR');
  const password = env[passwordVar];
  if (password === undefined) throw new DocaxisError('ENV_VAR_MISSING', `${passwordVar} (it holds the PKCS#12 password)`);
  const level = values.level ?? 'B-B';
  if (level !== 'B-B' && level !== 'B-T' && level !== 'B-LT' && level !== 'B-LTA') throw new DocaxisError('USAGE', `--level must be B-B, B-T, B-LT or B-LTA\n${SIGN_USAGE}`);
  if (level !== 'B-B' && !values.tsa) throw new DocaxisError('USAGE', `--level ${level} needs --tsa URL\n${SIGN_USAGE}`);
  const digest = (values.digest ?? 'sha256') as DigestAlgorithm;
  if (!['sha256', 'sha384', 'sha512'].includes(digest)) throw new DocaxisError('DIGEST_UNSUPPORTED', values.digest);
  if (values.visible && values.over) throw new DocaxisError('USAGE', `--visible and --over exclude each other\n${SIGN_USAGE}`);

  // Work that overlaps, because start-up is what a user waits for: the PDF is read on the thread
  // pool while the signing modules load (`verify` and `inspect` never load them) and the PKCS#12
  // is opened here; as soon as it is read, the PDF (the unchanged start of an incremental update)
  // is written into the temp output and flushed, on the thread pool, while the signature is made.
  // Errors keep their order: input, then PKCS#12 and certificate, then signing, then the output.
  const reading = readPdfDigesting(input, maxPdfBytes(env), digest);
  reading.catch(() => undefined);
  let target: AtomicOutput | undefined;
  let targetError: unknown;
  try {
    target = AtomicOutput.open(output);
  } catch (e) {
    targetError = e;
  }
  const early = target ? reading.then(({ bytes }) => target.writeAt(bytes, 0)).then(() => target.flush()) : undefined;
  early?.catch(() => undefined);
  try {
    const [{ loadPkcs12Signer: openSigner }, { describeCertificate }, { signPdf }] = await Promise.all([
      import('../pki/key-signer.js'),
      import('../pki/certificate.js'),
      import('../pades/sign.js'),
    ]);
    let signer: ReturnType<typeof loadPkcs12Signer> | undefined;
    let signerError: unknown;
    try {
      signer = openSigner(readInput(p12Path), password);
    } catch (e) {
      signerError = e;
    }
    const { bytes: pdf, state: inputState } = await reading;
    if (!signer) throw signerError;
    const cert = describeCertificate(signer.certificate);
    const now = new Date();
    if (now < cert.notBefore || now > cert.notAfter) {
      throw new DocaxisError('SIGNER_CERT_INVALID', `${cert.commonName ?? cert.subject.text} is valid from ${cert.notBefore.toISOString()} to ${cert.notAfter.toISOString()}`);
    }
    const placement = parsePlacement(values.visible, values.over);
    const visible = placement
      ? await visibleSignature(placement, cert, now, values.layout, values.image ? readInput(values.image) : undefined)
      : undefined;

    // B-B signing does not load the timestamp client.
    const urlTimestamper = values.tsa ? (await import('../pades/timestamper.js')).urlTimestamper : undefined;
    const signed = await signPdf(pdf, signer, {
      level,
      digest,
      signingTime: now,
      subFilter: values.adbe ? 'adbe.pkcs7.detached' : 'ETSI.CAdES.detached',
      ...(values.tsa && urlTimestamper ? { timestamper: urlTimestamper(values.tsa) } : {}),
      ...(values.field ? { fieldName: values.field } : {}),
      ...(values.reason ? { reason: values.reason } : {}),
      ...(values.location ? { location: values.location } : {}),
      ...(cert.commonName ? { name: cert.commonName } : {}),
      ...(visible ? { visible } : {}),
      inputHash: { algorithm: digest, length: pdf.length, state: inputState },
      ...(level === 'B-LT' || level === 'B-LTA' ? { ltv: await ltvOptionsFrom(values) } : {}),
    });
    if (!target) throw targetError;
    await early;
    // signPdf hands back the input itself as `original`; should that change, write it again.
    if (signed.original !== pdf) {
      target.truncate();
      await target.writeAt(signed.original, 0);
    }
    await target.writeAt(signed.update, signed.original.length);
    target.commit();
    for (const w of signed.warnings) out.write(`warning: ${w}\n`);
    out.write(`signed ${input} -> ${output} as ${cert.commonName ?? cert.subject.text} (PAdES ${level}${values.tsa ? `, TSA ${values.tsa}` : ''})\n`);
  } catch (e) {
    if (early) await early.catch(() => undefined);
    target?.abort();
    throw e;
  }
  return 0;
}

function need(v: string | undefined, what: string): string {
  if (!v) throw new DocaxisError('USAGE', `missing ${what}\n${SIGN_USAGE}`);
  return v;
}

export function parsePlacement(visible: string | undefined, over: string | undefined): Placement | undefined {
  if (over) return { kind: 'over', field: over };
  if (!visible) return undefined;
  const m = /^(\d+):(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?),(\d+(?:\.\d+)?),(\d+(?:\.\d+)?)$/.exec(visible);
  if (!m) throw new DocaxisError('USAGE', `--visible must be PAGE:X,Y,W,H in points (e.g. 1:330,90,200,110), got "${visible}"`);
  const [page, x, y, width, height] = m.slice(1).map(Number) as [number, number, number, number, number];
  return { kind: 'rect', page, x, y, width, height };
}

async function visibleSignature(placement: Placement, cert: CertificateInfo, time: Date, layoutFlag: string | undefined, image: Uint8Array | undefined): Promise<VisibleSignature> {
  const layout = (layoutFlag ?? (placement.kind === 'over' ? 'seal' : image ? 'signer' : 'text')) as AppearanceLayout;
  if (!['signer', 'seal', 'text'].includes(layout)) throw new DocaxisError('USAGE', `--layout must be signer, seal or text`);
  const { loadFontBytes } = await import('../pades/fonts.js');
  const { sealLines } = await import('../pades/appearance.js');
  const name = cert.commonName ?? cert.subject.text;
  const lines =
    layout === 'signer'
      ? [cert.title ?? '', name].filter(Boolean)
      : sealLines({ signerName: name, time, ...(cert.organization ? { agency: cert.organization } : {}), ...(cert.email ? { email: cert.email } : {}) });
  return { placement, layout, lines, fontBytes: await loadFontBytes(), ...(image && layout !== 'text' ? { image } : {}) };
}
