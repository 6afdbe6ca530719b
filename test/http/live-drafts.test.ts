// Live `draft` events: a draft's submission reaches its drafter's, its signer's and its agency's
// clerk's streams as {draftId, status}, and nobody of another agency; a drafter's or a signer's
// stream (no clerk role) carries draft events only, never the inbox count or documents. The demo
// seed's drafters and signers (chuyenvien.*, lanhdao.*) are the actors.
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { seedDemoProvince, type SeededUser } from '../../src/exchange/seed-demo.js';
import { buildApp } from '../../src/http/app.js';
import { forEachDatabase } from '../support/databases.js';
import { fixtureSealKeys } from '../../src/service-keys.js';
import { FIXTURES_DIR, P12_PASSWORD, fixtureSigner, fixtureTimestamper, sampleLetter } from '../support/fixtures.js';
import { openSse, type SseStream } from '../support/sse-client.js';
import { complete, draftBody, draftMetadata, prepare, signValue } from './drafts-helpers.js';
import type { Harness } from './harness.js';
import { SIGNER_BOX } from './seal-and-send-helpers.js';
import { HEALTH_DEPT, PROVINCE } from './harness.js';

forEachDatabase('live draft events', (t) => {
  let app: FastifyInstance;
  let base: string;
  let users: SeededUser[];
  let letter: Uint8Array;
  const open: SseStream[] = [];
  const bearer = (role: string, code: string) => `Bearer ${users.find((u) => u.role === role && u.agencyCode === code)!.token}`;
  const stream = async (auth: string) => {
    const s = await openSse(`${base}/api/v1/events`, { authorization: auth });
    open.push(s);
    expect(s.status).toBe(200);
    return s;
  };
  /** The drafter of `code` uploads a draft and submits it to the agency's first signer. */
  const submitted = async (code: string, recipients: string[]) => {
    const auth = bearer('drafter', code);
    const body = draftBody(draftMetadata({ recipients }), letter);
    const up = await app.inject({ method: 'POST', url: '/api/v1/drafts', headers: { ...body.headers, authorization: auth }, payload: body.payload });
    expect(up.statusCode, up.body).toBe(201);
    const id = up.json().draft.id as string;
    const signers = (await app.inject({ url: '/api/v1/drafts/signers', headers: { authorization: auth } })).json() as Array<{ id: string }>;
    const r = await app.inject({ method: 'POST', url: `/api/v1/drafts/${id}/submit`, headers: { authorization: auth }, payload: { signerUserId: signers[0]!.id } });
    expect(r.statusCode, r.body).toBe(200);
    return id;
  };

  beforeAll(async () => {
    letter = (await sampleLetter()).pdf;
    users = (await seedDemoProvince({ stores: t.stores, clock: () => new Date() }, { fixturesDir: FIXTURES_DIR })).users;
    const sealKeys = { allowedModules: [], env: {}, fixtures: fixtureSealKeys({ path: (n) => FIXTURES_DIR + n, password: P12_PASSWORD }) };
    app = buildApp({ stores: t.stores, config: loadConfig({ LOG_LEVEL: 'silent' }), logger: pino({ level: 'silent' }), notifications: t.database.notifications, webUi: false, timestamper: fixtureTimestamper(), sealKeys });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    for (const s of open) s.close();
    await app.close();
  });

  it('a submission reaches the drafter, the signer and the clerk of the agency, and not another agency', async () => {
    const drafter = await stream(bearer('drafter', PROVINCE));
    const signer = await stream(bearer('signer', PROVINCE));
    const clerk = await stream(bearer('clerk', PROVINCE));
    const otherClerk = await stream(bearer('clerk', HEALTH_DEPT));
    const otherSigner = await stream(bearer('signer', HEALTH_DEPT));
    await clerk.waitFor((e) => e.event === 'count');

    const id = await submitted(PROVINCE, [HEALTH_DEPT]);
    const isOurs = (e: { event: string; data: unknown }) => e.event === 'draft' && JSON.stringify(e.data) === JSON.stringify({ draftId: id, status: 'submitted' });
    for (const s of [drafter, signer, clerk]) await s.waitFor(isOurs);

    // A later draft of the other agency is the proof of delivery there: nothing of the first came before it.
    const marker = await submitted(HEALTH_DEPT, [PROVINCE]);
    for (const s of [otherClerk, otherSigner]) {
      await s.waitFor((e) => e.event === 'draft' && JSON.stringify(e.data).includes(marker));
      expect(s.events.filter((e) => JSON.stringify(e.data ?? '').includes(id))).toEqual([]);
    }
    // Without the clerk role: draft events only, no inbox count, no documents.
    for (const s of [drafter, signer, otherSigner]) expect(s.events.filter((e) => ['count', 'inbox', 'outbox'].includes(e.event))).toEqual([]);
    expect(drafter.events.filter((e) => e.event === 'draft').every((e) => Object.keys(e.data as object).sort().join() === 'draftId,status')).toBe(true);
  });

  it('signing and seal-and-send reach the drafter and the clerk: signed, then sent', async () => {
    const drafter = await stream(bearer('drafter', PROVINCE));
    const clerk = await stream(bearer('clerk', PROVINCE));
    const id = await submitted(PROVINCE, [HEALTH_DEPT]);
    const h = { app } as Harness;
    const signer = { id: '', auth: bearer('signer', PROVINCE) };
    const key = fixtureSigner('signer-nguyen-van-an');
    const answer = (await prepare(h, signer, id, key, SIGNER_BOX)).json();
    const done = await complete(h, signer, id, answer.preparedId, await signValue(key, answer.dataToSign));
    expect(done.statusCode, done.body).toBe(200);
    const sent = await app.inject({ method: 'POST', url: `/api/v1/drafts/${id}/seal-and-send`, headers: { authorization: bearer('clerk', PROVINCE) }, payload: {} });
    expect(sent.statusCode, sent.body).toBe(200);
    for (const status of ['signed', 'sent']) {
      for (const s of [drafter, clerk]) await s.waitFor((e) => e.event === 'draft' && JSON.stringify(e.data) === JSON.stringify({ draftId: id, status }));
    }
    // The clerk's outbox hears the document too; the drafter's stream does not.
    await clerk.waitFor((e) => e.event === 'outbox' && (e.data as { documentId: string }).documentId === sent.json().documentId);
    expect(drafter.events.filter((e) => e.event === 'outbox')).toEqual([]);
  });
});
