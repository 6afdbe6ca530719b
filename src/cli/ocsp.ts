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
import { asList, parseCommandArgs } from './args.js';
import { readInput } from './files.js';
import { FIXTURE_P12_PASSWORD, fixturePath } from './fixtures.js';

/** The port the OCSP fixtures' AIA names (scripts/generate-ocsp-fixtures.ts). */
export const OCSP_FIXTURE_PORT = 18961;

export const OCSP_USAGE =
  'usage: docaxis ocsp --port N [--host 127.0.0.1] [--issuer PEM... --p12 FILE --password-env VAR] [--crl FILE]... [--revoked SERIAL[:ISO-TIME[:REASON]]]...\n' +
  '  TEST-ONLY OCSP responder: good unless a --crl or --revoked lists the serial (hex); unknown for other issuers.\n' +
  `  Without --issuer and --p12: the fixtures' OCSP root and responder (their signers name port ${OCSP_FIXTURE_PORT}).`;


export async function runOcsp(argv: string[], out: NodeJS.WritableStream, env: NodeJS.ProcessEnv): Promise<number> {
  const { values } = parseCommandArgs(
    argv,
    {
      port: { type: 'string' },
      host: { type: 'string' },
      issuer: { type: 'string', multiple: true },
      crl: { type: 'string', multiple: true },
      revoked: { type: 'string', multiple: true },
      p12: { type: 'string' },
      'password-env': { type: 'string' },
    },
    OCSP_USAGE,
  );
  const port = Number(values.port ?? NaN);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new DocaxisError('USAGE', `--port must be 0-65535\n${OCSP_USAGE}`);
  const useFixtures = values.issuer === undefined && values.p12 === undefined;
  const issuerFiles = useFixtures ? [fixturePath('ocsp-root-ca.cert.pem')] : asList(values.issuer);
  const crlFiles = [...(useFixtures ? [fixturePath('ocsp-root-ca.crl.der')] : []), ...asList(values.crl)];
  const issuers = issuerFiles.flatMap((p) => readCertificates(readInput(p)));
  if (issuers.length === 0) throw new DocaxisError('USAGE', `--issuer: at least one CA certificate\n${OCSP_USAGE}`);
  let material;
  if (useFixtures) {
    material = loadPkcs12(readInput(fixturePath('ocsp-responder.p12')), FIXTURE_P12_PASSWORD);
    out.write('warning: signing OCSP responses with the TEST-ONLY fixture responder key\n');
  } else {
    if (!values.p12) throw new DocaxisError('USAGE', `--p12: the responder's key and certificate\n${OCSP_USAGE}`);
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
    statuses: new Map(asList(values.revoked).map(revokedEntry)),
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
  if (!/^[0-9a-fA-F]+$/.test(serial)) throw new DocaxisError('USAGE', `--revoked ${spec}: the serial must be hex\n${OCSP_USAGE}`);
  const revokedAt = time ? new Date(time) : new Date();
  if (Number.isNaN(revokedAt.getTime())) throw new DocaxisError('USAGE', `--revoked ${spec}: not an ISO 8601 time`);
  if (reason !== undefined && !Object.values(CRL_REASONS).includes(reason)) throw new DocaxisError('USAGE', `--revoked ${spec}: unknown reason (${Object.values(CRL_REASONS).join(', ')})`);
  return [serial.toLowerCase().replace(/^0+(?=.)/, ''), { status: 'revoked', revokedAt, ...(reason !== undefined ? { reason } : {}) }];
}
