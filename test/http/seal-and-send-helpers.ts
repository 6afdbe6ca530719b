// A signed draft through HTTP (the drafter uploads and submits, the named signer prepares, signs
// dataToSign with the fixture key and completes), and the clerk's seal-and-send call.
import { expect } from 'vitest';
import type { SignerAdapter } from '../../src/pki/signer.js';
import { type Harness } from './harness.js';
import { complete, draftMetadata, type Person, prepare, signValue, submit, uploadDraft } from './drafts-helpers.js';

/** The signer's image in the letter's signature block (right column, near the bottom). */
export const SIGNER_BOX = { page: 1, rect: [320, 80, 220, 90] };

export async function signedDraft(h: Harness, drafter: Person, signer: Person, key: SignerAdapter, pdf: Uint8Array, meta: Record<string, unknown> = draftMetadata()): Promise<string> {
  const id = await uploadDraft(h, drafter, pdf, meta);
  await submit(h, drafter, id, signer.id);
  const prepared = await prepare(h, signer, id, key, SIGNER_BOX);
  expect(prepared.statusCode, prepared.body).toBe(201);
  const answer = prepared.json();
  const done = await complete(h, signer, id, answer.preparedId, await signValue(key, answer.dataToSign));
  expect(done.statusCode, done.body).toBe(200);
  expect(done.json().draft.status).toBe('signed');
  return id;
}

export function sealAndSend(h: Harness, auth: string, draftId: string, payload: object = {}) {
  return h.app.inject({ method: 'POST', url: `/api/v1/drafts/${draftId}/seal-and-send`, headers: { authorization: auth }, payload });
}
