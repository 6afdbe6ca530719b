// The browser UI's files: served from memory with a strict CSP, only the files found at start,
// revalidated by ETag; the API behind them still wants a token.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../src/config.js';
import { buildApp } from '../../src/http/app.js';
import { MemoryStores } from '../support/memory-stores.js';
import { tempDir } from '../support/oracles.js';

describe('web UI static files', () => {
  let app: FastifyInstance;
  let noUi: FastifyInstance;
  beforeAll(async () => {
    const root = tempDir('docaxis-webui-');
    const scriptsDir = join(root, 'scripts');
    const publicDir = join(root, 'public');
    mkdirSync(join(scriptsDir, 'pages'), { recursive: true });
    mkdirSync(publicDir, { recursive: true });
    writeFileSync(join(publicDir, 'index.html'), '<!doctype html><title>docaxis</title>');
    writeFileSync(join(publicDir, 'styles.css'), 'body{}');
    writeFileSync(join(scriptsDir, 'main.js'), 'export {};');
    writeFileSync(join(scriptsDir, 'pages', 'inbox.js'), 'export default 1;');
    writeFileSync(join(scriptsDir, 'main.js.map'), '{}');
    writeFileSync(join(root, 'secret.txt'), 'not served');
    const config = loadConfig({ LOG_LEVEL: 'silent' });
    app = buildApp({ stores: new MemoryStores(), config, webUi: { scriptsDir, publicDir } });
    noUi = buildApp({ stores: new MemoryStores(), config, webUi: false });
    await Promise.all([app.ready(), noUi.ready()]);
  });
  afterAll(async () => {
    await Promise.all([app.close(), noUi.close()]);
  });

  it('serves the page at / without a token, with a CSP that allows no inline script and no framing', async () => {
    const res = await app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain('<title>docaxis</title>');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('serves compiled modules under /app/ with their type, and answers 304 to a matching ETag', async () => {
    const js = await app.inject({ method: 'GET', url: '/app/pages/inbox.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.body).toBe('export default 1;');
    const again = await app.inject({ method: 'GET', url: '/app/pages/inbox.js', headers: { 'if-none-match': String(js.headers.etag) } });
    expect(again.statusCode).toBe(304);
    expect((await app.inject({ method: 'GET', url: '/styles.css' })).headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('serves nothing it did not list at start: no source maps, no traversal, no other files', async () => {
    for (const url of ['/app/main.js.map', '/app/../secret.txt', '/app/%2e%2e/secret.txt', '/secret.txt', '/app/missing.js', '/index.html/../../secret.txt']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.body).not.toContain('not served');
    }
  });

  it('leaves the API behind its token', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/inbox' });
    expect(res.statusCode).toBe(401);
  });

  it('serves pdf.js (main module, worker, standard fonts) from pdfjs-dist under /vendor/pdfjs/, nothing else of the package', async () => {
    for (const [url, type] of [
      ['/vendor/pdfjs/pdf.min.mjs', 'text/javascript; charset=utf-8'],
      ['/vendor/pdfjs/pdf.worker.min.mjs', 'text/javascript; charset=utf-8'],
      ['/vendor/pdfjs/standard_fonts/FoxitSerif.pfb', 'application/octet-stream'],
      ['/vendor/pdfjs/standard_fonts/LiberationSans-Regular.ttf', 'font/ttf'],
    ] as const) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type'], url).toBe(type);
      expect(res.headers['x-content-type-options'], url).toBe('nosniff');
      expect(res.rawPayload.length, url).toBeGreaterThan(1000);
    }
    // The scripting sandbox (PDF JavaScript), the viewer, source maps and the package file are not served.
    for (const url of ['/vendor/pdfjs/pdf.sandbox.min.mjs', '/vendor/pdfjs/pdf.mjs.map', '/vendor/pdfjs/web/pdf_viewer.mjs', '/vendor/pdfjs/package.json', '/vendor/pdfjs/../package.json']) {
      expect((await app.inject({ method: 'GET', url })).statusCode, url).toBe(404);
    }
  });

  it('its CSP allows no frame, no object and no eval: a PDF can only be drawn by pdf.js, never handed to a browser viewer', async () => {
    const csp = String((await app.inject({ method: 'GET', url: '/' })).headers['content-security-policy']);
    expect(csp).toContain("frame-src 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("worker-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toMatch(/(frame|object)-src[^;]*blob:/);
  });

  it('can be turned off', async () => {
    expect((await noUi.inject({ method: 'GET', url: '/' })).statusCode).toBe(404);
  });
});
