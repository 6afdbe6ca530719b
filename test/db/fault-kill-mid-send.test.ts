// The fault suite's last case: the service (dist/main.js, as `npm start` runs it, on a fresh
// PostgreSQL database) is killed with SIGKILL while sends are in flight. Afterwards every
// acknowledged document is complete (its bytes, its deliveries, its log entry), no document is
// half-written, the log chain and seals verify, and the service starts again on that database and
// takes the interrupted sends on retry. Needs `npm run build` (as `npm test` does first).
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { createStores } from '../../src/db/create-stores.js';
import { authenticate } from '../../src/exchange/auth.js';
import { verifyLog } from '../../src/exchange/exchange-log.js';
import { joinDocument } from '../../src/pades/complete.js';
import { signPdf } from '../../src/pades/sign.js';
import { forEachDatabase, rowsOf } from '../support/databases.js';
import { fixtureSigner, sampleLetter } from '../support/fixtures.js';
import { metadata, sendBody } from '../http/harness.js';

const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const CONCURRENT_SENDS = 4;

interface Service {
  child: ChildProcess;
  origin: string;
  /** Demo tokens by "role agency" (only printed on the first start of a database). */
  tokens: Map<string, string>;
}

/** Starts dist/main.js on `databaseUrl` and waits for its banner. */
function startService(databaseUrl: string): Promise<Service> {
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', LOG_SEAL_INTERVAL_SECONDS: '0', VERIFY_WORKERS: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the service did not start:\n${out}\n${err}`)), 60_000);
    child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
    child.on('exit', (code) => reject(new Error(`the service exited (${code}):\n${out}\n${err}`)));
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const origin = /listening on (http:\/\/[\d.:]+)/.exec(out)?.[1];
      // The banner is written in one piece; wait for its last line.
      if (!origin || !/log seals:/.test(out)) return;
      clearTimeout(timer);
      const tokens = new Map<string, string>();
      for (const m of out.matchAll(/^\s+(clerk|admin|auditor)\s+(\S+)\s+.*?(dax_[A-Za-z0-9_-]{43})\s*$/gm)) tokens.set(`${m[1]} ${m[2]}`, m[3]!);
      resolve({ child, origin, tokens });
    });
  });
}

async function uniqueLetter(extraPages: number): Promise<Uint8Array> {
  const signed = joinDocument(await signPdf((await sampleLetter({ extraPages })).pdf, fixtureSigner('signer-nguyen-van-an'), { fieldName: 'ChuTich' }));
  return joinDocument(await signPdf(signed, fixtureSigner('seal-ubnd-thai-binh'), { fieldName: 'VanThu' }));
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

forEachDatabase(
  'kill -9 mid-send',
  (t) => {
    let letters: Uint8Array[];
    const children: ChildProcess[] = [];
    beforeAll(async () => {
      letters = [];
      for (let i = 0; i < CONCURRENT_SENDS * 2; i++) letters.push(await uniqueLetter(i % 3));
    }, 120_000);
    afterEach(() => {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    });

    it('acknowledged documents are complete, none half-written, the chain verifies, retries succeed', async () => {
      expect(existsSync(MAIN), 'dist/main.js is missing: run `npm run build`').toBe(true);
      const service = await startService(t.url!);
      children.push(service.child);
      const clerk = service.tokens.get('clerk 000.00.00.H54')!;
      const admin = service.tokens.get('admin 000.00.00.H54')!;
      expect(clerk).toBeDefined();

      interface Send {
        key: string;
        body: ReturnType<typeof sendBody>;
        sha: string;
        acknowledged?: string;
      }
      const sends: Send[] = [];
      let next = 0;
      let acks = 0;
      let killed = false;
      const exited = new Promise<void>((r) => service.child.on('exit', () => r()));
      const sendOne = async (s: Send) => {
        const res = await fetch(`${service.origin}/api/v1/documents`, {
          method: 'POST',
          headers: { ...s.body.headers, authorization: `Bearer ${clerk}`, 'idempotency-key': s.key },
          body: s.body.payload,
        });
        // 200: a replay (the send had been stored before, its answer lost with the process).
        if (res.status === 201 || res.status === 200) s.acknowledged = ((await res.json()) as { document: { id: string } }).document.id;
        else throw new Error(`send ${s.key}: ${res.status} ${await res.text()}`);
      };
      const worker = async () => {
        while (!killed) {
          const i = next++;
          const pdf = letters[i % letters.length]!;
          const s: Send = { key: `kill-${i}`, body: sendBody(metadata(), pdf), sha: sha256(pdf) };
          sends.push(s);
          try {
            await sendOne(s);
            if (++acks === 3) {
              // Mid-send: the other workers' sends are in flight at some stage of their way.
              setTimeout(() => {
                killed = true;
                service.child.kill('SIGKILL');
              }, 40);
            }
          } catch (e) {
            if (!killed) throw e;
          }
        }
      };
      await Promise.all(Array.from({ length: CONCURRENT_SENDS }, worker));
      await exited;
      expect(service.child.signalCode).toBe('SIGKILL');
      const acknowledged = sends.filter((s) => s.acknowledged);
      const interrupted = sends.filter((s) => !s.acknowledged);
      expect(acknowledged.length).toBeGreaterThanOrEqual(3);
      expect(interrupted.length).toBeGreaterThan(0);

      const db = t.database.db;
      const docs = rowsOf<{ id: string; idempotency_key: string; file_sha256: string }>(await db.execute(sql`select id, idempotency_key, file_sha256 from documents`));
      // Every acknowledged document is there, with the bytes that were sent.
      for (const s of acknowledged) {
        const d = docs.find((x) => x.id === s.acknowledged);
        expect(d, `acknowledged ${s.key} is missing`).toBeDefined();
        expect(d!.idempotency_key).toBe(s.key);
        expect(d!.file_sha256).toBe(s.sha);
      }
      // Every stored document, acknowledged or not, is whole: its blob (bytes hashing to the
      // recorded sha), a delivery, and its document.sent entry.
      for (const d of docs) {
        const blob = rowsOf<{ bytes: unknown }>(await db.execute(sql`select bytes from blobs where sha256 = ${d.file_sha256}`));
        expect(blob, `document ${d.id} has no blob`).toHaveLength(1);
        const bytes = await t.stores.blobs.get(d.file_sha256);
        expect(bytes && sha256(bytes)).toBe(d.file_sha256);
        const deliveries = rowsOf(await db.execute(sql`select 1 from deliveries where document_id = ${d.id}`));
        expect(deliveries.length, `document ${d.id} has no delivery`).toBeGreaterThan(0);
        const logged = rowsOf(await db.execute(sql`select 1 from exchange_log where document_id = ${d.id} and event = 'document.sent'`));
        expect(logged, `document ${d.id} has no document.sent entry`).toHaveLength(1);
      }
      // No delivery or log entry of a document that is not there.
      expect(rowsOf(await db.execute(sql`select 1 from deliveries where document_id not in (select id from documents)`))).toEqual([]);
      expect(rowsOf(await db.execute(sql`select 1 from exchange_log where document_id is not null and document_id not in (select id from documents)`))).toEqual([]);

      // The chain and the seals verify (the log-verify use case, as POST /log/verify runs it).
      const deps = { stores: createStores(t.database), clock: () => new Date(), intermediates: [] };
      const check = await verifyLog(deps, await authenticate(deps, admin, {}));
      expect(check).toMatchObject({ ok: true, firstBroken: null });

      // Started again on the same database, the service takes the interrupted sends on retry
      // (a send that committed before the kill is replayed, not stored twice).
      const again = await startService(t.url!);
      children.push(again.child);
      service.origin = again.origin;
      for (const s of interrupted.slice(0, 3)) {
        await sendOne(s);
        const once = rowsOf<{ id: string }>(await db.execute(sql`select id from documents where idempotency_key = ${s.key}`));
        expect(once.map((r) => r.id)).toEqual([s.acknowledged]);
      }
      again.child.kill('SIGTERM');
      await new Promise((r) => again.child.on('exit', r));
    }, 180_000);
  },
  { only: ['postgres'] },
);
