// Drafters and signers for the draft tests: made through the admin API (as an admin would), each
// with a token. The demo seed has clerks, an admin and an auditor only.
import { expect } from 'vitest';
import type { Harness } from './harness.js';
import { metadata, multipart } from './harness.js';
import type { SignerAdapter } from '../../src/pki/signer.js';

export interface Person {
  id: string;
  auth: string;
}

export async function person(h: Harness, agencyCode: string, name: string, roles: string[]): Promise<Person> {
  const created = await h.app.inject({ method: 'POST', url: '/api/v1/admin/users', headers: { authorization: h.tokens.admin }, payload: { agencyCode, name, role: roles[0] } });
  expect(created.statusCode, created.body).toBe(201);
  const id = created.json().id as string;
  if (roles.length > 1) {
    const set = await h.app.inject({ method: 'PUT', url: `/api/v1/admin/users/${id}/roles`, headers: { authorization: h.tokens.admin }, payload: { roles } });
    expect(set.statusCode, set.body).toBe(200);
  }
  const token = await h.app.inject({ method: 'POST', url: `/api/v1/admin/users/${id}/tokens`, headers: { authorization: h.tokens.admin }, payload: { label: 'test' } });
  expect(token.statusCode, token.body).toBe(201);
  return { id, auth: `Bearer ${token.json().secret}` };
}

/** The send form's metadata without the number. */
export function draftMetadata(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const { codeNumber: _n, ...rest } = metadata(overrides);
  return rest;
}

export function draftBody(meta: Record<string, unknown>, pdf: Uint8Array) {
  return multipart([
    { name: 'metadata', value: JSON.stringify(meta) },
    { name: 'file', value: pdf, filename: 'draft.pdf', contentType: 'application/pdf' },
  ]);
}

export async function uploadDraft(h: Harness, who: Person, pdf: Uint8Array, meta = draftMetadata()): Promise<string> {
  const body = draftBody(meta, pdf);
  const res = await h.app.inject({ method: 'POST', url: '/api/v1/drafts', headers: { ...body.headers, authorization: who.auth }, payload: body.payload });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().draft.id as string;
}

export async function submit(h: Harness, who: Person, draftId: string, signerUserId: string): Promise<void> {
  const res = await h.app.inject({ method: 'POST', url: `/api/v1/drafts/${draftId}/submit`, headers: { authorization: who.auth }, payload: { signerUserId } });
  expect(res.statusCode, res.body).toBe(200);
}

export function certificatesOf(signer: SignerAdapter): string[] {
  return [signer.certificate, ...signer.chain].map((c) => Buffer.from(c).toString('base64'));
}

export async function prepare(h: Harness, who: Person, draftId: string, signer: SignerAdapter, placement?: unknown) {
  return h.app.inject({ method: 'POST', url: `/api/v1/drafts/${draftId}/signatures/prepare`, headers: { authorization: who.auth }, payload: { certificates: certificatesOf(signer), ...(placement ? { placement } : {}) } });
}

export async function signValue(signer: SignerAdapter, dataToSign: string): Promise<string> {
  return Buffer.from(await signer.sign(new Uint8Array(Buffer.from(dataToSign, 'base64')), 'sha256')).toString('base64');
}

export async function complete(h: Harness, who: Person, draftId: string, preparedId: string, signatureValue: string) {
  return h.app.inject({ method: 'POST', url: `/api/v1/drafts/${draftId}/signatures/${preparedId}/complete`, headers: { authorization: who.auth }, payload: { signatureValue } });
}
