// Positional-argument checks shared by the commands (options are parsed in options.ts).
import { usageError, type CommandName } from './options.js';

export function requireOne(positionals: string[], what: string, command: CommandName): string {
  if (positionals.length !== 1 || !positionals[0]) {
    throw usageError(command, positionals.length === 0 ? `missing the ${what}` : `expected exactly one ${what}, got ${positionals.length}: ${positionals.join(' ')}`);
  }
  return positionals[0];
}
