import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ascii85Decode, asciiHexDecode, decodeStreamData, predict } from '../../src/pdf/filters.js';
import { PdfDict, PdfName } from '../../src/pdf/objects.js';
import { isDocaxisError } from '../../src/errors.js';
import { latin1 } from './helpers.js';

const dict = (entries: Array<[string, unknown]>): PdfDict => new PdfDict(entries as Array<[string, never]>);

/** PNG-encodes rows with a given filter type (the encoder side, to test our decoder). */
function pngEncode(rows: number[][], type: number, bpp: number): Uint8Array {
  const out: number[] = [];
  rows.forEach((row, r) => {
    out.push(type);
    row.forEach((x, i) => {
      const a = i >= bpp ? row[i - bpp]! : 0;
      const b = r > 0 ? rows[r - 1]![i]! : 0;
      const c = r > 0 && i >= bpp ? rows[r - 1]![i - bpp]! : 0;
      let pred = 0;
      if (type === 1) pred = a;
      else if (type === 2) pred = b;
      else if (type === 3) pred = (a + b) >> 1;
      else if (type === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
        pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      out.push((x - pred) & 0xff);
    });
  });
  return Uint8Array.from(out);
}

describe('filters', () => {
  const rows = [
    [1, 2, 3, 4, 5, 6],
    [200, 10, 30, 255, 0, 7],
    [9, 9, 9, 100, 150, 250],
  ];

  it('FlateDecode without predictor', () => {
    const raw = zlib.deflateSync(Buffer.from('hello world'));
    const d = dict([['Filter', PdfName.of('FlateDecode')]]);
    expect(Buffer.from(decodeStreamData(d, raw)).toString()).toBe('hello world');
  });

  it('FlateDecode tolerates a truncated stream', () => {
    const raw = zlib.deflateSync(Buffer.from('x'.repeat(5000) + 'tail'));
    const out = decodeStreamData(dict([['Filter', PdfName.of('FlateDecode')]]), raw.subarray(0, raw.length - 4));
    expect(Buffer.from(out).toString()).toBe('x'.repeat(5000) + 'tail');
  });

  for (const type of [0, 1, 2, 3, 4]) {
    it(`PNG predictor row filter ${type} (Colors 2, bpc 8, Columns 3)`, () => {
      const enc = pngEncode(rows, type, 2);
      const parms = dict([['Predictor', 12], ['Colors', 2], ['BitsPerComponent', 8], ['Columns', 3]]);
      const d = dict([['Filter', PdfName.of('FlateDecode')], ['DecodeParms', parms]]);
      expect([...decodeStreamData(d, zlib.deflateSync(enc))]).toEqual(rows.flat());
    });
  }

  it('PNG predictor as used by xref streams (Columns 4, default Colors/bpc)', () => {
    const xr = [[1, 0, 15, 0], [1, 1, 2, 0], [2, 0, 9, 3]];
    const enc = pngEncode(xr, 2, 1);
    expect([...predict(enc, dict([['Predictor', 12], ['Columns', 4]]))]).toEqual(xr.flat());
  });

  it('TIFF predictor 2 (8 and 16 bits)', () => {
    const enc8 = Uint8Array.from([10, 20, 5, 5, 1, 1, /* row 2 */ 0, 0, 1, 1, 1, 1]);
    expect([...predict(enc8, dict([['Predictor', 2], ['Colors', 2], ['Columns', 3]]))]).toEqual([10, 20, 15, 25, 16, 26, 0, 0, 1, 1, 2, 2]);
    const enc16 = Uint8Array.from([0x01, 0x00, 0x00, 0xff]);
    expect([...predict(enc16, dict([['Predictor', 2], ['BitsPerComponent', 16], ['Columns', 2]]))]).toEqual([0x01, 0x00, 0x01, 0xff]);
  });

  it('ASCIIHexDecode and ASCII85Decode, chained before Flate', () => {
    expect(Buffer.from(asciiHexDecode(latin1('48 65 6C 6c 6F7>'))).toString('latin1')).toBe('Hellop');
    expect(Buffer.from(ascii85Decode(latin1('<~87cURD]i,"Ebo80~>'))).toString('latin1')).toBe('Hello World!');
    expect(Buffer.from(ascii85Decode(latin1('87cURD]i,"Ebo7~>'))).toString('latin1')).toBe('Hello World');
    expect([...ascii85Decode(latin1('z~>'))]).toEqual([0, 0, 0, 0]);
    const flated = zlib.deflateSync(Buffer.from('chained'));
    const hex = latin1(flated.toString('hex') + '>');
    const d = dict([['Filter', [PdfName.of('AHx'), PdfName.of('Fl')]]]);
    expect(Buffer.from(decodeStreamData(d, hex)).toString()).toBe('chained');
  });

  it('unsupported and corrupt data give typed errors', () => {
    const cases: Array<[PdfDict, Uint8Array, string]> = [
      [dict([['Filter', PdfName.of('DCTDecode')]]), latin1('x'), 'PDF_STREAM_UNSUPPORTED'],
      [dict([['Filter', PdfName.of('LZWDecode')]]), latin1('x'), 'PDF_STREAM_UNSUPPORTED'],
      [dict([['Filter', PdfName.of('FlateDecode')]]), latin1('not zlib at all'), 'PDF_OBJECT_MALFORMED'],
      [dict([['Filter', PdfName.of('ASCIIHexDecode')]]), latin1('zz'), 'PDF_OBJECT_MALFORMED'],
      [dict([['Filter', 5]]), latin1(''), 'PDF_OBJECT_MALFORMED'],
    ];
    for (const [d, raw, code] of cases) {
      let err: unknown;
      try {
        decodeStreamData(d, raw);
      } catch (e) {
        err = e;
      }
      expect(isDocaxisError(err), code).toBe(true);
      expect((err as { code: string }).code).toBe(code);
    }
  });
});
