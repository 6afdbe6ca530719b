// verifyAxisReceipt pins the signer to the axis's own receipt certificate: without one configured
// nothing can be valid, and a receipt dated outside that certificate's validity is not valid.
import { beforeEach, describe, expect, it } from 'vitest';
import { createReceipt } from '../../src/exchange/receipts.js';
import { verifyAxisReceipt } from '../../src/exchange/verify-axis-receipt.js';
import { fixtureSigner } from '../support/fixtures.js';
import { CODES, makeWorld, receiptEvent, type World } from './world.js';

const axis = fixtureSigner('axis');
const event = (at: Date) => receiptEvent({ kind: 'delivery', status: '01', at });

let w: World;
beforeEach(async () => {
  w = await makeWorld();
  w.deps.receiptSigner = axis;
});

describe('verifyAxisReceipt', () => {
  it('valid for the axis key at a time inside its certificate', async () => {
    const at = new Date();
    const r = await verifyAxisReceipt(w.deps, w.auditor, await createReceipt(axis, event(at)));
    expect(r).toMatchObject({ valid: true, signedAt: at.toISOString(), errors: [] });
  });

  it('not valid without a configured receipt certificate, though the content is shown', async () => {
    const der = await createReceipt(axis, event(new Date()));
    delete w.deps.receiptSigner;
    const r = await verifyAxisReceipt(w.deps, w.clerk.health, der);
    expect(r.valid).toBe(false);
    expect(r.content).toMatchObject({ status: '01', recipientCode: CODES.health });
    expect(r.errors.join()).toMatch(/no receipt certificate configured/);
  });

  it('not valid when the signed time is outside the axis certificate’s validity', async () => {
    const r = await verifyAxisReceipt(w.deps, w.auditor, await createReceipt(axis, event(new Date('1990-01-01T00:00:00Z'))));
    expect(r.valid).toBe(false);
    expect(r.errors.join()).toMatch(/outside the axis certificate's validity/);
  });
});
