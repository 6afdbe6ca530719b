// Untrusted XML in, a DOM out, or EDXML_UNSAFE. A lexical pass runs BEFORE any parser sees the
// text, so no DTD is ever processed: a DOCTYPE or an entity declaration anywhere (external
// entities, billion laughs) is refused outright, as is any processing instruction other than the
// XML declaration; size, nesting depth and element count are bounded here too. Only then does
// @xmldom/xmldom build the tree, with every parser warning or error turned into a refusal.
import { DOMParser, type Document, type Element } from '@xmldom/xmldom';
import { DocaxisError } from '../errors.js';

export interface XmlLimits {
  maxBytes: number;
  maxDepth: number;
  maxElements: number;
}

/** An edXML envelope is about 40 elements deep at most and a few hundred wide; these leave room. */
export const DEFAULT_XML_LIMITS: XmlLimits = { maxBytes: 90 * 1024 * 1024, maxDepth: 64, maxElements: 20_000 };

function unsafe(reason: string): DocaxisError {
  return new DocaxisError('EDXML_UNSAFE', reason, { details: { reason } });
}

/** The XML declaration, and only at the very start (after an optional BOM). */
const XML_DECLARATION = /^\uFEFF?<\?xml[ \t\r\n][^?]*\?>/;

/** Decodes UTF-8 strictly (a broken sequence is refused, never replaced) and runs `scan`. */
export function decodeXml(bytes: Uint8Array, limits: XmlLimits = DEFAULT_XML_LIMITS): string {
  if (bytes.length > limits.maxBytes) throw unsafe(`larger than ${limits.maxBytes} bytes (EDXML_MAX_BYTES)`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new DocaxisError('EDXML_INVALID', 'not UTF-8', { details: { fields: { '': 'not UTF-8' } } });
  }
  return text;
}

/**
 * The lexical pass: walks every markup start, skipping comments and CDATA, counting elements and
 * depth. Anything starting with `<!` that is not a comment or CDATA (DOCTYPE, ENTITY, ELEMENT,
 * ATTLIST) or with `<?` (other than the leading declaration) is refused.
 */
export function scanXml(text: string, limits: XmlLimits = DEFAULT_XML_LIMITS): void {
  if (text.length > limits.maxBytes) throw unsafe(`larger than ${limits.maxBytes} bytes (EDXML_MAX_BYTES)`);
  const decl = XML_DECLARATION.exec(text);
  let i = decl ? decl[0].length : 0;
  let depth = 0;
  let elements = 0;
  for (;;) {
    const lt = text.indexOf('<', i);
    if (lt < 0) break;
    if (text.startsWith('<!--', lt)) {
      const end = text.indexOf('-->', lt + 4);
      if (end < 0) throw unsafe('unterminated comment');
      i = end + 3;
    } else if (text.startsWith('<![CDATA[', lt)) {
      const end = text.indexOf(']]>', lt + 9);
      if (end < 0) throw unsafe('unterminated CDATA section');
      i = end + 3;
    } else if (text.startsWith('<!', lt)) {
      throw unsafe(/^<!DOCTYPE/i.test(text.slice(lt, lt + 9)) ? 'a DOCTYPE (no DTD is processed)' : 'a markup declaration (no DTD is processed)');
    } else if (text.startsWith('<?', lt)) {
      throw unsafe(/^<\?xml[\s?]/i.test(text.slice(lt, lt + 6)) ? 'an XML declaration not at the start' : 'a processing instruction');
    } else if (text.startsWith('</', lt)) {
      depth--;
      const end = text.indexOf('>', lt);
      if (end < 0) throw unsafe('unterminated end tag');
      i = end + 1;
    } else {
      const end = tagEnd(text, lt + 1);
      if (end < 0) throw unsafe('unterminated start tag');
      elements++;
      if (elements > limits.maxElements) throw unsafe(`more than ${limits.maxElements} elements`);
      if (text[end - 1] !== '/') {
        depth++;
        if (depth > limits.maxDepth) throw unsafe(`nested deeper than ${limits.maxDepth} elements`);
      }
      i = end + 1;
    }
  }
}

/** The `>` closing a start tag, skipping quoted attribute values (which may hold `>`). */
function tagEnd(text: string, from: number): number {
  let quote: string | null = null;
  for (let j = from; j < text.length; j++) {
    const c = text[j];
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '>') return j;
  }
  return -1;
}

/** Scans, then parses; a parser complaint of any level is a refusal (EDXML_INVALID). */
export function parseSafeXml(input: Uint8Array | string, limits: XmlLimits = DEFAULT_XML_LIMITS): Document {
  const text = typeof input === 'string' ? input : decodeXml(input, limits);
  scanXml(text, limits);
  const problems: string[] = [];
  const parser = new DOMParser({
    onError: (level: string, message: string) => {
      // U+FFFD is a character like any other (and what build.ts writes for one XML cannot carry).
      if (level === 'warning' && /replacement character/i.test(message)) return;
      problems.push(`${level}: ${message.split('\n', 1)[0]}`);
    },
  });
  let doc: Document;
  try {
    doc = parser.parseFromString(text, 'text/xml');
  } catch (e) {
    problems.push(e instanceof Error ? e.message.split('\n', 1)[0]! : String(e));
    doc = undefined as unknown as Document;
  }
  if (problems.length > 0 || !doc?.documentElement) {
    const reason = problems[0] ?? 'no document element';
    throw new DocaxisError('EDXML_INVALID', `not well-formed XML: ${reason}`, { details: { fields: { '': reason } } });
  }
  // Belt and braces: the scan refuses these, and the tree must agree.
  if (doc.doctype) throw unsafe('a DOCTYPE (no DTD is processed)');
  return doc;
}

/** Child elements of `parent` with this local name in `ns`. */
export function childrenNamed(parent: Element, ns: string, local: string): Element[] {
  const out: Element[] = [];
  for (let n = parent.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === 1 && (n as Element).namespaceURI === ns && (n as Element).localName === local) out.push(n as Element);
  }
  return out;
}

/** Every child element, whatever its name: for refusing what the reader does not know. */
export function childElements(parent: Element): Element[] {
  const out: Element[] = [];
  for (let n = parent.firstChild; n; n = n.nextSibling) if (n.nodeType === 1) out.push(n as Element);
  return out;
}

/** Characters XML 1.0 cannot carry at all, not even escaped (C0 controls but tab/LF/CR, U+FFFE/F, lone surrogates). */
// eslint-disable-next-line no-control-regex -- the control characters are what is looked for
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDFFF]/gu;

/** XML text escaping for element content and attribute values; what XML cannot carry becomes U+FFFD. */
export function escapeXml(s: string): string {
  return s.replace(NOT_XML_CHAR, '\uFFFD').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}
