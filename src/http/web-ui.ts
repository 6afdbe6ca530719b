// The browser interface: a handful of static files (compiled scripts from dist/web, the page and
// style sheet from src/web/public) read once when the app is built and served from memory. Only
// the files found at start exist as routes, so no request path ever reaches the file system.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';

export interface WebUiDirs {
  /** Compiled browser modules (tsc -p src/web/tsconfig.json). */
  scriptsDir: string;
  /** index.html, styles.css and images, served as they are. */
  publicDir: string;
}

/** src/http and dist/http are both two levels below the project root. */
export function defaultWebUiDirs(): WebUiDirs {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  return { scriptsDir: join(root, 'dist', 'web'), publicDir: join(root, 'src', 'web', 'public') };
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

// The UI runs no inline script or style and talks only to its own origin; a PDF is shown from a
// blob: URL the page made itself. frame-ancestors stops the UI being framed by another site.
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "frame-src 'self' blob:",
  "object-src 'self' blob:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

interface Asset {
  bytes: Buffer;
  type: string;
  etag: string;
}

export function registerWebUi(app: FastifyInstance, dirs: WebUiDirs = defaultWebUiDirs()): void {
  const assets = new Map<string, Asset>();
  for (const [url, file] of [...listFiles(dirs.publicDir, '/'), ...listFiles(dirs.scriptsDir, '/app/')]) {
    const type = CONTENT_TYPES[extname(file)];
    if (!type) continue;
    const bytes = readFileSync(file);
    assets.set(url, { bytes, type, etag: `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 22)}"` });
  }
  const index = assets.get('/index.html');
  if (!index) return;
  if (!assets.has('/app/main.js')) {
    app.log.warn(`web UI scripts missing in ${dirs.scriptsDir}: run npm run build`);
  }
  const serve = (asset: Asset, ifNoneMatch: string | undefined, reply: FastifyReply) => {
    reply
      .header('content-security-policy', CSP)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      // Revalidate every time: a rebuilt UI must not run against stale modules.
      .header('cache-control', 'no-cache')
      .header('etag', asset.etag);
    if (ifNoneMatch === asset.etag) return reply.status(304).send();
    return reply.type(asset.type).send(asset.bytes);
  };
  const opts = { config: { public: true }, schema: { hide: true } } as const;
  app.get('/', opts, (request, reply) => serve(index, request.headers['if-none-match'], reply));
  for (const [url, asset] of assets) {
    if (url === '/index.html') continue;
    app.get(url, opts, (request, reply) => serve(asset, request.headers['if-none-match'], reply));
  }
}

/** Every file under dir (recursively) with the URL it is served at. */
function listFiles(dir: string, prefix: string): Array<[string, string]> {
  if (!existsSync(dir)) return [];
  const out: Array<[string, string]> = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else out.push([prefix + relative(dir, full).split(sep).join('/'), full]);
    }
  };
  walk(dir);
  return out;
}
