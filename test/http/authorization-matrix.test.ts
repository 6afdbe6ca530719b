// Every route x every kind of caller -> the expected status, and every refusal (401, 403, 404)
// leaves an entry in the exchange log. Requests are chosen so that they pass or fail without
// changing state the other cells depend on (e.g. recalling an already accepted document).
import { randomUUID } from 'node:crypto';
import type { InjectOptions } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/exchange/seed-demo.js';
import { fixtureSigner, sampleLetter } from '../support/fixtures.js';
import { forEachDatabase } from '../support/databases.js';
import { HEALTH_DEPT, HOME_AFFAIRS, PROVINCE, type Harness, metadata, multipart, sealedLetter, sendBody, startHarness } from './harness.js';
import { draftMetadata, person, prepare, submit, uploadDraft } from './drafts-helpers.js';

/** drafter and signer: users of the province holding only that role (the draft's author and its named signer). */
const ACTORS = ['sender', 'recipient', 'other', 'admin', 'auditor', 'drafter', 'signer', 'none', 'revoked'] as const;
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
  /** A province draft, submitted by `drafter` to `signer`. */
  draft: string;
  /** A signature `signer` prepared over it (completing it with junk is refused, so it stays open). */
  preparedId: string;
}

interface Case {
  route: string;
  request: (c: Ctx) => InjectOptions;
  /**
   * Clerks of the sender / recipient / another agency, then admin and auditor. No token and a
   * revoked one are always 401; the drafter and the signer get 403 unless given.
   */
  expect: Record<Exclude<Actor, 'none' | 'revoked' | 'drafter' | 'signer'>, number> & Partial<Record<'drafter' | 'signer', number>>;
}

const clerks = (sender: number, recipient: number, other: number) => ({ sender, recipient, other });
const clerkOnly = (ok: number) => ({ ...clerks(ok, ok, ok), admin: 403, auditor: 403 });
const adminOnly = (ok: number) => ({ ...clerks(403, 403, 403), admin: ok, auditor: 403 });
const reviewers = (ok: number) => ({ ...clerks(403, 403, 403), admin: ok, auditor: ok });
const everyone = (ok: number) => ({ ...clerks(ok, ok, ok), admin: ok, auditor: ok, drafter: ok, signer: ok });
/** A province draft: its agency's clerk, admin and auditor, its drafter and its signer; other agencies 404. */
const draftReaders = (ok: number) => ({ ...clerks(ok, 404, 404), admin: ok, auditor: ok, drafter: ok, signer: ok });
const noDraftRole = { ...clerks(403, 403, 403), admin: 403, auditor: 403 };
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
  { route: 'POST /documents/:id/recall', request: (c) => ({ method: 'POST', url: `/api/v1/documents/${c.accepted}/recall`, payload: { reason: 'Gửi nhầm' } }), expect: { ...clerks(409, 403, 404), admin: 403, auditor: 403 } },
  { route: 'POST /documents/:id/recall-answer', request: (c) => ({ method: 'POST', url: `/api/v1/documents/${c.doc}/recall-answer`, payload: { answer: '16' } }), expect: { ...clerks(403, 409, 404), admin: 403, auditor: 403 } },
  { route: 'GET /me', request: () => ({ method: 'GET', url: '/api/v1/me' }), expect: everyone(200) },
  // Stores nothing, so every cell can run it; the policy part differs per agency (verify-upload.test.ts).
  { route: 'POST /verify', request: (c) => ({ method: 'POST', url: '/api/v1/verify', headers: { 'content-type': 'application/pdf' }, payload: Buffer.from(c.pdf) }), expect: everyone(200) },
  // Receipts are the exchange's (clerks, reviewers); a drafter or a signer has none to check.
  { route: 'POST /receipts/verify', request: (c) => ({ method: 'POST', url: '/api/v1/receipts/verify', payload: { receipt: c.receipt } }), expect: { ...clerks(200, 200, 200), admin: 200, auditor: 200 } },
  { route: 'GET /statistics', request: () => ({ method: 'GET', url: '/api/v1/statistics' }), expect: reviewers(200) },
  { route: 'GET /log', request: () => ({ method: 'GET', url: '/api/v1/log?limit=5' }), expect: reviewers(200) },
  { route: 'GET /log.csv', request: () => ({ method: 'GET', url: '/api/v1/log.csv?event=document.sent' }), expect: reviewers(200) },
  { route: 'POST /log/verify', request: () => ({ method: 'POST', url: '/api/v1/log/verify' }), expect: reviewers(200) },
  { route: 'POST /log/seal', request: () => ({ method: 'POST', url: '/api/v1/log/seal' }), expect: adminOnly(200) },
  { route: 'GET /log/seals', request: () => ({ method: 'GET', url: '/api/v1/log/seals' }), expect: reviewers(200) },
  // The outgoing register: every agency's clerk, the auditor and the admin read their own agency's.
  // Drafters and signers have no business in the register (403, deny by default).
  { route: 'GET /register', request: () => ({ method: 'GET', url: '/api/v1/register?limit=5' }), expect: { ...clerks(200, 200, 200), admin: 200, auditor: 200 } },
  { route: 'GET /register.csv', request: () => ({ method: 'GET', url: '/api/v1/register.csv?year=2026' }), expect: { ...clerks(200, 200, 200), admin: 200, auditor: 200 } },
  // A type Decree 30 does not know (valid for the schema): a clerk gets REGISTER_INPUT_INVALID (400),
  // i.e. got past authorisation; no number is taken.
  { route: 'POST /register', request: () => ({ method: 'POST', url: '/api/v1/register', payload: { documentType: 'Thư tình', subject: 'Về việc X', signerName: 'Nguyễn Văn An', documentSha256: 'a'.repeat(64) } }), expect: clerkOnly(400) },
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
  // Seal keys (PKCS#11). The harness allows no module: the admin's bind gets HSM_MODULE_NOT_ALLOWED (400), nothing bound.
  { route: 'GET /admin/agencies/:code/seal-key', request: () => ({ method: 'GET', url: `/api/v1/admin/agencies/${PROVINCE}/seal-key` }), expect: adminOnly(200) },
  { route: 'POST /admin/agencies/:code/seal-key', request: () => ({ method: 'POST', url: `/api/v1/admin/agencies/${PROVINCE}/seal-key`, payload: { modulePath: '/usr/lib/softhsm/libsofthsm2.so', tokenLabel: 'seal', keyLabel: 'seal', pinEnv: 'SEAL_PIN' } }), expect: adminOnly(400) },
  { route: 'DELETE /admin/agencies/:code/seal-key (none bound)', request: () => ({ method: 'DELETE', url: `/api/v1/admin/agencies/${HOME_AFFAIRS}/seal-key` }), expect: adminOnly(404) },
  { route: 'GET /admin/users', request: () => ({ method: 'GET', url: `/api/v1/admin/users?agency=${PROVINCE}` }), expect: adminOnly(200) },
  { route: 'POST /admin/users', request: () => ({ method: 'POST', url: '/api/v1/admin/users', payload: { agencyCode: '999.99.99.Z99', name: 'Nobody', role: 'clerk' } }), expect: adminOnly(404) },
  { route: 'POST /admin/users/:id/tokens', request: (c) => ({ method: 'POST', url: `/api/v1/admin/users/${c.clerkUserId}/tokens`, payload: { label: 'matrix' } }), expect: adminOnly(201) },
  { route: 'GET /admin/users/:id/tokens (own user)', request: (c) => ({ method: 'GET', url: `/api/v1/admin/users/${c.adminUserId}/tokens` }), expect: adminOnly(200) },
  { route: 'GET /admin/users/:id/tokens (other agency)', request: (c) => ({ method: 'GET', url: `/api/v1/admin/users/${c.clerkUserId}/tokens` }), expect: adminOnly(200) },
  { route: 'GET /admin/users/:id/tokens (unknown)', request: () => ({ method: 'GET', url: `/api/v1/admin/users/${randomUUID()}/tokens` }), expect: adminOnly(404) },
  { route: 'DELETE /admin/tokens/:id', request: () => ({ method: 'DELETE', url: `/api/v1/admin/tokens/${randomUUID()}` }), expect: adminOnly(204) },
  // Accounts and sessions: a wrong current password (400) means the caller got past authorisation.
  { route: 'POST /me/password', request: () => ({ method: 'POST', url: '/api/v1/me/password', payload: { currentPassword: 'not the password', newPassword: 'a long new password' } }), expect: everyone(400) },
  // A bearer token has no session to end (the cookie run below signs out last).
  { route: 'DELETE /session', request: () => ({ method: 'DELETE', url: '/api/v1/session' }), expect: everyone(403) },
  { route: 'POST /admin/users/:id/password-link', request: (c) => ({ method: 'POST', url: `/api/v1/admin/users/${c.adminUserId}/password-link`, payload: {} }), expect: adminOnly(201) },
  { route: 'POST /admin/users/:id/password-link (unknown)', request: () => ({ method: 'POST', url: `/api/v1/admin/users/${randomUUID()}/password-link`, payload: {} }), expect: adminOnly(404) },
  { route: 'GET /admin/users/:id/sessions', request: (c) => ({ method: 'GET', url: `/api/v1/admin/users/${c.clerkUserId}/sessions` }), expect: adminOnly(200) },
  { route: 'DELETE /admin/users/:id/sessions (unknown)', request: () => ({ method: 'DELETE', url: `/api/v1/admin/users/${randomUUID()}/sessions` }), expect: adminOnly(404) },
  { route: 'DELETE /admin/sessions/:id (unknown)', request: () => ({ method: 'DELETE', url: `/api/v1/admin/sessions/${randomUUID()}` }), expect: adminOnly(404) },
  { route: 'GET /admin/trust-anchors', request: () => ({ method: 'GET', url: '/api/v1/admin/trust-anchors' }), expect: adminOnly(200) },
  { route: 'POST /admin/trust-anchors', request: () => ({ method: 'POST', url: '/api/v1/admin/trust-anchors', headers: { 'content-type': 'application/x-pem-file' }, payload: 'garbage' }), expect: adminOnly(400) },
  { route: 'GET /admin/crls', request: () => ({ method: 'GET', url: '/api/v1/admin/crls' }), expect: adminOnly(200) },
  { route: 'PUT /admin/users/:id/roles', request: (c) => ({ method: 'PUT', url: `/api/v1/admin/users/${c.clerkUserId}/roles`, payload: { roles: ['clerk'] } }), expect: adminOnly(200) },
  // Drafts (issue 12). A metadata-only body: the drafter gets FILE_MISSING (400), i.e. got past authorisation.
  { route: 'POST /drafts', request: () => ({ method: 'POST', url: '/api/v1/drafts', ...multipart([{ name: 'metadata', value: JSON.stringify(draftMetadata()) }]) }), expect: { ...noDraftRole, drafter: 400 } },
  { route: 'GET /drafts', request: () => ({ method: 'GET', url: '/api/v1/drafts' }), expect: everyone(200) },
  { route: 'GET /drafts/signers', request: () => ({ method: 'GET', url: '/api/v1/drafts/signers' }), expect: everyone(200) },
  { route: 'GET /drafts/:id', request: (c) => ({ method: 'GET', url: `/api/v1/drafts/${c.draft}` }), expect: draftReaders(200) },
  { route: 'GET /drafts/:id (unknown id)', request: () => ({ method: 'GET', url: `/api/v1/drafts/${randomUUID()}` }), expect: { ...clerks(404, 404, 404), admin: 404, auditor: 404, drafter: 404, signer: 404 } },
  { route: 'GET /drafts/:id/file', request: (c) => ({ method: 'GET', url: `/api/v1/drafts/${c.draft}/file` }), expect: draftReaders(200) },
  { route: 'POST /drafts/:id/versions', request: (c) => ({ method: 'POST', url: `/api/v1/drafts/${c.draft}/versions`, ...multipart([{ name: 'metadata', value: JSON.stringify(draftMetadata()) }]) }), expect: { ...noDraftRole, drafter: 400 } },
  // Already submitted: the drafter gets DRAFT_STATE_INVALID (409), nothing changes.
  { route: 'POST /drafts/:id/submit', request: (c) => ({ method: 'POST', url: `/api/v1/drafts/${c.draft}/submit`, payload: { signerUserId: randomUUID() } }), expect: { ...noDraftRole, drafter: 409 } },
  { route: 'POST /drafts/:id/return', request: (c) => ({ method: 'POST', url: `/api/v1/drafts/${c.draft}/return`, payload: { comment: ' ' } }), expect: { ...noDraftRole, signer: 400 } },
  { route: 'POST /drafts/:id/signatures/prepare', request: (c) => ({ method: 'POST', url: `/api/v1/drafts/${c.draft}/signatures/prepare`, payload: { certificates: ['AAAA'] } }), expect: { ...noDraftRole, signer: 400 } },
  {
    route: 'POST /drafts/:id/signatures/:preparedId/complete',
    request: (c) => ({ method: 'POST', url: `/api/v1/drafts/${c.draft}/signatures/${c.preparedId}/complete`, payload: { signatureValue: 'AAAA' } }),
    expect: { ...noDraftRole, signer: 400 },
  },
  // Remote signing (CSC): admins configure providers; signers list theirs, link credentials and sign.
  // Unknown ids answer 404 to a signer (and leave a trace); a provider with a bad URL is 400 for an admin.
  { route: 'GET /remote-signing/providers', request: () => ({ method: 'GET', url: '/api/v1/remote-signing/providers' }), expect: { ...clerks(403, 403, 403), admin: 200, auditor: 403, signer: 200 } },
  {
    route: 'POST /remote-signing/providers',
    request: () => ({ method: 'POST', url: '/api/v1/remote-signing/providers', payload: { name: 'x', baseUrl: 'ftp://nowhere', apiVersion: 'v2', oauthTokenUrl: 'https://x.example/token', clientId: 'c', clientSecretEnv: 'CSC_SECRET', agencyIds: [] } }),
    expect: adminOnly(400),
  },
  { route: 'POST /remote-signing/providers/:id/credentials/search', request: () => ({ method: 'POST', url: `/api/v1/remote-signing/providers/${randomUUID()}/credentials/search`, payload: {} }), expect: { ...noDraftRole, signer: 404 } },
  { route: 'GET /remote-signing/credentials', request: () => ({ method: 'GET', url: '/api/v1/remote-signing/credentials' }), expect: { ...noDraftRole, signer: 200 } },
  { route: 'POST /remote-signing/credentials', request: () => ({ method: 'POST', url: '/api/v1/remote-signing/credentials', payload: { providerId: randomUUID(), credentialId: 'c1' } }), expect: { ...noDraftRole, signer: 404 } },
  { route: 'POST /drafts/:id/remote-signatures', request: (c) => ({ method: 'POST', url: `/api/v1/drafts/${c.draft}/remote-signatures`, payload: { credentialId: randomUUID() } }), expect: { ...noDraftRole, signer: 404 } },
  { route: 'POST /drafts/:id/remote-signatures/:pendingId/otp', request: (c) => ({ method: 'POST', url: `/api/v1/drafts/${c.draft}/remote-signatures/${randomUUID()}/otp`, payload: { otp: '123456' } }), expect: { ...noDraftRole, signer: 404 } },
  { route: 'GET /drafts/:id/remote-signatures/:pendingId', request: (c) => ({ method: 'GET', url: `/api/v1/drafts/${c.draft}/remote-signatures/${randomUUID()}` }), expect: { ...noDraftRole, signer: 404 } },
  // The matrix's draft is submitted, not signed: its agency's clerk gets DRAFT_STATE_INVALID (409), i.e. got past authorisation; no number is taken.
  { route: 'POST /drafts/:id/seal-and-send', request: (c) => ({ method: 'POST', url: `/api/v1/drafts/${c.draft}/seal-and-send`, payload: {} }), expect: { ...clerks(409, 404, 404), admin: 403, auditor: 403 } },
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

    const drafter = await person(h, PROVINCE, 'Chuyên viên', ['drafter']);
    const signer = await person(h, PROVINCE, 'Lãnh đạo', ['signer']);
    const draft = await uploadDraft(h, drafter, (await sampleLetter()).pdf);
    await submit(h, drafter, draft, signer.id);
    const prepared = await prepare(h, signer, draft, fixtureSigner('signer-nguyen-van-an'));
    expect(prepared.statusCode, prepared.body).toBe(201);

    ctx = { doc, accepted, clerkUserId, adminUserId, pdf, receipt, draft, preparedId: prepared.json().preparedId as string };
    Object.assign(auth, {
      drafter: drafter.auth,
      signer: signer.auth,
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
      const want: Record<string, number> = { drafter: 403, signer: 403, ...c.expect, none: 401, revoked: 401 };
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

  it('a session cookie (with its CSRF token) gets the same answer as its user\'s bearer token on every route', async () => {
    // Drafters and signers are made through the admin API in this file, without a password: their
    // routes are covered by bearer tokens above.
    const names: Record<'sender' | 'recipient' | 'other' | 'admin' | 'auditor', string> = {
      sender: h.users.find((u) => u.role === 'clerk' && u.agencyCode === PROVINCE)!.username,
      recipient: h.users.find((u) => u.role === 'clerk' && u.agencyCode === HEALTH_DEPT)!.username,
      other: h.users.find((u) => u.role === 'clerk' && u.agencyCode === HOME_AFFAIRS)!.username,
      admin: h.users.find((u) => u.role === 'admin')!.username,
      auditor: h.users.find((u) => u.role === 'auditor')!.username,
    };
    for (const [actor, username] of Object.entries(names) as Array<[keyof typeof names, string]>) {
      const signed = await h.app.inject({ method: 'POST', url: '/api/v1/session', payload: { username, password: DEMO_PASSWORD } });
      expect(signed.statusCode, signed.body).toBe(200);
      const cookie = String(signed.headers['set-cookie']).split(';')[0]!;
      const csrf = signed.json().csrfToken as string;
      const got: Record<string, number> = {};
      const want: Record<string, number> = {};
      // Sign-out last: it ends the session the other requests use.
      const ordered = [...CASES.filter((c) => c.route !== 'DELETE /session'), ...CASES.filter((c) => c.route === 'DELETE /session')];
      for (const c of ordered) {
        const req = c.request(ctx);
        const res = await h.app.inject({ ...req, remoteAddress: nextAddress(), headers: { ...(req.headers ?? {}), cookie, 'x-csrf-token': csrf } } as InjectOptions);
        got[c.route] = res.statusCode;
        // DELETE /session is the one route where a session differs from a token: it signs out.
        want[c.route] = c.route === 'DELETE /session' ? 204 : c.expect[actor]!;
      }
      expect(got, actor).toEqual(want);
    }
  });

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
    const signIn = await h.app.inject({ method: 'POST', url: '/api/v1/session', remoteAddress: nextAddress(), payload: { username: 'nobody.here', password: 'not a password' } });
    expect(signIn.json().error.code).toBe('AUTH_BAD_CREDENTIALS');
    const link = await h.app.inject({ method: 'POST', url: '/api/v1/session/set-password', payload: { token: 'x'.repeat(43), password: 'a long enough password' } });
    expect(link.json().error.code).toBe('SET_PASSWORD_LINK_INVALID');
    // The CSC provider's callback is public, authenticated by its per-transaction secret.
    const callback = await h.app.inject({ method: 'POST', url: `/api/v1/remote-signing/callback/${randomUUID()}?s=guess`, payload: { status: 'signed', signatures: ['AAAA'] } });
    expect(callback.statusCode).toBe(401);
    expect(callback.json().error.code).toBe('CSC_CALLBACK_INVALID');
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
