// The exchange benchmark's hostile scenario (issue 10): while valid senders send letters, another
// clerk sends 3 hostile PDFs every second (test/support/hostile-pdfs.ts: a 200-million-entry xref
// stream, double-deflate bombs, deep nesting, a /Prev loop, an absurd /ByteRange), and /health is
// probed every 100 ms. Targets: valid-send p99 < 500 ms, /health < 100 ms.
import { Agent } from 'node:http';
import { hostilePdfs } from '../test/support/hostile-pdfs.js';
import { call, letterMetadata, multipart, sendLetters, type PhaseResult } from './exchange-load.js';

export interface HostilePlan {
  url: string;
  /** The valid senders' clerk and their recipient. */
  senderToken: string;
  recipient: string;
  /** The hostile clerk (another agency) and its recipient. */
  hostileToken: string;
  hostileRecipient: string;
  pdfs: readonly Uint8Array[];
  senders: number;
  perSender: number;
  numberPrefix: string;
  hostilePerSecond: number;
}

export interface HostileResult {
  send: PhaseResult;
  /** Each hostile request: file, HTTP status, catalogue code, latency. */
  hostile: { file: string; status: number; code: string; ms: number }[];
  /** /health latencies, ms; failures count as their latency and are listed in `healthErrors`. */
  health: number[];
  healthErrors: string[];
}

export async function runHostile(plan: HostilePlan): Promise<HostileResult> {
  const files = hostilePdfs();
  const bodies = files.map((f, i) => ({ name: f.name, body: multipart(letterMetadata(`${plan.numberPrefix}h${i}`, plan.hostileRecipient), f.bytes) }));
  const hostile: HostileResult['hostile'] = [];
  const health: number[] = [];
  const healthErrors: string[] = [];
  let running = true;
  const inFlight: Promise<void>[] = [];

  // 3 a second, each on its own connection, never waiting for the earlier ones: an attacker does not.
  let n = 0;
  const hostileTimer = setInterval(() => {
    for (let k = 0; k < plan.hostilePerSecond; k++) {
      const { name, body } = bodies[n++ % bodies.length]!;
      const agent = new Agent({ keepAlive: false });
      inFlight.push(
        call(agent, plan.url, 'POST', '/api/v1/documents', plan.hostileToken, body).then(
          (r) => {
            let code = '';
            try {
              code = (JSON.parse(r.body.toString('utf8')) as { error?: { code?: string } }).error?.code ?? '';
            } catch {
              code = 'not JSON';
            }
            hostile.push({ file: name, status: r.status, code, ms: r.ms });
          },
          (e: unknown) => void hostile.push({ file: name, status: 0, code: e instanceof Error ? e.message : String(e), ms: NaN }),
        ),
      );
    }
  }, 1000);

  const probe = (async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    while (running) {
      try {
        const r = await call(agent, plan.url, 'GET', '/health', '-');
        health.push(r.ms);
        if (r.status !== 200) healthErrors.push(`HTTP ${r.status}`);
      } catch (e) {
        healthErrors.push(e instanceof Error ? e.message : String(e));
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    agent.destroy();
  })();

  const send = await sendLetters({ url: plan.url, token: plan.senderToken, recipient: plan.recipient, pdfs: plan.pdfs, senders: plan.senders, perSender: plan.perSender, numberPrefix: plan.numberPrefix });
  clearInterval(hostileTimer);
  running = false;
  await probe;
  await Promise.all(inFlight);
  return { send, hostile, health, healthErrors };
}
