// The exchange benchmark's clients: plain node:http over keep-alive loopback connections (one per
// concurrent client), multipart bodies built once per request by hand, so the client costs as
// little CPU as possible on a machine it shares with the server.
import { createHash } from 'node:crypto';
import { Agent, request as httpRequest } from 'node:http';

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  ms: number;
}

export function call(agent: Agent, base: string, method: string, path: string, token: string, body?: { type: string; bytes: Buffer }): Promise<HttpAnswer> {
  const url = new URL(path, base);
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        agent,
        method,
        hostname: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': body.type, 'content-length': String(body.bytes.length) } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), ms: performance.now() - t0 }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body?.bytes);
  });
}

/** POST /documents' body: the `metadata` JSON field first, then the `file` part. */
export function multipart(metadata: unknown, pdf: Uint8Array): { type: string; bytes: Buffer } {
  const boundary = `----docaxis-bench-${createHash('sha256').update(JSON.stringify(metadata)).digest('hex').slice(0, 24)}`;
  const head =
    `--${boundary}\r\nContent-Disposition: form-data; name="metadata"\r\n\r\n${JSON.stringify(metadata)}\r\n` +
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="letter.pdf"\r\nContent-Type: application/pdf\r\n\r\n`;
  return { type: `multipart/form-data; boundary=${boundary}`, bytes: Buffer.concat([Buffer.from(head, 'utf8'), pdf, Buffer.from(`\r\n--${boundary}--\r\n`)]) };
}

export function letterMetadata(codeNumber: string, recipient: string): Record<string, unknown> {
  return {
    codeNumber,
    codeNotation: 'UBND-VP',
    documentType: 'Công văn',
    subject: 'V/v triển khai Trục liên thông văn bản (benchmark)',
    promulgationPlace: 'Thái Bình',
    signer: { competence: 'TM. ỦY BAN NHÂN DÂN', position: 'CHỦ TỊCH', fullName: 'Nguyễn Văn An' },
    priority: 0,
    recipients: [recipient],
    classification: 'NONE',
  };
}

export interface PhaseResult {
  /** Per-operation latency, ms. */
  latencies: number[];
  errors: string[];
  wallMs: number;
  ops: number;
}

/** Runs `workers` loops that take jobs 0..jobs-1 in turn until none is left. */
async function pool(workers: number, jobs: number, job: (agent: Agent, index: number) => Promise<number>): Promise<PhaseResult> {
  const latencies: number[] = [];
  const errors: string[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async () => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        while (next < jobs) {
          const i = next++;
          try {
            latencies.push(await job(agent, i));
          } catch (e) {
            errors.push(e instanceof Error ? e.message : String(e));
          }
        }
      } finally {
        agent.destroy();
      }
    }),
  );
  return { latencies, errors, wallMs: performance.now() - t0, ops: jobs };
}

export interface SendPlan {
  url: string;
  token: string;
  recipient: string;
  /** One distinct letter per send: senders × perSender of them. */
  pdfs: readonly Uint8Array[];
  senders: number;
  perSender: number;
  /** Distinct document numbers: codeNumber = prefix + index. */
  numberPrefix: string;
}

/** `senders` concurrent clerks, each sending `perSender` letters one after the other. */
export function sendLetters(plan: SendPlan): Promise<PhaseResult> {
  // Build every body up front: the client's own work stays out of the measured latencies.
  const bodies = plan.pdfs.map((pdf, i) => multipart(letterMetadata(`${plan.numberPrefix}${i + 1}`, plan.recipient), pdf));
  const shas = plan.pdfs.map((pdf) => createHash('sha256').update(pdf).digest('hex'));
  return pool(plan.senders, bodies.length, async (agent, i) => {
    const sha256 = shas[i];
    const r = await call(agent, plan.url, 'POST', '/api/v1/documents', plan.token, bodies[i]);
    if (r.status !== 201) throw new Error(`send ${i}: HTTP ${r.status} ${r.body.toString('utf8').slice(0, 300)}`);
    const doc = (JSON.parse(r.body.toString('utf8')) as { document?: { fileSha256?: string } }).document;
    if (doc?.fileSha256 !== sha256) throw new Error(`send ${i}: stored sha256 ${doc?.fileSha256} != ${sha256}`);
    return r.ms;
  });
}

/** The minimal send (exchange-minimal-server.ts): the raw PDF as the body, 201 with its SHA-256 expected. */
export function sendRaw(url: string, pdfs: readonly Uint8Array[], senders: number): Promise<PhaseResult> {
  const bodies = pdfs.map((pdf) => ({ type: 'application/pdf', bytes: Buffer.from(pdf) }));
  const shas = pdfs.map((pdf) => createHash('sha256').update(pdf).digest('hex'));
  return pool(senders, bodies.length, async (agent, i) => {
    const sha256 = shas[i];
    const r = await call(agent, url, 'POST', '/', '-', bodies[i]);
    if (r.status !== 201) throw new Error(`minimal send ${i}: HTTP ${r.status} ${r.body.toString('utf8').slice(0, 300)}`);
    if ((JSON.parse(r.body.toString('utf8')) as { sha256?: string }).sha256 !== sha256) throw new Error(`minimal send ${i}: wrong sha256`);
    return r.ms;
  });
}

export interface ReceiveResult extends PhaseResult {
  /** Time to list the whole inbox (status 01), all pages, ms. */
  listMs: number;
}

/** The recipient lists its unread inbox, then `workers` clients download and acknowledge (03) each document. */
export async function receiveLetters(url: string, token: string, workers: number, expected: number, sentShas: ReadonlySet<string>): Promise<ReceiveResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const ids: string[] = [];
  const t0 = performance.now();
  let after: string | null = null;
  do {
    const r: HttpAnswer = await call(agent, url, 'GET', `/api/v1/inbox?status=01&limit=100${after ? `&after=${encodeURIComponent(after)}` : ''}`, token);
    if (r.status !== 200) throw new Error(`inbox: HTTP ${r.status} ${r.body.toString('utf8').slice(0, 300)}`);
    const page = JSON.parse(r.body.toString('utf8')) as { items: { document: { id: string } }[]; next: string | null };
    ids.push(...page.items.map((it) => it.document.id));
    after = page.next;
  } while (after);
  const listMs = performance.now() - t0;
  agent.destroy();
  const result = await pool(workers, ids.length, async (a, i) => {
    const id = ids[i]!;
    const file = await call(a, url, 'GET', `/api/v1/documents/${id}/file`, token);
    if (file.status !== 200) throw new Error(`file ${id}: HTTP ${file.status}`);
    const got = createHash('sha256').update(file.body).digest('hex');
    if (!sentShas.has(got) || file.headers['x-content-sha256'] !== got) throw new Error(`file ${id}: sha256 ${got} (header ${String(file.headers['x-content-sha256'])}) is not a letter sent`);
    const ack = await call(a, url, 'POST', `/api/v1/documents/${id}/status`, token, { type: 'application/json', bytes: Buffer.from('{"status":"03"}') });
    if (ack.status !== 200) throw new Error(`ack ${id}: HTTP ${ack.status} ${ack.body.toString('utf8').slice(0, 300)}`);
    return file.ms + ack.ms;
  });
  if (ids.length !== expected) result.errors.push(`inbox listed ${ids.length} unread documents, expected ${expected}`);
  return { ...result, listMs };
}

/** Nearest-rank percentile. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}
