// The demo province on an empty database: the agencies of the TEST-ONLY fixture PKI
// (certs-fixtures/manifest.json: Thái Bình H54 with two departments, a district, two communes,
// and the Government Office G22), each seal certificate bound to its agency, the fixture root as
// trust anchor, the fixture CRLs, one clerk per agency plus an admin and an auditor at the
// province, each with a fresh token (returned once, to be printed at start) and a user name that
// signs in with the one shared TEST-ONLY demo password.
// It runs only when no agency exists, in one transaction, so two instances starting together
// seed once. Every row is logged like an admin change, with no actor.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDocaxisError } from '../errors.js';
import type { Agency, AgencyLevel, LogEntryInput, Role, Stores } from '../db/ports.js';
import { describeCertificate } from '../pki/certificate.js';
import { readCertificates, readCrls } from '../pki/pem.js';
import { parseCrl } from '../pki/revocation.js';
import { parentCodeOf } from './agency-code.js';
import { hashToken, newTokenSecret } from './auth.js';
import { hashPassword } from './passwords.js';
import type { ExchangeDeps } from './deps.js';

interface ManifestEntry {
  name: string;
  role: string;
  agencyCode?: string;
  level?: AgencyLevel;
  files: { cert: string };
}

interface Manifest {
  bundles: { trustAnchors: string; crls: string };
  entries: ManifestEntry[];
}

/** TEST-ONLY: every demo user's password, printed at start. Never use a demo database in production. */
export const DEMO_PASSWORD = 'demo-docaxis-2026';

/**
 * The demo user names, by agency code without its zero groups: clerks "vanthu.12.h54", drafters
 * (chuyên viên) "chuyenvien.12.h54", signers (lãnh đạo) "lanhdao.12.h54"; one admin, one auditor.
 */
export function demoUsername(role: Role, agencyCode: string): string {
  if (role === 'admin') return 'quantri';
  if (role === 'auditor') return 'kiemtra';
  const prefix = role === 'drafter' ? 'chuyenvien' : role === 'signer' ? 'lanhdao' : 'vanthu';
  return `${prefix}.${agencyCode.split('.').filter((part) => !/^0+$/.test(part)).join('.').toLowerCase()}`;
}

/**
 * The demo drafters and signers: the province's People's Committee and the Department of Health,
 * each signer with the TEST-ONLY fixture certificate of that agency's leader (certs-fixtures/
 * manifest.json), which `docaxis sign-draft --p12` signs with.
 */
const DRAFTING: ReadonlyArray<{ agencyCode: string; drafter: string; signer: string; p12: string }> = [
  { agencyCode: '000.00.00.H54', drafter: 'Chuyên viên Văn phòng UBND tỉnh', signer: 'Nguyễn Văn An', p12: 'signer-nguyen-van-an.p12' },
  { agencyCode: '000.00.12.H54', drafter: 'Chuyên viên Sở Y tế', signer: 'Trần Thị Bình', p12: 'signer-tran-thi-binh.p12' },
];

/**
 * The demo password's hash for the i-th demo user: its own salt, computed once per process. A
 * hash costs about 0.25 s of CPU (measured with process.cpuUsage), and the tests seed a fresh
 * province per file or per test; the demo data is TEST-ONLY, so sharing these across seeds of one
 * process gives nothing away.
 */
const demoHashes: Array<Promise<string>> = [];
function demoPasswordHash(i: number): Promise<string> {
  return (demoHashes[i] ??= hashPassword(DEMO_PASSWORD));
}

export interface SeededUser {
  name: string;
  /** Signs in with DEMO_PASSWORD. */
  username: string;
  role: Role;
  agencyCode: string;
  token: string;
  /** A signer's TEST-ONLY certificate and key in certs-fixtures/ (for `docaxis sign-draft --p12`). */
  p12?: string;
}

export async function seedDemoProvince(deps: ExchangeDeps, opts: { fixturesDir: string }): Promise<{ seeded: boolean; users: SeededUser[] }> {
  if ((await deps.stores.agencies.list()).length > 0) return { seeded: false, users: [] };
  const read = (file: string) => new Uint8Array(readFileSync(join(opts.fixturesDir, file)));
  const manifest = JSON.parse(readFileSync(join(opts.fixturesDir, 'manifest.json'), 'utf8')) as Manifest;
  try {
    return await deps.stores.transaction(async (tx) => {
      if ((await tx.agencies.list()).length > 0) return { seeded: false, users: [] };
      const s = new Seeder(tx, deps.clock());
      const agencies = await s.agencies(manifest.entries, read);
      await s.trust(read(manifest.bundles.trustAnchors), read(manifest.bundles.crls));
      return { seeded: true, users: await s.users(agencies) };
    });
  } catch (e) {
    // Another instance seeded between our check and our insert.
    if (isDocaxisError(e, 'AGENCY_EXISTS')) return { seeded: false, users: [] };
    throw e;
  }
}

class Seeder {
  constructor(
    private readonly tx: Stores,
    private readonly at: Date,
  ) {}

  private log(event: LogEntryInput['event'], agencyId: string | null, details: Record<string, unknown>): Promise<unknown> {
    return this.tx.log.append({ event, actorUserId: null, agencyId, documentId: null, details: { action: 'seed', ...details } }, this.at);
  }

  /** One agency per seal certificate, parents before children (the code's shape orders them). */
  async agencies(entries: ManifestEntry[], read: (file: string) => Uint8Array): Promise<Agency[]> {
    const seals = entries.filter((e) => e.role === 'seal' && e.agencyCode && e.level);
    const depth = (code: string) => code.split('.').filter((part) => !/^0+$/.test(part)).length;
    seals.sort((a, b) => depth(a.agencyCode!) - depth(b.agencyCode!));
    const out: Agency[] = [];
    for (const e of seals) {
      const cert = describeCertificate(readCertificates(read(e.files.cert))[0]!);
      const code = e.agencyCode!;
      const parent = parentCodeOf(code);
      const parentCode = out.some((a) => a.code === parent) ? parent : null;
      const agency = await this.tx.agencies.insert({ code, name: cert.commonName ?? code, level: e.level!, parentCode, active: true });
      await this.log('admin.agency', agency.id, { code, name: agency.name, level: agency.level, parentCode });
      await this.tx.certificates.insert({ agencyId: agency.id, der: cert.der, fingerprintSha256: cert.fingerprintSha256, subject: cert.subject.text, notBefore: cert.notBefore, notAfter: cert.notAfter });
      await this.log('admin.certificate', agency.id, { agencyCode: code, fingerprintSha256: cert.fingerprintSha256, subject: cert.subject.text });
      out.push(agency);
    }
    return out;
  }

  async trust(anchorsPem: Uint8Array, crlsPem: Uint8Array): Promise<void> {
    for (const der of readCertificates(anchorsPem)) {
      const cert = describeCertificate(der);
      await this.tx.trust.addAnchor({ der, fingerprintSha256: cert.fingerprintSha256, subject: cert.subject.text });
      await this.log('admin.trust-anchor', null, { fingerprintSha256: cert.fingerprintSha256, subject: cert.subject.text });
    }
    for (const der of readCrls(crlsPem)) {
      const crl = parseCrl(der);
      await this.tx.trust.addCrl({ der, issuer: crl.issuerText, thisUpdate: crl.thisUpdate, nextUpdate: crl.nextUpdate ?? null });
      await this.log('admin.crl', null, { issuer: crl.issuerText, thisUpdate: crl.thisUpdate.toISOString() });
    }
  }

  async users(agencies: Agency[]): Promise<SeededUser[]> {
    const province = agencies.find((a) => a.level === 'province' && a.parentCode === null) ?? agencies[0]!;
    const people: Array<{ agency: Agency; name: string; role: Role; p12?: string }> = [
      ...agencies.map((agency) => ({ agency, name: `Văn thư ${agency.name}`, role: 'clerk' as const })),
      { agency: province, name: 'Quản trị trục liên thông', role: 'admin' },
      { agency: province, name: 'Kiểm tra viên', role: 'auditor' },
    ];
    for (const d of DRAFTING) {
      const agency = agencies.find((a) => a.code === d.agencyCode);
      if (!agency) continue;
      people.push({ agency, name: d.drafter, role: 'drafter' }, { agency, name: d.signer, role: 'signer', p12: d.p12 });
    }
    const out: SeededUser[] = [];
    const hashes = await Promise.all(people.map((_, i) => demoPasswordHash(i)));
    for (const [i, { agency, name, role, p12 }] of people.entries()) {
      const user = await this.tx.users.insert({ agencyId: agency.id, name, role, active: true });
      const username = demoUsername(role, agency.code);
      await this.log('admin.user', agency.id, { userId: user.id, name, role, agencyCode: agency.code, username });
      await this.tx.credentials.insert({ userId: user.id, username });
      await this.tx.credentials.setPassword(user.id, hashes[i]!, this.at);
      const secret = newTokenSecret();
      const token = await this.tx.tokens.insert({ userId: user.id, tokenHash: hashToken(secret), label: 'demo' });
      await this.log('admin.token', agency.id, { tokenId: token.id, userId: user.id, label: 'demo' });
      out.push({ name, username, role, agencyCode: agency.code, token: secret, ...(p12 ? { p12 } : {}) });
    }
    return out;
  }
}
