// The least a send can cost on this machine, as a second floor for the exchange benchmark: a bare
// node:http server (no framework, no auth, no metadata, no policy, no receipt, no log) that reads
// the raw PDF body, verifies it in-process against the fixture trust store (parsed once), refuses
// it unless valid, and stores its bytes in ONE PostgreSQL transaction (one INSERT, COMMIT: a durable
// write, as a send must be) into a table shaped like docaxis's blobs (STORAGE EXTERNAL, bytes sent
// as base64 text, deduplicated by SHA-256, all as docaxis does). Whatever a real send adds is above
// this line.
// Prints one JSON line { "url": ... } on stdout; SIGTERM stops it. env: DATABASE_URL.
import { createServer } from 'node:http';
import postgres from 'postgres';
import { loadVerifying, verifyContext } from './common.js';

const lib = await loadVerifying();
const trust = verifyContext(lib);
const sql = postgres(process.env.DATABASE_URL!, { max: 4, onnotice: () => undefined });
await sql`create table if not exists minimal_blobs (sha256 text primary key, bytes bytea not null)`;
await sql`alter table minimal_blobs alter column bytes set storage external`;

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const pdf = Buffer.concat(chunks);
    const report = lib.verifyPdf(pdf, { ...trust, at: new Date() });
    if (report.document.verdict !== 'valid') {
      res.writeHead(422).end(report.document.summary);
      return;
    }
    const sha256 = report.file.sha256;
    sql
      .begin((tx) => tx`insert into minimal_blobs (sha256, bytes) values (${sha256}, decode(${pdf.toString('base64')}, 'base64')) on conflict (sha256) do nothing`)
      .then(
        () => res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ sha256 })),
        (e: unknown) => res.writeHead(500).end(String(e)),
      );
  });
});
server.listen(0, '127.0.0.1', () => {
  const a = server.address();
  if (a && typeof a === 'object') process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${a.port}` })}\n`);
});
process.once('SIGTERM', () => {
  server.close();
  void sql.end({ timeout: 5 }).then(() => process.exit(0));
});
