// Every route x every kind of caller -> the expected status, and every refusal (401, 403, 404)
// leaves an entry in the exchange log. Requests are chosen so that they pass or fail without
// changing state the other cells depend on (e.g. recalling an already accepted document).
import { randomUUID } from 'node:crypto';
import type { InjectOptions } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { forEachDatabase } from '../support/databases.js';
import { HEALTH_DEPT, HOME_AFFAIRS, PROVINCE, type Harness, metadata, multipart, sealedLetter, sendBody, startHarness } from './harness.js';

const ACTORS = ['sender', 'recipient', 'other', 'admin', 'auditor', 'none', 'revoked'] as const;
type Actor = (typeof ACTORS)[number];

interface Ctx {
  /** Sent by the province to the health department, status 01. */
  doc: string;
  /** Same, already accepted (03): recalling it is refused whatever the role. */
  accepted: string;
  clerkUserId: string;
  /** The admin's own user (the province's). */
  adminUserId: string;
  /** A sealed letter, sent as the raw body of POST /verify. */
  pdf: Uint8Array;
  /** The axis's receipt of the accepted document's 03 (base64). */
  receipt: string;
}

interface Case {
  route: string;
  request: (c: Ctx) => InjectOptions;
  /** Clerks of the sender / recipient / another agency, then admin and auditor. No token and a revoked one are always 401. */
  expect: Record<Exclude<Actor, 'none' | 'revoked'>, number>;
}

const clerks = (sender: number, recipient: number, other: number) => ({ sender, recipient, other });
const clerkOnly = (ok: number) => ({ ...clerks(ok, ok, ok), admin: 403, auditor: 403 });
const adminOnly = (ok: number) => ({ ...clerks(403, 403, 403), admin: ok, auditor: 403 });
const reviewers = (ok: number) => ({ ...clerks(403, 403, 403), admin: ok, auditor: ok });
const everyone = (ok: number) => ({ ...clerks(ok, ok, ok), admin: ok, auditor: ok });
const docReaders = { ...clerks(200, 200, 404), admin: 403, auditor: 403 };

const CASES: Case[] = [
  // A metadata-only body: a clerk gets FILE_MISSING (400), i.e. got past authorisation.
  { route: 'POST /documents', request: () => ({ method: 'POST', url: '/api/v1/documents', ...multipart([{ name: 'metadata', value: JSON.stringify(metadata()) }]) }), expect: clerkOnly(400) },
  { route: 'GET /inbox', request: () => ({ method: 'GET', url: '/api/v1/inbox' }), expect: clerkOnly(200) },
  { route: 'GET /outbox', request: () => ({ method: 'GET', url: '/api/v1/outbox' }), expect: clerkOnly(200) },
  { route: 'GET /documents/:id', request: (c) => ({ method: 'GET', url: `/api/v1/documents/${c.doc}` }), expect: docReaders },
  { route: 'GET /documents/:id (unknown id)', request: () => ({ method: 'GET', url: `/api/v1/documents/${randomUUID()}` }), expect: { ...clerks(404, 404, 404), admin: 403, auditor: 403 } },
  { route: 'GET /documents/:id/file', request: (c) => ({ method: 'GET', url: `/api/v1/documents/${c.doc}/file` }), expect: docReaders },
  { route: 'GET /documents/:id/edxml', request: (c) => ({ method: 'GET', url: `/api/v1/documents/${c.doc}/edxml` }), expect: docReaders },
  // Well-formed XML but not edXML: a clerk gets EDXML_INVALID (400), i.e. got past authorisation.
  { route: 'POST /edxml/import', request: () => ({ method: 'POST', url: '/api/v1/edxml/import', headers: { 'content-type': 'application/xml' }, payload: '<x/>' }), expect: clerkOnly(400) },
  { route: 'POST /documents/:id/verify', request: (c) => ({ method: 'POST', url: `/api/v1/documents/${c.doc}/verify` }), expect: docReaders },
  // 01 -> 04 is not a legal step: the recipient gets 409, i.e. got past authorisation.
  { route: 'POST /documents/:id/status', request: (c) => ({ method: 'POST', url: `/api/v1/documents/${c.doc}/status`, payload: { status: '04' } }), expect: { ...clerks(403, 409, 404), admin: 403, auditor: 403 } },
  { route: 'POST /documents/:id/recall', request: (c) => ({ method: 'POST', url: `/api/v1/documents/${c.accepted}/recall` }), expect: { ...clerks(409, 403, 404), admin: 403, auditor: 403 } },
  { route: 'POST /documents/:id/recall-answer', request: (c) => ({ method: 'POST', url: `/api/v1/documents/${c.doc}/recall-answer`, payload: { accept: false } }), expect: { ...clerks(403, 409, 404), admin: 403, auditor: 403 } },
  { route: 'GET /me', request: () => ({ method: 'GET', url: '/api/v1/me' }), expect: everyone(200) },
  // Stores nothing, so every cell can run it; the policy part differs per agency (verify-upload.test.ts).
  { route: 'POST /verify', request: (c) => ({ method: 'POST', url: '/api/v1/verify', headers: { 'content-type': 'application/pdf' }, payload: Buffer.from(c.pdf) }), expect: everyone(200) },
  { route: 'POST /receipts/verify', request: (c) => ({ method: 'POST', url: '/api/v1/receipts/verify', payload: { receipt: c.receipt } }), expect: everyone(200) },
  { route: 'GET /statistics', request: () => ({ method: 'GET', url: '/api/v1/statistics' }), expect: reviewers(200) },
  { route: 'GET /log', request: () => ({ method: 'GET', url: '/api/v1/log?limit=5' }), expect: reviewers(200) },
  { route: 'GET /log.csv', request: () => ({ method: 'GET', url: '/api/v1/log.csv?event=document.sent' }), expect: reviewers(200) },
  { route: 'POST /log/verify', request: () => ({ method: 'POST', url: '/api/v1/log/verify' }), expect: reviewers(200) },
  { route: 'POST /log/seal', request: () => ({ method: 'POST', url: '/api/v1/log/seal' }), expect: adminOnly(200) },
  { route: 'GET /log/seals', request: () => ({ method: 'GET', url: '/api/v1/log/seals' }), expect: reviewers(200) },
  { route: 'GET /agencies', request: () => ({ method: 'GET', url: '/api/v1/agencies' }), expect: everyone(200) },
  { route: 'GET /admin/agencies', request: () => ({ method: 'GET', url: '/api/v1/admin/agencies' }), expect: adminOnly(200) },
  // An existing code: the admin gets AGENCY_EXISTS (409), nothing created.
  { route: 'POST /admin/agencies', request: () => ({ method: 'POST', url: '/api/v1/admin/agencies', payload: { code: HOME_AFFAIRS, name: 'Sở Nội vụ' } }), expect: adminOnly(409) },
  { route: 'PATCH /admin/agencies/:code', request: () => ({ method: 'PATCH', url: `/api/v1/admin/agencies/${HOME_AFFAIRS}`, payload: { active: true } }), expect: adminOnly(200) },
  { route: 'POST /admin/agencies/:code/certificates', request: () => ({ method: 'POST', url: `/api/v1/admin/agencies/${HOME_AFFAIRS}/certificates`, headers: { 'content-type': 'application/x-pem-file' }, payload: 'not a certificate' }), expect: adminOnly(400) },
  // The admin sits at the province: its own agency's certificates and another agency's.
  { route: 'GET /admin/agencies/:code/certificates (own agency)', request: () => ({ method: 'GET', url: `/api/v1/admin/agencies/${PROVINCE}/certificates` }), expect: adminOnly(200) },
  { route: 'GET /admin/agencies/:code/certificates (other agency)', request: () => ({ method: 'GET', url: `/api/v1/admin/agencies/${HEALTH_DEPT}/certificates` }), expect: adminOnly(200) },
  { route: 'GET /admin/agencies/:code/certificates (unknown)', request: () => ({ method: 'GET', url: '/api/v1/admin/agencies/999.99.99.Z99/certificates' }), expect: adminOnly(404) },
  { route: 'GET /admin/users', request: () => ({ method: 'GET', url: `/api/v1/admin/users?agency=${PROVINCE}` }), expect: adminOnly(200) },
  { route: 'POST /admin/users', request: () => ({ method: 'POST', url: '/api/v1/admin/users', payload: { agencyCode: '999.99.99.Z99', name: 'Nobody', role: 'clerk' } }), expect: adminOnly(404) },
  { route: 'POST /admin/users/:id/tokens', request: (c) => ({ method: 'POST', url: `/api/v1/admin/users/${c.clerkUserId}/tokens`, payload: { label: 'matrix' } }), expect: adminOnly(201) },
  { route: 'GET /admin/users/:id/tokens (own user)', request: (c) => ({ method: 'GET', url: `/api/v1/admin/users/${c.adminUserId}/tokens` }), expect: adminOnly(200) },
  { route: 'GET /admin/users/:id/tokens (other agency)', request: (c) => ({ method: 'GET', url: `/api/v1/admin/users/${c.clerkUserId}/tokens` }), expect: adminOnly(200) },
  { route: 'GET /admin/users/:id/tokens (unknown)', request: () => ({ method: 'GET', url: `/api/v1/admin/users/${randomUUID()}/tokens` }), expect: adminOnly(404) },
  { route: 'DELETE /admin/tokens/:id', request: () => ({ method: 'DELETE', url: `/api/v1/admin/tokens/${randomUUID()}` }), expect: adminOnly(204) },
  { route: 'GET /admin/trust-anchors', request: () => ({ method: 'GET', url: '/api/v1/admin/trust-anchors' }), expect: adminOnly(200) },
  { route: 'POST /admin/trust-anchors', request: () => ({ method: 'POST', url: '/api/v1/admin/trust-anchors', headers: { 'content-type': 'application/x-pem-file' }, payload: 'garbage' }), expect: adminOnly(400) },
  { route: 'GET /admin/crls', request: () => ({ method: 'GET', url: '/api/v1/admin/crls' }), expect: adminOnly(200) },
  { route: 'POST /admin/crls', request: () => ({ method: 'POST', url: '/api/v1/admin/crls', headers: { 'content-type': 'application/pkix-crl' }, payload: Buffer.from([0x30, 0x03, 0x02, 0x01, 0x00]) }), expect: adminOnly(400) },
];

const REFUSAL_EVENT: Record<number, string> = { 401: 'auth.failed', 403: 'access.denied', 404: 'access.denied' };

// Failed authentications from one address are logged once per interval (auth-plugin.ts), so each
// request comes from its own address: every 401 here is an address's first and logged at once.
let addresses = 0;
const nextAddress = () => `10.${(++addresses >> 8) & 255}.${addresses & 255}.1`;

forEachDatabase('http authorization matrix', (t) => {
  let h: Harness;
  let ctx: Ctx;
  const auth: Partial<Record<Actor, string>> = {};

  beforeAll(async () => {
    h = await startHarness(t.stores);
    const pdf = await sealedLetter();
    const sendOne = async () => {
      const body = sendBody(metadata(), pdf);
      const res = await h.app.inject({ method: 'POST', url: '/api/v1/documents', headers: { ...body.headers, authorization: h.tokens.clerk(PROVINCE) }, payload: body.payload });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().document.id as string;
    };
    const doc = await sendOne();
    const accepted = await sendOne();
    const ok = await h.app.inject({ method: 'POST', url: `/api/v1/documents/${accepted}/status`, headers: { authorization: h.tokens.clerk(HEALTH_DEPT) }, payload: { status: '03' } });
    expect(ok.statusCode, ok.body).toBe(200);
    const receipt = ok.json().event.receipt as string;

    // A token issued and then revoked through the admin API.
    const users = await h.app.inject({ method: 'GET', url: `/api/v1/admin/users?agency=${HOME_AFFAIRS}`, headers: { authorization: h.tokens.admin } });
    const clerkUserId = users.json().find((u: { role: string }) => u.role === 'clerk').id as string;
    const issued = await h.app.inject({ method: 'POST', url: `/api/v1/admin/users/${clerkUserId}/tokens`, headers: { authorization: h.tokens.admin }, payload: { label: 'to revoke' } });
    expect(issued.statusCode, issued.body).toBe(201);
    expect(issued.headers['cache-control']).toBe('no-store');
    const revoked = await h.app.inject({ method: 'DELETE', url: `/api/v1/admin/tokens/${issued.json().token.id}`, headers: { authorization: h.tokens.admin } });
    expect(revoked.statusCode).toBe(204);

    const provinceUsers = await h.app.inject({ method: 'GET', url: `/api/v1/admin/users?agency=${PROVINCE}`, headers: { authorization: h.tokens.admin } });
    const adminUserId = provinceUsers.json().find((u: { role: string }) => u.role === 'admin').id as string;

    ctx = { doc, accepted, clerkUserId, adminUserId, pdf, receipt };
    Object.assign(auth, {
      sender: h.tokens.clerk(PROVINCE),
      recipient: h.tokens.clerk(HEALTH_DEPT),
      other: h.tokens.clerk(HOME_AFFAIRS),
      admin: h.tokens.admin,
      auditor: h.tokens.auditor,
      revoked: `Bearer ${issued.json().secret}`,
    });
  });

  for (const c of CASES) {
    it(c.route, async () => {
      const got: Record<string, number> = {};
      const want: Record<string, number> = { ...c.expect, none: 401, revoked: 401 };
      for (const actor of ACTORS) {
        const req = c.request(ctx);
        const headBefore = (await t.stores.log.head())?.seq ?? 0;
        const res = await h.app.inject({ ...req, remoteAddress: nextAddress(), headers: { ...(req.headers ?? {}), ...(auth[actor] ? { authorization: auth[actor] } : {}) } } as InjectOptions);
        got[actor] = res.statusCode;
        if (res.statusCode >= 400) expect(res.json().error.code, `${actor}: ${res.body}`).toMatch(/^[A-Z0-9_]+$/);
        const event = REFUSAL_EVENT[res.statusCode];
        if (event) {
          const logged = await t.stores.log.range(headBefore + 1, headBefore + 50);
          expect(logged.map((e) => e.event), `${c.route} as ${actor}: refusal not logged`).toContain(event);
        }
      }
      expect(got).toEqual(want);
    });
  }

  it('a token in another scheme or malformed is 401 and logged', async () => {
    for (const header of ['Basic YWRtaW46YWRtaW4=', 'Bearer not-a-token', 'Bearer ']) {
      const before = (await t.stores.log.head())?.seq ?? 0;
      const res = await h.app.inject({ method: 'GET', url: '/api/v1/inbox', remoteAddress: nextAddress(), headers: { authorization: header } });
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('UNAUTHENTICATED');
      expect((await t.stores.log.range(before + 1, before + 10)).map((e) => e.event)).toContain('auth.failed');
    }
  });

  it('public routes need no token; unknown routes answer 404 in the error shape', async () => {
    expect((await h.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    expect((await h.app.inject({ method: 'GET', url: '/ready' })).statusCode).toBe(200);
    expect((await h.app.inject({ method: 'GET', url: '/docs/json' })).statusCode).toBe(200);
    const unknown = await h.app.inject({ method: 'GET', url: '/api/v1/nope' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('NOT_FOUND');
  });

  it('no token, password or document bytes in the service log', () => {
    const text = h.logLines().join('\n');
    expect(text).not.toMatch(/dax_[A-Za-z0-9_-]{43}/);
    expect(text).not.toContain('%PDF');
    expect(text).toMatch(/"reqId"/);
  });
});
