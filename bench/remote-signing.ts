// One-off measurement (not a test): CPU time of a remote OTP signature through HTTP (start + otp,
// the CSC test server in the same process, so its RSA signature and token are included: an upper
// bound) against the local staged signature of the same draft (prepare + sign in-process + complete).
// Run: npx tsx bench/remote-signing.ts (N=8 by default)
import { createStores } from '../src/db/create-stores.js';
import { openDatabase } from '../src/db/client.js';
import { startCscTestServer } from '../src/csc/test-server.js';
import { loadPkcs12 } from '../src/pki/pkcs12.js';
import { fixture, fixtureSigner, P12_PASSWORD, sampleLetter } from '../test/support/fixtures.js';
import { startHarness, PROVINCE } from '../test/http/harness.js';
import { person, prepare, signValue, complete, submit, uploadDraft } from '../test/http/drafts-helpers.js';

const N = Number(process.env.N ?? 8);
const database = await openDatabase({});
await database.migrate();
const stores = createStores(database);
const an = loadPkcs12(fixture('signer-nguyen-van-an.p12'), P12_PASSWORD);
const server = await startCscTestServer({ credentials: [{ userId: 'u', credentialId: 'an-otp', key: an, authMode: 'explicit' }] });
process.env.CSC_BENCH_SECRET = server.clientSecret;
const h = await startHarness(stores);
const drafter = await person(h, PROVINCE, 'Chuyên viên', ['drafter']);
const signer = await person(h, PROVINCE, 'Nguyễn Văn An', ['signer']);
const province = await stores.agencies.byCode(PROVINCE);
const pr = await h.app.inject({ method: 'POST', url: '/api/v1/remote-signing/providers', headers: { authorization: h.tokens.admin }, payload: { name: 'b', baseUrl: server.baseUrl('v2'), apiVersion: 'v2', oauthTokenUrl: server.tokenUrl, clientId: server.clientId, clientSecretEnv: 'CSC_BENCH_SECRET', agencyIds: [province!.id] } });
const link = await h.app.inject({ method: 'POST', url: '/api/v1/remote-signing/credentials', headers: { authorization: signer.auth }, payload: { providerId: pr.json().id, credentialId: 'an-otp' } });
const credentialId = link.json().id;
const letter = (await sampleLetter()).pdf;
const local = fixtureSigner('signer-nguyen-van-an');

const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const localTimes: number[] = [];
const remoteTimes: number[] = [];
for (let i = 0; i < N + 2; i++) {
  const d1 = await uploadDraft(h, drafter, letter); await submit(h, drafter, d1, signer.id);
  const d2 = await uploadDraft(h, drafter, letter); await submit(h, drafter, d2, signer.id);
  let t = cpu();
  const p = (await prepare(h, signer, d1, local)).json();
  const c = await complete(h, signer, d1, p.preparedId, await signValue(local, p.dataToSign));
  if (c.statusCode !== 200) throw new Error(c.body);
  const l = cpu() - t;
  t = cpu();
  const s = await h.app.inject({ method: 'POST', url: `/api/v1/drafts/${d2}/remote-signatures`, headers: { authorization: signer.auth }, payload: { credentialId } });
  const o = await h.app.inject({ method: 'POST', url: `/api/v1/drafts/${d2}/remote-signatures/${s.json().pendingId}/otp`, headers: { authorization: signer.auth }, payload: { otp: server.lastOtp('an-otp') } });
  if (o.statusCode !== 200) throw new Error(o.body);
  const r = cpu() - t;
  if (i >= 2) { localTimes.push(l); remoteTimes.push(r); }
}
console.log(`CPU ms, median of ${N}: local staged ${median(localTimes).toFixed(1)}, remote OTP (incl. in-process provider) ${median(remoteTimes).toFixed(1)}, ratio ${(median(remoteTimes) / median(localTimes)).toFixed(2)}`);
await h.app.close(); await server.close(); await database.close();
delete process.env.CSC_BENCH_SECRET;
