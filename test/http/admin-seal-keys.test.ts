// POST/GET/DELETE /api/v1/admin/agencies/:code/seal-key over HTTP, with a SoftHSM2 token: the
// admin binds the province's seal key (PIN from a named variable, never in the body), sees it
// listed, unbinds it; a module outside the allow-list and a wrong PIN are refused with their codes.
// (A `pin` field in the body is dropped by the schema, never read.)
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Pkcs11Host } from '../../src/pki/pkcs11-host.js';
import { forEachDatabase } from '../support/databases.js';
import { SOFTHSM_MODULE, createSoftHsm } from '../support/softhsm.js';
import { PROVINCE, startHarness, type Harness } from './harness.js';

const PIN = '112233';
let host: Pkcs11Host;

beforeAll(() => {
  const hsm = createSoftHsm();
  hsm.addToken({ label: 'ubnd', pin: PIN, fixture: 'seal-ubnd-thai-binh' });
  host = new Pkcs11Host({ timeoutMs: 30_000 });
});
afterAll(() => host.shutdown());

forEachDatabase('http admin seal keys', (t) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(t.stores, { sealKeys: { allowedModules: [SOFTHSM_MODULE], env: { SEAL_PIN: PIN, BAD_PIN: '000000' }, host } });
  });
  const call = (method: 'GET' | 'POST' | 'DELETE', payload?: object) =>
    h.app.inject({ method, url: `/api/v1/admin/agencies/${PROVINCE}/seal-key`, headers: { authorization: h.tokens.admin }, ...(payload ? { payload } : {}) });
  const body = { modulePath: SOFTHSM_MODULE, tokenLabel: 'ubnd', keyLabel: 'seal', pinEnv: 'SEAL_PIN' };

  it('refuses a module outside the allow-list and a wrong PIN; nothing bound', async () => {
    const notAllowed = await call('POST', { ...body, modulePath: '/tmp/evil.so' });
    expect(notAllowed.statusCode).toBe(400);
    expect(notAllowed.json().error.code).toBe('HSM_MODULE_NOT_ALLOWED');
    const wrongPin = await call('POST', { ...body, pinEnv: 'BAD_PIN' });
    expect(wrongPin.statusCode).toBe(400);
    expect(wrongPin.json().error.code).toBe('HSM_PIN_INCORRECT');
    const nul = await call('POST', { ...body, tokenLabel: 'ub\u0000nd' });
    expect(nul.json().error.code).toBe('TEXT_INVALID');
    expect((await call('GET')).json()).toEqual([]);
  });

  it('binds, lists and unbinds', async () => {
    const bound = await call('POST', body);
    expect(bound.statusCode, bound.body).toBe(201);
    expect(bound.json()).toMatchObject({ agencyCode: PROVINCE, tokenLabel: 'ubnd', pinEnv: 'SEAL_PIN', active: true });
    expect(bound.body).not.toContain(PIN);
    const listed = await call('GET');
    expect(listed.json().map((b: { active: boolean }) => b.active)).toEqual([true]);
    expect((await call('DELETE')).statusCode).toBe(204);
    expect((await call('GET')).json().map((b: { active: boolean }) => b.active)).toEqual([false]);
  });
});
