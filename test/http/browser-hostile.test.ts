// What the browser and the log must not be given (issue 11, "the browser is hostile ground"):
// user data that a cache may keep or a browser may sniff, a /docs page without a CSP, text that
// reads other than it is (bidi controls, zero-width characters), and credentials sent in a query
// string written to the log with the URL.
import { beforeAll, describe, expect, it } from 'vitest';
import { redactUrl } from '../../src/http/logger.js';
import { invisibleIn, rejectInvisible } from '../../src/exchange/text.js';
import { DocaxisError } from '../../src/errors.js';
import { MemoryStores } from '../support/memory-stores.js';
import { HEALTH_DEPT, PROVINCE, type Harness, metadata, sealedLetter, sendBody, startHarness } from './harness.js';

describe('hostile browser: headers, invisible characters, credentials in URLs', () => {
  let h: Harness;
  let stores: MemoryStores;
  let letter: Uint8Array;
  let documentId: string;
  beforeAll(async () => {
    stores = new MemoryStores();
    h = await startHarness(stores);
    letter = await sealedLetter();
    const body = sendBody(metadata(), letter);
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/documents', headers: { ...body.headers, authorization: h.tokens.clerk(PROVINCE) }, payload: body.payload });
    expect(res.statusCode, res.body).toBe(201);
    documentId = res.json().document.id;
  });

  it('every API answer with user data is no-store and nosniff: me, mailboxes, the document, its file, the log CSV, admin lists, errors', async () => {
    const clerk = h.tokens.clerk(HEALTH_DEPT);
    const cases: Array<[string, string | undefined, number]> = [
      ['/api/v1/me', clerk, 200],
      ['/api/v1/inbox', clerk, 200],
      ['/api/v1/outbox', h.tokens.clerk(PROVINCE), 200],
      [`/api/v1/documents/${documentId}`, clerk, 200],
      [`/api/v1/documents/${documentId}/file`, clerk, 200],
      ['/api/v1/log.csv', h.tokens.admin, 200],
      ['/api/v1/log', h.tokens.admin, 200],
      ['/api/v1/admin/users', h.tokens.admin, 200],
      ['/api/v1/admin/agencies', h.tokens.admin, 200],
      ['/api/v1/me', undefined, 401],
      ['/api/v1/no-such-route', clerk, 404],
    ];
    for (const [url, authorization, status] of cases) {
      const res = await h.app.inject({ method: 'GET', url, headers: authorization ? { authorization } : {} });
      expect(res.statusCode, `${url}: ${res.body.slice(0, 200)}`).toBe(status);
      expect(res.headers['cache-control'], url).toBe('no-store');
      expect(res.headers['x-content-type-options'], url).toBe('nosniff');
    }
  });

  it('/docs (swagger-ui) carries a CSP with no inline script and frame-ancestors none, on the page and its files', async () => {
    for (const url of ['/docs/', '/docs/static/index.html', '/docs/static/swagger-initializer.js', '/docs/json']) {
      const res = await h.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBeLessThan(400);
      const csp = String(res.headers['content-security-policy'] ?? '');
      expect(csp, url).toContain("frame-ancestors 'none'");
      expect(csp, url).toMatch(/script-src 'self'(;|$)/);
      expect(csp, url).not.toMatch(/script-src[^;]*unsafe/);
      expect(res.headers['x-content-type-options'], url).toBe('nosniff');
    }
  });

  it('a subject with U+202E is refused before anything is stored, the field error naming the character', async () => {
    const before = (await h.app.inject({ method: 'GET', url: '/api/v1/outbox', headers: { authorization: h.tokens.clerk(PROVINCE) } })).json();
    const body = sendBody(metadata({ subject: 'RTL \u202egnp.exe\u202c', signer: { fullName: 'Nguyễn\u200bVăn An' } }), letter);
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/documents', headers: { ...body.headers, authorization: h.tokens.clerk(PROVINCE) }, payload: body.payload });
    expect(res.statusCode, res.body).toBe(400);
    const error = res.json().error;
    expect(error.code).toBe('METADATA_INVALID');
    expect(error.details.fields.subject).toContain('U+202E RIGHT-TO-LEFT OVERRIDE');
    expect(error.details.fields['signer.fullName']).toContain('U+200B ZERO WIDTH SPACE');
    const after = (await h.app.inject({ method: 'GET', url: '/api/v1/outbox', headers: { authorization: h.tokens.clerk(PROVINCE) } })).json();
    expect(after).toEqual(before);
  });

  it('Vietnamese with combining marks and Arabic or Hebrew letters (without controls) still pass', async () => {
    const subject = 'V/v Tie\u0302\u0301p nhận — شكرا — שלום';
    const body = sendBody(metadata({ subject }), letter);
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/documents', headers: { ...body.headers, authorization: h.tokens.clerk(PROVINCE) }, payload: body.payload });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().document.metadata.subject).toBe(subject.normalize('NFC'));
  });

  it('names and every admin input: an agency or user name with a bidi or zero-width character is TEXT_INVISIBLE_CHARACTER', async () => {
    const cases: Array<[string, Record<string, unknown>, string, string]> = [
      ['/api/v1/admin/agencies', { code: '000.00.77.H54', name: 'Sở\u2066 Kiểm thử' }, 'name', 'U+2066 LEFT-TO-RIGHT ISOLATE'],
      ['/api/v1/admin/users', { agencyCode: HEALTH_DEPT, name: 'Trần\u200d Thị B', role: 'clerk' }, 'name', 'U+200D ZERO WIDTH JOINER'],
      ['/api/v1/admin/users', { agencyCode: HEALTH_DEPT, name: '\ufeffLê Văn C', role: 'clerk' }, 'name', 'U+FEFF ZERO WIDTH NO-BREAK SPACE'],
    ];
    for (const [url, payload, field, character] of cases) {
      const res = await h.app.inject({ method: 'POST', url, headers: { authorization: h.tokens.admin }, payload });
      expect(res.statusCode, res.body).toBe(400);
      const error = res.json().error;
      expect(error.code).toBe('TEXT_INVISIBLE_CHARACTER');
      expect(error.details.fields[field]).toContain(character);
    }
    expect(await stores.agencies.byCode('000.00.77.H54')).toBeUndefined();
    // The use case refuses too, for callers that do not come through HTTP.
    expect(() => rejectInvisible('name', 'a\u202eb')).toThrow(DocaxisError);
  });

  it('names every character of the list, and nothing else', () => {
    const listed = [0x061c, 0x200b, 0x200c, 0x200d, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2060, 0x2066, 0x2067, 0x2068, 0x2069, 0xfeff];
    for (const cp of listed) expect(invisibleIn(`x${String.fromCodePoint(cp)}y`), cp.toString(16)).toMatch(new RegExp(`^U\\+${cp.toString(16).toUpperCase().padStart(4, '0')} [A-Z-]+`));
    // Every other code point of the neighbouring blocks passes (spaces, dashes, quotes, Arabic letters).
    for (let cp = 0x0600; cp <= 0x06ff; cp++) if (!listed.includes(cp)) expect(invisibleIn(String.fromCodePoint(cp))).toBeUndefined();
    for (let cp = 0x2000; cp <= 0x206f; cp++) if (!listed.includes(cp)) expect(invisibleIn(String.fromCodePoint(cp)), cp.toString(16)).toBeUndefined();
    expect(invisibleIn('Nguyễn Văn An — Ủy ban nhân dân tỉnh Thái Bình')).toBeUndefined();
  });

  it('a credential in the query string is refused, and the log holds the URL without it', async () => {
    const secret = 'dax_QUERYSECRET0123456789abcdef';
    const urls = [`/api/v1/me?access_token=${secret}`, `/api/v1/me?box=inbox&api_key=${secret}`, `/api/v1/inbox?Token=${secret}&box=inbox`, `/api/v1/me?password=${secret}`, `/api/v1/me?session=${secret}&csrf=${secret}`, `/api/v1/me?key=${secret}`];
    for (const url of urls) {
      const res = await h.app.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(401);
    }
    const lines = h.logLines();
    const incoming = lines.map((l) => JSON.parse(l) as { req?: { url?: string } }).filter((l) => l.req?.url?.startsWith('/api/v1/me?') || l.req?.url?.startsWith('/api/v1/inbox?Token'));
    expect(incoming.length).toBeGreaterThanOrEqual(urls.length);
    expect(lines.join('\n')).not.toContain(secret);
    expect(incoming.map((l) => l.req!.url)).toEqual(expect.arrayContaining(['/api/v1/me?access_token=[redacted]', '/api/v1/me?box=inbox&api_key=[redacted]', '/api/v1/inbox?Token=[redacted]&box=inbox']));
  });

  it('redactUrl: masks credential-bearing parameters in every spelling, keeps the rest as sent', () => {
    expect(redactUrl('/api/v1/documents?box=inbox&cursor=abc')).toBe('/api/v1/documents?box=inbox&cursor=abc');
    expect(redactUrl('/x?access-token=a&accessToken=b&ACCESS_TOKEN=c&id_token=d&client_secret=e&x-api-key=f')).toBe(
      '/x?access-token=[redacted]&accessToken=[redacted]&ACCESS_TOKEN=[redacted]&id_token=[redacted]&client_secret=[redacted]&x-api-key=[redacted]',
    );
    expect(redactUrl('/x?%61ccess_token=a;sessionid=b&q=1')).toBe('/x?%61ccess_token=[redacted];sessionid=[redacted]&q=1');
    expect(redactUrl('/x?token')).toBe('/x?token=[redacted]');
    expect(redactUrl('/x')).toBe('/x');
  });
});
