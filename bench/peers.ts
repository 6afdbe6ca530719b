// The peers the CLI is compared with, set up on first use:
//  - @signpdf (signpdf + placeholder-pdf-lib + signer-p12) installed into bench/peers/ with its own
//    package.json, never into docaxis's dependencies;
//  - poppler's pdfsig with an NSS database in bench/out/nssdb holding the seal's PKCS#12 and
//    trusting the fixture root.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fixture, OUT, PASSWORD, ROOT, SEAL_P12 } from './common.js';

export const PEERS = join(ROOT, 'bench', 'peers');
export const SIGNPDF_SCRIPT = join(PEERS, 'signpdf-sign.mjs');
export const NSS_DIR = join(OUT, 'nssdb');

export interface PeerStatus {
  signpdf: { ok: boolean; version?: string; problem?: string };
  pdfsig: { ok: boolean; version?: string; nick?: string; problem?: string };
}

function run(cmd: string, args: string[], input?: string) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...(input !== undefined ? { input } : {}) });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

export function ensureSignpdf(log: (s: string) => void): PeerStatus['signpdf'] {
  const pkg = join(PEERS, 'node_modules', '@signpdf', 'signpdf', 'package.json');
  if (!existsSync(pkg)) {
    log('  installing @signpdf peers into bench/peers/ (npm install --prefix bench/peers) ...');
    const r = run('npm', ['install', '--prefix', PEERS, '--no-audit', '--no-fund', '--no-save']);
    if (!r.ok || !existsSync(pkg)) {
      const problem = `npm install --prefix bench/peers failed (registry unreachable?): ${r.out.trim().split('\n').slice(-3).join(' | ')}`;
      log(`  ${problem}`);
      return { ok: false, problem };
    }
  }
  const version = run(process.execPath, ['-p', `require(${JSON.stringify(pkg)}).version`]).out.trim();
  return { ok: true, version };
}

export function ensurePdfsig(log: (s: string) => void): PeerStatus['pdfsig'] {
  const v = run('pdfsig', ['-v']);
  const version = /pdfsig version (\S+)/.exec(v.out)?.[1];
  if (!version) return { ok: false, problem: 'pdfsig not found (apt-get install poppler-utils)' };
  const db = `sql:${NSS_DIR}`;
  const dbFile = join(NSS_DIR, 'cert9.db');
  const stale = existsSync(dbFile) && [SEAL_P12, fixture('root-ca.cert.pem')].some((f) => statSync(f).mtimeMs > statSync(dbFile).mtimeMs);
  if (!existsSync(dbFile) || stale) {
    log('  creating the NSS database for pdfsig in bench/out/nssdb ...');
    rmSync(NSS_DIR, { recursive: true, force: true });
    mkdirSync(NSS_DIR, { recursive: true });
    const steps: [string, string[]][] = [
      ['certutil', ['-N', '-d', db, '--empty-password']],
      ['pk12util', ['-i', SEAL_P12, '-d', db, '-W', PASSWORD, '-K', '']],
      ['certutil', ['-A', '-d', db, '-n', 'docaxis-fixture-root', '-t', 'CT,C,C', '-i', fixture('root-ca.cert.pem')]],
      ['certutil', ['-A', '-d', db, '-n', 'docaxis-fixture-intermediate', '-t', ',,', '-i', fixture('intermediate-ca.cert.pem')]],
    ];
    for (const [cmd, args] of steps) {
      const r = run(cmd, args);
      if (!r.ok) {
        rmSync(NSS_DIR, { recursive: true, force: true });
        return { ok: false, version, problem: `${cmd} ${args.join(' ')} failed: ${r.out.trim()}` };
      }
    }
  }
  // The seal's nickname: the only user certificate (trust u,u,u) in the database.
  const list = run('certutil', ['-L', '-d', db]).out;
  const nick = list
    .split('\n')
    .map((l) => /^(.*?)\s+(\S*u\S*,\S*,\S*)\s*$/.exec(l))
    .find((m) => m && m[2]!.startsWith('u'))?.[1]
    ?.trim();
  if (!nick) return { ok: false, version, problem: `no signing key in ${NSS_DIR}:\n${list}` };
  return { ok: true, version, nick };
}
