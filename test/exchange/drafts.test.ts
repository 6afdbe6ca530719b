// Drafts and staged signing as use cases on the in-memory stores, with the clock in the test's
// hands: expiry, the TTL setting, a stamped file refused before anything is stored, a signature
// prepared for another user, and users holding several roles.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Principal, Role } from '../../src/db/ports.js';
import { setUserRoles } from '../../src/exchange/admin-users.js';
import { requireRole } from '../../src/exchange/auth.js';
import { createDraft, listDrafts, submitDraft } from '../../src/exchange/drafts.js';
import { hasRole } from '../../src/exchange/roles.js';
import { completeDraftSignature, prepareDraftSignature } from '../../src/exchange/staged-signing.js';
import { fixtureSigner, sampleLetter } from '../support/fixtures.js';
import { stampExisting } from '../content/stamped-pdfs.js';
import { CODES, makeWorld, metadata, refused, type World } from './world.js';

const an = fixtureSigner('signer-nguyen-van-an');
const certificates = [an.certificate, ...an.chain].map((c) => Buffer.from(c).toString('base64'));

function draftMeta(): Record<string, unknown> {
  const { codeNumber: _n, ...m } = metadata({ recipients: [CODES.health] });
  return m;
}

async function principalFor(w: World, agencyCode: string, name: string, roles: Role[]): Promise<Principal> {
  const agency = (await w.stores.agencies.byCode(agencyCode))!;
  const user = await w.stores.users.insert({ agencyId: agency.id, name, role: roles[0]!, roles, active: true });
  return { user, agency, tokenId: `token-${user.id}` };
}

async function signedValue(dataToSign: string): Promise<string> {
  return Buffer.from(await an.sign(new Uint8Array(Buffer.from(dataToSign, 'base64')), 'sha256')).toString('base64');
}

let letter: Uint8Array;
beforeAll(async () => {
  letter = (await sampleLetter()).pdf;
});

describe('staged signing with an injected clock', () => {
  let w: World;
  let now: Date;
  let drafter: Principal;
  let signer: Principal;
  beforeAll(async () => {
    now = new Date();
    w = await makeWorld(() => now);
    drafter = await principalFor(w, CODES.province, 'Chuyên viên', ['drafter']);
    signer = await principalFor(w, CODES.province, 'Nguyễn Văn An', ['signer']);
  });

  async function submitted(): Promise<string> {
    const { draft } = await createDraft(w.deps, drafter, { metadata: draftMeta(), pdf: letter });
    await submitDraft(w.deps, drafter, draft.id, { signerUserId: signer.user.id });
    return draft.id;
  }

  it('a prepared signature expires after the default 10 minutes: refused, nothing consumed or changed', async () => {
    const id = await submitted();
    const prepared = await prepareDraftSignature(w.deps, signer, id, { certificates });
    expect(prepared.expiresAt.getTime() - now.getTime()).toBe(10 * 60_000);
    const value = await signedValue(prepared.dataToSign);
    const start = now;
    now = new Date(start.getTime() + 10 * 60_000 + 1);
    await refused(completeDraftSignature(w.deps, signer, id, prepared.preparedId, { signatureValue: value }), 'PREPARED_SIGNATURE_EXPIRED');
    expect((await w.stores.drafts.byId(id))).toMatchObject({ status: 'submitted', currentVersion: 1 });
    expect((await w.stores.drafts.preparedById(prepared.preparedId))!.usedAt).toBeNull();
    expect(w.stores.state.draftVersions.filter((v) => v.draftId === id)).toHaveLength(1);
    // Within its life (the clock back at the last valid millisecond) the same value completes.
    now = new Date(start.getTime() + 10 * 60_000);
    const done = await completeDraftSignature(w.deps, signer, id, prepared.preparedId, { signatureValue: value });
    expect(done.draft.status).toBe('signed');
    now = new Date();
  });

  it('the TTL setting is honoured', async () => {
    const id = await submitted();
    const prepared = await prepareDraftSignature(w.deps, signer, id, { certificates }, { ttlMinutes: 1 });
    expect(prepared.expiresAt.getTime() - now.getTime()).toBe(60_000);
    const value = await signedValue(prepared.dataToSign);
    const start = now;
    now = new Date(start.getTime() + 61_000);
    await refused(completeDraftSignature(w.deps, signer, id, prepared.preparedId, { signatureValue: value }), 'PREPARED_SIGNATURE_EXPIRED');
    now = new Date();
  });

  it('another signer of the same agency who can see the draft cannot complete what was prepared for someone else', async () => {
    const id = await submitted();
    const prepared = await prepareDraftSignature(w.deps, signer, id, { certificates });
    const clerkSigner = await principalFor(w, CODES.province, 'Phó Chủ tịch', ['clerk', 'signer']);
    await refused(completeDraftSignature(w.deps, clerkSigner, id, prepared.preparedId, { signatureValue: await signedValue(prepared.dataToSign) }), 'PREPARED_SIGNATURE_WRONG_USER');
    expect(w.stores.state.log.at(-1)!.event).toBe('access.denied');
    expect((await w.stores.drafts.byId(id))!.status).toBe('submitted');
  });

  it('a file with a classification stamp is refused before anything is stored, the refusal logged without text', async () => {
    const before = { drafts: w.stores.state.drafts.length, blobs: w.stores.state.blobs.size, versions: w.stores.state.draftVersions.length };
    const stamped = await stampExisting(letter, 'MẬT');
    await refused(createDraft(w.deps, drafter, { metadata: draftMeta(), pdf: stamped }), 'CLASSIFICATION_MARK_FOUND');
    expect({ drafts: w.stores.state.drafts.length, blobs: w.stores.state.blobs.size, versions: w.stores.state.draftVersions.length }).toEqual(before);
    const last = w.stores.state.log.at(-1)!;
    expect(last.event).toBe('draft.refused');
    expect(last.details).toMatchObject({ code: 'CLASSIFICATION_MARK_FOUND', level: 'MAT', page: 1 });
  });

  it('a declared level is refused before the file is looked at (an empty file is never read)', async () => {
    await refused(createDraft(w.deps, drafter, { metadata: { ...draftMeta(), classification: 'TUYET_MAT' }, pdf: new Uint8Array() }), 'CLASSIFIED_REFUSED');
  });

  it('lists: a drafter sees their own drafts, a clerk the agency’s, another agency’s clerk none of them', async () => {
    const other = await principalFor(w, CODES.province, 'Chuyên viên khác', ['drafter']);
    const mine = await listDrafts(w.deps, drafter, { limit: 100 });
    expect(mine.items.length).toBeGreaterThan(0);
    expect(mine.items.every((d) => d.drafterUserId === drafter.user.id)).toBe(true);
    expect((await listDrafts(w.deps, other, { limit: 100 })).items).toHaveLength(0);
    expect((await listDrafts(w.deps, w.clerk.province, { limit: 100 })).items.length).toBe(mine.items.length);
    expect((await listDrafts(w.deps, w.clerk.health, { limit: 100 })).items).toHaveLength(0);
  });
});

describe('roles', () => {
  it('a user may hold several roles; requireRole and hasRole read all of them', async () => {
    const w = await makeWorld();
    const both = await principalFor(w, CODES.province, 'Chuyên viên ký', ['drafter', 'signer']);
    expect(both.user.role).toBe('drafter');
    expect(hasRole(both, 'signer')).toBe(true);
    expect(hasRole(both, 'clerk')).toBe(false);
    expect(() => requireRole(both, 'signer')).not.toThrow();
    expect(() => requireRole(both, 'admin')).toThrow(/admin only/);
  });

  it('the admin sets roles (logged); an empty or unknown list is ROLES_INVALID; only an admin may', async () => {
    const w = await makeWorld();
    const clerkUser = w.clerk.health.user;
    const updated = await setUserRoles(w.deps, w.admin, clerkUser.id, ['signer', 'clerk', 'signer']);
    expect(updated.roles.sort()).toEqual(['clerk', 'signer']);
    expect(updated.role).toBe('clerk');
    expect(w.stores.state.log.at(-1)).toMatchObject({ event: 'admin.user', details: { action: 'roles', userId: clerkUser.id } });
    // Dropping the primary role moves it to the first one kept.
    expect((await setUserRoles(w.deps, w.admin, clerkUser.id, ['signer'])).role).toBe('signer');
    await refused(setUserRoles(w.deps, w.admin, clerkUser.id, []), 'ROLES_INVALID');
    await refused(setUserRoles(w.deps, w.admin, clerkUser.id, ['boss']), 'ROLES_INVALID');
    await refused(setUserRoles(w.deps, w.clerk.province, clerkUser.id, ['admin']), 'FORBIDDEN');
  });
});
