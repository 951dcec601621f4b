import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * Who may talk to the bridge. Pure: a request's method, target and headers in, a verdict out, so each rule is tested
 * on its own (test/unit/bridge-request-guard.test.ts) as well as over HTTP.
 */

const TOKEN_COOKIE = 'aj_token';

/** How a request proved it holds the token. */
export type Credential = 'header' | 'cookie' | 'query';

export type GuardVerdict = { ok: true; credential: Credential } | { ok: false; status: 401 | 403; error: string };

export interface GuardRequest {
  method: string;
  /** The raw request target, e.g. `/api/getState` or `/?token=…`. */
  url: string;
  headers: IncomingHttpHeaders;
}

export interface GuardContext {
  port: number;
  token: string;
}

/**
 * Constant time whatever the inputs: both sides are hashed first, so timingSafeEqual always compares 32 bytes and
 * neither the content nor the length of the real token leaks through timing.
 */
export function tokensEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

function allowedHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

function allowedOrigins(port: number): string[] {
  return allowedHosts(port).map((h) => `http://${h}`);
}

/** Every value of one cookie (a browser may hold several of the same name for different paths). */
export function cookieValues(header: string | undefined, name: string): string[] {
  if (!header) return [];
  const out: string[] = [];
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) out.push(part.slice(eq + 1).trim());
  }
  return out;
}

/** The token of `Authorization: Bearer TOKEN`; null for any other scheme or shape. */
export function bearerToken(header: string | undefined): string | null {
  const m = header === undefined ? null : /^Bearer[ \t]+([^\s]+)[ \t]*$/i.exec(header);
  return m ? m[1]! : null;
}

function queryToken(url: string): string | null {
  const q = url.indexOf('?');
  return q < 0 ? null : new URLSearchParams(url.slice(q + 1)).get('token');
}

const clip = (s: string) => JSON.stringify(s.length > 100 ? `${s.slice(0, 100)}…` : s);

/**
 * In this order:
 * 1. Host must name the bridge itself: a page on evil.example whose name was rebound to 127.0.0.1 sends
 *    `Host: evil.example`, so DNS rebinding gets nowhere even before the token is looked at.
 * 2. Origin, when a browser sends one, must be the bridge's own page: no other site's script gets an answer.
 * 3. The token: `Authorization: Bearer` (decides alone when present), else `?token=` on a GET, else the cookie.
 * 4. A state-changing request without Origin must carry the Authorization header: a cookie is sent by the browser on
 *    its own, so a cookie alone proves nothing about who built the request (CSRF); curl sends the header instead.
 */
export function checkRequest(req: GuardRequest, ctx: GuardContext): GuardVerdict {
  const host = req.headers.host;
  if (host === undefined || !allowedHosts(ctx.port).includes(host.toLowerCase())) {
    return { ok: false, status: 403, error: `Host ${host === undefined ? '(none)' : clip(host)} is not this bridge; use http://127.0.0.1:${ctx.port}/` };
  }
  const origin = req.headers.origin;
  if (origin !== undefined && !allowedOrigins(ctx.port).includes(origin.toLowerCase())) {
    return { ok: false, status: 403, error: `Origin ${clip(origin)} may not call this bridge` };
  }

  let credential: Credential | null = null;
  const auth = req.headers.authorization;
  if (auth !== undefined) {
    const bearer = bearerToken(auth);
    if (bearer !== null && tokensEqual(bearer, ctx.token)) credential = 'header';
  } else {
    const fromQuery = req.method === 'GET' ? queryToken(req.url) : null;
    if (fromQuery !== null && tokensEqual(fromQuery, ctx.token)) credential = 'query';
    // Every cookie value is compared (no early exit), so which one matched does not show in the timing either.
    else if (cookieValues(req.headers.cookie, TOKEN_COOKIE).map((v) => tokensEqual(v, ctx.token)).includes(true)) credential = 'cookie';
  }
  if (credential === null) {
    return { ok: false, status: 401, error: 'missing or wrong token: open the address printed by `agent-janitor daemon --ui` (it carries ?token=)' };
  }

  const safe = req.method === 'GET' || req.method === 'HEAD';
  if (!safe && origin === undefined && credential !== 'header') {
    return { ok: false, status: 403, error: `a ${req.method} without an Origin header must carry the token in the Authorization header` };
  }
  return { ok: true, credential };
}

/** The cookie a `GET /?token=` answer sets, so the page's own scripts, styles and EventSource are authorized. */
export function tokenCookie(token: string): string {
  return `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
}
