// A small throw-away PKI made with the openssl CLI in a temp dir, for the chain and revocation
// tests. Built with a tool independent of our code, it doubles as the oracle: `verify()` asks
// `openssl verify` for its opinion on the same files.
import { execFileSync, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

type KeyAlg = 'rsa' | 'ec';

const EXTENSIONS = `
[root]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[inter]
basicConstraints = critical,CA:TRUE,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[inter_nolimit]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[noca]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyCertSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[leaf]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,nonRepudiation
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[leaf_kenc]
basicConstraints = critical,CA:FALSE
keyUsage = critical,keyEncipherment
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[leaf_unknown_critical]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
1.3.6.1.4.1.55555.9.9 = critical,ASN1:UTF8String:must-understand
[tsa]
keyUsage = critical,digitalSignature
extendedKeyUsage = critical,timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[tsa_noncritical]
keyUsage = critical,digitalSignature
extendedKeyUsage = timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[tsa_extra]
keyUsage = critical,digitalSignature
extendedKeyUsage = critical,timeStamping,emailProtection
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
`;

export interface VerifyOptions {
  leaf: string;
  trusted: string[];
  untrusted?: string[];
  crls?: string[];
  attime?: Date;
  purpose?: string;
}

export class OpensslPki {
  readonly dir: string;
  private serialSeed = 0x1000;

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'docaxis-chain-'));
    writeFileSync(join(this.dir, 'ext.cnf'), EXTENSIONS);
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Path of a certificate (or CRL) by name. */
  file(name: string): string {
    return join(this.dir, `${name}.pem`);
  }

  der(name: string): Uint8Array {
    return new Uint8Array(new X509Certificate(readFileSync(this.file(name))).raw);
  }

  crlDer(name: string): Uint8Array {
    return new Uint8Array(execFileSync('openssl', ['crl', '-in', this.file(name), '-outform', 'DER']));
  }

  /** A CA directory able to issue with `openssl ca`; `serial` is the first serial (hex). */
  private caDir(ca: string, withCrlAki: boolean): string {
    const dir = join(this.dir, `ca-${ca}`);
    mkdirSync(join(dir, 'newcerts'), { recursive: true });
    writeFileSync(join(dir, 'index.txt'), '');
    writeFileSync(join(dir, 'serial'), `${(this.serialSeed += 0x100).toString(16).toUpperCase()}\n`);
    writeFileSync(join(dir, 'crlnumber'), '01\n');
    writeFileSync(
      join(dir, 'ca.cnf'),
      `[ca]
default_ca = CA_default
[CA_default]
dir = ${dir}
database = $dir/index.txt
serial = $dir/serial
crlnumber = $dir/crlnumber
new_certs_dir = $dir/newcerts
certificate = ${this.file(ca)}
private_key = ${join(this.dir, `${ca}.key`)}
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
default_crl_days = 30
${withCrlAki ? 'crl_extensions = crl_ext' : ''}
[policy_any]
commonName = supplied
[crl_ext]
authorityKeyIdentifier = keyid:always
`,
    );
    return dir;
  }

  /** First serial of the next CA created (hex): lets a test force a high-bit serial. */
  setNextSerialSeed(seed: number): void {
    this.serialSeed = seed - 0x100;
  }

  /**
   * Issues `name` with `openssl ca`. `issuer` === name makes a self-signed root.
   * `key` reuses another certificate's key (cross-certificates, re-issued CAs).
   */
  issue(opts: { name: string; subject: string; issuer: string; ext: string; alg?: KeyAlg; from?: string; to?: string; key?: string; crlAki?: boolean }): void {
    const keyFile = join(this.dir, `${opts.key ?? opts.name}.key`);
    const csr = join(this.dir, `${opts.name}.csr`);
    if (opts.key === undefined) {
      const keyArgs = opts.alg === 'ec' ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'] : ['-newkey', 'rsa:2048'];
      execFileSync('openssl', ['req', '-new', ...keyArgs, '-nodes', '-keyout', keyFile, '-out', csr, '-subj', opts.subject, '-utf8'], { stdio: 'pipe' });
    } else {
      execFileSync('openssl', ['req', '-new', '-key', keyFile, '-out', csr, '-subj', opts.subject, '-utf8'], { stdio: 'pipe' });
    }
    const selfSigned = opts.issuer === opts.name;
    const caName = opts.issuer;
    const dir = selfSigned ? this.caDir(caName, opts.crlAki ?? true) : join(this.dir, `ca-${caName}`);
    const args = ['ca', '-batch', '-config', join(dir, 'ca.cnf'), '-utf8', '-preserveDN', '-notext', '-in', csr, '-out', this.file(opts.name)];
    args.push('-startdate', opts.from ?? '20240101000000Z', '-enddate', opts.to ?? '20350101000000Z');
    args.push('-extfile', join(this.dir, 'ext.cnf'), '-extensions', opts.ext);
    if (selfSigned) args.push('-selfsign', '-keyfile', keyFile);
    execFileSync('openssl', args, { stdio: 'pipe' });
    if (!selfSigned && (opts.ext.startsWith('inter') || opts.ext === 'noca')) this.caDir(opts.name, opts.crlAki ?? true);
  }

  /** A CA that was not issued by us but has `subject` (for CRLs signed with the wrong key). */
  fakeCa(name: string, subject: string): void {
    const keyFile = join(this.dir, `${name}.key`);
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', this.file(name), '-subj', subject, '-utf8', '-days', '3650'], { stdio: 'pipe' });
    this.caDir(name, false);
  }

  /** Marks `cert` revoked by `ca` at `when` (YYMMDDHHMMSSZ) with `reason`, editing the CA database. */
  revoke(ca: string, cert: string, when: string, reason: string): void {
    const x = new X509Certificate(readFileSync(this.file(cert)));
    const index = join(this.dir, `ca-${ca}`, 'index.txt');
    const expiry = '350101000000Z';
    const lines = readFileSync(index, 'utf8').split('\n').filter((l) => l.length > 0 && l.split('\t')[3] !== x.serialNumber);
    lines.push(['R', expiry, `${when},${reason}`, x.serialNumber, 'unknown', '/CN=revoked'].join('\t'));
    writeFileSync(index, `${lines.join('\n')}\n`);
  }

  gencrl(ca: string, out: string): void {
    execFileSync('openssl', ['ca', '-gencrl', '-config', join(this.dir, `ca-${ca}`, 'ca.cnf'), '-out', this.file(out)], { stdio: 'pipe' });
  }

  /** Writes raw bytes as a file the oracle can read (tampered certificates). */
  writeDer(name: string, der: Uint8Array): void {
    const b64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n');
    writeFileSync(this.file(name), `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`);
  }

  /** `openssl verify`'s opinion: ok, and the error text when not. */
  verify(o: VerifyOptions): { ok: boolean; output: string } {
    const bundle = (names: string[], tag: string): string => {
      const path = join(this.dir, `bundle-${tag}-${names.join('+')}.pem`);
      writeFileSync(path, names.map((n) => readFileSync(this.file(n), 'utf8')).join(''));
      return path;
    };
    const args = ['verify', '-CAfile', bundle(o.trusted, 'ca')];
    if (o.untrusted !== undefined && o.untrusted.length > 0) args.push('-untrusted', bundle(o.untrusted, 'untrusted'));
    if (o.crls !== undefined) args.push('-crl_check_all', '-CRLfile', bundle(o.crls, 'crl'));
    if (o.attime !== undefined) args.push('-attime', String(Math.floor(o.attime.getTime() / 1000)));
    if (o.purpose !== undefined) args.push('-purpose', o.purpose);
    args.push(this.file(o.leaf));
    const r = spawnSync('openssl', args, { encoding: 'utf8' });
    return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
  }
}

export const ROOT_SUBJECT = '/C=VN/O=Ban Cơ yếu Chính phủ - TEST/CN=Root CA - TEST';
export const INTER_SUBJECT = '/C=VN/O=Ban Cơ yếu Chính phủ - TEST/CN=CA phục vụ các cơ quan Nhà nước - TEST';
export const LEAF_SUBJECT = '/C=VN/L=Đà Nẵng/O=Ủy ban nhân dân thành phố Đà Nẵng/CN=Sở Y tế/UID=MST:0400260612';

/** Revocation date of `leaf-revoked` in the intermediate's CRL. */
export const REVOKED_AT = new Date('2025-06-01T00:00:00Z');

/**
 * The scenario both test files use. RSA: root -> inter (pathLen 0) -> leaves; EC: ec-root ->
 * ec-inter -> ec-leaf. Negatives and oddities are named after what is wrong with them.
 */
export function makeOpensslPki(): OpensslPki {
  const pki = new OpensslPki();
  const ca = { from: '20190101000000Z', to: '20450101000000Z' };
  pki.issue({ name: 'root', subject: ROOT_SUBJECT, issuer: 'root', ext: 'root', ...ca });
  pki.setNextSerialSeed(0xc0ffee00); // the intermediate's serials have the high bit set (DER 00 c0 ...)
  pki.issue({ name: 'inter', subject: INTER_SUBJECT, issuer: 'root', ext: 'inter', ...ca });
  pki.issue({ name: 'leaf', subject: LEAF_SUBJECT, issuer: 'inter', ext: 'leaf' });
  pki.issue({ name: 'leaf-expired', subject: '/C=VN/CN=Expired signer', issuer: 'inter', ext: 'leaf', from: '20200101000000Z', to: '20221231235959Z' });
  pki.issue({ name: 'leaf-future', subject: '/C=VN/CN=Future signer', issuer: 'inter', ext: 'leaf', from: '20400101000000Z', to: '20440101000000Z' });
  pki.issue({ name: 'leaf-revoked', subject: '/C=VN/CN=Revoked signer', issuer: 'inter', ext: 'leaf' });
  pki.issue({ name: 'leaf-kenc', subject: '/C=VN/CN=Encryption only', issuer: 'inter', ext: 'leaf_kenc' });
  pki.issue({ name: 'leaf-unknown-critical', subject: '/C=VN/CN=Unknown critical', issuer: 'inter', ext: 'leaf_unknown_critical' });
  pki.issue({ name: 'tsa', subject: '/C=VN/CN=TSA - TEST', issuer: 'inter', ext: 'tsa' });
  pki.issue({ name: 'tsa-noncritical', subject: '/C=VN/CN=TSA non-critical EKU', issuer: 'inter', ext: 'tsa_noncritical' });
  pki.issue({ name: 'tsa-extra', subject: '/C=VN/CN=TSA extra EKU', issuer: 'inter', ext: 'tsa_extra' });

  pki.issue({ name: 'rogue-root', subject: '/C=VN/CN=Rogue Root - TEST', issuer: 'rogue-root', ext: 'root', ...ca });
  pki.issue({ name: 'leaf-rogue', subject: LEAF_SUBJECT, issuer: 'rogue-root', ext: 'leaf' });
  // Same subject and key as `inter`: a cross-certificate from the rogue root, and an expired re-issue.
  pki.issue({ name: 'inter-cross', subject: INTER_SUBJECT, issuer: 'rogue-root', ext: 'inter', key: 'inter', ...ca });
  pki.issue({ name: 'inter-old', subject: INTER_SUBJECT, issuer: 'root', ext: 'inter', key: 'inter', from: '20200101000000Z', to: '20221231235959Z' });

  pki.issue({ name: 'noca', subject: '/C=VN/CN=Not a CA', issuer: 'root', ext: 'noca', ...ca });
  pki.issue({ name: 'leaf-under-noca', subject: '/C=VN/CN=Issued by a non-CA', issuer: 'noca', ext: 'leaf' });
  pki.issue({ name: 'subca', subject: '/C=VN/CN=Sub CA below pathLen 0', issuer: 'inter', ext: 'inter_nolimit', ...ca });
  pki.issue({ name: 'leaf-under-subca', subject: '/C=VN/CN=Too deep', issuer: 'subca', ext: 'leaf' });

  pki.revoke('inter', 'leaf-revoked', '250601000000Z', 'keyCompromise');
  pki.gencrl('inter', 'inter-crl');
  pki.gencrl('root', 'root-crl');
  // Same issuer name as `inter`, another key, no AKI: only the signature can tell it apart.
  pki.fakeCa('fake-inter', INTER_SUBJECT);
  pki.revoke('fake-inter', 'leaf', '250101000000Z', 'keyCompromise');
  pki.gencrl('fake-inter', 'fake-inter-crl');

  pki.issue({ name: 'ec-root', subject: '/C=VN/CN=EC Root - TEST', issuer: 'ec-root', ext: 'root', alg: 'ec', ...ca });
  pki.issue({ name: 'ec-inter', subject: '/C=VN/CN=EC Intermediate - TEST', issuer: 'ec-root', ext: 'inter', alg: 'ec', ...ca });
  pki.issue({ name: 'ec-leaf', subject: '/C=VN/CN=Trần Thị Bình', issuer: 'ec-inter', ext: 'leaf', alg: 'ec' });
  pki.gencrl('ec-inter', 'ec-inter-crl');
  pki.gencrl('ec-root', 'ec-root-crl');

  // A name loop: loop-b is issued by loop-a, and loop-a2 (loop-a's name and key) by loop-b.
  pki.issue({ name: 'loop-a', subject: '/C=VN/CN=Loop A', issuer: 'loop-a', ext: 'root', alg: 'ec', ...ca });
  pki.issue({ name: 'loop-b', subject: '/C=VN/CN=Loop B', issuer: 'loop-a', ext: 'inter_nolimit', alg: 'ec', ...ca });
  pki.issue({ name: 'loop-a2', subject: '/C=VN/CN=Loop A', issuer: 'loop-b', ext: 'inter_nolimit', key: 'loop-a', ...ca });
  pki.issue({ name: 'leaf-loop', subject: '/C=VN/CN=Leaf in a loop', issuer: 'loop-b', ext: 'leaf', alg: 'ec' });
  // Nine CAs in a row below ec-root: a path longer than the builder's bound of 8.
  let parent = 'ec-root';
  for (let i = 1; i <= 9; i++) {
    pki.issue({ name: `deep-${i}`, subject: `/C=VN/CN=Deep CA ${i}`, issuer: parent, ext: 'inter_nolimit', alg: 'ec', ...ca });
    parent = `deep-${i}`;
  }
  pki.issue({ name: 'leaf-deep', subject: '/C=VN/CN=Leaf too deep', issuer: parent, ext: 'leaf', alg: 'ec' });

  const tampered = pki.der('leaf');
  tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 0x01; // last byte of the signature
  pki.writeDer('leaf-tampered', tampered);
  return pki;
}
