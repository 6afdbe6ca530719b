// Shared setup for the HTTP tests: an app on a test database seeded with the demo province, a
// pino logger whose lines the test can read, a sealed two-signature letter, metadata and
// multipart bodies for app.inject.
import type { ArchiveJobs } from '../../src/exchange/archive.js';
import type { SealKeyOptions } from '../../src/exchange/seal-keys.js';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { loadConfig } from '../../src/config.js';
import type { Stores } from '../../src/db/ports.js';
import { seedDemoProvince, type SeededUser } from '../../src/exchange/seed-demo.js';
import { buildApp } from '../../src/http/app.js';
import type { PdfVerifier } from '../../src/pades/verifier.js';
import { loggerOptions } from '../../src/http/logger.js';
import type { ExchangeDeps } from '../../src/exchange/deps.js';
import { joinDocument } from '../../src/pades/complete.js';
import { signPdf } from '../../src/pades/sign.js';
import { FIXTURES_DIR, fixtureSigner, fixtureTimestamper, sampleLetter } from '../support/fixtures.js';

export const PROVINCE = '000.00.00.H54';
export const HEALTH_DEPT = '000.00.12.H54';
export const HOME_AFFAIRS = '000.00.05.H54';

export interface Harness {
  app: FastifyInstance;
  /** Bearer headers of the demo users: clerks by agency code, plus admin and auditor. */
  tokens: { clerk(code: string): string; admin: string; auditor: string };
  users: SeededUser[];
  /** Every line the app logged so far. */
  logLines(): string[];
}

export async function startHarness(stores: Stores, opts: { uploadLimitBytes?: number; ping?: () => Promise<void>; verifier?: PdfVerifier; env?: Record<string, string>; sealKeys?: SealKeyOptions; archive?: ArchiveJobs; notifications?: ExchangeDeps['notifications'] } = {}): Promise<Harness> {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const clock = () => new Date();
  const seeded = await seedDemoProvince({ stores, clock }, { fixturesDir: FIXTURES_DIR });
  if (!seeded.seeded) throw new Error('harness: expected an empty database');
  const config = loadConfig({ LOG_LEVEL: 'info', ...(opts.uploadLimitBytes ? { UPLOAD_LIMIT_BYTES: String(opts.uploadLimitBytes) } : {}), ...opts.env });
  // Receipts and sealing on, as in `npm start`: the fixture axis key and the built-in TSA.
  const keys = { receiptSigner: fixtureSigner('axis'), timestamper: fixtureTimestamper() };
  const app = buildApp({ stores, config, clock, logger: pino(loggerOptions('info') as pino.LoggerOptions, sink), ...keys, ...(opts.ping ? { ping: opts.ping } : {}), ...(opts.verifier ? { verifier: opts.verifier } : {}), ...(opts.sealKeys ? { sealKeys: opts.sealKeys } : {}), ...(opts.archive ? { archive: opts.archive } : {}), ...(opts.notifications ? { notifications: opts.notifications } : {}) });
  await app.ready();
  const token = (pred: (u: SeededUser) => boolean) => {
    const u = seeded.users.find(pred);
    if (!u) throw new Error('harness: no such demo user');
    return `Bearer ${u.token}`;
  };
  return {
    app,
    users: seeded.users,
    tokens: {
      clerk: (code) => token((u) => u.role === 'clerk' && u.agencyCode === code),
      admin: token((u) => u.role === 'admin'),
      auditor: token((u) => u.role === 'auditor'),
    },
    logLines: () => [...lines],
  };
}

/** The Decree 30 letter: the chairman signs, then the province's office seals it. */
export async function sealedLetter(): Promise<Uint8Array> {
  const letter = await sampleLetter();
  const signed = joinDocument(await signPdf(letter.pdf, fixtureSigner('signer-nguyen-van-an'), { fieldName: 'ChuTich', reason: 'Ký ban hành' }));
  return joinDocument(await signPdf(signed, fixtureSigner('seal-ubnd-thai-binh'), { fieldName: 'VanThu', reason: 'Văn thư ký số' }));
}

/** Today in Vietnam (UTC+7): a promulgation date never in the future. */
export function today(): string {
  return new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
}

export function metadata(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    codeNumber: String(1000 + (randomBytes(2).readUInt16BE(0) % 9000)),
    codeNotation: `UBND-VP${randomBytes(2).toString('hex').toUpperCase()}`,
    documentType: 'Công văn',
    subject: 'V/v triển khai tiếp nhận văn bản điện tử',
    promulgationPlace: 'Thái Bình',
    promulgationDate: today(),
    signer: { competence: 'TM. ỦY BAN NHÂN DÂN', position: 'CHỦ TỊCH', fullName: 'Nguyễn Văn An' },
    priority: 0,
    steeringType: 0,
    businessType: 'new',
    recipients: [HEALTH_DEPT],
    classification: 'NONE',
    ...overrides,
  };
}

export interface Part {
  name: string;
  value: string | Uint8Array;
  filename?: string;
  contentType?: string;
}

/** A multipart/form-data body in the given part order (the order is what some tests are about). */
export function multipart(parts: Part[]): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----docaxis${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disposition = `form-data; name="${p.name}"${p.filename ? `; filename="${p.filename}"` : ''}`;
    const type = p.contentType ?? (p.filename ? 'application/octet-stream' : undefined);
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n${type ? `Content-Type: ${type}\r\n` : ''}\r\n`));
    chunks.push(typeof p.value === 'string' ? Buffer.from(p.value, 'utf8') : Buffer.from(p.value));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** The usual send body: metadata JSON as a field, then the PDF. */
export function sendBody(meta: Record<string, unknown>, pdf: Uint8Array): { payload: Buffer; headers: Record<string, string> } {
  return multipart([
    { name: 'metadata', value: JSON.stringify(meta) },
    { name: 'file', value: pdf, filename: 'letter.pdf', contentType: 'application/pdf' },
  ]);
}
