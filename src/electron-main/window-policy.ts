import { pathToFileURL } from 'node:url';
import { isIndexUrl } from './ipc-contract.js';

/**
 * The window's security rules as data, applied by `window.ts`. The CSP is the web bridge's: the renderer is one
 * bundle served from its own folder, with no inline script or style and no remote content.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

export type ResponseHeaders = Record<string, string | string[]>;

/** The response headers with our CSP in place of any the response brought (header names are case-insensitive). */
export function withCsp(headers: ResponseHeaders | undefined): Record<string, string[]> {
  const kept = Object.entries(headers ?? {})
    .filter(([name]) => name.toLowerCase() !== 'content-security-policy')
    .map(([name, value]): [string, string[]] => [name, Array.isArray(value) ? value : [value]]);
  return { ...Object.fromEntries(kept), 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] };
}

export function indexUrlOf(indexPath: string): string {
  return pathToFileURL(indexPath).href;
}

/** The index page at a route (`#/alerts/…`); the renderer routes on location.hash. */
export function urlAtRoute(indexPath: string, route: string | null): string {
  const url = new URL(indexUrlOf(indexPath));
  if (route !== null && route.startsWith('#/')) url.hash = route;
  return url.href;
}

/** `will-navigate`: only moves within the index page itself (a hash change) are allowed. */
export function navigationAllowed(target: string, indexPath: string): boolean {
  return isIndexUrl(target, indexUrlOf(indexPath));
}

/** Routes the tray and notifications open. */
export const ROUTES = { home: '#/', settings: '#/settings' } as const;
