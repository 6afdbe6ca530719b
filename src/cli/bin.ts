#!/usr/bin/env node
// The executable behind package.json "bin": run the command, set the exit code, nothing else.
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2), process.stdout, process.stderr, process.env);
