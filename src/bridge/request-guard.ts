import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * Who may talk to the bridge. Pure: a request's method, target and headers in, a verdict out, so each rule is tested
 * on its own (test/unit/bridge-request-guard.test.ts) as well as over HTTP.
 *
 * The token travels only in `Authorization: Bearer`: no cookie (a cookie for 127.0.0.1 is sent to every port of
 * 127.0.0.1, so any other local server would receive it) and no `?token=` (URLs end up in history and logs). The page
 * keeps the token itself, in its own sessionStorage, which is per origin and so per port (docs/security.md).
 */

export type GuardVerdict = { ok: true } | { ok: false; status: 401 | 403; error: string };

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

/** The path of a raw request target, without its query. The router uses the same split, so both agree on what is API. */
export function pathOf(url: string): string {
  return url.split('?', 1)[0]!;
}

/** `/api` and everything under it is the API (token required); anything else is a static file (no secret in it). */
export function isApiPath(pathname: string): boolean {
  return pathname === '/api' || pathname.startsWith('/api/');
}

/** The token of `Authorization: Bearer TOKEN`; null for any other scheme or shape. */
export function bearerToken(header: string | undefined): string | null {
  const m = header === undefined ? null : /^Bearer[ \t]+([^\s]+)[ \t]*$/i.exec(header);
  return m ? m[1]! : null;
}

const clip = (s: string) => JSON.stringify(s.length > 100 ? `${s.slice(0, 100)}…` : s);

/**
 * In this order:
 * 1. Host must name the bridge itself: a page on evil.example whose name was rebound to 127.0.0.1 sends
 *    `Host: evil.example`, so DNS rebinding gets nowhere even before the token is looked at.
 * 2. Origin, when a browser sends one, must be the bridge's own page: no other site's script gets an answer.
 * 3. The API needs `Authorization: Bearer TOKEN`. A browser never attaches that header by itself (unlike a cookie),
 *    and another origin cannot add it without a CORS preflight, which rule 2 refuses; so a request carrying it was
 *    written by someone who holds the token, and no separate CSRF rule is needed. Static files need no token: they
 *    hold no secret, and the page must load before it can read its token from the address bar.
 */
export function checkRequest(req: GuardRequest, ctx: GuardContext): GuardVerdict {
  const host = req.headers.host;
  if (host === undefined || !allowedHosts(ctx.port).includes(host.toLowerCase())) {
    return {
      ok: false,
      status: 403,
      error: `Host ${host === undefined ? '(none)' : clip(host)} is not this bridge; use http://127.0.0.1:${ctx.port}/`,
    };
  }
  const origin = req.headers.origin;
  if (origin !== undefined && !allowedOrigins(ctx.port).includes(origin.toLowerCase())) {
    return { ok: false, status: 403, error: `Origin ${clip(origin)} may not call this bridge` };
  }
  if (!isApiPath(pathOf(req.url))) return { ok: true };

  const bearer = bearerToken(req.headers.authorization);
  if (bearer === null || !tokensEqual(bearer, ctx.token)) {
    return {
      ok: false,
      status: 401,
      error: 'missing or wrong token: send `Authorization: Bearer TOKEN`, TOKEN from the address printed by `agent-janitor daemon --ui`',
    };
  }
  return { ok: true };
}
