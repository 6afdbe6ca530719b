// drizzle/ sits two levels above this module both in the sources (src/db/) and in the build
// (dist/db/), so one relative URL serves `tsx`, vitest and `node dist/...`.
import { fileURLToPath } from 'node:url';

export function defaultMigrationsFolder(): string {
  return fileURLToPath(new URL('../../drizzle/', import.meta.url));
}
