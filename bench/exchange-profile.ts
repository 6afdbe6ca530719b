// Summarises a V8 .cpuprofile (node --cpu-prof) of the exchange server: self time by function and
// by file, as shares of the busy (non-idle) time, the project's own files named relative to the root.
import { readFileSync } from 'node:fs';
import { ROOT } from './common.js';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileRow {
  what: string;
  ms: number;
  share: number;
  /** For Node core / native functions: the nearest library or project caller that spent most of it. */
  via?: string;
}

export interface ProfileSummary {
  busyMs: number;
  idleMs: number;
  functions: ProfileRow[];
  files: ProfileRow[];
  areas: ProfileRow[];
}

function fileOf(url: string): string {
  if (!url) return '(native / V8)';
  const path = url.replace(/^file:\/\//, '');
  const root = ROOT.endsWith('/') ? ROOT : `${ROOT}/`;
  return path.startsWith(root) ? path.slice(root.length) : path;
}

/** Coarse areas, so the answer to "where does a send go" reads at a glance. */
function areaOf(file: string, fn: string): string {
  if (fn === '(garbage collector)') return 'garbage collection';
  if (fn === '(program)') return 'V8 / native (program)';
  if (file.includes('@electric-sql/pglite')) return 'PGlite JavaScript (driver, type serialisation)';
  if (file.startsWith('wasm://')) return 'WebAssembly (PGlite\'s PostgreSQL)';
  if (file.includes('node_modules/postgres/')) return 'postgres-js driver';
  if (file.includes('drizzle-orm')) return 'drizzle-orm';
  if (/node_modules\/(fastify|@fastify|find-my-way|avvio|light-my-request|busboy|@fastify\/busboy|fast-json-stringify|ajv|pino|typebox)/.test(file)) return 'Fastify, multipart, schemas, logging';
  if (file.startsWith('dist/pdf/')) return 'docaxis PDF parsing (dist/pdf)';
  if (file.startsWith('dist/pades/')) return 'docaxis PAdES verification (dist/pades)';
  if (file.startsWith('dist/pki/')) return 'docaxis PKI: CMS, X.509, chains, CRLs (dist/pki)';
  if (file.includes('node_modules/node-forge') || file.includes('node_modules/asn1js') || file.includes('node_modules/pkijs')) return 'ASN.1 / crypto libraries';
  if (file.startsWith('dist/db/')) return 'docaxis stores (dist/db)';
  if (file.startsWith('dist/exchange/') || file.startsWith('dist/http/')) return 'docaxis use cases and routes';
  if (file.startsWith('node:') || file === '(native / V8)') return 'Node core / native';
  return 'other';
}

export function summariseProfile(path: string, top = 15): ProfileSummary {
  const p = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // Line and column: the dependencies' minified bundles hold everything on line 1.
  const frameKey = (f: CallFrame) => `${f.functionName || '(anonymous)'} — ${fileOf(f.url)}${f.url ? `:${f.lineNumber + 1}:${f.columnNumber + 1}` : ''}`;
  /** Samples under the launcher's own IPC handler are the profiler stopping itself: not the load. */
  const profilerOwn = (id: number): boolean => {
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) if (byId.get(cur)!.callFrame.url.endsWith('bench/exchange-server.js')) return true;
    return false;
  };
  /** The first ancestor outside Node core and native code: who asked for this work. */
  const callerOf = (id: number): string | undefined => {
    for (let cur = parent.get(id); cur !== undefined; cur = parent.get(cur)) {
      const f = byId.get(cur)!.callFrame;
      if (f.url && !f.url.startsWith('node:')) return frameKey(f);
    }
    return undefined;
  };
  const callers = new Map<string, Map<string, number>>();
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000));
  let idleMs = 0;
  const fns = new Map<string, number>();
  const files = new Map<string, number>();
  const areas = new Map<string, number>();
  for (const [id, ms] of self) {
    const f = byId.get(id)!.callFrame;
    if (profilerOwn(id)) continue;
    if (f.functionName === '(idle)') {
      idleMs += ms;
      continue;
    }
    const file = fileOf(f.url);
    const key = frameKey(f);
    fns.set(key, (fns.get(key) ?? 0) + ms);
    if (!f.url || f.url.startsWith('node:')) {
      const caller = callerOf(id);
      if (caller) {
        const m = callers.get(key) ?? new Map<string, number>();
        m.set(caller, (m.get(caller) ?? 0) + ms);
        callers.set(key, m);
      }
    }
    files.set(file, (files.get(file) ?? 0) + ms);
    const area = areaOf(file, f.functionName);
    areas.set(area, (areas.get(area) ?? 0) + ms);
  }
  const busyMs = [...fns.values()].reduce((a, b) => a + b, 0);
  const rows = (m: Map<string, number>, n: number): ProfileRow[] =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([what, ms]) => {
        const via = [...(callers.get(what) ?? new Map<string, number>()).entries()].sort((a, b) => b[1] - a[1])[0];
        return { what, ms, share: ms / busyMs, ...(via ? { via: `${via[0]} (${Math.round((via[1] / ms) * 100)} %)` } : {}) };
      });
  return { busyMs, idleMs, functions: rows(fns, top), files: rows(files, 10), areas: rows(areas, 20) };
}
