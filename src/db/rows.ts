// Raw SQL through drizzle's execute(): postgres-js answers a row array, PGlite an object with `rows`.
export function rowsOf<T = Record<string, unknown>>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}
