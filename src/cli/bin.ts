#!/usr/bin/env node
// The executable behind package.json "bin": run the command, set the exit code, nothing else.
// On Node >= 22.1 V8's compiled code of the CLI is cached between runs (a few ms of every start);
// older Node has no such API and skips it. The cache must be on before the CLI's modules load,
// hence the dynamic import.
import module from 'node:module';

(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
const { main } = await import('./main.js');
process.exitCode = await main(process.argv.slice(2), process.stdout, process.stderr, process.env);
