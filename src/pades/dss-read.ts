// The Document Security Store (ISO 32000-2 §12.8.4.3, ETSI EN 319 142-1 §5.4): the certificates,
// CRLs and OCSP responses a PAdES-LT/LTA document carries for validating its signatures, in the
// catalog's /DSS (/Certs, /CRLs, /OCSPs) and its per-signature /VRI dictionaries. Read from the
// latest revision, as bytes; trusting them is the chain's job (a CRL or OCSP response counts only
// when its issuer's key verifies it). The store comes from an untrusted file: counts, the size of
// each item and the total decoded are capped, and a broken part is skipped with a warning.
import zlib from 'node:zlib';
import { PdfDict, PdfName, PdfRef, PdfStream, type PdfObject } from '../pdf/objects.js';
import { ascii85Decode, asciiHexDecode, predict } from '../pdf/filters.js';
import type { PdfReader } from '../pdf/reader.js';
import { type ParsedOcspResponse, parseOcspResponse } from '../pki/ocsp.js';

export interface DssLimits {
  /** Of each kind (certificates, CRLs, OCSP responses), /DSS and /VRI together. */
  readonly maxItems: number;
  /** /VRI dictionaries looked at. */
  readonly maxVri: number;
  readonly maxCertificateBytes: number;
  readonly maxCrlBytes: number;
  readonly maxOcspBytes: number;
  /** Decoded bytes over the whole store. */
  readonly maxTotalBytes: number;
}

export const DSS_LIMITS: DssLimits = {
  maxItems: 200,
  maxVri: 1000,
  maxCertificateBytes: 64 * 1024,
  // National CAs publish CRLs of several MB; a bigger one is better fetched than carried.
  maxCrlBytes: 16 * 1024 * 1024,
  maxOcspBytes: 64 * 1024, // ocsp.ts MAX_OCSP_RESPONSE_BYTES
  maxTotalBytes: 64 * 1024 * 1024,
};

export interface DssContent {
  certificates: Uint8Array[];
  crls: Uint8Array[];
  ocspResponses: Uint8Array[];
  /** /VRI entries read (0 without a /VRI). */
  vriEntries: number;
  /** Parts skipped and limits reached, in words for the report. */
  warnings: string[];
}

type Kind = 'certificates' | 'crls' | 'ocspResponses';
const DSS_KEYS: ReadonlyArray<readonly [string, Kind]> = [
  ['Certs', 'certificates'],
  ['CRLs', 'crls'],
  ['OCSPs', 'ocspResponses'],
];
// A VRI dictionary names its arrays in the singular.
const VRI_KEYS: ReadonlyArray<readonly [string, Kind]> = [
  ['Cert', 'certificates'],
  ['CRL', 'crls'],
  ['OCSP', 'ocspResponses'],
];
const WHAT: Readonly<Record<Kind, string>> = { certificates: 'certificate', crls: 'CRL', ocspResponses: 'OCSP response' };

/** The latest revision's /DSS; empty content when there is none. Never throws. */
export function readDss(reader: PdfReader, limits: DssLimits = DSS_LIMITS): DssContent {
  const out: DssContent = { certificates: [], crls: [], ocspResponses: [], vriEntries: 0, warnings: [] };
  let dss: PdfObject | undefined;
  try {
    dss = reader.resolve(reader.catalog().get('DSS'));
  } catch (e) {
    out.warnings.push(`the /DSS could not be read: ${message(e)}`);
    return out;
  }
  if (dss === undefined || dss === null) return out;
  if (!(dss instanceof PdfDict)) {
    out.warnings.push('the /DSS is not a dictionary and was ignored');
    return out;
  }
  const collector = new Collector(reader, limits, out);
  for (const [key, kind] of DSS_KEYS) collector.readArray(dss.get(key), kind, `/DSS /${key}`);
  collector.readVri(dss.get('VRI'));
  collector.finish();
  return out;
}

/** One document's /DSS for every signature in it: read on first use, OCSP responses parsed once. */
export interface DssSource {
  content(): DssContent;
  /** The /OCSPs that parse; the others are named in content().warnings. */
  ocspResponses(): readonly ParsedOcspResponse[];
}

export function dssSource(reader: PdfReader, limits: DssLimits = DSS_LIMITS): DssSource {
  let content: DssContent | undefined;
  let parsed: ParsedOcspResponse[] | undefined;
  const read = (): DssContent => (content ??= readDss(reader, limits));
  return {
    content: read,
    ocspResponses() {
      if (parsed === undefined) {
        const c = read();
        parsed = [];
        let bad = 0;
        for (const der of c.ocspResponses) {
          try {
            parsed.push(parseOcspResponse(der));
          } catch {
            bad++;
          }
        }
        if (bad > 0) c.warnings.push(`${bad} OCSP response(s) of the /DSS could not be parsed and were ignored`);
      }
      return parsed;
    },
  };
}

class Collector {
  /** Streams already taken, by "num gen": /VRI entries normally repeat the /DSS arrays. */
  readonly #seen = new Set<string>();
  readonly #over: Record<Kind, number> = { certificates: 0, crls: 0, ocspResponses: 0 };
  /** Problem -> how often: a hostile store repeats one problem thousands of times. */
  readonly #problems = new Map<string, number>();
  #total = 0;
  #budgetSpent = false;

  constructor(
    readonly reader: PdfReader,
    readonly limits: DssLimits,
    readonly out: DssContent,
  ) {}

  readArray(entry: PdfObject | undefined, kind: Kind, where: string): void {
    let array: PdfObject | undefined;
    try {
      array = this.reader.resolve(entry);
    } catch (e) {
      this.problem(`${where} could not be read: ${message(e)}`);
      return;
    }
    if (array === undefined || array === null) return;
    if (!Array.isArray(array)) {
      this.problem(`${where} is not an array and was ignored`);
      return;
    }
    // Looking at more references than could ever be kept is work a hostile file makes us do.
    const budget = this.limits.maxItems * 4;
    for (const item of array.slice(0, budget)) this.readItem(item, kind, where);
    if (array.length > budget) this.#over[kind] += array.length - budget;
  }

  readVri(entry: PdfObject | undefined): void {
    let vri: PdfObject | undefined;
    try {
      vri = this.reader.resolve(entry);
    } catch (e) {
      this.out.warnings.push(`/DSS /VRI could not be read: ${message(e)}`);
      return;
    }
    if (!(vri instanceof PdfDict)) return;
    const keys = vri.keys();
    if (keys.length > this.limits.maxVri) this.out.warnings.push(`/DSS /VRI has ${keys.length} entries; the first ${this.limits.maxVri} were read`);
    for (const key of keys.slice(0, this.limits.maxVri)) {
      let dict: PdfObject | undefined;
      try {
        dict = this.reader.resolve(vri.get(key));
      } catch {
        continue;
      }
      if (!(dict instanceof PdfDict)) continue;
      this.out.vriEntries++;
      for (const [name, kind] of VRI_KEYS) this.readArray(dict.get(name), kind, `/VRI /${name}`);
    }
  }

  finish(): void {
    for (const [problem, count] of this.#problems) this.out.warnings.push(count > 1 ? `${problem} (${count} times)` : problem);
    for (const kind of ['certificates', 'crls', 'ocspResponses'] as const) {
      if (this.#over[kind] > 0) this.out.warnings.push(`the /DSS lists more than ${this.limits.maxItems} ${WHAT[kind]}s; ${this.#over[kind]} were ignored`);
    }
  }

  problem(message: string): void {
    this.#problems.set(message, (this.#problems.get(message) ?? 0) + 1);
  }

  readItem(item: PdfObject, kind: Kind, where: string): void {
    if (item instanceof PdfRef) {
      const key = `${item.num} ${item.gen}`;
      if (this.#seen.has(key)) return;
      this.#seen.add(key);
    }
    if (this.out[kind].length >= this.limits.maxItems) {
      this.#over[kind]++;
      return;
    }
    if (this.#budgetSpent) return;
    let stream: PdfObject | undefined;
    try {
      stream = this.reader.resolve(item);
    } catch (e) {
      this.problem(`a ${WHAT[kind]} of ${where} could not be read: ${message(e)}`);
      return;
    }
    if (!(stream instanceof PdfStream)) {
      this.problem(`an entry of ${where} is not a stream and was ignored`);
      return;
    }
    const cap = kind === 'certificates' ? this.limits.maxCertificateBytes : kind === 'crls' ? this.limits.maxCrlBytes : this.limits.maxOcspBytes;
    const room = Math.min(cap, this.limits.maxTotalBytes - this.#total);
    let bytes: Uint8Array;
    try {
      bytes = decodeBounded(this.reader, stream, room);
    } catch (e) {
      if (e instanceof TooLarge && room < cap) {
        this.#budgetSpent = true;
        this.out.warnings.push(`the /DSS holds more than ${this.limits.maxTotalBytes} bytes of data; the rest was ignored`);
      } else {
        this.problem(`a ${WHAT[kind]} of ${where} was ignored: ${message(e)}`);
      }
      return;
    }
    this.#total += bytes.length;
    this.out[kind].push(bytes);
  }
}

class TooLarge extends Error {
  override name = 'TooLarge';
}

/**
 * The stream's data through its filters, never more than `max` bytes at any step: the reader's own
 * decodeStream allows hundreds of MB per stream (a flate bomb in a /DSS must cost nothing).
 */
function decodeBounded(reader: PdfReader, stream: PdfStream, max: number): Uint8Array {
  // ASCIIHex and ASCII85 at most halve and shrink by a fifth: raw data this much bigger is too big.
  if (stream.raw.length > max * 2 + 1024) throw new TooLarge(`more than ${max} bytes`);
  const resolve = (o: PdfObject | undefined) => reader.resolve(o);
  const f = resolve(stream.dict.get('Filter'));
  const p = resolve(stream.dict.get('DecodeParms') ?? stream.dict.get('DP'));
  const filters = f === undefined || f === null ? [] : Array.isArray(f) ? f.map(resolve) : [f];
  const parms = Array.isArray(p) ? p.map(resolve) : [p];
  if (filters.length > 4) throw new Error('too many filters');
  let data = stream.raw;
  filters.forEach((name, i) => {
    const parm = parms[i];
    const value = name instanceof PdfName ? name.value : undefined;
    if (value === 'FlateDecode' || value === 'Fl') data = predict(inflateBounded(data, max), parm instanceof PdfDict ? parm : undefined, resolve);
    else if (value === 'ASCIIHexDecode' || value === 'AHx') data = asciiHexDecode(data);
    else if (value === 'ASCII85Decode' || value === 'A85') data = ascii85Decode(data);
    else throw new Error(`unsupported filter ${value ?? '(not a name)'}`);
  });
  if (data.length > max) throw new TooLarge(`more than ${max} bytes`);
  return data;
}

function inflateBounded(data: Uint8Array, max: number): Uint8Array {
  // One spare byte tells "exactly max" from "more than max".
  const opts = { maxOutputLength: max + 1 };
  let out: Buffer;
  try {
    out = zlib.inflateSync(data, opts);
  } catch (e) {
    if (e instanceof RangeError) throw new TooLarge(`more than ${max} bytes`);
    // A truncated stream: keep what decodes, like the reader does.
    try {
      out = zlib.inflateSync(data, { ...opts, finishFlush: zlib.constants.Z_SYNC_FLUSH });
    } catch (e2) {
      if (e2 instanceof RangeError) throw new TooLarge(`more than ${max} bytes`);
      throw new Error('FlateDecode data is corrupt');
    }
  }
  if (out.length > max) throw new TooLarge(`more than ${max} bytes`);
  return out;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
