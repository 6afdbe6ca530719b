// `docaxis <command> --help`: one line per option, from the same table the parser reads; an unknown
// option names itself and points to that help; `verify` without --trust says why nothing is trusted
// and names every signature's problem in its summary.
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { COMMAND_SPECS, type CommandName } from '../../src/cli/options.js';
import { FIXTURES_DIR, P12_PASSWORD } from '../support/fixtures.js';
import { tempDir } from '../support/oracles.js';

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString('utf8');
    cb();
  }
}

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out = new Capture();
  const err = new Capture();
  const code = await main(args, out, err, { PW: P12_PASSWORD });
  return { code, out: out.text, err: err.text };
}

const COMMANDS = Object.keys(COMMAND_SPECS) as CommandName[];
/** The option lines of a help text: "  --name ARG  what it does" (or "  -o, --name ..."). */
const optionLines = (help: string): string[] => help.split('\n').filter((l) => /^ {2}(-\w, )?--[a-z]/.test(l));

describe('docaxis <command> --help', () => {
  for (const name of COMMANDS) {
    it(`${name}: prints every option on one line each, exits 0, and accepts every option it lists`, async () => {
      const r = await run([name, '--help']);
      expect(r.code).toBe(0);
      expect(r.err).toBe('');
      expect(r.out).toMatch(new RegExp(`^usage: docaxis ${name}\\b`));
      const lines = optionLines(r.out);
      const listed = lines.map((l) => /--([a-z0-9-]+)/.exec(l)![1]!);
      expect(new Set(listed).size).toBe(listed.length);
      for (const l of lines) expect(l.replace(/^ {2}\S+( \S+)? +/, '').length, l).toBeGreaterThan(8); // a description follows
      // Each listed option is one the command really parses: the parser passes it and stops at the
      // unknown option after it (so the command itself never runs).
      for (const opt of listed.filter((o) => o !== 'help')) {
        const arg = /--[a-z0-9-]+ (\S+)/.exec(lines.find((l) => l.includes(`--${opt}`))!) ? ['x'] : [];
        const probe = await run([name, `--${opt}`, ...arg, '--frobnicate']);
        expect(probe.err, `${name} --${opt}`).toMatch(/unknown option --frobnicate/);
      }
      expect((await run([name, '-h'])).out).toBe(r.out);
      expect((await run(['help', name])).out).toBe(r.out);
    });
  }

  it('sign: says what B-T is and in which units --visible is', async () => {
    const help = (await run(['sign', '--help'])).out;
    const level = optionLines(help).find((l) => l.includes('--level'))!;
    expect(level).toMatch(/B-T.*timestamp/i);
    expect(level).toMatch(/--tsa/);
    const visible = optionLines(help).find((l) => l.includes('--visible'))!;
    expect(visible).toMatch(/points \(1\/72 inch/);
    expect(visible).toMatch(/lower-left/);
  });

  it('the general help points to the per-command help', async () => {
    const r = await run(['--help']);
    expect(r.out).toMatch(/docaxis <command> --help/);
  });
});

describe('usage errors', () => {
  for (const name of COMMANDS) {
    it(`${name}: an unknown option is named, with a pointer to '${name} --help', exit 2`, async () => {
      const r = await run([name, 'in.pdf', '--frobnicate']);
      expect(r.code).toBe(2);
      expect(r.err).toBe(`docaxis: USAGE: Invalid command-line usage: unknown option --frobnicate for 'docaxis ${name}'; 'docaxis ${name} --help' lists its options\n`);
    });
  }

  it('a missing value and a value given to a flag say which option, and point to --help', async () => {
    expect((await run(['verify', 'a.pdf', '--trust'])).err).toMatch(/option --trust needs a value \(PEM\); 'docaxis verify --help' lists its options/);
    expect((await run(['verify', 'a.pdf', '--json=yes'])).err).toMatch(/option --json takes no value; 'docaxis verify --help'/);
    expect((await run(['verify'])).err).toMatch(/missing the PDF file; 'docaxis verify --help'/);
  });
});

describe('docaxis verify without --trust', () => {
  let sealed: string;
  beforeAll(async () => {
    const dir = tempDir();
    const r = await run(['demo', '--out', dir]);
    expect(r.code, r.err).toBe(0);
    sealed = join(dir, '3-sealed-by-agency.pdf');
  }, 60_000);

  it('says no trust anchor was given, for every signature, in the summary; the timestamps are intact, not invalid', async () => {
    const r = await run(['verify', sealed]);
    expect(r.code).toBe(1);
    const [summary] = r.out.split('\n');
    expect(summary).toMatch(/^\S+: INDETERMINATE - Signature 1 \(ChuTich\) could not be confirmed: NO_CERTIFICATE_CHAIN_FOUND\. 2 of 2 signature\(s\) not confirmed:/);
    expect(summary).toMatch(/\[1\] ChuTich: certificate chain not trusted: no trust anchor was given \(--trust PEM\)/);
    expect(summary).toMatch(/\[2\] VanThu: certificate chain not trusted: no trust anchor was given \(--trust PEM\)/);
    expect(r.out).not.toMatch(/timestamp is not valid/);
    expect(r.out).toMatch(/signature timestamp is intact but its TSA's certificate chain is not trusted/);
  });

  it('with the fixture anchors the same file is VALID (the wording above is about the anchors only)', async () => {
    const r = await run(['verify', sealed, '--trust', `${FIXTURES_DIR}trust-anchors.pem`, '--crl', `${FIXTURES_DIR}crls.pem`]);
    expect(r.code, r.out).toBe(0);
    expect(r.out).not.toMatch(/no trust anchor/);
  });
});
