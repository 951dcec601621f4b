import type { z } from 'zod';
import {
  UiErrorSchema,
  UiEventSchema,
  uiMethods,
  UI_METHOD_NAMES,
  type JanitorApi,
  type UiEvent,
  type UiInput,
  type UiMethodName,
  type UiOutput,
} from '../../../src/shared/index.js';
import { ApiError } from './errors.js';

/**
 * JanitorApi over the web bridge (`agent-janitor daemon --ui`):
 * - the page is opened at `http://127.0.0.1:PORT/?token=TOKEN`; the token is moved from the address bar into
 *   sessionStorage, so it survives reloads but is not left in history or shown when the URL is shared;
 * - each method is `POST /api/<method>` with the input as JSON and `Authorization: Bearer TOKEN`; a 200 carries the
 *   output (validated with the shared contract), anything else `{error, issues}` (UiErrorSchema);
 * - events come from one EventSource on `/api/events` (authorised by the HttpOnly cookie the page load set), each
 *   message a UiEvent; EventSource reconnects by itself.
 * Browser globals are passed in (BridgeEnv), so the protocol is tested under Node against a real HTTP server.
 */

export interface FetchResponseLike {
  ok: boolean;
  status: number;
  text(): Promise<string>;
}
export type FetchLike = (url: string, init: { method: 'POST'; headers: Record<string, string>; body: string; credentials: 'same-origin' }) => Promise<FetchResponseLike>;

export interface EventSourceLike {
  onmessage: ((ev: { data: unknown }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onopen: ((ev: unknown) => void) | null;
  close(): void;
}

export interface BridgeEnv {
  fetch: FetchLike;
  /** `location.href` at start-up. */
  href: string;
  /** history.replaceState: drops the token from the address bar. */
  replaceUrl(url: string): void;
  storage: { getItem(key: string): string | null; setItem(key: string, value: string): void };
  openEvents(url: string): EventSourceLike;
  /** Where a malformed event is reported (never dropped silently). */
  reportError(message: string): void;
}

export const TOKEN_KEY = 'agent-janitor.token';

export type ConnectionState = 'connecting' | 'open' | 'reconnecting';

export interface BridgeClient extends JanitorApi {
  /** The event stream's state, for the header ("reconnecting…"). */
  onConnection(listener: (state: ConnectionState) => void): () => void;
}

/** Reads the token from `?token=`, stores it and strips it from the URL; falls back to the stored one. */
function takeToken(env: Pick<BridgeEnv, 'href' | 'replaceUrl' | 'storage'>): string | null {
  const url = new URL(env.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    env.storage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    env.replaceUrl(`${url.pathname}${url.search}${url.hash}`);
    return fromUrl;
  }
  return env.storage.getItem(TOKEN_KEY);
}

async function errorFrom(method: string, res: FetchResponseLike): Promise<ApiError> {
  const text = await res.text().catch(() => '');
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: reported below with the raw text
  }
  const parsed = UiErrorSchema.safeParse(body);
  if (parsed.success) return new ApiError(parsed.data.error, parsed.data.issues, res.status);
  const hint = res.status === 401 || res.status === 403 ? ' (open the address printed by `agent-janitor daemon --ui` again)' : '';
  return new ApiError(`${method}: HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}${hint}`, [], res.status);
}

export function createBridgeClient(env: BridgeEnv): BridgeClient {
  const token = takeToken(env);
  const base = new URL(env.href);

  async function call<M extends UiMethodName>(method: M, input: UiInput<M>): Promise<UiOutput<M>> {
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    let res: FetchResponseLike;
    try {
      res = await env.fetch(new URL(`/api/${method}`, base).toString(), { method: 'POST', headers, body: JSON.stringify(input ?? {}), credentials: 'same-origin' });
    } catch (err) {
      throw new ApiError(`${method}: the janitor did not answer (${err instanceof Error ? err.message : String(err)})`);
    }
    if (!res.ok) throw await errorFrom(method, res);
    let body: unknown;
    try {
      body = JSON.parse(await res.text());
    } catch {
      throw new ApiError(`${method}: the answer is not JSON`, [], res.status);
    }
    const schema: z.ZodType<UiOutput<M>> = uiMethods[method].output as unknown as z.ZodType<UiOutput<M>>;
    const out = schema.safeParse(body);
    if (!out.success) {
      const first = out.error.issues[0];
      throw new ApiError(`${method}: unexpected answer${first ? ` at ${first.path.join('.') || '(root)'}: ${first.message}` : ''}`, [], res.status);
    }
    return out.data;
  }

  const listeners = new Set<(event: UiEvent) => void>();
  const connectionListeners = new Set<(state: ConnectionState) => void>();
  let source: EventSourceLike | null = null;
  let connection: ConnectionState = 'connecting';
  const setConnection = (s: ConnectionState) => {
    connection = s;
    for (const l of connectionListeners) l(s);
  };

  function openStream(): void {
    const es = env.openEvents(new URL('/api/events', base).toString());
    es.onopen = () => setConnection('open');
    es.onerror = () => setConnection('reconnecting');
    es.onmessage = (ev) => {
      let data: unknown;
      try {
        data = JSON.parse(String(ev.data));
      } catch {
        env.reportError(`event stream: not JSON: ${String(ev.data).slice(0, 200)}`);
        return;
      }
      const parsed = UiEventSchema.safeParse(data);
      if (!parsed.success) {
        env.reportError(`event stream: unexpected event: ${String(ev.data).slice(0, 200)}`);
        return;
      }
      for (const l of listeners) l(parsed.data);
    };
    source = es;
  }

  const methods = Object.fromEntries(UI_METHOD_NAMES.map((m) => [m, (input: UiInput<typeof m>) => call(m, input)])) as unknown as Omit<JanitorApi, 'onEvent'>;
  return {
    ...methods,
    onEvent(listener) {
      listeners.add(listener);
      if (!source) openStream();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && source) {
          source.close();
          source = null;
          setConnection('connecting');
        }
      };
    },
    onConnection(listener) {
      connectionListeners.add(listener);
      listener(connection);
      return () => connectionListeners.delete(listener);
    },
  };
}
