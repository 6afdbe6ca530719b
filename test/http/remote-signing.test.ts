// Issue 13 through HTTP against the CSC test server (src/csc/test-server.ts, written from the CSC
// API, not from our client): an admin configures the provider, the signer links a credential (the
// certificate checked against the trust store and against the signer's name), then signs drafts
// remotely: with an OTP (SCAL2: the SAD bound to the prepared hash), and confirmed on the phone
// (polled, posted back to the callback, and picked up by a second app instance on the same
// database). Each refusal leaves the draft as it was. No SAD and no token reaches a log line or a row.
import { createServer } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startCscTestServer, type CscTestServer } from '../../src/csc/test-server.js';
import { buildApp } from '../../src/http/app.js';
import { verifyPdf } from '../../src/pades/verify.js';
import { loadPkcs12 } from '../../src/pki/pkcs12.js';
import { fixture, P12_PASSWORD, sampleLetter, trustedOptions } from '../support/fixtures.js';
import { fixtureNssDb, pdfsig, tempDir, writeTemp } from '../support/oracles.js';
import { forEachDatabase, rowsOf } from '../support/databases.js';
import { HEALTH_DEPT, PROVINCE, type Harness, startHarness } from './harness.js';
import { type Person, person, submit, uploadDraft } from './drafts-helpers.js';

const key = (name: string) => loadPkcs12(fixture(`${name}.p12`), P12_PASSWORD);
const SECRET_ENV = 'CSC_TEST_CLIENT_SECRET';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

let letter: Uint8Array;
let server: CscTestServer;
beforeAll(async () => {
  letter = (await sampleLetter()).pdf;
  const an = key('signer-nguyen-van-an');
  server = await startCscTestServer({
    credentials: [
      { userId: '0912000001', credentialId: 'an-otp', key: an, authMode: 'explicit' },
      { userId: '0912000001', credentialId: 'an-phone', key: an, authMode: 'implicit' },
      { userId: '0912000001', credentialId: 'an-rogue', key: key('neg-rogue-signer'), authMode: 'explicit' },
      { userId: '0912000002', credentialId: 'binh-otp', key: key('signer-tran-thi-binh'), authMode: 'explicit' },
    ],
  });
  process.env[SECRET_ENV] = server.clientSecret;
});
afterAll(async () => {
  delete process.env[SECRET_ENV];
  await server?.close();
});

forEachDatabase('http remote signing (CSC)', (t) => {
  let h: Harness;
  let port: number;
  let drafter: Person;
  let signer: Person;
  let otherSigner: Person;
  let foreignSigner: Person;
  let providerId: string;
  let otpCredential: string;
  let phoneCredential: string;

  const api = (who: Person | string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
    h.app.inject({ method, url: `/api/v1${url}`, headers: { authorization: typeof who === 'string' ? who : who.auth }, ...(payload !== undefined ? { payload: payload as object } : {}) });

  const submittedDraft = async () => {
    const id = await uploadDraft(h, drafter, letter);
    await submit(h, drafter, id, signer.id);
    return id;
  };
  const draftState = async (id: string) => (await api(signer, 'GET', `/drafts/${id}`)).json().draft as { status: string; currentVersion: number };

  beforeAll(async () => {
    port = await freePort();
    h = await startHarness(t.stores, { env: { CSC_CALLBACK_BASE_URL: `http://127.0.0.1:${port}`, CSC_TIMEOUT_MS: '1500' } });
    await h.app.listen({ port, host: '127.0.0.1' });
    drafter = await person(h, PROVINCE, 'Chuyên viên Hà', ['drafter']);
    signer = await person(h, PROVINCE, 'Nguyễn Văn An', ['signer']);
    otherSigner = await person(h, PROVINCE, 'Trần Thị Bình', ['signer']);
    foreignSigner = await person(h, HEALTH_DEPT, 'Nguyễn Văn An', ['signer']);
    const province = await t.stores.agencies.byCode(PROVINCE);
    const body = { name: 'Test CSC', baseUrl: server.baseUrl('v2'), apiVersion: 'v2', oauthTokenUrl: server.tokenUrl, clientId: server.clientId, clientSecretEnv: SECRET_ENV, agencyIds: [province!.id] };
    // Only an admin configures providers; the secret itself is not accepted, only its variable's name.
    expect((await api(signer, 'POST', '/remote-signing/providers', body)).statusCode).toBe(403);
    const bad = await api(h.tokens.admin, 'POST', '/remote-signing/providers', { ...body, clientSecretEnv: server.clientSecret });
    expect(bad.json().error.code).toBe('CSC_PROVIDER_INVALID');
    const created = await api(h.tokens.admin, 'POST', '/remote-signing/providers', body);
    expect(created.statusCode, created.body).toBe(201);
    providerId = created.json().id;
  });
  afterAll(async () => {
    await h?.app.close();
  });

  it('a signer lists the provider’s credentials and links one; untrusted, someone else’s, or another agency’s are refused', async () => {
    const found = await api(signer, 'POST', `/remote-signing/providers/${providerId}/credentials/search`, { providerUserId: '0912000001' });
    expect(found.statusCode, found.body).toBe(200);
    expect(found.json().map((c: { credentialId: string }) => c.credentialId)).toEqual(['an-otp', 'an-phone', 'an-rogue']);

    const rogue = await api(signer, 'POST', '/remote-signing/credentials', { providerId, credentialId: 'an-rogue' });
    expect(rogue.json().error.code).toBe('SIGNER_CERT_UNTRUSTED');
    const binh = await api(signer, 'POST', '/remote-signing/credentials', { providerId, credentialId: 'binh-otp' });
    expect(binh.statusCode).toBe(403);
    expect(binh.json().error.code).toBe('CSC_CREDENTIAL_NOT_YOURS');
    const foreign = await api(foreignSigner, 'POST', '/remote-signing/credentials', { providerId, credentialId: 'an-otp' });
    expect(foreign.json().error.code).toBe('CSC_PROVIDER_NOT_FOUND');
    const drafterTry = await api(drafter, 'POST', '/remote-signing/credentials', { providerId, credentialId: 'an-otp' });
    expect(drafterTry.statusCode).toBe(403);

    const linked = await api(signer, 'POST', '/remote-signing/credentials', { providerId, credentialId: 'an-otp' });
    expect(linked.statusCode, linked.body).toBe(201);
    expect(linked.json()).toMatchObject({ credentialId: 'an-otp', authMode: 'explicit', scal: '2' });
    otpCredential = linked.json().id;
    const phone = await api(signer, 'POST', '/remote-signing/credentials', { providerId, credentialId: 'an-phone' });
    expect(phone.statusCode, phone.body).toBe(201);
    expect(phone.json().authMode).toBe('implicit');
    phoneCredential = phone.json().id;
    expect((await api(signer, 'GET', '/remote-signing/credentials')).json()).toHaveLength(2);
    expect((await api(otherSigner, 'GET', '/remote-signing/credentials')).json()).toHaveLength(0);
  });

  it('SCAL2 with an OTP: a wrong OTP changes nothing, the right one signs; verifier and pdfsig accept the draft', async () => {
    const id = await submittedDraft();
    const started = await api(signer, 'POST', `/drafts/${id}/remote-signatures`, { credentialId: otpCredential, placement: { page: 1, rect: [320, 80, 220, 90] } });
    expect(started.statusCode, started.body).toBe(201);
    expect(started.json()).toMatchObject({ needs: 'otp', status: 'awaiting-otp' });
    const pendingId = started.json().pendingId as string;
    const otp = server.lastOtp('an-otp')!;
    expect(otp).toMatch(/^\d{6}$/);

    const wrong = await api(signer, 'POST', `/drafts/${id}/remote-signatures/${pendingId}/otp`, { otp: otp === '000000' ? '111111' : '000000' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.code).toBe('CSC_INVALID_OTP');
    expect(await draftState(id)).toMatchObject({ status: 'submitted', currentVersion: 1 });

    // Another signer cannot see or drive this pending signature.
    expect((await api(otherSigner, 'GET', `/drafts/${id}/remote-signatures/${pendingId}`)).statusCode).toBe(404);
    expect((await api(otherSigner, 'POST', `/drafts/${id}/remote-signatures/${pendingId}/otp`, { otp })).statusCode).toBe(404);

    const done = await api(signer, 'POST', `/drafts/${id}/remote-signatures/${pendingId}/otp`, { otp });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json().draft).toMatchObject({ status: 'signed', currentVersion: 2 });
    expect(done.json().signature).toMatchObject({ indication: 'TOTAL_PASSED' });
    expect(done.json().events.at(-1)).toMatchObject({ kind: 'signed', details: { method: 'remote-csc' } });
    expect((await api(signer, 'GET', `/drafts/${id}/remote-signatures/${pendingId}`)).json().status).toBe('completed');
    // Once completed, the OTP step is closed.
    expect((await api(signer, 'POST', `/drafts/${id}/remote-signatures/${pendingId}/otp`, { otp })).json().error.code).toBe('CSC_PENDING_STATE_INVALID');

    const file = await api(signer, 'GET', `/drafts/${id}/file`);
    const signed = new Uint8Array(file.rawPayload);
    const report = verifyPdf(signed, trustedOptions());
    expect(report.document.verdict).toBe('valid');
    expect(report.signatures[0]!.signer?.commonName).toContain('Nguyễn Văn An');
    const sigs = pdfsig(writeTemp(tempDir(), 'remote.pdf', signed), fixtureNssDb());
    expect(sigs).toHaveLength(1);
    expect(sigs[0]!.signatureValid).toBe(true);
    expect(sigs[0]!.certificateTrusted).toBe(true);
  });

  it('an expired SAD is refused by the provider: CSC_SAD_EXPIRED, the draft unchanged', async () => {
    const id = await submittedDraft();
    const started = await api(signer, 'POST', `/drafts/${id}/remote-signatures`, { credentialId: otpCredential });
    server.behaviour.sadTtlMs = -1;
    try {
      const res = await api(signer, 'POST', `/drafts/${id}/remote-signatures/${started.json().pendingId}/otp`, { otp: server.lastOtp('an-otp') });
      expect(res.json().error.code).toBe('CSC_SAD_EXPIRED');
    } finally {
      server.behaviour.sadTtlMs = 300_000;
    }
    expect(await draftState(id)).toMatchObject({ status: 'submitted', currentVersion: 1 });
    expect((await api(signer, 'GET', `/drafts/${id}/remote-signatures/${started.json().pendingId}`)).json()).toMatchObject({ status: 'failed', errorCode: 'CSC_SAD_EXPIRED' });
  });

  it('a provider that signs another hash: SIGNATURE_VALUE_MISMATCH from complete, the draft unchanged', async () => {
    const id = await submittedDraft();
    const started = await api(signer, 'POST', `/drafts/${id}/remote-signatures`, { credentialId: otpCredential });
    server.behaviour.signOtherHash = true;
    try {
      const res = await api(signer, 'POST', `/drafts/${id}/remote-signatures/${started.json().pendingId}/otp`, { otp: server.lastOtp('an-otp') });
      expect(res.json().error.code).toBe('SIGNATURE_VALUE_MISMATCH');
    } finally {
      server.behaviour.signOtherHash = false;
    }
    expect(await draftState(id)).toMatchObject({ status: 'submitted', currentVersion: 1 });
  });

  it('provider down (503 each time): retried, then CSC_PROVIDER_UNAVAILABLE with nothing changed; a retry works', async () => {
    const id = await submittedDraft();
    const before = server.log.length;
    server.behaviour.fail = { endpoint: '*', status: 503, body: { error: 'temporarily_unavailable', error_description: 'maintenance' }, times: 3 };
    const res = await api(signer, 'POST', `/drafts/${id}/remote-signatures`, { credentialId: otpCredential });
    expect(res.statusCode).toBe(503);
    expect(res.json().error.code).toBe('CSC_PROVIDER_UNAVAILABLE');
    // One call, tried three times (two retries).
    expect(server.log.slice(before).filter((l) => l.status === 503)).toHaveLength(3);
    const events = (await api(signer, 'GET', `/drafts/${id}`)).json().events.map((e: { kind: string }) => e.kind);
    expect(events).toEqual(['created', 'submitted']);
    const again = await api(signer, 'POST', `/drafts/${id}/remote-signatures`, { credentialId: otpCredential });
    expect(again.statusCode, again.body).toBe(201);
  });

  it('a 4xx is never retried; a provider slower than CSC_TIMEOUT_MS answers CSC_PROVIDER_TIMEOUT', async () => {
    const id = await submittedDraft();
    const before = server.log.length;
    server.behaviour.fail = { endpoint: 'credentials/info', status: 400, body: { error: 'invalid_request', error_description: 'Invalid parameter credentialID' }, times: 5 };
    const res = await api(signer, 'POST', `/drafts/${id}/remote-signatures`, { credentialId: otpCredential });
    server.behaviour.fail = undefined;
    expect(res.json().error.code).toBe('CSC_CREDENTIAL_NOT_FOUND');
    expect(server.log.slice(before).filter((l) => l.status === 400)).toHaveLength(1);

    server.behaviour.delayMs = 2_000;
    try {
      const slow = await api(signer, 'POST', `/drafts/${id}/remote-signatures`, { credentialId: otpCredential });
      expect(slow.json().error.code).toBe('CSC_PROVIDER_TIMEOUT');
    } finally {
      server.behaviour.delayMs = 0;
    }
    expect(await draftState(id)).toMatchObject({ status: 'submitted', currentVersion: 1 });
  });

  it('confirmed on the phone: the signer’s poll asks the provider and completes the draft', async () => {
    const id = await submittedDraft();
    const started = await api(signer, 'POST', `/drafts/${id}/remote-signatures`, { credentialId: phoneCredential });
    expect(started.statusCode, started.body).toBe(201);
    expect(started.json()).toMatchObject({ needs: 'confirm-on-phone', status: 'awaiting-confirmation' });
    const url = `/drafts/${id}/remote-signatures/${started.json().pendingId}`;
    expect((await api(signer, 'GET', url)).json().status).toBe('awaiting-confirmation');
    const [tx] = server.pendingTransactions();
    await server.confirm(tx!, { deliver: false });
    const polled = await api(signer, 'GET', url);
    expect(polled.json().status, polled.body).toBe('completed');
    expect(await draftState(id)).toMatchObject({ status: 'signed', currentVersion: 2 });
  });

  it('confirmed on the phone: the provider posts to the callback; a forged callback is refused', async () => {
    const id = await submittedDraft();
    const started = await api(signer, 'POST', `/drafts/${id}/remote-signatures`, { credentialId: phoneCredential });
    const pendingId = started.json().pendingId as string;
    const forged = await h.app.inject({ method: 'POST', url: `/api/v1/remote-signing/callback/${pendingId}?s=guess`, payload: { status: 'signed', signatures: ['AAAA'] } });
    expect(forged.statusCode).toBe(401);
    expect(forged.json().error.code).toBe('CSC_CALLBACK_INVALID');
    const [tx] = server.pendingTransactions();
    await server.confirm(tx!);
    expect(await draftState(id)).toMatchObject({ status: 'signed', currentVersion: 2 });
    expect((await api(signer, 'GET', `/drafts/${id}/remote-signatures/${pendingId}`)).json().status).toBe('completed');
  });

  it('a phone confirmation that never comes: past its expiry the poll answers expired and the draft is unchanged', async () => {
    const id = await submittedDraft();
    const started = await api(signer, 'POST', `/drafts/${id}/remote-signatures`, { credentialId: phoneCredential });
    const pendingId = started.json().pendingId as string;
    // The signer's phone stays silent; the clock moves past the expiry (set in the row, as time would).
    await t.database.db.execute(sql.raw(`update csc_pending set expires_at = now() - interval '1 minute' where id = '${pendingId}'`));
    const polled = await api(signer, 'GET', `/drafts/${id}/remote-signatures/${pendingId}`);
    expect(polled.json()).toMatchObject({ status: 'expired', errorCode: 'CSC_SIGNATURE_PENDING_EXPIRED' });
    expect(await draftState(id)).toMatchObject({ status: 'submitted', currentVersion: 1 });
    // A late confirmation changes nothing any more.
    for (const tx of server.pendingTransactions()) await server.confirm(tx);
    expect(await draftState(id)).toMatchObject({ status: 'submitted', currentVersion: 1 });
  });

  it('a new app instance on the same database picks up a pending phone confirmation', async () => {
    const id = await submittedDraft();
    const started = await api(signer, 'POST', `/drafts/${id}/remote-signatures`, { credentialId: phoneCredential });
    const [tx] = server.pendingTransactions();
    await server.confirm(tx!, { deliver: false });
    const second = buildApp({ stores: t.stores, config: loadConfig({ LOG_LEVEL: 'silent' }), webUi: false });
    try {
      await second.ready();
      const res = await second.inject({ method: 'GET', url: `/api/v1/drafts/${id}/remote-signatures/${started.json().pendingId}`, headers: { authorization: signer.auth } });
      expect(res.json().status, res.body).toBe('completed');
    } finally {
      await second.close();
    }
    expect(await draftState(id)).toMatchObject({ status: 'signed', currentVersion: 2 });
  });

  it('no SAD and no access token in any log line or remote-signing row', async () => {
    const secrets = server.issuedSecrets();
    expect(secrets.length).toBeGreaterThan(5);
    const lines = h.logLines().join('\n');
    const rows = JSON.stringify([
      ...rowsOf(await t.database.db.execute(sql`select * from csc_pending`)),
      ...rowsOf(await t.database.db.execute(sql`select * from csc_credentials`)),
      ...rowsOf(await t.database.db.execute(sql`select * from csc_providers`)),
      ...rowsOf(await t.database.db.execute(sql`select * from draft_events`)),
    ]);
    for (const s of [...secrets, server.clientSecret]) {
      expect(lines).not.toContain(s);
      expect(rows).not.toContain(s);
    }
  });
});
