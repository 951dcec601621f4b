import type { ServerResponse } from 'node:http';
import type { FieldIssue } from '../shared/index.js';

/**
 * Headers on every answer. The CSP allows only the bridge's own scripts, styles and connections (the renderer is
 * built without inline code), forbids framing (clickjacking) and forms; no-referrer keeps `?token=` out of any
 * Referer; nosniff stops a JSON or text answer being run as a script; no-store keeps answers out of the disk cache.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

export function applySecurityHeaders(res: ServerResponse): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
}

function send(res: ServerResponse, status: number, contentType: string, body: string | Buffer, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  applySecurityHeaders(res);
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.writeHead(status, { ...headers, 'Content-Type': contentType, 'Content-Length': String(bytes.length) });
  res.end(bytes);
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body), headers);
}

/** A UiError (ui-contract.ts), so the renderer can show the message and each issue beside its field. */
export function sendError(
  res: ServerResponse,
  status: number,
  error: string,
  issues: FieldIssue[] = [],
  headers?: Record<string, string>,
): void {
  sendJson(res, status, { error, issues }, headers);
}

export function sendText(res: ServerResponse, status: number, text: string): void {
  send(res, status, 'text/plain; charset=utf-8', text);
}

export function sendFile(res: ServerResponse, contentType: string, body: Buffer): void {
  send(res, 200, contentType, body);
}

/** For a browser without the window's key: what to do, in words (no JSON, no status code to decode). */
const ACCESS_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>agent-janitor: open the window's address</title></head>
<body><main>
<h1>This page needs the window's address</h1>
<p>The agent-janitor window opens only with its access key, which is part of its address.</p>
<p>On the machine where the janitor runs, run <code>agent-janitor status</code>. It prints the window's address,
<code>http://127.0.0.1:PORT/?token=…</code>. Open that address here.</p>
<p>The key stays the same across restarts; it changes only when someone runs <code>agent-janitor status --rotate-key</code>.</p>
</main></body></html>
`;

export function sendAccessPage(res: ServerResponse): void {
  send(res, 401, 'text/html; charset=utf-8', ACCESS_PAGE, { 'WWW-Authenticate': 'Bearer' });
}
