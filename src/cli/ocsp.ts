// docaxis ocsp --port N [--host H] --issuer PEM... [--crl FILE]... [--revoked SERIAL[:ISO[:REASON]]]...
//              [--p12 FILE --password-env VAR]
// A TEST-ONLY OCSP responder over HTTP (POST …/ocsp). It answers for the certificates of the
// --issuer CAs: revoked when a --crl of that CA or a --revoked lists the serial, good otherwise,
// unknown for other CAs. It signs with the --p12 key: a delegated responder certificate
// (id-kp-OCSPSigning, issued by the CA) or the CA's own. Without --issuer and --p12 it serves the
// OCSP fixtures (certs-fixtures/ocsp-*: their signers' AIA names port 18961).
import { DocaxisError } from '../errors.js';
import { startOcspServer } from '../http/ocsp-server.js';
import { type CertStatusEntry, OcspResponder } from '../pki/ocsp-responder.js';
import { readCertificates, readCrls } from '../pki/pem.js';
import { loadPkcs12 } from '../pki/pkcs12.js';
import { CRL_REASONS, parseCrl } from '../pki/revocation.js';
import { commandHelp, listOption, parseCommand, stringOption, usageError } from './options.js';
import { readInput } from './files.js';
import { FIXTURE_P12_PASSWORD, fixturePath } from './fixtures.js';

/** The port the OCSP fixtures' AIA names (scripts/generate-ocsp-fixtures.ts). */
export const OCSP_FIXTURE_PORT = 18961;

export async function runOcsp(argv: string[], out: NodeJS.WritableStream, env: NodeJS.ProcessEnv): Promise<number> {
  const parsed = parseCommand('ocsp', argv);
  if (parsed.help) {
    out.write(`${commandHelp('ocsp')}
`);
    return 0;
  }
  const v = parsed.values;
  const values = {
    port: stringOption(v, 'port'), host: stringOption(v, 'host'), p12: stringOption(v, 'p12'), 'password-env': stringOption(v, 'password-env'),
    issuer: v['issuer'] === undefined ? undefined : listOption(v, 'issuer'), crl: listOption(v, 'crl'), revoked: listOption(v, 'revoked'),
  };
  const port = Number(values.port ?? NaN);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw usageError('ocsp', `--port must be 0-65535`);
  const useFixtures = values.issuer === undefined && values.p12 === undefined;
  const issuerFiles = useFixtures ? [fixturePath('ocsp-root-ca.cert.pem')] : (values.issuer ?? []);
  const crlFiles = [...(useFixtures ? [fixturePath('ocsp-root-ca.crl.der')] : []), ...values.crl];
  const issuers = issuerFiles.flatMap((p) => readCertificates(readInput(p)));
  if (issuers.length === 0) throw usageError('ocsp', `--issuer: at least one CA certificate`);
  let material;
  if (useFixtures) {
    material = loadPkcs12(readInput(fixturePath('ocsp-responder.p12')), FIXTURE_P12_PASSWORD);
    out.write('warning: signing OCSP responses with the TEST-ONLY fixture responder key\n');
  } else {
    if (!values.p12) throw usageError('ocsp', `--p12: the responder's key and certificate`);
    const v = values['password-env'];
    const password = v ? env[v] : undefined;
    if (password === undefined) throw new DocaxisError('ENV_VAR_MISSING', `${v ?? '--password-env VAR'} (it holds the PKCS#12 password)`);
    material = loadPkcs12(readInput(values.p12), password);
  }
  const responder = new OcspResponder({
    issuers,
    signerCertificate: material.certificate,
    signerKey: material.privateKey,
    crls: crlFiles.flatMap((p) => readCrls(readInput(p))).map(parseCrl),
    statuses: new Map(values.revoked.map(revokedEntry)),
  });
  const server = await startOcspServer(responder, { port, ...(values.host ? { host: values.host } : {}) });
  out.write(`warning: TEST-ONLY OCSP responder\nOCSP responder listening on ${server.url}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  return 0;
}

/** SERIAL[:ISO-TIME[:REASON]]: serial in hex; time default the epoch of the run; reason a CRLReason name. */
function revokedEntry(spec: string): [string, CertStatusEntry] {
  const [serial = '', time, reason] = spec.split(/:(?=\d{4}-|[a-zA-Z]+$)/);
  if (!/^[0-9a-fA-F]+$/.test(serial)) throw usageError('ocsp', `--revoked ${spec}: the serial must be hex`);
  const revokedAt = time ? new Date(time) : new Date();
  if (Number.isNaN(revokedAt.getTime())) throw new DocaxisError('USAGE', `--revoked ${spec}: not an ISO 8601 time`);
  if (reason !== undefined && !Object.values(CRL_REASONS).includes(reason)) throw new DocaxisError('USAGE', `--revoked ${spec}: unknown reason (${Object.values(CRL_REASONS).join(', ')})`);
  return [serial.toLowerCase().replace(/^0+(?=.)/, ''), { status: 'revoked', revokedAt, ...(reason !== undefined ? { reason } : {}) }];
}
