// Thin wrapper over node:util parseArgs that turns its errors into USAGE errors.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { DocaxisError } from '../errors.js';

export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T, usage: string) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new DocaxisError('USAGE', `${e instanceof Error ? e.message.split('\n', 1)[0] : String(e)}\n${usage}`);
  }
}

export function requireOne(positionals: string[], what: string, usage: string): string {
  if (positionals.length !== 1 || !positionals[0]) throw new DocaxisError('USAGE', `expected exactly one ${what}\n${usage}`);
  return positionals[0];
}

export function asList(v: string | string[] | boolean | boolean[] | undefined): string[] {
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string');
}
