// docaxis sign IN -o OUT --p12 FILE --password-env VAR [--level B-B|B-T] [--tsa URL]
//   [--visible PAGE:X,Y,W,H | --over FIELD] [--image PNG] [--reason TEXT] [--field NAME] [--adbe]
import { DocaxisError } from '../errors.js';
import type { AppearanceLayout } from '../pades/appearance.js';
import type { CertificateInfo } from '../pki/certificate.js';
import type { loadPkcs12Signer } from '../pki/key-signer.js';
import type { DigestAlgorithm } from '../pki/oids.js';
import type { Placement } from '../pades/placement.js';
import type { VisibleSignature } from '../pades/prepare.js';
import { requireOne } from './args.js';
import { booleanOption, commandHelp, helpPointer, parseCommand, stringOption, usageError } from './options.js';
import { ltvOptionsFrom, ltvValues } from './extend.js';
import { AtomicOutput, maxPdfBytes, readInput, readPdfDigesting } from './files.js';
import { checkPkcs11Args, closePkcs11, openPkcs11FromArgs, terminalPrompt, wantsPkcs11 } from './pkcs11-options.js';
import type { Pkcs11Signer } from '../pki/pkcs11-signer.js';

export async function runSign(argv: string[], out: NodeJS.WritableStream, env: NodeJS.ProcessEnv): Promise<number> {
  const parsed = parseCommand('sign', argv);
  if (parsed.help) {
    out.write(`${commandHelp('sign')}\n`);
    return 0;
  }
  const values = signValues(parsed.values);
  const positionals = parsed.positionals;
  const input = requireOne(positionals, 'input PDF', 'sign');
  const output = need(values.output, '-o OUT');
  // A key on a token (PKCS#11) instead of the .p12 file: src/cli/pkcs11-options.ts.
  const pkcs11 = wantsPkcs11(values);
  if (pkcs11 && values.p12) throw usageError('sign', '--p12 and --pkcs11-module exclude each other');
  if (pkcs11) checkPkcs11Args(values, helpPointer('sign'));
  const p12Path = pkcs11 ? '' : need(values.p12, '--p12 FILE');
  const passwordVar = pkcs11 ? '' : need(values['password-env'], '--password-env VAR');
  const password = pkcs11 ? '' : env[passwordVar];
  if (password === undefined) throw new DocaxisError('ENV_VAR_MISSING', `${passwordVar} (it holds the PKCS#12 password)`);
  const level = values.level ?? 'B-B';
  if (level !== 'B-B' && level !== 'B-T' && level !== 'B-LT' && level !== 'B-LTA') throw usageError('sign', `--level must be B-B, B-T, B-LT or B-LTA, got ${level}`);
  if (level !== 'B-B' && !values.tsa) throw usageError('sign', `--level ${level} needs --tsa URL`);
  const digest = (values.digest ?? 'sha256') as DigestAlgorithm;
  if (!['sha256', 'sha384', 'sha512'].includes(digest)) throw new DocaxisError('DIGEST_UNSUPPORTED', values.digest);
  if (values.visible && values.over) throw usageError('sign', '--visible and --over exclude each other');

  // Work that overlaps, because start-up is what a user waits for: the PDF is read on the thread
  // pool while the signing modules load (`verify` and `inspect` never load them) and the PKCS#12
  // is opened here; as soon as it is read, the PDF (the unchanged start of an incremental update)
  // is written into the temp output and flushed, on the thread pool, while the signature is made.
  // Errors keep their order: input, then PKCS#12 and certificate, then signing, then the output.
  let target: AtomicOutput | undefined;
  let targetError: unknown;
  try {
    target = AtomicOutput.open(output);
  } catch (e) {
    targetError = e;
  }
  // Each chunk of the input goes to the output as soon as it is read (both on the thread pool), so
  // a large file is written while it is still being read and hashed, not after.
  const copies: Promise<void>[] = [];
  const copy = (chunk: Uint8Array, offset: number): void => {
    const written = target!.writeAt(chunk, offset);
    written.catch(() => undefined); // awaited below, with the others
    copies.push(written);
  };
  const reading = readPdfDigesting(input, maxPdfBytes(env), digest, target ? copy : undefined);
  reading.catch(() => undefined);
  // Every write in flight settles before the output can be flushed, truncated or closed.
  const early = target
    ? reading
        .finally(() => Promise.allSettled(copies))
        .then(() => Promise.all(copies))
        .then(() => target.flush())
    : undefined;
  early?.catch(() => undefined);
  let hsmSigner: Pkcs11Signer | undefined;
  try {
    const [{ loadPkcs12Signer: openSigner }, { describeCertificate }, { signPdf }] = await Promise.all([
      import('../pki/key-signer.js'),
      import('../pki/certificate.js'),
      import('../pades/sign.js'),
    ]);
    let signer: ReturnType<typeof loadPkcs12Signer> | undefined;
    let signerError: unknown;
    try {
      signer = pkcs11 ? (hsmSigner = await openPkcs11FromArgs(values, { env, prompt: terminalPrompt() }, helpPointer('sign'))) : openSigner(readInput(p12Path), password);
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
  } finally {
    if (pkcs11) await closePkcs11(hsmSigner);
  }
  return 0;
}

/** The options of `sign`, typed. */
function signValues(v: Parameters<typeof stringOption>[0]) {
  const str = (k: string): string | undefined => stringOption(v, k);
  return {
    output: str('output'),
    p12: str('p12'),
    'password-env': str('password-env'),
    level: str('level'),
    tsa: str('tsa'),
    visible: str('visible'),
    over: str('over'),
    image: str('image'),
    layout: str('layout'),
    reason: str('reason'),
    location: str('location'),
    field: str('field'),
    digest: str('digest'),
    adbe: booleanOption(v, 'adbe'),
    'pkcs11-module': str('pkcs11-module'),
    'token-label': str('token-label'),
    'key-label': str('key-label'),
    'key-id': str('key-id'),
    'pin-env': str('pin-env'),
    ...ltvValues(v),
  };
}

function need(v: string | undefined, what: string): string {
  if (!v) throw usageError('sign', `missing ${what}`);
  return v;
}

export function parsePlacement(visible: string | undefined, over: string | undefined): Placement | undefined {
  if (over) return { kind: 'over', field: over };
  if (!visible) return undefined;
  const m = /^(\d+):(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?),(\d+(?:\.\d+)?),(\d+(?:\.\d+)?)$/.exec(visible);
  if (!m) throw usageError('sign', `--visible must be PAGE:X,Y,W,H in points (e.g. 1:330,90,200,110), got "${visible}"`);
  const [page, x, y, width, height] = m.slice(1).map(Number) as [number, number, number, number, number];
  return { kind: 'rect', page, x, y, width, height };
}

async function visibleSignature(placement: Placement, cert: CertificateInfo, time: Date, layoutFlag: string | undefined, image: Uint8Array | undefined): Promise<VisibleSignature> {
  const layout = (layoutFlag ?? (placement.kind === 'over' ? 'seal' : image ? 'signer' : 'text')) as AppearanceLayout;
  if (!['signer', 'seal', 'text'].includes(layout)) throw usageError('sign', `--layout must be signer, seal or text, got ${layout}`);
  const { loadFontBytes } = await import('../pades/fonts.js');
  const { sealLines } = await import('../pades/appearance.js');
  const name = cert.commonName ?? cert.subject.text;
  const lines =
    layout === 'signer'
      ? [cert.title ?? '', name].filter(Boolean)
      : sealLines({ signerName: name, time, ...(cert.organization ? { agency: cert.organization } : {}), ...(cert.email ? { email: cert.email } : {}) });
  return { placement, layout, lines, fontBytes: await loadFontBytes(), ...(image && layout !== 'text' ? { image } : {}) };
}
