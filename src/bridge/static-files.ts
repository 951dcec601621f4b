import fs from 'node:fs';
import path from 'node:path';
import type { ServerResponse } from 'node:http';
import { sendError, sendFile, sendText } from './responses.js';

/**
 * The built renderer, read from `staticDir` and nowhere else. A request path is taken apart segment by segment
 * before it touches the file system: undecodable escapes, encoded separators (`%2f`, `%5c`), NUL are refused (400);
 * `.`/`..`, hidden names and empty segments (so directories, and any listing) are not found (404). What remains is
 * resolved with realpath and must still be inside staticDir's own realpath, so a symlink pointing out is refused too.
 */

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
};

function contentTypeOf(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

const NOT_BUILT_MESSAGE =
  'The agent-janitor UI is not built: run `npm run build` (it writes dist/renderer/index.html), then reload this page.';

export type StaticPath = { ok: true; segments: string[] } | { ok: false; status: 400 | 404; error: string };

/** The raw request path (no query) as safe file-name segments; `/` is `index.html`. */
export function staticPathSegments(rawPath: string): StaticPath {
  if (!rawPath.startsWith('/')) return { ok: false, status: 400, error: 'the request target must be a path' };
  if (rawPath === '/') return { ok: true, segments: ['index.html'] };
  const segments: string[] = [];
  for (const raw of rawPath.slice(1).split('/')) {
    let name: string;
    try {
      name = decodeURIComponent(raw);
    } catch {
      return { ok: false, status: 400, error: 'malformed escape in the path' };
    }
    if (/[/\\\0]/.test(name) || raw.includes('\\'))
      return { ok: false, status: 400, error: 'separators and NUL may not be escaped into a path segment' };
    if (name === '' || name.startsWith('.')) return { ok: false, status: 404, error: 'not found' };
    segments.push(name);
  }
  return { ok: true, segments };
}

async function realpathOrNull(p: string): Promise<string | null> {
  try {
    return await fs.promises.realpath(p);
  } catch {
    return null;
  }
}

/** Serves one GET: the file, 404, or 503 for the page when the renderer is not built. */
export async function serveStatic(staticDir: string, rawPath: string, res: ServerResponse): Promise<void> {
  const parsed = staticPathSegments(rawPath);
  if (!parsed.ok) {
    sendError(res, parsed.status, parsed.error);
    return;
  }
  const isIndex = parsed.segments.length === 1 && parsed.segments[0] === 'index.html';
  const notFound = () => (isIndex ? sendText(res, 503, NOT_BUILT_MESSAGE) : sendError(res, 404, 'not found'));

  // Resolved on every request, so a build that replaces the folder after start-up is picked up.
  const root = await realpathOrNull(staticDir);
  if (root === null) return notFound();
  const real = await realpathOrNull(path.join(root, ...parsed.segments));
  if (real === null) return notFound();
  if (!real.startsWith(root + path.sep)) {
    sendError(res, 404, 'not found');
    return;
  }
  let body: Buffer;
  try {
    // O_NOFOLLOW: the realpath checked above must be what is opened, not a symlink swapped in since. O_NONBLOCK: a
    // FIFO put there would otherwise hold a thread of the pool until some writer came (the fstat below refuses it).
    const handle = await fs.promises.open(real, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
    try {
      const stat = await handle.stat();
      if (!stat.isFile()) {
        sendError(res, 404, 'not found');
        return;
      }
      body = await handle.readFile();
    } finally {
      await handle.close();
    }
  } catch {
    return notFound();
  }
  sendFile(res, contentTypeOf(real), body);
}
