// /docs describes how the browser authenticates: beside the bearer scheme, the session cookie and
// the CSRF header, named as the service really names them (the names are read from a real
// sign-in and a real refusal, not copied from the source).
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/exchange/seed-demo.js';
import { MemoryStores } from '../support/memory-stores.js';
import { PROVINCE, type Harness, startHarness } from './harness.js';

interface Scheme {
  type: string;
  in?: string;
  name?: string;
  scheme?: string;
}

describe('OpenAPI security schemes', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(new MemoryStores());
  });

  it('declares bearer, the session cookie and the CSRF header; a session needs both cookie and header', async () => {
    const doc = (await h.app.inject({ method: 'GET', url: '/docs/json' })).json() as {
      components: { securitySchemes: Record<string, Scheme> };
      security: Array<Record<string, string[]>>;
    };
    const schemes = doc.components.securitySchemes;
    expect(schemes['bearer']).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(schemes['session']).toMatchObject({ type: 'apiKey', in: 'cookie' });
    expect(schemes['csrf']).toMatchObject({ type: 'apiKey', in: 'header' });
    // Either a bearer token, or the cookie AND the header.
    expect(doc.security).toEqual([{ bearer: [] }, { session: [], csrf: [] }]);

    // The cookie's declared name is the one sign-in sets.
    const clerk = h.users.find((u) => u.role === 'clerk' && u.agencyCode === PROVINCE)!;
    const signIn = await h.app.inject({ method: 'POST', url: '/api/v1/session', payload: { username: clerk.username, password: DEMO_PASSWORD } });
    expect(signIn.statusCode, signIn.body).toBe(200);
    const setCookie = String(signIn.headers['set-cookie']);
    expect(setCookie.split('=')[0]).toBe(schemes['session']!.name);
    const cookie = setCookie.split(';')[0]!;
    const csrf = signIn.json().csrfToken as string;

    // The header's declared name is the one a state-changing request must carry: without it the
    // request is refused, with it (under the declared name) it passes.
    const without = await h.app.inject({ method: 'DELETE', url: '/api/v1/session', headers: { cookie } });
    expect(without.statusCode).toBe(403);
    expect(without.json().error.code).toBe('CSRF_MISSING');
    const withHeader = await h.app.inject({ method: 'DELETE', url: '/api/v1/session', headers: { cookie, [schemes['csrf']!.name!]: csrf } });
    expect(withHeader.statusCode, withHeader.body).toBe(204);
  });

  it('public routes (sign-in) ask for no scheme', async () => {
    const doc = (await h.app.inject({ method: 'GET', url: '/docs/json' })).json() as { paths: Record<string, Record<string, { security?: unknown[] }>> };
    const signIn = doc.paths['/api/v1/session']?.['post'];
    expect(signIn).toBeDefined();
    expect(signIn!.security).toEqual([]);
  });
});
