// PEM <-> DER, and reading bundles of certificates or CRLs in either form.
// Users hand us whatever their CA or token software exported: a PEM bundle (maybe with CRLF, a BOM,
// RFC 1421 headers or text between blocks) or a bare DER file. Both are accepted everywhere.
import { DocaxisError, asDocaxisError, type ErrorCode } from '../errors.js';
import { parseCertificate, parseCertificateList } from './x509.js';

const BEGIN = /-----BEGIN ([A-Z0-9 ]+)-----/g;
const BASE64_BODY = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * All PEM blocks with `label` (all blocks when omitted), decoded; or, when the input holds no PEM
 * armour at all, the input itself as one DER item. A PEM file without a block of that label gives [].
 */
export function decodePemOrDer(bytes: Uint8Array, label?: string): Uint8Array[] {
  const blocks = pemBlocks(bytes);
  if (blocks === undefined) return [derItem(bytes)];
  return blocks.filter((b) => label === undefined || b.label === label).map((b) => b.der);
}

/** The PEM blocks in file order, or undefined when the input has no PEM armour. */
function pemBlocks(bytes: Uint8Array): Array<{ label: string; der: Uint8Array }> | undefined {
  if (bytes.length === 0) throw new DocaxisError('PEM_MALFORMED', 'empty input');
  // latin1 maps every byte to one char, so offsets stay byte offsets and nothing can fail to decode.
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  if (!text.includes('-----BEGIN ')) return undefined;
  const out: Array<{ label: string; der: Uint8Array }> = [];
  for (const match of text.matchAll(BEGIN)) {
    const blockLabel = match[1] ?? '';
    const bodyStart = (match.index ?? 0) + match[0].length;
    const bodyEnd = text.indexOf(`-----END ${blockLabel}-----`, bodyStart);
    if (bodyEnd < 0) throw new DocaxisError('PEM_MALFORMED', `no END line for ${blockLabel}`);
    out.push({ label: blockLabel, der: decodeBody(text.slice(bodyStart, bodyEnd), blockLabel) });
  }
  if (out.length === 0) throw new DocaxisError('PEM_MALFORMED', 'malformed BEGIN line');
  return out;
}

function decodeBody(body: string, blockLabel: string): Uint8Array {
  // RFC 1421 encapsulated headers ("Proc-Type: ...") end at a blank line; skip lines with a colon.
  const b64 = body
    .split(/\r?\n/)
    .filter((line) => !line.includes(':'))
    .join('')
    .replace(/\s+/g, '');
  if (b64.length === 0 || b64.length % 4 !== 0 || !BASE64_BODY.test(b64)) {
    throw new DocaxisError('PEM_MALFORMED', `bad base64 in ${blockLabel} block`);
  }
  return new Uint8Array(Buffer.from(b64, 'base64'));
}

/** A bare DER file must be one SEQUENCE whose length matches; trailing whitespace/NULs are dropped. */
function derItem(bytes: Uint8Array): Uint8Array {
  if (bytes[0] !== 0x30) throw new DocaxisError('PEM_MALFORMED', 'neither PEM nor DER');
  const total = derLength(bytes);
  if (total === undefined || total > bytes.length) throw new DocaxisError('PEM_MALFORMED', 'DER length does not match the data');
  for (let i = total; i < bytes.length; i++) {
    const b = bytes[i];
    if (b !== 0 && b !== 0x0a && b !== 0x0d && b !== 0x20) throw new DocaxisError('PEM_MALFORMED', 'data after the DER item');
  }
  return bytes.slice(0, total);
}

/** Tag + length + content size of the TLV at offset 0 (definite lengths only, as DER requires). */
function derLength(bytes: Uint8Array): number | undefined {
  const first = bytes[1];
  if (first === undefined) return undefined;
  if (first < 0x80) return 2 + first;
  const n = first & 0x7f;
  if (n === 0 || n > 4 || bytes.length < 2 + n) return undefined;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + (bytes[2 + i] ?? 0);
  return 2 + n + len;
}

export function toPem(der: Uint8Array, label: string): string {
  const b64 = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** Certificates from a PEM bundle or a single DER certificate; each one is checked to parse. Any failure: CERT_MALFORMED. */
export function readCertificates(bytes: Uint8Array): Uint8Array[] {
  const ders = decodeTyped(bytes, ['CERTIFICATE', 'X509 CERTIFICATE'], 'CERT_MALFORMED');
  for (const der of ders) parseOrThrow(der, 'CERT_MALFORMED', parseCertificate);
  return ders;
}

/** CRLs from a PEM bundle or a single DER CRL; each one is checked to parse. Any failure: CRL_MALFORMED. */
export function readCrls(bytes: Uint8Array): Uint8Array[] {
  const ders = decodeTyped(bytes, ['X509 CRL'], 'CRL_MALFORMED');
  for (const der of ders) parseOrThrow(der, 'CRL_MALFORMED', parseCertificateList);
  return ders;
}

function decodeTyped(bytes: Uint8Array, labels: readonly string[], code: ErrorCode): Uint8Array[] {
  let ders: Uint8Array[];
  try {
    const blocks = pemBlocks(bytes);
    ders = blocks === undefined ? [derItem(bytes)] : blocks.filter((b) => labels.includes(b.label)).map((b) => b.der);
  } catch (e) {
    // One code per reader: a caller of readCertificates handles CERT_MALFORMED, whatever the layer.
    throw new DocaxisError(code, e instanceof Error ? e.message : 'undecodable', { cause: e });
  }
  if (ders.length === 0) throw new DocaxisError(code, `no ${labels[0]} block found`);
  return ders;
}

function parseOrThrow(der: Uint8Array, code: ErrorCode, parse: (der: Uint8Array) => unknown): void {
  try {
    parse(der);
  } catch (e) {
    throw asDocaxisError(e, code);
  }
}
