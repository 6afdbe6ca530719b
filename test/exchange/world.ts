// A seeded demo province on in-memory stores, principals for each role, and signed letters built
// once per test file (signing is the slow part): the valid one is chairman first, then the seal.
import { expect } from 'vitest';
import { isDocaxisError, type ErrorCode } from '../../src/errors.js';
import type { Principal } from '../../src/db/ports.js';
import { joinDocument } from '../../src/pades/complete.js';
import { signPdf } from '../../src/pades/sign.js';
import { readCertificates } from '../../src/pki/pem.js';
import { authenticate } from '../../src/exchange/auth.js';
import type { ExchangeDeps } from '../../src/exchange/deps.js';
import { seedDemoProvince } from '../../src/exchange/seed-demo.js';
import { vietnamDate } from '../../src/exchange/text.js';
import { FIXTURES_DIR, fixture, fixtureSigner, sampleLetter } from '../support/fixtures.js';
import { MemoryStores } from '../support/memory-stores.js';
import type { ReceiptEvent } from '../../src/exchange/receipts.js';

export const CODES = {
  province: '000.00.00.H54',
  health: '000.00.12.H54',
  interior: '000.00.05.H54',
  district: '000.00.40.H54',
  dongHop: '000.15.40.H54',
  dongXa: '000.16.40.H54',
  vpcp: '000.00.00.G22',
} as const;

export interface World {
  stores: MemoryStores;
  deps: ExchangeDeps;
  /** Clerks by agency key, plus the admin and auditor (both at the province). */
  clerk: Record<keyof typeof CODES, Principal>;
  admin: Principal;
  auditor: Principal;
  tokens: Array<{ name: string; role: string; agencyCode: string; token: string }>;
}

export async function makeWorld(clock: () => Date = () => new Date()): Promise<World> {
  const stores = new MemoryStores();
  const deps: ExchangeDeps = { stores, clock, intermediates: readCertificates(fixture('intermediates.pem')) };
  const { users } = await seedDemoProvince(deps, { fixturesDir: FIXTURES_DIR });
  const principal = async (code: string, role: string) => authenticate(deps, users.find((u) => u.agencyCode === code && u.role === role)!.token, {});
  const clerk = {} as Record<keyof typeof CODES, Principal>;
  for (const [key, code] of Object.entries(CODES)) clerk[key as keyof typeof CODES] = await principal(code, 'clerk');
  return { stores, deps, clerk, admin: await principal(CODES.province, 'admin'), auditor: await principal(CODES.province, 'auditor'), tokens: users };
}

async function sign(pdf: Uint8Array, name: string, fieldName: string): Promise<Uint8Array> {
  return joinDocument(await signPdf(pdf, fixtureSigner(name), { fieldName }));
}

export interface Letters {
  unsigned: Uint8Array;
  /** Chairman, then the province seal: what the province sends. */
  valid: Uint8Array;
  /** Another valid letter (different bytes). */
  valid2: Uint8Array;
  sealOnly: Uint8Array;
  chairmanOnly: Uint8Array;
  /** Seal first, chairman after: the wrong order. */
  sealThenChairman: Uint8Array;
  /** Chairman, then the seal of Sở Y tế. */
  otherSeal: Uint8Array;
  /** The valid letter with one byte changed inside the signed range. */
  tampered: Uint8Array;
}

let letters: Promise<Letters> | undefined;

export function makeLetters(): Promise<Letters> {
  letters ??= (async () => {
    const unsigned = (await sampleLetter()).pdf;
    const chairmanOnly = await sign(unsigned, 'signer-nguyen-van-an', 'ChuTich');
    const valid = await sign(chairmanOnly, 'seal-ubnd-thai-binh', 'VanThu');
    const valid2 = await sign(await sign((await sampleLetter({ extraPages: 1 })).pdf, 'signer-nguyen-van-an', 'ChuTich'), 'seal-ubnd-thai-binh', 'VanThu');
    const sealOnly = await sign(unsigned, 'seal-ubnd-thai-binh', 'VanThu');
    const sealThenChairman = await sign(sealOnly, 'signer-nguyen-van-an', 'ChuTich');
    const otherSeal = await sign(chairmanOnly, 'seal-syt-thai-binh', 'VanThu');
    const tampered = valid.slice();
    const at = Buffer.from(tampered).indexOf('/Producer');
    tampered[at + 1] = 'Q'.charCodeAt(0); // "/Qroducer": inside the bytes both signatures cover
    return { unsigned, valid, valid2, sealOnly, chairmanOnly, sealThenChairman, otherSeal, tampered };
  })();
  return letters;
}

let counter = 0;

/** Valid metadata from the province to Sở Y tế, with a fresh number each call. */
export function metadata(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  counter += 1;
  return {
    codeNumber: String(1000 + counter),
    codeNotation: 'UBND-VP',
    documentType: 'Công văn',
    subject: 'V/v triển khai Trục liên thông văn bản',
    promulgationPlace: 'Thái Bình',
    promulgationDate: vietnamDate(new Date()),
    signer: { competence: 'TM. ỦY BAN NHÂN DÂN', position: 'CHỦ TỊCH', fullName: 'Nguyễn Văn An' },
    priority: 0,
    recipients: [CODES.health],
    classification: 'NONE',
    ...overrides,
  };
}

/** Rejects with a DocaxisError of this code; returns it for further checks. */
export async function refused(p: Promise<unknown>, code: ErrorCode): Promise<{ code: ErrorCode; message: string; details: Readonly<Record<string, unknown>> | undefined }> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!isDocaxisError(e)) throw new Error(`expected ${code}, got ${e instanceof Error ? e.message : String(e)}`);
  expect(e.code).toBe(code);
  return e;
}

/** Nothing of a send was stored: no blob, no document, no delivery, no event. */
export function expectNothingStored(w: World): void {
  expect(w.stores.state.blobs.size).toBe(0);
  expect(w.stores.state.documents).toHaveLength(0);
  expect(w.stores.state.deliveries).toHaveLength(0);
  expect(w.stores.state.events).toHaveLength(0);
}

export function lastLog(w: World) {
  return w.stores.state.log.at(-1)!;
}

/** A receipt event of fixed ids between the province and Sở Y tế, for tests that sign one directly. */
export function receiptEvent(over: Partial<ReceiptEvent> = {}): ReceiptEvent {
  return {
    kind: 'status',
    documentId: '7b1e0c4e-1111-4222-8333-944455556666',
    edxmlDocumentId: '000.00.00.H54,2025/05/01,12/UBND-VP',
    fileSha256: 'ab'.repeat(32),
    deliveryId: '7b1e0c4e-1111-4222-8333-944455557777',
    recipientCode: CODES.health,
    senderCode: CODES.province,
    status: '03',
    reason: null,
    at: new Date('2025-05-02T03:04:05.678Z'),
    actorUserId: null,
    ...over,
  };
}
