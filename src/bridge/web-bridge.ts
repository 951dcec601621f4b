import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JanitorService } from '../shared/index.js';
import { handleApiCall, isUiMethod } from './api-router.js';
import { checkRequest, isApiPath, pathOf } from './request-guard.js';
import { sendAccessPage, sendError } from './responses.js';
import { EventStreams, PING_INTERVAL_MS } from './sse.js';
import { serveStatic } from './static-files.js';
import { messageOf } from '../shared/errors.js';

/**
 * The window's API over HTTP on 127.0.0.1, for a browser (`agent-janitor daemon --ui`): the renderer's files, one
 * `POST /api/<method>` per method of the shared contract, and `GET /api/events`. Who may call is decided by
 * request-guard.ts; the protocol is described in docs/architecture.md ("Web bridge").
 */

export interface WebBridgeOptions {
  service: JanitorService;
  /** 0 or absent: a free port chosen by the system. */
  port?: number;
  /** The built renderer (index.html and its files). */
  staticDir: string;
  /** Default: 32 random bytes, base64url. A function is asked on every request (a key rotated on disk applies at once). */
  token?: string | (() => string);
  /** The event stream's keep-alive comment interval; default 15 s. */
  pingIntervalMs?: number;
}

export interface WebBridgeHandle {
  /** `http://127.0.0.1:PORT/?token=TOKEN`: the address to open. */
  url: string;
  port: number;
  token: string;
  /** The bound address (always 127.0.0.1); null once closed. */
  address(): AddressInfo | null;
  /** Stops accepting, ends every event stream, lets requests in flight answer, and releases the port. */
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
/** How long close() lets requests in flight finish before cutting their connections. */
const CLOSE_GRACE_MS = 2000;
/** Goes into a URL and a header unescaped, so it must be plain base64url; and long enough not to be guessed. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{16,}$/;

export async function startWebBridge(options: WebBridgeOptions): Promise<WebBridgeHandle> {
  const given = options.token ?? randomBytes(32).toString('base64url');
  const tokenNow = typeof given === 'function' ? given : () => given;
  const token = tokenNow();
  if (!TOKEN_SHAPE.test(token)) throw new Error('web bridge: the token must be at least 16 characters of A-Z a-z 0-9 _ -');
  const { service, staticDir } = options;
  const streams = new EventStreams(service, options.pingIntervalMs ?? PING_INTERVAL_MS);
  const inFlight = new Set<ServerResponse>();
  let closing = false;
  let port = 0;

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '';
    const method = req.method ?? '';
    if (closing) {
      sendError(res, 503, 'the janitor is shutting down', [], { Connection: 'close' });
      return;
    }
    const current = tokenNow();
    const verdict = checkRequest({ method, url, headers: req.headers }, { port, token: TOKEN_SHAPE.test(current) ? current : token });
    if (!verdict.ok) {
      // A person who opened an API address in the browser gets a page that says how to open the window.
      if (verdict.status === 401 && method === 'GET' && (req.headers.accept ?? '').includes('text/html')) sendAccessPage(res);
      else sendError(res, verdict.status, verdict.error, [], verdict.status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {});
      return;
    }
    // No Set-Cookie, ever: the page reads `?token=` itself and sends it as a header (request-guard.ts).
    const pathname = pathOf(url);
    if (pathname === '/api/events') {
      if (method !== 'GET') return sendError(res, 405, 'the event stream is GET /api/events', [], { Allow: 'GET' });
      streams.open(req, res);
      return;
    }
    if (isApiPath(pathname)) {
      const name = pathname.slice('/api/'.length);
      if (!isUiMethod(name)) return sendError(res, 404, `no such method: ${JSON.stringify(name.slice(0, 100))}`);
      if (method !== 'POST') return sendError(res, 405, `call ${name} with POST /api/${name}`, [], { Allow: 'POST' });
      await handleApiCall(name, req, res, service);
      return;
    }
    if (method !== 'GET') return sendError(res, 405, 'only GET serves files', [], { Allow: 'GET' });
    await serveStatic(staticDir, pathname, res);
  }

  // Loaded here, not at the top: a daemon without --ui never pays for node:http (about 1 MB resident).
  const { createServer } = await import('node:http');
  const server = createServer((req, res) => {
    inFlight.add(res);
    res.on('close', () => inFlight.delete(res));
    route(req, res).catch((err: unknown) => sendError(res, 500, `web bridge: ${messageOf(err)}`));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: HOST, port: options.port ?? 0, exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  let closed: Promise<void> | null = null;
  function close(): Promise<void> {
    closed ??= new Promise<void>((resolve) => {
      closing = true;
      streams.closeAll();
      // Answers still to come close their connection instead of keeping it alive.
      for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
      const cut = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
      server.close(() => {
        clearTimeout(cut);
        resolve();
      });
      server.closeIdleConnections();
    });
    return closed;
  }

  return { url: `http://${HOST}:${port}/?token=${token}`, port, token, address: () => server.address() as AddressInfo | null, close };
}
