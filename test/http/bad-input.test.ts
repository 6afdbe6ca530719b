// Every class of bad input the adversarial run turned into a 500 (issue 10, finding 4), plus the
// ones found by reading each route's inputs, sent to both databases: each answer is a 4xx with a
// catalogue code, never a 5xx, the app logs no error, and the service still answers afterwards.
// Strings a database cannot hold name their field; dates outside PostgreSQL's range and forged
// cursors have their own codes.
import { beforeAll, expect, it } from 'vitest';
import { ERROR_CATALOGUE } from '../../src/errors.js';
import { forEachDatabase } from '../support/databases.js';
import { HEALTH_DEPT, PROVINCE, type Harness, metadata, multipart, sealedLetter, sendBody, startHarness } from './harness.js';

const NUL = '\u0000';
const LONE = '\uD800';
const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v), 'utf8').toString('base64url');
/** Percent-encoding; a lone surrogate as the three bytes a CESU-8 client would send (encodeURIComponent refuses it). */
const enc = (s: string) => s.split(LONE).map(encodeURIComponent).join('%ED%A0%80');

interface Case {
  name: string;
  method: 'GET' | 'POST' | 'PATCH';
  url: string;
  as: 'clerk' | 'recipient' | 'admin';
  payload?: string | Buffer | Record<string, unknown>;
  headers?: Record<string, string>;
  /** The code and (for field errors) the field the answer must name. */
  code: string;
  field?: string;
}

/** The cases that need ids from the running app; `ids` is filled in beforeAll. */
function cases(ids: { document: string; user: string }): Case[] {
  const text: Case[] = [];
  const textCase = (name: string, method: Case['method'], url: string, as: Case['as'], field: string, payload?: Case['payload']) =>
    text.push({ name, method, url, as, field, code: 'TEXT_INVALID', ...(payload !== undefined ? { payload } : {}) });
  // In a URL only U+0000 arrives as such: percent-encoded surrogate halves (%ED%A0%80) do not
  // decode, and stay as written (query) or are refused by the router (path), see the case below.
  for (const box of ['inbox', 'outbox']) {
    for (const param of ['q', 'sender', 'type']) textCase(`${box} ?${param} with U+0000`, 'GET', `/api/v1/${box}?${param}=${enc(`a${NUL}b`)}`, 'clerk', param);
  }
  for (const param of ['documentNumber', 'agency']) {
    textCase(`log ?${param} with U+0000`, 'GET', `/api/v1/log?${param}=${enc(`1${NUL}`)}`, 'admin', param);
    textCase(`log.csv ?${param} with U+0000`, 'GET', `/api/v1/log.csv?${param}=${enc(`1${NUL}`)}`, 'admin', param);
  }
  textCase('admin users ?agency with U+0000', 'GET', `/api/v1/admin/users?agency=${enc(`x${NUL}`)}`, 'admin', 'agency');
  textCase('agency code in the path with U+0000', 'PATCH', `/api/v1/admin/agencies/${enc(`000${NUL}`)}`, 'admin', 'code', { active: false });
  textCase('agency certificates path with U+0000', 'GET', `/api/v1/admin/agencies/${enc(`000${NUL}`)}/certificates`, 'admin', 'code');
  textCase('agency certificate upload path with U+0000', 'POST', `/api/v1/admin/agencies/${enc(`000${NUL}`)}/certificates`, 'admin', 'code', Buffer.from('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'));
  // JSON bodies carry both (as \u0000 and \ud800 escapes).
  for (const [label, bad, escaped] of [['U+0000', NUL, '\\u0000'], ['lone surrogate', LONE, '\\ud800']] as const) {
    textCase(`new agency name with ${label}`, 'POST', '/api/v1/admin/agencies', 'admin', 'name', { code: '000.00.77.H54', name: `Sở ${bad}` });
    textCase(`new user name with ${label}`, 'POST', '/api/v1/admin/users', 'admin', 'name', { agencyCode: PROVINCE, name: `Văn thư ${bad}`, role: 'clerk' });
    textCase(`new user agencyCode with ${label}`, 'POST', '/api/v1/admin/users', 'admin', 'agencyCode', { agencyCode: `${PROVINCE}${bad}`, name: 'x', role: 'clerk' });
    textCase(`token label with ${label}`, 'POST', `/api/v1/admin/users/${ids.user}/tokens`, 'admin', 'label', { label: `laptop${bad}` });
    textCase(`rejection reason with ${label}`, 'POST', `/api/v1/documents/${ids.document}/status`, 'recipient', 'reason', { status: '02', reason: `Sai thể thức ${bad}` });
    // A key, not a value: the database would see it inside a jsonb document.
    textCase(`a body key with ${label}`, 'POST', '/api/v1/admin/users', 'admin', '(key)', `{"agencyCode":"${PROVINCE}","name":"x","role":"clerk","k${escaped}":1}`);
  }
  for (const c of text) if (typeof c.payload === 'string') c.headers = { 'content-type': 'application/json' };
  for (const c of text) if (Buffer.isBuffer(c.payload)) c.headers = { 'content-type': 'application/x-pem-file' };
  const undecodable: Case[] = [
    { name: 'a path segment that does not decode', method: 'GET', url: '/api/v1/admin/agencies/000%ED%A0%80/certificates', as: 'admin', code: 'USAGE' },
  ];

  const dates: Case[] = [];
  for (const [route, as] of [['inbox', 'clerk'], ['outbox', 'clerk'], ['log', 'admin'], ['log.csv', 'admin'], ['statistics', 'admin']] as const) {
    for (const [param, value] of [['from', '-010000-01-01'], ['to', '0000-01-01'], ['from', '+275760-09-13T00:00:00Z'], ['to', '+010000-01-01T00:00:00Z']] as const) {
      dates.push({ name: `${route} ?${param}=${value}`, method: 'GET', url: `/api/v1/${route}?${param}=${enc(value)}`, as, code: 'DATE_OUT_OF_RANGE', field: param });
    }
  }

  const cursors: Case[] = [];
  const forged: Array<[string, string]> = [
    ['not base64url', '!!!!'],
    ['not JSON', b64('{nope')],
    ['an array', b64([1, 2])],
    ['a timestamp PostgreSQL cannot cast', b64({ c: 'yesterday', i: '00000000-0000-4000-8000-000000000000', p: 0 })],
    ['year 0', b64({ c: '0000-01-01T00:00:00.000Z', i: '00000000-0000-4000-8000-000000000000', p: 0 })],
    ['a non-uuid id', b64({ c: '2026-01-01T00:00:00.000Z', i: "x' or 1=1 --", p: 0 })],
    ['U+0000 in the id', b64({ c: '2026-01-01T00:00:00.000Z', i: `0000${NUL}`, p: 0 })],
    ['a huge priority', b64({ c: '2026-01-01T00:00:00.000Z', i: '00000000-0000-4000-8000-000000000000', p: 1e300 })],
    ['an extra key', b64({ c: '2026-01-01T00:00:00.000Z', i: '00000000-0000-4000-8000-000000000000', p: 0, x: 1 })],
  ];
  for (const [label, cursor] of forged) {
    cursors.push({ name: `inbox cursor: ${label}`, method: 'GET', url: `/api/v1/inbox?urgentFirst=true&after=${enc(cursor)}`, as: 'clerk', code: 'CURSOR_INVALID' });
    cursors.push({ name: `outbox cursor: ${label}`, method: 'GET', url: `/api/v1/outbox?after=${enc(cursor)}`, as: 'clerk', code: 'CURSOR_INVALID' });
  }
  for (const [label, cursor] of [['a seq past bigint', b64({ s: 1e30 })], ['a negative seq', b64({ s: -1 })], ['a fractional seq', b64({ s: 1.5 })], ['a string seq', b64({ s: '1; drop table' })]]) {
    cursors.push({ name: `log cursor: ${label}`, method: 'GET', url: `/api/v1/log?after=${enc(cursor!)}`, as: 'admin', code: 'CURSOR_INVALID' });
  }

  const form = (headers: Record<string, string>, payload: string) => ({ headers, payload });
  const multiparts: Case[] = [];
  const bodies: Array<[string, { headers: Record<string, string>; payload: string }]> = [
    ['multipart without a boundary', form({ 'content-type': 'multipart/form-data' }, 'garbage')],
    ['multipart with a garbage body', form({ 'content-type': 'multipart/form-data; boundary=XyZ' }, '\u0001\u0002 not a form at all \r\n\r\n')],
    ['multipart cut short in a header', form({ 'content-type': 'multipart/form-data; boundary=XyZ' }, '--XyZ\r\nContent-Disposition: form-da')],
  ];
  for (const [label, body] of bodies) {
    for (const [url, as] of [['/api/v1/documents', 'clerk'], ['/api/v1/verify', 'clerk'], ['/api/v1/admin/trust-anchors', 'admin']] as const) {
      multiparts.push({ name: `${url}: ${label}`, method: 'POST', url, as, headers: body.headers, payload: body.payload, code: 'MULTIPART_INVALID' });
    }
  }
  return [...text, ...undecodable, ...dates, ...cursors, ...multiparts];
}

forEachDatabase('http bad input: 4xx with a code, never a 5xx', (t) => {
  let h: Harness;
  let pdf: Uint8Array;
  const ids = { document: '', user: '' };
  beforeAll(async () => {
    h = await startHarness(t.stores);
    pdf = await sealedLetter();
    const body = sendBody(metadata(), pdf);
    const sent = await h.app.inject({ method: 'POST', url: '/api/v1/documents', headers: { ...body.headers, authorization: h.tokens.clerk(PROVINCE) }, payload: body.payload });
    expect(sent.statusCode, sent.body).toBe(201);
    ids.document = sent.json().document.id as string;
    const users = await h.app.inject({ method: 'GET', url: '/api/v1/admin/users', headers: { authorization: h.tokens.admin } });
    ids.user = (users.json() as Array<{ id: string }>)[0]!.id;
  });

  const token = (as: Case['as']) => (as === 'admin' ? h.tokens.admin : as === 'recipient' ? h.tokens.clerk(HEALTH_DEPT) : h.tokens.clerk(PROVINCE));

  it('each class answers a 4xx with its code (and the field), none a 5xx', async () => {
    const all = cases(ids);
    expect(all.length).toBeGreaterThan(70);
    const wrong: string[] = [];
    for (const c of all) {
      const res = await h.app.inject({
        method: c.method,
        url: c.url,
        headers: { authorization: token(c.as), ...(c.headers ?? {}) },
        ...(c.payload !== undefined ? { payload: c.payload } : {}),
      });
      const body = res.headers['content-type']?.toString().includes('json') ? (res.json() as { error?: { code?: string; details?: { fields?: Record<string, string> } } }) : {};
      const code = body.error?.code;
      const fields = body.error?.details?.fields;
      const ok = res.statusCode >= 400 && res.statusCode < 500 && code === c.code && code in ERROR_CATALOGUE && (c.field === undefined || (fields !== undefined && Object.hasOwn(fields, c.field)));
      if (!ok) wrong.push(`${c.name}: ${res.statusCode} ${res.body.slice(0, 200)}`);
    }
    expect(wrong).toEqual([]);
    // Refusals are info lines; nothing here is a fault of the service.
    expect(h.logLines().filter((l) => JSON.parse(l).level >= 50)).toEqual([]);
  });

  it('valid edges still pass: emoji, the first and last representable days, a real cursor', async () => {
    const clerk = { authorization: h.tokens.clerk(PROVINCE) };
    for (const url of ['/api/v1/outbox?q=%F0%9F%98%80', '/api/v1/outbox?from=0001-01-02&to=9999-12-30', '/api/v1/log?from=0001-01-02&to=9999-12-30']) {
      const res = await h.app.inject({ method: 'GET', url, headers: url.includes('/log') ? { authorization: h.tokens.admin } : clerk });
      expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
    }
    // Two more documents, then page through the outbox one by one with the cursors it gives.
    for (let i = 0; i < 2; i++) {
      const body = sendBody(metadata(), pdf);
      const sent = await h.app.inject({ method: 'POST', url: '/api/v1/documents', headers: { ...body.headers, ...clerk }, payload: body.payload });
      expect(sent.statusCode, sent.body).toBe(201);
    }
    for (const urgentFirst of [false, true]) {
      const seen: string[] = [];
      let after: string | null = null;
      do {
        const url: string = `/api/v1/outbox?limit=1${urgentFirst ? '&urgentFirst=true' : ''}${after ? `&after=${enc(after)}` : ''}`;
        const res = await h.app.inject({ method: 'GET', url, headers: clerk });
        expect(res.statusCode, res.body).toBe(200);
        const page = res.json() as { items: Array<{ document: { id: string } }>; next: string | null };
        seen.push(...page.items.map((i) => i.document.id));
        after = page.next;
      } while (after);
      expect(seen.length).toBe(3);
      expect(new Set(seen).size).toBe(3);
    }
    const log = await h.app.inject({ method: 'GET', url: '/api/v1/log?limit=1', headers: { authorization: h.tokens.admin } });
    const next = (log.json() as { next: string }).next;
    const page2 = await h.app.inject({ method: 'GET', url: `/api/v1/log?limit=1&after=${enc(next)}`, headers: { authorization: h.tokens.admin } });
    expect(page2.statusCode, page2.body).toBe(200);
  });

  it('a send whose metadata holds U+0000 or a lone surrogate: METADATA_INVALID naming the fields, logged, nothing stored', async () => {
    for (const [field, overrides] of [
      ['codeNotation', { codeNotation: `UBND${NUL}VP` }],
      ['subject', { subject: `V/v ${LONE}` }],
      ['signer.fullName', { signer: { fullName: `An${NUL}` } }],
      ['recipients[0]', { recipients: [`${HEALTH_DEPT}${NUL}`] }],
      ['promulgationPlace', { promulgationPlace: `Thái Bình${LONE}` }],
    ] as const) {
      const meta = metadata(overrides);
      const body = sendBody(meta, pdf);
      const res = await h.app.inject({ method: 'POST', url: '/api/v1/documents', headers: { ...body.headers, authorization: h.tokens.clerk(PROVINCE) }, payload: body.payload });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.code).toBe('METADATA_INVALID');
      expect(Object.keys(res.json().error.details.fields)).toContain(field);
      const refusals = await t.stores.log.search({ event: 'send.refused' }, { limit: 50 });
      expect(refusals.items.some((e) => e.details['codeNumber'] === meta['codeNumber'] && e.details['code'] === 'METADATA_INVALID'), field).toBe(true);
    }
  });

  it('a related document id that is no UUID: RELATED_DOCUMENT_INVALID, not a failed uuid cast', async () => {
    for (const relatedDocumentId of ["x'\\", 'not-a-uuid', '00000000-0000-4000-8000-00000000000g']) {
      const body = sendBody(metadata({ businessType: 'update', relatedDocumentId }), pdf);
      const res = await h.app.inject({ method: 'POST', url: '/api/v1/documents', headers: { ...body.headers, authorization: h.tokens.clerk(PROVINCE) }, payload: body.payload });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.code).toBe('RELATED_DOCUMENT_INVALID');
    }
  });

  it('a classified send whose number holds U+0000: 422 CLASSIFIED_REFUSED, and the refusal is logged', async () => {
    for (const [codeNumber, logged] of [[`12${NUL}3`, '12\uFFFD3'], [`12${LONE}3`, '12\uFFFD3'], ['1234567890😀', '1234567890\uFFFD']] as const) {
      const meta = metadata({ classification: 'MAT', codeNumber });
      const body = sendBody(meta, pdf);
      const res = await h.app.inject({ method: 'POST', url: '/api/v1/documents', headers: { ...body.headers, authorization: h.tokens.clerk(PROVINCE) }, payload: body.payload });
      expect(res.statusCode, res.body).toBe(422);
      expect(res.json().error.code).toBe('CLASSIFIED_REFUSED');
      const refusals = await t.stores.log.search({ event: 'send.refused', documentNumber: meta['codeNotation'] as string }, { limit: 5 });
      expect(refusals.items).toHaveLength(1);
      // What the clerk sent, with the characters no database holds replaced (the cut at 11 splits the emoji).
      expect(refusals.items[0]!.details).toMatchObject({ level: 'MAT', codeNumber: logged });
    }
    // The chain still verifies over these entries.
    const check = await h.app.inject({ method: 'POST', url: '/api/v1/log/verify', headers: { authorization: h.tokens.admin } });
    expect(check.json().ok, check.body).toBe(true);
  });

  it('a multipart body with a field named __proto__: MULTIPART_INVALID', async () => {
    const body = multipart([{ name: '__proto__', value: '{}' }]);
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/documents', headers: { ...body.headers, authorization: h.tokens.clerk(PROVINCE) }, payload: body.payload });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.code).toBe('MULTIPART_INVALID');
  });
});
