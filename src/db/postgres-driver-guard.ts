// postgres-js 3.4.9 (the latest release) throws an uncaught TypeError from a timer in
// connection.js when a connection dies inside a transaction and the rollback is written to the
// dead socket (porsager/postgres#1154, #1208; fixes proposed, unreleased). Nothing can catch it,
// so without a guard one dropped connection would take the whole server down. The transaction
// itself already failed with DB_UNAVAILABLE and wrote nothing; this error carries no information.
// Only that exact error is swallowed; anything else still ends the process as Node would.
// The write also leaves the connection's pool slot unusable (every later connect on it hangs
// connect_timeout), so `onFault` is told, and the caller replaces the pool (db/postgres-pool.ts).
// Transactions no longer reach that write (db/postgres-lost-connections.ts); this stays for the
// rarer case of a pooled query dispatched in the same event-loop turn as its connection's close.

export function isKnownPostgresWriteAfterClose(e: unknown): boolean {
  return e instanceof TypeError && /reading 'write'/.test(e.message) && /postgres[\\/]src[\\/]connection\.js/.test(e.stack ?? '');
}

/** Installs the guard; returns a function that removes it. */
export function installPostgresDriverGuard(warn: (message: string) => void, onFault: () => void = () => undefined): () => void {
  const guard = (e: unknown): void => {
    if (isKnownPostgresWriteAfterClose(e)) {
      warn('ignored a postgres-js write to a closed connection (known driver bug); the connection pool is replaced');
      onFault();
      return;
    }
    // Same as Node's default for an uncaught exception: report and exit non-zero.
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  };
  process.on('uncaughtException', guard);
  return () => process.off('uncaughtException', guard);
}
