// Bearer tokens: hashed at rest, failures logged without token material, roles enforced.
import { describe, expect, it } from 'vitest';
import { authenticate, hashToken, logDenied, newTokenSecret, requireRole } from '../../src/exchange/auth.js';
import { issueToken, revokeToken, setAgencyActive } from '../../src/exchange/admin.js';
import { CODES, lastLog, makeWorld, refused } from './world.js';

describe('tokens', () => {
  it('secrets are dax_ + 32 random bytes; only their SHA-256 is stored', async () => {
    const s = newTokenSecret();
    expect(s).toMatch(/^dax_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(s.slice(4), 'base64url')).toHaveLength(32);
    expect(newTokenSecret()).not.toBe(s);
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const w = await makeWorld();
    const stored = JSON.stringify(w.stores.state);
    for (const u of w.tokens) {
      expect(stored).not.toContain(u.token);
      expect(w.stores.state.tokens.some((t) => t.tokenHash === hashToken(u.token))).toBe(true);
    }
  });

  it('authenticates the bare token or the whole header value', async () => {
    const w = await makeWorld();
    const t = w.tokens.find((u) => u.role === 'clerk' && u.agencyCode === CODES.health)!.token;
    expect((await authenticate(w.deps, t, {})).agency.code).toBe(CODES.health);
    expect((await authenticate(w.deps, `Bearer ${t}`, {})).user.role).toBe('clerk');
  });

  it.each([
    ['missing', undefined],
    ['malformed', 'Bearer hunter2'],
    ['unknown-or-revoked', `dax_${'A'.repeat(43)}`],
  ])('%s: UNAUTHENTICATED, logged without token material', async (reason, bearer) => {
    const w = await makeWorld();
    await refused(authenticate(w.deps, bearer, { ip: '10.0.0.7' }), 'UNAUTHENTICATED');
    const entry = lastLog(w);
    expect(entry).toMatchObject({ event: 'auth.failed', actorUserId: null, details: { reason, ip: '10.0.0.7' } });
    expect(Object.keys(entry.details).sort()).toEqual(['ip', 'reason']);
    if (bearer) expect(JSON.stringify(entry)).not.toContain(bearer.replace('Bearer ', ''));
  });

  it('revoked tokens, inactive agencies: UNAUTHENTICATED', async () => {
    const w = await makeWorld();
    const issued = await issueToken(w.deps, w.admin, w.clerk.health.user.id, 'laptop');
    expect((await authenticate(w.deps, issued.secret, {})).tokenId).toBe(issued.token.id);
    await revokeToken(w.deps, w.admin, issued.token.id);
    await refused(authenticate(w.deps, issued.secret, {}), 'UNAUTHENTICATED');
    const dongXa = w.tokens.find((u) => u.agencyCode === CODES.dongXa)!.token;
    await setAgencyActive(w.deps, w.admin, CODES.dongXa, false);
    await refused(authenticate(w.deps, dongXa, {}), 'UNAUTHENTICATED');
  });
});

describe('roles', () => {
  it('requireRole: FORBIDDEN unless the role is listed', async () => {
    const w = await makeWorld();
    expect(() => requireRole(w.admin, 'admin', 'auditor')).not.toThrow();
    expect(() => requireRole(w.clerk.province, 'admin')).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
  });

  it('logDenied writes access.denied with who and what', async () => {
    const w = await makeWorld();
    await logDenied(w.deps, w.clerk.health, 'read document x');
    expect(lastLog(w)).toMatchObject({ event: 'access.denied', actorUserId: w.clerk.health.user.id, agencyId: w.clerk.health.agency.id, details: { what: 'read document x', role: 'clerk' } });
    await logDenied(w.deps, null, 'anonymous');
    expect(lastLog(w)).toMatchObject({ actorUserId: null, agencyId: null, details: { what: 'anonymous' } });
  });
});
