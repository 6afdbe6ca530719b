// Drafters and signers for the browser tests, made as an admin makes them: a user with a sign-in
// name and roles (admin API), a one-time set-password link used through the public route, and a
// bearer token (what `docaxis sign-draft` authenticates with). The demo seed has none of them.
import { expect } from 'vitest';
import type { Harness } from '../http/harness.js';

export const PEOPLE_PASSWORD = 'draft-test-password-12';

export interface WebPerson {
  id: string;
  username: string;
  /** "Bearer …", for the API calls the CLI would make. */
  auth: string;
}

export async function webPerson(h: Harness, base: string, agencyCode: string, name: string, username: string, roles: string[]): Promise<WebPerson> {
  const admin = { authorization: h.tokens.admin };
  const created = await h.app.inject({ method: 'POST', url: '/api/v1/admin/users', headers: admin, payload: { agencyCode, name, role: roles[0], username } });
  expect(created.statusCode, created.body).toBe(201);
  const id = created.json().id as string;
  const set = await h.app.inject({ method: 'PUT', url: `/api/v1/admin/users/${id}/roles`, headers: admin, payload: { roles } });
  expect(set.statusCode, set.body).toBe(200);
  const link = await h.app.inject({ method: 'POST', url: `/api/v1/admin/users/${id}/password-link`, headers: admin, payload: {} });
  expect(link.statusCode, link.body).toBe(201);
  // The public route checks the origin, as a browser would send it.
  const res = await fetch(`${base}/api/v1/session/set-password`, { method: 'POST', headers: { 'content-type': 'application/json', origin: base }, body: JSON.stringify({ token: link.json().token, password: PEOPLE_PASSWORD }) });
  expect(res.status, await res.clone().text()).toBe(200);
  const token = await h.app.inject({ method: 'POST', url: `/api/v1/admin/users/${id}/tokens`, headers: admin, payload: { label: 'sign-draft' } });
  expect(token.statusCode, token.body).toBe(201);
  return { id, username, auth: `Bearer ${token.json().secret as string}` };
}
