// Issue 10, finding 7: GET /log.csv built the whole export as one string (29 MB, 1.4 s and +200 MB
// at 65k entries; past V8's string limit near 1M). It now streams keyset pages as the client reads.
// Over a real socket (inject would collect the body): the bytes are those of the export as
// specified (BOM, Vietnamese header, Vietnam time, names for ids; built here independently), they
// arrive in many chunks none bigger than a page, and the heap does not grow with the log.
import { createHash, randomUUID } from 'node:crypto';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { canonicalJson } from '../../src/db/log-chain.js';
import type { LogEntryInput, Stores } from '../../src/db/ports.js';
import { csvRow } from '../../src/exchange/csv.js';
import { forEachDatabase } from '../support/databases.js';
import { PROVINCE, type Harness, startHarness } from './harness.js';

const ENTRIES = 50_000;

// A full collection on demand, so that what is measured is what is alive, not garbage not yet
// collected (the flag applies to contexts created after it is set).
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** Live JavaScript heap plus Buffers (the reply's bytes are Buffers), in bytes. */
function liveBytes(): number {
  collectGarbage();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

const VI_HEADER = ['Số thứ tự', 'Thời gian (giờ Việt Nam)', 'Sự kiện', 'Người thực hiện', 'Mã cơ quan', 'Tên cơ quan', 'Mã văn bản', 'Số, ký hiệu', 'Chi tiết', 'Mã băm trước', 'Mã băm'];

/** dd/MM/yyyy HH:mm:ss at UTC+7, computed here without the module under test. */
const vnTime = (d: Date) => {
  const [date, time] = new Date(d.getTime() + 7 * 3600_000).toISOString().split('T') as [string, string];
  return `${date.slice(8, 10)}/${date.slice(5, 7)}/${date.slice(0, 4)} ${time.slice(0, 8)}`;
};

/** The whole export as specified (no filter): names read from the stores (the seed's entries have them; the bulk entries carry an unknown agency id, kept as it is). */
async function expectedExport(stores: Stores): Promise<string> {
  const rows = ['\uFEFF' + csvRow(VI_HEADER)];
  const agency = async (id: string | null) => (id ? await stores.agencies.byId(id) : undefined);
  const user = async (id: string | null) => (id ? ((await stores.users.byId(id))?.name ?? id) : '');
  let after: string | undefined;
  do {
    const page = await stores.log.search({}, { limit: 1000, ...(after !== undefined ? { after } : {}) });
    for (const e of page.items) {
      const a = await agency(e.agencyId);
      const number = [e.details['codeNumber'], e.details['codeNotation']].filter((x) => typeof x === 'string' && x !== '').join('/');
      rows.push(csvRow([String(e.seq), vnTime(e.at), e.event, await user(e.actorUserId), a?.code ?? e.agencyId ?? '', a?.name ?? '', e.documentId ?? '', number, canonicalJson(e.details), e.prevHash, e.hash]));
    }
    after = page.next ?? undefined;
  } while (after !== undefined);
  return rows.join('');
}

interface Received {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  sha256: string;
  bytes: number;
  chunks: number;
  largestChunk: number;
  /** Peak growth of live memory over the baseline while the body was read, in MB. */
  heapGrowthMb: number;
}

function download(port: number, path: string, authorization: string): Promise<Received> {
  const baseline = liveBytes();
  let peak = baseline;
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { authorization } }, (res) => {
      const hash = createHash('sha256');
      let bytes = 0;
      let chunks = 0;
      let largestChunk = 0;
      res.on('data', (chunk: Buffer) => {
        hash.update(chunk);
        bytes += chunk.length;
        chunks++;
        largestChunk = Math.max(largestChunk, chunk.length);
        // Sampled on the first chunk and every 25th after: a full collection each time is slow.
        if (chunks % 25 === 1) peak = Math.max(peak, liveBytes());
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, sha256: hash.digest('hex'), bytes, chunks, largestChunk, heapGrowthMb: (peak - baseline) / 2 ** 20 }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

forEachDatabase('GET /log.csv streams', (t) => {
  let h: Harness;
  let port: number;
  beforeAll(async () => {
    h = await startHarness(t.stores);
    // Entries with text that needs CSV quoting and JSON escaping, so the format is exercised.
    const agencyId = randomUUID();
    for (let done = 0; done < ENTRIES; ) {
      const batch: LogEntryInput[] = [];
      for (let i = 0; i < 1000 && done < ENTRIES; i++, done++) {
        batch.push({
          event: i % 3 === 0 ? 'auth.failed' : 'delivery.status',
          actorUserId: null,
          agencyId: i % 2 === 0 ? agencyId : null,
          documentId: null,
          details: { n: done, reason: `Sai thẩm quyền, "không" tiếp nhận,\nđề nghị chuyển #${done}`, formula: '=1+1' },
        });
      }
      await t.stores.log.appendMany(batch, new Date());
    }
    await h.app.listen({ port: 0, host: '127.0.0.1' });
    port = (h.app.server.address() as AddressInfo).port;
  }, 300_000);
  afterAll(async () => {
    await h?.app.close();
  });

  it(`${ENTRIES} entries: the specified bytes, in page-sized chunks, with the heap flat`, async () => {
    const got = await download(port, '/api/v1/log.csv', h.tokens.auditor);
    expect(got.status).toBe(200);
    expect(got.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(got.headers['content-disposition']).toBe('attachment; filename="exchange-log.csv"');
    // Streamed: no length known in advance, many chunks, none bigger than a page of entries.
    expect(got.headers['content-length']).toBeUndefined();
    expect(got.headers['transfer-encoding']).toBe('chunked');
    expect(got.chunks).toBeGreaterThan(ENTRIES / 1000);
    expect(got.largestChunk).toBeLessThan(1024 * 1024);
    // The whole export is well over 10 MB; reading it grows the heap by a small fraction of that.
    expect(got.bytes).toBeGreaterThan(10 * 2 ** 20);
    expect(got.heapGrowthMb, `heap grew ${got.heapGrowthMb.toFixed(1)} MB for a ${(got.bytes / 2 ** 20).toFixed(1)} MB export`).toBeLessThan(got.bytes / 2 ** 20 / 2);

    const expected = Buffer.from(await expectedExport(t.stores), 'utf8');
    expect(expected.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(got.bytes).toBe(expected.length);
    expect(got.sha256).toBe(createHash('sha256').update(expected).digest('hex'));
  }, 300_000);

  it('a filtered export and an empty one have the header; roles still apply', async () => {
    const filtered = await h.app.inject({ method: 'GET', url: '/api/v1/log.csv?event=auth.failed&from=2000-01-01', headers: { authorization: h.tokens.admin } });
    expect(filtered.statusCode).toBe(200);
    const lines = filtered.body.split('\r\n');
    expect(`${lines[0]}\r\n`).toBe('\uFEFF' + csvRow(VI_HEADER));
    expect(filtered.body.match(/,auth\.failed,/g)?.length).toBeGreaterThanOrEqual(Math.floor(ENTRIES / 3));
    const empty = await h.app.inject({ method: 'GET', url: '/api/v1/log.csv?from=1999-01-01&to=1999-01-02', headers: { authorization: h.tokens.admin } });
    expect(empty.statusCode).toBe(200);
    expect(empty.body).toBe(`\uFEFF${csvRow(VI_HEADER)}`);
    const clerk = await h.app.inject({ method: 'GET', url: '/api/v1/log.csv', headers: { authorization: h.tokens.clerk(PROVINCE) } });
    expect([403, 404]).toContain(clerk.statusCode);
    expect(clerk.json().error.code).toMatch(/^[A-Z_]+$/);
  });
});
