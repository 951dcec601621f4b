// A static server for a built window folder (dist/renderer-mock by default), with the app's CSP as a header, so the
// dev harness runs under the same policy as the real window. Loopback only.
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';

export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'";
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
};

/** Starts serving `dir` on 127.0.0.1 at a free port; resolves to { url, close }. */
export function serve(dir) {
  const server = http.createServer(async (req, res) => {
    const pathname = new globalThis.URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const rel = pathname === '/' ? 'index.html' : path.normalize(pathname).replace(/^[/\\]+/, '');
    if (rel.startsWith('..')) {
      res.writeHead(400).end();
      return;
    }
    try {
      const body = await readFile(path.join(dir, rel));
      res.writeHead(200, { 'Content-Type': TYPES[path.extname(rel)] ?? 'application/octet-stream', 'Content-Security-Policy': CSP });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
      resolve({ url: `http://127.0.0.1:${port}/`, close: () => new Promise((r) => server.close(r)) });
    });
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new globalThis.URL(import.meta.url).pathname)) {
  const dir = process.argv[2] ?? path.join(path.dirname(new globalThis.URL(import.meta.url).pathname), '../../dist/renderer-mock');
  const { url } = await serve(dir);
  console.log(`serving ${dir} at ${url}`);
}
