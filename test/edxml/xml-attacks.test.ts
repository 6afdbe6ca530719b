// Hostile XML, built here: each is refused before any DTD is processed or any tree is built big.
// The oracle for "no entity was expanded" is that the refusal is EDXML_UNSAFE from the lexical
// pass (no parser ran), and that a file:// entity pointing at a real file never appears anywhere.
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildEnvelope } from '../../src/edxml/build.js';
import { parseEnvelope } from '../../src/edxml/parse.js';
import { DEFAULT_XML_LIMITS, parseSafeXml } from '../../src/edxml/safe-xml.js';
import { DocaxisError } from '../../src/errors.js';
import { fullEnvelope } from './sample.js';

function refusal(f: () => unknown): DocaxisError {
  try {
    f();
  } catch (e) {
    if (e instanceof DocaxisError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

const NS = 'http://www.mic.gov.vn/TBT/QCVN_102_2016';

describe('XML attacks', () => {
  it('refuses an external entity (XXE) and never reads the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'edxml-'));
    const secret = join(dir, 'secret.txt');
    writeFileSync(secret, 'TOP-SECRET-CONTENT');
    const xml = `<?xml version="1.0"?><!DOCTYPE e [<!ENTITY xxe SYSTEM "file://${secret}">]><edXML:edXMLEnvelope xmlns:edXML="${NS}"><edXML:edXMLHeader>&xxe;</edXML:edXMLHeader></edXML:edXMLEnvelope>`;
    const e = refusal(() => parseEnvelope(xml));
    expect(e.code).toBe('EDXML_UNSAFE');
    expect(e.message).toContain('DOCTYPE');
    expect(JSON.stringify(e)).not.toContain('TOP-SECRET');
  });

  it('refuses the billion laughs (entity expansion) at once', () => {
    const ents = ['<!ENTITY lol "lol">', ...Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`)];
    const xml = `<?xml version="1.0"?><!DOCTYPE lolz [${ents.join('')}]><lolz>&lol9;</lolz>`;
    const before = process.cpuUsage();
    expect(refusal(() => parseSafeXml(xml)).code).toBe('EDXML_UNSAFE');
    const used = process.cpuUsage(before);
    // Expanding would be 10^9 "lol"s; refusing costs well under a CPU second (measured as CPU time).
    expect(used.user + used.system).toBeLessThan(1_000_000);
  });

  it('refuses a DOCTYPE without entities, a bare ENTITY declaration, and a lower-case doctype', () => {
    expect(refusal(() => parseSafeXml(`<!DOCTYPE a SYSTEM "http://example.invalid/a.dtd"><a/>`)).code).toBe('EDXML_UNSAFE');
    expect(refusal(() => parseSafeXml(`<a><!ENTITY x "y"></a>`)).code).toBe('EDXML_UNSAFE');
    expect(refusal(() => parseSafeXml(`<!doctype a><a/>`)).code).toBe('EDXML_UNSAFE');
  });

  it('refuses processing instructions, except the XML declaration at the start', () => {
    expect(refusal(() => parseSafeXml(`<?xml version="1.0"?><?xml-stylesheet href="x.xsl"?><a/>`)).message).toContain('processing instruction');
    expect(refusal(() => parseSafeXml(`<a><?php system('id'); ?></a>`)).code).toBe('EDXML_UNSAFE');
    expect(refusal(() => parseSafeXml(`<a/><?xml version="1.0"?>`)).code).toBe('EDXML_UNSAFE');
    expect(parseSafeXml(`<?xml version="1.0" encoding="UTF-8"?><a>x</a>`).documentElement?.localName).toBe('a');
  });

  it('does not mistake markup inside comments, CDATA or attribute values for an attack', () => {
    const doc = parseSafeXml(`<a t="x > y"><!-- <!DOCTYPE x> <?pi?> --><![CDATA[<!ENTITY z "z"> <?pi?>]]></a>`);
    expect(doc.documentElement?.getAttribute('t')).toBe('x > y');
  });

  it('refuses a package over the size limit (EDXML_MAX_BYTES) before decoding it', () => {
    const xml = new TextEncoder().encode(buildEnvelope(fullEnvelope()));
    const e = refusal(() => parseEnvelope(xml, { ...DEFAULT_XML_LIMITS, maxBytes: xml.length - 1 }));
    expect(e.code).toBe('EDXML_UNSAFE');
    expect(e.message).toContain('EDXML_MAX_BYTES');
    expect(parseEnvelope(xml, { ...DEFAULT_XML_LIMITS, maxBytes: xml.length }).header.code.codeNumber).toBe('7816');
  });

  it('refuses nesting deeper than the limit and more elements than the limit', () => {
    const deep = '<a>'.repeat(10_000) + '</a>'.repeat(10_000);
    expect(refusal(() => parseSafeXml(deep)).message).toContain('nested deeper');
    const wide = `<a>${'<b/>'.repeat(DEFAULT_XML_LIMITS.maxElements + 1)}</a>`;
    expect(refusal(() => parseSafeXml(wide)).message).toContain('elements');
  });

  it('refuses malformed XML and bytes that are not UTF-8 with EDXML_INVALID', () => {
    expect(refusal(() => parseSafeXml('<a><b></a>')).code).toBe('EDXML_INVALID');
    expect(refusal(() => parseSafeXml(new Uint8Array([0x3c, 0x61, 0x3e, 0xff, 0x3c, 0x2f, 0x61, 0x3e]))).code).toBe('EDXML_INVALID');
    expect(refusal(() => parseSafeXml('')).code).toBe('EDXML_INVALID');
    // No DTD, so no entity but the five predefined ones: another name is an error, never expanded.
    expect(refusal(() => parseSafeXml('<a>&xxe;</a>')).code).toBe('EDXML_INVALID');
  });
});
