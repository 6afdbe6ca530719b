// Bundles the command line (dist/cli/bin.js and one file per command) with esbuild, over the tsc
// output of the same names: `docaxis verify` then loads 2 files instead of ~60 modules, which is
// ~20 ms of every run (module resolution and reading dominate a small file's verification).
// The bundles stay in dist/cli so that paths relative to import.meta.url (../../assets/fonts,
// ../../certs-fixtures) resolve as they do for the tsc output. Dependencies are bundled too, but
// pkijs/asn1js and node-forge stay behind createRequire (loaded on first use, as in the source).
// One file per command (the appearance stack apart, see below) rather than esbuild's code
// splitting, which made `verify` load ~40 chunks and was no faster.
import { build } from 'esbuild';
import { fileURLToPath, URL } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const COMMANDS = ['verify', 'sign', 'sign-draft', 'extend', 'inspect', 'tsa', 'ocsp', 'demo', 'csc-demo'];
const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
  legalComments: 'none',
  // CommonJS dependencies call require(): give the ESM bundle one.
  banner: { js: "import { createRequire as __docaxisRequire } from 'node:module'; const require = __docaxisRequire(import.meta.url);" },
};

// Two modules stay outside the command bundles: errors.ts, so that one DocaxisError class serves
// every bundle (instanceof, hence the stable error codes, works across them), imported from the tsc
// output beside; and the appearance stack (appearance.ts with pdf-lib and fontkit, 2.6 MB), a bundle
// of its own that only a visible signature loads: compiling it cost an invisible `sign` ~30 ms
// (153 -> 122 ms CPU for the letter; a visible signature's time is fontkit's set-up and pdf-lib's
// deflate, ~800 ms, as before).
const shared = {
  name: 'docaxis-shared-modules',
  setup(b) {
    b.onResolve({ filter: /(^|\/)errors\.js$/ }, () => ({ path: '../errors.js', external: true }));
    b.onResolve({ filter: /(^|\/)appearance\.js$/ }, () => ({ path: './appearance.js', external: true }));
  },
};
common.plugins = [shared];

// The dispatcher: main.ts imports each command module by its relative path, kept external so that
// a command loads only its own bundle.
await build({ ...common, entryPoints: ['src/cli/bin.ts'], outfile: 'dist/cli/bin.js', external: COMMANDS.map((c) => `./${c}.js`) });
await build({ ...common, entryPoints: COMMANDS.map((c) => `src/cli/${c}.ts`), outdir: 'dist/cli' });
await build({
  ...common,
  plugins: [{ name: 'docaxis-errors', setup: (b) => b.onResolve({ filter: /(^|\/)errors\.js$/ }, () => ({ path: '../errors.js', external: true })) }],
  entryPoints: ['src/pades/appearance.ts'],
  outfile: 'dist/cli/appearance.js',
});
