import { describe, expect, it } from 'vitest';
import { Lexer } from '../../src/pdf/lexer.js';
import { parseIndirectAt, parseObjectAt } from '../../src/pdf/parser.js';
import { PdfDict, PdfName, PdfRaw, PdfRef, PdfStream, PdfString, pdfEquals, type PdfObject } from '../../src/pdf/objects.js';
import { ByteBuilder, formatNumber, serializeIndirect, serializeObject } from '../../src/pdf/serialize.js';
import { isDocaxisError } from '../../src/errors.js';
import { latin1 } from './helpers.js';

const parse = (s: string): PdfObject => parseObjectAt(latin1(s), 0).obj;
const text = (o: PdfObject): string => Buffer.from(serializeObject(o)).toString('latin1');

describe('parser: direct objects', () => {
  it('reads scalars', () => {
    expect(parse('true')).toBe(true);
    expect(parse('false')).toBe(false);
    expect(parse('null')).toBe(null);
    expect(parse('42')).toBe(42);
    expect(parse('-17')).toBe(-17);
    expect(parse('+3.5')).toBe(3.5);
    expect(parse('-.25')).toBe(-0.25);
    expect(parse('4.')).toBe(4);
    expect(parse('--5')).toBe(5);
  });

  it('reads names with #xx escapes', () => {
    expect(parse('/Name1')).toBe(PdfName.of('Name1'));
    expect((parse('/A#20B#23') as PdfName).value).toBe('A B#');
    expect((parse('/') as PdfName).value).toBe('');
    expect((parse('/Lime#20Green') as PdfName).value).toBe('Lime Green');
  });

  it('reads literal strings with every escape, nesting and EOL rules', () => {
    const s = parse('(a\\n\\r\\t\\b\\f\\(\\)\\\\ \\101\\7\\0053 (nested (deep)) \\q line\\\ncont\r\nx\ry)') as PdfString;
    expect(s.latin1()).toBe('a\n\r\t\b\f()\\ A\x07\x053 (nested (deep)) q linecont\nx\ny');
    expect(s.hex).toBe(false);
  });

  it('reads hex strings, with whitespace and an odd digit count', () => {
    const s = parse('<48 65 6c6C 6f7>') as PdfString;
    expect(s.hex).toBe(true);
    expect(Buffer.from(s.bytes).toString('latin1')).toBe('Hellop');
    expect((parse('<>') as PdfString).bytes.length).toBe(0);
  });

  it('reads nested arrays and dictionaries, refs, comments and odd whitespace', () => {
    const o = parse('<<\x00/A [1 2 0 R 3 4 R%comment\r\n/N] /B<</C(x)/D<00ff>>>\f/E 5 0 R /F null\t/G[[[]]]>>');
    expect(o).toBeInstanceOf(PdfDict);
    const d = o as PdfDict;
    const a = d.get('A') as PdfObject[];
    expect(a[0]).toBe(1);
    expect(a[1]).toEqual(new PdfRef(2, 0));
    expect(a[2]).toEqual(new PdfRef(3, 4));
    expect(a[3]).toBe(PdfName.of('N'));
    expect(a.length).toBe(4);
    // "3.0 4 R" is not a reference; a lone R is a syntax error.
    expect(() => parse('[3.0 4 R]')).toThrow(/unexpected keyword "R"/);
    expect((d.get('B') as PdfDict).get('C')).toBeInstanceOf(PdfString);
    expect(d.get('E')).toEqual(new PdfRef(5, 0));
    expect(d.has('F')).toBe(false); // a null value means the key is absent
    expect(d.get('G')).toEqual([[[]]]);
  });

  it('rejects malformed input with PDF_OBJECT_MALFORMED only', () => {
    for (const bad of ['(unterminated', '<abc', '<zz>', '[1 2', '<< /A 1', '<< 1 2 >>', ')', '>', 'endobj', '']) {
      let err: unknown;
      try {
        parse(bad);
      } catch (e) {
        err = e;
      }
      expect(isDocaxisError(err, 'PDF_OBJECT_MALFORMED'), bad).toBe(true);
    }
  });

  it('bounds nesting depth instead of overflowing the stack', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(() => parse(deep)).toThrow(/nested too deeply/);
  });
});

describe('parser: indirect objects and streams', () => {
  it('reads an indirect object with endobj', () => {
    const o = parseIndirectAt(latin1('  12 3 obj\n<< /Type /Foo >>\nendobj\n'), 0);
    expect([o.num, o.gen, o.start]).toEqual([12, 3, 2]);
    expect((o.obj as PdfDict).get('Type')).toBe(PdfName.of('Foo'));
  });

  it('reads a stream with a correct direct /Length', () => {
    const src = '1 0 obj <</Length 10>>stream\r\n0123456789\r\nendstream endobj';
    const s = parseIndirectAt(latin1(src), 0).obj as PdfStream;
    expect(Buffer.from(s.raw).toString('latin1')).toBe('0123456789');
  });

  it('resolves an indirect /Length through the callback', () => {
    const src = '1 0 obj <</Length 2 0 R>>stream\nabcdef\nendstream\nendobj';
    const s = parseIndirectAt(latin1(src), 0, { resolveLength: (r) => (r.num === 2 ? 6 : undefined) }).obj as PdfStream;
    expect(Buffer.from(s.raw).toString('latin1')).toBe('abcdef');
  });

  it('falls back to the endstream search when /Length is wrong or unresolvable', () => {
    for (const len of ['3', '999', '2 0 R', '-1']) {
      const src = `1 0 obj <</Length ${len}>>stream\nabc endstream-ish data\nendstream\nendobj`;
      const s = parseIndirectAt(latin1(src), 0).obj as PdfStream;
      // "endstream-ish" inside the data is not the keyword.
      expect(Buffer.from(s.raw).toString('latin1')).toBe('abc endstream-ish data');
    }
    const exact = parseIndirectAt(latin1('1 0 obj <</Length 5>>stream\nhello\nendstream\nendobj'), 0).obj as PdfStream;
    expect(Buffer.from(exact.raw).toString('latin1')).toBe('hello');
  });

  it('takes the stream data as a view, not a copy', () => {
    const bytes = latin1('1 0 obj <</Length 4>>stream\nDATA\nendstream endobj');
    const s = parseIndirectAt(bytes, 0).obj as PdfStream;
    expect(s.raw.buffer).toBe(bytes.buffer);
  });

  it('tolerates a missing endobj', () => {
    const o = parseIndirectAt(latin1('4 0 obj (x)\n5 0 obj (y) endobj'), 0);
    expect((o.obj as PdfString).latin1()).toBe('x');
  });

  it('rejects a bad header', () => {
    expect(() => parseIndirectAt(latin1('4 x obj 1 endobj'), 0)).toThrow(/expected/);
    expect(() => parseIndirectAt(latin1('1 0 obj <</Length 3>>stream\nabc'), 0)).toThrow(/endstream/);
  });
});

describe('serializer', () => {
  it('writes numbers plain, reals with at most 6 decimals and no exponent', () => {
    expect(formatNumber(12)).toBe('12');
    expect(formatNumber(-0)).toBe('0');
    expect(formatNumber(0.1 + 0.2)).toBe('0.3');
    expect(formatNumber(1e-9)).toBe('0');
    expect(formatNumber(-1.5)).toBe('-1.5');
    expect(formatNumber(1e20)).toBe('100000000000000000000');
    expect(formatNumber(123456.1234567)).toBe('123456.123457');
    expect(() => formatNumber(NaN)).toThrow();
  });

  it('escapes names and strings', () => {
    expect(text(PdfName.of('A B/C#(é'))).toBe('/A#20B#2FC#23#28#E9');
    expect(text(PdfString.fromLatin1('a(b)c\\d\r\n'))).toBe('(a\\(b\\)c\\\\d\\r\\n)');
    expect(text(PdfString.fromLatin1('AB', true))).toBe('<4142>');
    expect(text(PdfRaw.of('<0000>'))).toBe('<0000>');
  });

  it('round-trips every object type through the parser', () => {
    const inner = new PdfDict([['K', PdfString.fromLatin1('(\\)')]]);
    const obj = new PdfDict([
      ['Type', PdfName.of('Test')],
      ['Arr', [1, -2.5, true, false, null, new PdfRef(7, 1), PdfString.fromText('Tiếng Việt'), PdfName.of('x y')]],
      ['Nested', new PdfDict([['Deep', [[inner]]]])],
      ['Bin', new PdfString(Uint8Array.from([0, 255, 13, 10, 40, 41, 92]))],
    ]);
    const back = parse(text(obj));
    expect(pdfEquals(back, obj)).toBe(true);
  });

  it('writes streams with their real /Length and indirect objects with the fixed frame', () => {
    const s = new PdfStream(new PdfDict([['Length', 999]]), latin1('xyz'));
    const body = serializeObject(s);
    const ind = Buffer.from(serializeIndirect(3, 0, body)).toString('latin1');
    expect(ind).toBe('3 0 obj\n<</Length 3>>\nstream\nxyz\nendstream\nendobj\n');
    const back = parseIndirectAt(latin1(ind), 0).obj as PdfStream;
    expect(Buffer.from(back.raw).toString('latin1')).toBe('xyz');
  });

  it('ByteBuilder concatenates once', () => {
    const bb = new ByteBuilder();
    bb.push('ab');
    bb.push(Uint8Array.from([0x63]));
    bb.push('');
    expect(bb.length).toBe(3);
    expect(Buffer.from(bb.toBytes()).toString('latin1')).toBe('abc');
  });

  it('lexer skips comments and reports tokens with offsets', () => {
    const lx = new Lexer(latin1('% c\n  /N 1.5 {x}'));
    expect(lx.next()).toMatchObject({ kind: 'name', value: 'N', start: 6 });
    expect(lx.next()).toMatchObject({ kind: 'number', value: 1.5, integer: false });
    expect(lx.next()).toMatchObject({ kind: 'delim', value: '{' });
    expect(lx.next()).toMatchObject({ kind: 'keyword', value: 'x' });
    expect(lx.next()).toMatchObject({ kind: 'delim', value: '}' });
    expect(lx.next().kind).toBe('eof');
  });
});
