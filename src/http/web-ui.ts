// The browser interface: a handful of static files (compiled scripts from dist/web, the page and
// style sheet from src/web/public, and pdf.js's build, worker and standard fonts from pdfjs-dist
// under /vendor/pdfjs/) read once when the app is built and served from memory. Only the files
// found at start exist as routes, so no request path ever reaches the file system.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';

export interface WebUiDirs {
  /** Compiled browser modules (tsc -p src/web/tsconfig.json). */
  scriptsDir: string;
  /** index.html, styles.css and images, served as they are. */
  publicDir: string;
  /** The pdfjs-dist package (the document viewer renders with it); default: the installed one. */
  pdfjsDir?: string;
}

/** The installed pdfjs-dist, found the way Node finds it (its package has no exports map). */
export function defaultPdfjsDir(): string | undefined {
  try {
    return dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
  } catch {
    return undefined;
  }
}

/**
 * What the viewer needs of pdfjs-dist, served under /vendor/pdfjs/: the main module, its worker
 * and the standard fonts (for PDFs that do not embed theirs). No sandbox bundle (PDF JavaScript
 * never runs), no wasm decoders (they would need 'wasm-unsafe-eval'), no viewer.
 */
function pdfjsFiles(dir: string | undefined): Array<[string, string]> {
  if (!dir) return [];
  const out: Array<[string, string]> = [];
  for (const name of ['pdf.min.mjs', 'pdf.worker.min.mjs']) {
    const file = join(dir, 'build', name);
    if (existsSync(file)) out.push([`/vendor/pdfjs/${name}`, file]);
  }
  return [...out, ...listFiles(join(dir, 'standard_fonts'), '/vendor/pdfjs/standard_fonts/')];
}

/** src/http and dist/http are both two levels below the project root. */
export function defaultWebUiDirs(): WebUiDirs {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  return { scriptsDir: join(root, 'dist', 'web'), publicDir: join(root, 'src', 'web', 'public') };
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.pfb': 'application/octet-stream',
  '.ttf': 'font/ttf',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

// The UI runs no inline script or style, no eval, and talks only to its own origin. A PDF is drawn
// by pdf.js onto canvases (its worker is a file of this origin), never framed or embedded: no
// frame, no object, so nothing a PDF carries runs in a browser viewer beside the app.
// frame-ancestors stops the UI being framed by another site.
export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "worker-src 'self'",
  "frame-src 'none'",
  "object-src 'none'",
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
  const vendor = pdfjsFiles('pdfjsDir' in dirs ? dirs.pdfjsDir : defaultPdfjsDir());
  for (const [url, file] of [...listFiles(dirs.publicDir, '/'), ...listFiles(dirs.scriptsDir, '/app/'), ...vendor]) {
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
