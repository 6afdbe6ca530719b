// A minimal, offset-preserving DER/BER reader and DER writer for the CMS and RFC 3161 code.
//
// Why not asn1js/pkijs objects: CMS needs byte exactness in both directions. Parsing must hand
// back the exact bytes that were signed (signedAttrs re-tagged, embedded certificates, the
// TSTInfo), and editing (adding a timestamp) must leave every other byte untouched; a decode ->
// re-encode round trip through an object model does not guarantee either. The reader is bounded
// (depth limit, every length checked against its container) so fuzzed input fails fast.
// Errors thrown here are AsnError; public callers wrap them into a DocaxisError with their code.

import { OID } from './oids.js';

export class AsnError extends Error {
  override name = 'AsnError';
}

/** One TLV located in a buffer. `contentEnd` excludes the end-of-contents octets of BER indefinite lengths. */
export interface Tlv {
  /** First identifier octet (class, constructed bit, low tag number), e.g. 0x30, 0xa0. */
  readonly tag: number;
  readonly constructed: boolean;
  readonly start: number;
  readonly contentStart: number;
  readonly contentEnd: number;
  readonly end: number;
  readonly indefinite: boolean;
}

export const TAG = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  utf8String: 0x0c,
  printableString: 0x13,
  ia5String: 0x16,
  utcTime: 0x17,
  generalizedTime: 0x18,
  sequence: 0x30,
  set: 0x31,
} as const;

/** Context-specific tag byte: [n] constructed (EXPLICIT or IMPLICIT of a constructed type) or primitive. */
export function ctx(n: number, constructed = true): number {
  return 0x80 | (constructed ? 0x20 : 0) | n;
}

const MAX_DEPTH = 48;

/** Reads the TLV starting at `offset`; it must end at or before `limit`. */
export function readTlv(buf: Uint8Array, offset: number, limit: number = buf.length, depth = 0): Tlv {
  if (depth > MAX_DEPTH) throw new AsnError('ASN.1 nesting too deep');
  let p = offset;
  if (p >= limit) throw new AsnError(`no TLV at offset ${offset}`);
  const tag = buf[p++]!;
  const constructed = (tag & 0x20) !== 0;
  if ((tag & 0x1f) === 0x1f) {
    // High tag number form: base-128 continuation octets. Never used by CMS itself, but legal.
    let n = 0;
    for (;;) {
      if (p >= limit) throw new AsnError('truncated tag');
      const b = buf[p++]!;
      if (++n > 4) throw new AsnError('tag number too large');
      if ((b & 0x80) === 0) break;
    }
  }
  if (p >= limit) throw new AsnError('truncated length');
  const first = buf[p++]!;
  if (first === 0x80) {
    // BER indefinite length: children up to an end-of-contents (00 00). Only for constructed.
    if (!constructed) throw new AsnError('indefinite length on a primitive');
    const contentStart = p;
    for (;;) {
      if (p + 2 <= limit && buf[p] === 0 && buf[p + 1] === 0) {
        return { tag, constructed, start: offset, contentStart, contentEnd: p, end: p + 2, indefinite: true };
      }
      p = readTlv(buf, p, limit, depth + 1).end;
    }
  }
  let len: number;
  if (first < 0x80) {
    len = first;
  } else {
    const count = first & 0x7f;
    if (count > 4) throw new AsnError('length too large');
    if (p + count > limit) throw new AsnError('truncated length');
    len = 0;
    for (let i = 0; i < count; i++) len = len * 256 + buf[p++]!;
  }
  const contentStart = p;
  const contentEnd = p + len;
  if (contentEnd > limit) throw new AsnError(`TLV at offset ${offset} overruns its container`);
  return { tag, constructed, start: offset, contentStart, contentEnd, end: contentEnd, indefinite: false };
}

/** The whole input as exactly one TLV, ignoring trailing zero bytes (PDF /Contents padding). */
export function readRoot(buf: Uint8Array, allowZeroPadding: boolean): Tlv {
  const root = readTlv(buf, 0, buf.length);
  for (let i = root.end; i < buf.length; i++) {
    if (!allowZeroPadding || buf[i] !== 0) throw new AsnError('trailing data after the DER value');
  }
  return root;
}

export function childrenOf(buf: Uint8Array, node: Tlv, depth = 0): Tlv[] {
  if (!node.constructed) throw new AsnError(`expected a constructed value at offset ${node.start}`);
  const out: Tlv[] = [];
  let p = node.contentStart;
  while (p < node.contentEnd) {
    const child = readTlv(buf, p, node.contentEnd, depth + 1);
    out.push(child);
    p = child.end;
  }
  return out;
}

export function expectTag(node: Tlv | undefined, tag: number, what: string): Tlv {
  if (!node) throw new AsnError(`${what}: missing`);
  if (node.tag !== tag) throw new AsnError(`${what}: expected tag 0x${tag.toString(16)}, found 0x${node.tag.toString(16)}`);
  return node;
}

/** Children of a node that must carry `tag` (SEQUENCE / SET / explicit context tags). */
export function childrenWithTag(buf: Uint8Array, node: Tlv | undefined, tag: number, what: string): Tlv[] {
  return childrenOf(buf, expectTag(node, tag, what));
}

export function bytesOf(buf: Uint8Array, node: Tlv): Uint8Array {
  return buf.subarray(node.start, node.end);
}

export function contentOf(buf: Uint8Array, node: Tlv): Uint8Array {
  return buf.subarray(node.contentStart, node.contentEnd);
}

/** OCTET STRING value; BER constructed OCTET STRINGs (segments) are concatenated. */
export function octetStringValue(buf: Uint8Array, node: Tlv, depth = 0): Uint8Array {
  if (!node.constructed) return contentOf(buf, node);
  if (depth > 8) throw new AsnError('OCTET STRING segments nested too deep');
  const parts = childrenOf(buf, node).map((c) => octetStringValue(buf, expectTag(c, TAG.octetString, 'OCTET STRING segment'), depth + 1));
  return concat(...parts);
}

export function decodeOid(buf: Uint8Array, node: Tlv): string {
  expectTag(node, TAG.oid, 'OBJECT IDENTIFIER');
  const c = contentOf(buf, node);
  if (c.length === 0 || c.length > 64) throw new AsnError('bad OBJECT IDENTIFIER length');
  const arcs: number[] = [];
  let v = 0;
  for (let i = 0; i < c.length; i++) {
    const b = c[i]!;
    v = v * 128 + (b & 0x7f);
    if (v > Number.MAX_SAFE_INTEGER / 256) throw new AsnError('OBJECT IDENTIFIER arc too large');
    if ((b & 0x80) === 0) {
      if (arcs.length === 0) arcs.push(v < 80 ? Math.floor(v / 40) : 2, v < 80 ? v % 40 : v - 80);
      else arcs.push(v);
      v = 0;
    } else if (i === c.length - 1) {
      throw new AsnError('truncated OBJECT IDENTIFIER');
    }
  }
  return arcs.join('.');
}

/** INTEGER as lowercase hex of its magnitude bytes: the DER sign octet 00 stripped, even length. */
export function integerHex(buf: Uint8Array, node: Tlv): string {
  expectTag(node, TAG.integer, 'INTEGER');
  return normalizeIntegerHex(Buffer.from(contentOf(buf, node)).toString('hex'));
}

export function normalizeIntegerHex(hex: string): string {
  let h = hex.toLowerCase();
  while (h.length > 2 && h.startsWith('00')) h = h.slice(2);
  return h === '' ? '00' : h;
}

/** Small non-negative INTEGER (versions, statuses). */
export function integerValue(buf: Uint8Array, node: Tlv): number {
  expectTag(node, TAG.integer, 'INTEGER');
  const c = contentOf(buf, node);
  if (c.length === 0 || c.length > 6 || (c[0]! & 0x80) !== 0) throw new AsnError('INTEGER out of range');
  let v = 0;
  for (const b of c) v = v * 256 + b;
  return v;
}

/** UTCTime or GeneralizedTime (Z form, optional fraction) to a Date. */
export function decodeTime(buf: Uint8Array, node: Tlv): Date {
  const s = Buffer.from(contentOf(buf, node)).toString('latin1');
  let m: RegExpExecArray | null;
  let iso: string;
  if (node.tag === TAG.utcTime && (m = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s))) {
    const yy = Number(m[1]);
    iso = `${yy < 50 ? 2000 + yy : 1900 + yy}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`;
  } else if (node.tag === TAG.generalizedTime && (m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:[.,](\d{1,9}))?Z$/.exec(s))) {
    const frac = m[7] ? `.${m[7].padEnd(3, '0').slice(0, 3)}` : '';
    iso = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${frac}Z`;
  } else {
    throw new AsnError(`unsupported time value "${s.slice(0, 40)}"`);
  }
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) throw new AsnError(`invalid time "${s.slice(0, 40)}"`);
  return d;
}

// ---------------------------------------------------------------------------------------------
// BER -> DER (X.690 §10/§11), for values whose DER encoding is what was signed (CMS signed
// attributes, RFC 5652 5.4): definite lengths, constructed strings joined into one primitive,
// SET OF elements sorted, BOOLEAN TRUE as FF. A DER input comes back byte for byte.

/** Universal types that BER may send in constructed (segmented) form and DER may not. */
const STRING_TYPES = new Set([3, 4, 12, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 30]);

/**
 * The DER of `node`; `tag` replaces its first identifier octet (e.g. [0] IMPLICIT -> SET).
 * `sortSets: false` keeps the elements of each SET in the order sent (DER in all but that).
 */
export function toDer(buf: Uint8Array, node: Tlv, tag?: number, sortSets = true, depth = 0): Uint8Array {
  if (depth > MAX_DEPTH) throw new AsnError('ASN.1 nesting too deep');
  const ident = Uint8Array.from(buf.subarray(node.start, identifierEnd(buf, node)));
  if (tag !== undefined) ident[0] = tag;
  const first = ident[0]!;
  const universal = (first & 0xc0) === 0 && ident.length === 1;
  const number = first & 0x1f;
  if (!node.constructed) {
    let content = contentOf(buf, node);
    if (universal && number === TAG.boolean && content.length === 1 && content[0] !== 0) content = Uint8Array.of(0xff);
    return concat(ident, encodeLength(content.length), content);
  }
  if (universal && STRING_TYPES.has(number)) {
    ident[0] = first & ~0x20;
    const content = number === TAG.bitString ? bitStringSegments(buf, node, depth) : stringSegments(buf, node, depth);
    return concat(ident, encodeLength(content.length), content);
  }
  const children = childrenOf(buf, node, depth).map((c) => toDer(buf, c, undefined, sortSets, depth + 1));
  if (sortSets && universal && number === (TAG.set & 0x1f)) children.sort(compareBytes);
  const content = concat(...children);
  return concat(ident, encodeLength(content.length), content);
}

function identifierEnd(buf: Uint8Array, node: Tlv): number {
  let p = node.start + 1;
  if ((buf[node.start]! & 0x1f) === 0x1f) while (p < node.contentStart && (buf[p++]! & 0x80) !== 0);
  return p;
}

function stringSegments(buf: Uint8Array, node: Tlv, depth: number): Uint8Array {
  if (!node.constructed) return contentOf(buf, node);
  if (depth > MAX_DEPTH) throw new AsnError('string segments nested too deep');
  return concat(...childrenOf(buf, node, depth).map((c) => stringSegments(buf, c, depth + 1)));
}

/** Segments of a BIT STRING: each starts with its unused-bit count; only the last may be non-zero. */
function bitStringSegments(buf: Uint8Array, node: Tlv, depth: number): Uint8Array {
  const parts: Uint8Array[] = [];
  const walk = (n: Tlv, d: number): void => {
    if (d > MAX_DEPTH) throw new AsnError('string segments nested too deep');
    if (n.constructed) for (const c of childrenOf(buf, n, d)) walk(c, d + 1);
    else parts.push(contentOf(buf, n));
  };
  walk(node, depth);
  const unused = parts.length > 0 ? parts[parts.length - 1]![0] ?? 0 : 0;
  return concat(Uint8Array.of(unused), ...parts.map((p) => p.subarray(1)));
}

// ---------------------------------------------------------------------------------------------
// Writer (always definite-length DER)

export function concat(...parts: Uint8Array[]): Uint8Array {
  return Buffer.concat(parts);
}

export function encodeLength(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

export function tlv(tag: number, ...content: Uint8Array[]): Uint8Array {
  const body = concat(...content);
  return concat(Uint8Array.of(tag), encodeLength(body.length), body);
}

export const seq = (...content: Uint8Array[]): Uint8Array => tlv(TAG.sequence, ...content);

/** DER SET OF: elements sorted by their encodings (X.690 11.6), shorter-is-prefix first. */
export function setOf(elements: readonly Uint8Array[], tag: number = TAG.set): Uint8Array {
  return tlv(tag, ...[...elements].sort(compareBytes));
}

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b);
}

export function encodeOid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map((a) => Number(a));
  if (arcs.length < 2 || arcs.some((a) => !Number.isSafeInteger(a) || a < 0)) throw new AsnError(`bad OID ${dotted}`);
  const out: number[] = [];
  const push = (v: number): void => {
    const group: number[] = [v & 0x7f];
    for (let x = Math.floor(v / 128); x > 0; x = Math.floor(x / 128)) group.unshift(0x80 | (x & 0x7f));
    out.push(...group);
  };
  push(arcs[0]! * 40 + arcs[1]!);
  for (const a of arcs.slice(2)) push(a);
  return tlv(TAG.oid, Uint8Array.from(out));
}

/** INTEGER from unsigned magnitude bytes: leading zeros trimmed, a 00 sign octet added if needed. */
export function encodeUnsignedInteger(magnitude: Uint8Array): Uint8Array {
  let i = 0;
  while (i < magnitude.length - 1 && magnitude[i] === 0) i++;
  let body = magnitude.subarray(i);
  if (body.length === 0) body = Uint8Array.of(0);
  if ((body[0]! & 0x80) !== 0) body = concat(Uint8Array.of(0), body);
  return tlv(TAG.integer, body);
}

export function encodeSmallInteger(n: number): Uint8Array {
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return encodeUnsignedInteger(Uint8Array.from(bytes));
}

export const encodeOctetString = (v: Uint8Array): Uint8Array => tlv(TAG.octetString, v);
export const DER_NULL = Uint8Array.of(0x05, 0x00);
export const encodeBoolean = (v: boolean): Uint8Array => Uint8Array.of(0x01, 0x01, v ? 0xff : 0x00);
export const encodeUtf8String = (s: string): Uint8Array => tlv(TAG.utf8String, Buffer.from(s, 'utf8'));

/** GeneralizedTime in the DER form RFC 3161 asks for: Z, fraction only when non-zero, no trailing zeros. */
export function encodeGeneralizedTime(d: Date): Uint8Array {
  const iso = d.toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ
  let s = iso.slice(0, 19).replace(/[-:T]/g, '');
  const ms = iso.slice(20, 23).replace(/0+$/, '');
  if (ms) s += `.${ms}`;
  return tlv(TAG.generalizedTime, Buffer.from(`${s}Z`, 'latin1'));
}

/** DER BIT STRING for a NamedBitList: bit 0 is the MSB of the first octet; trailing zero bits dropped. */
export function encodeNamedBits(bits: readonly number[]): Uint8Array {
  if (bits.length === 0) return Uint8Array.of(0x03, 0x01, 0x00);
  const max = Math.max(...bits);
  const bytes = new Uint8Array(Math.floor(max / 8) + 1);
  for (const b of bits) bytes[b >> 3]! |= 0x80 >> (b & 7);
  const unused = 7 - (max % 8);
  return tlv(TAG.bitString, Uint8Array.of(unused), bytes);
}

// ---------------------------------------------------------------------------------------------
// Certificate identity: just the fields CMS needs to name a certificate (issuer, serial, SKI).
//   Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }
//   TBSCertificate ::= SEQUENCE { version [0] EXPLICIT DEFAULT v1, serialNumber INTEGER,
//     signature AlgorithmIdentifier, issuer Name, validity, subject Name, subjectPublicKeyInfo,
//     issuerUniqueID [1] OPTIONAL, subjectUniqueID [2] OPTIONAL, extensions [3] EXPLICIT OPTIONAL }

export interface CertificateIdentity {
  /** DER of the issuer Name. */
  readonly issuerDer: Uint8Array;
  /** DER of the serialNumber INTEGER (whole TLV). */
  readonly serialDer: Uint8Array;
  readonly serialHex: string;
  /** subjectKeyIdentifier extension value, lowercase hex. */
  readonly subjectKeyId?: string;
}

export function certificateIdentity(cert: Uint8Array): CertificateIdentity {
  const root = readRoot(cert, false);
  const [tbs] = childrenWithTag(cert, root, TAG.sequence, 'Certificate');
  const fields = childrenWithTag(cert, tbs, TAG.sequence, 'TBSCertificate');
  let i = fields[0]?.tag === ctx(0) ? 1 : 0;
  const serial = expectTag(fields[i++], TAG.integer, 'serialNumber');
  i++; // signature AlgorithmIdentifier
  const issuer = expectTag(fields[i], TAG.sequence, 'issuer');
  let subjectKeyId: string | undefined;
  const extsWrapper = fields.find((f) => f.tag === ctx(3));
  if (extsWrapper) {
    const [exts] = childrenOf(cert, extsWrapper);
    for (const ext of childrenWithTag(cert, exts, TAG.sequence, 'Extensions')) {
      const parts = childrenWithTag(cert, ext, TAG.sequence, 'Extension');
      if (parts[0] && decodeOid(cert, parts[0]) === OID.subjectKeyIdentifier) {
        const wrapped = parts[parts.length - 1]!;
        const inner = readRoot(contentOf(cert, expectTag(wrapped, TAG.octetString, 'extnValue')), false);
        const value = contentOf(cert, wrapped);
        subjectKeyId = Buffer.from(contentOf(value, expectTag(inner, TAG.octetString, 'SubjectKeyIdentifier'))).toString('hex');
      }
    }
  }
  return {
    issuerDer: bytesOf(cert, issuer),
    serialDer: bytesOf(cert, serial),
    serialHex: integerHex(cert, serial),
    ...(subjectKeyId !== undefined ? { subjectKeyId } : {}),
  };
}
