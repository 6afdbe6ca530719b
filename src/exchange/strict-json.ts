// JSON as the metadata must be written: JSON.parse decides the syntax, then one scan over the text
// finds what JSON.parse silently resolves. It keeps the LAST of two equal keys, so
// {"classification":"MAT","classification":"NONE"} would read as NONE: a duplicate key (compared
// after unescaping, so "\u0063lassification" counts) is refused, as is nesting deeper than asked.

/** On a refusal past the syntax, `value` is what JSON.parse made of it: for a log line, never for use. */
export type StrictJson = { ok: true; value: unknown } | { ok: false; field: string; message: string; value?: unknown };

type Frame = { kind: 'object'; path: string; keys: Set<string>; expectKey: boolean; key: string } | { kind: 'array'; path: string; index: number };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

export function parseStrictJson(text: string, maxDepth: number): StrictJson {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // SyntaxError, or RangeError on absurd nesting: either way not metadata.
    return { ok: false, field: '', message: 'not valid JSON' };
  }
  const stack: Frame[] = [];
  // The text is valid JSON from here on: only strings, brackets and commas need a look.
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const top = stack[stack.length - 1];
    if (c === QUOTE) {
      let j = i + 1;
      while (text.charCodeAt(j) !== QUOTE) j += text.charCodeAt(j) === BACKSLASH ? 2 : 1;
      if (top?.kind === 'object' && top.expectKey) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (top.keys.has(key)) return { ok: false, field: join(top.path, key), message: 'given more than once', value };
        top.keys.add(key);
        top.key = key;
        top.expectKey = false;
      }
      i = j;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      const path = top === undefined ? '' : top.kind === 'object' ? join(top.path, top.key) : `${top.path}[${top.index}]`;
      if (stack.length >= maxDepth) return { ok: false, field: path, message: `nested deeper than ${maxDepth} levels`, value };
      stack.push(c === 0x7b ? { kind: 'object', path, keys: new Set(), expectKey: true, key: '' } : { kind: 'array', path, index: 0 });
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
    } else if (c === 0x2c /* , */ && top) {
      if (top.kind === 'object') top.expectKey = true;
      else top.index++;
    }
  }
  return { ok: true, value };
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}
