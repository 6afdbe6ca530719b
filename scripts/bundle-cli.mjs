// Bundles the command line (dist/cli/bin.js and one file per command) with esbuild, over the tsc
// output of the same names: `docaxis verify` then loads 2 files instead of ~60 modules, which is
// ~20 ms of every run (module resolution and reading dominate a small file's verification).
// The bundles stay in dist/cli so that paths relative to import.meta.url (../../assets/fonts,
// ../../certs-fixtures) resolve as they do for the tsc output. Dependencies are bundled too, but
// pkijs/asn1js and node-forge stay behind createRequire (loaded on first use, as in the source).
import { build } from 'esbuild';
import { fileURLToPath, URL } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const COMMANDS = ['verify', 'sign', 'inspect', 'tsa', 'demo'];
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

// The dispatcher: main.ts imports each command module by its relative path, kept external so that
// a command loads only its own bundle.
await build({ ...common, entryPoints: ['src/cli/bin.ts'], outfile: 'dist/cli/bin.js', external: COMMANDS.map((c) => `./${c}.js`) });
await build({ ...common, entryPoints: COMMANDS.map((c) => `src/cli/${c}.ts`), outdir: 'dist/cli' });
