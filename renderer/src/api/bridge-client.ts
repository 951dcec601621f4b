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
import { openEventStream, type EventStreamHandle } from './event-stream.js';
import type { FetchLike, FetchResponseLike } from './fetch-like.js';

export type { FetchInit, FetchLike, FetchResponseLike } from './fetch-like.js';

/**
 * JanitorApi over the web bridge (`agent-janitor daemon --ui`):
 * - the page is opened at `http://127.0.0.1:PORT/?token=TOKEN`; the page keeps the token itself, in memory and in
 *   sessionStorage (per origin, so per port, and per tab; it survives a reload), and strips it from the address bar,
 *   so it is not left in history or shown when the URL is shared. The bridge sets no cookie: a cookie for 127.0.0.1
 *   would go to every other port of 127.0.0.1 as well (docs/security.md, "The web bridge's token");
 * - each method is `POST /api/<method>` with the input as JSON and `Authorization: Bearer TOKEN`; a 200 carries the
 *   output (validated with the shared contract), anything else `{error, issues}` (UiErrorSchema);
 * - events come from one `GET /api/events` read with fetch() (event-stream.ts), with the same header; each message
 *   a UiEvent; it reconnects as EventSource would.
 * Browser globals are passed in (BridgeEnv), so the protocol is tested under Node against a real HTTP server.
 */

export interface BridgeEnv {
  fetch: FetchLike;
  /** `location.href` at start-up. */
  href: string;
  /** history.replaceState: drops the token from the address bar. */
  replaceUrl(url: string): void;
  /** sessionStorage; null when the browser refuses it (the token then lives in memory only, until a reload). */
  storage: { getItem(key: string): string | null; setItem(key: string, value: string): void } | null;
  /** Where a malformed event or a refused event stream is reported (never dropped silently). */
  reportError(message: string): void;
  /** The event stream's first reconnection delay (the bridge's `retry:` replaces it); default 3 s. */
  retryMs?: number;
}

export const TOKEN_KEY = 'agent-janitor.token';

export type ConnectionState = 'connecting' | 'open' | 'reconnecting';

/**
 * Why the bridge will not let this page in: it has no token at all ('no-token': opened without `?token=` and none
 * stored), or the bridge answered 401 to a call or to the event stream ('refused': a token of another daemon, or one
 * rotated since). Either way only opening the window's address again helps, so it is final for the page's life.
 */
export type AccessProblem = 'no-token' | 'refused';

export interface BridgeClient extends JanitorApi {
  /** The event stream's state, for the header ("reconnecting…"). */
  onConnection(listener: (state: ConnectionState) => void): () => void;
  /** The access problem known now: 'no-token' is known before any call, so the page can skip making them. */
  accessProblem(): AccessProblem | null;
  /** Told once, when the bridge refuses the token (at once if it already has). */
  onAccessProblem(listener: (problem: AccessProblem) => void): () => void;
}

/** Reads the token from `?token=`, stores it and strips it from the URL; falls back to the stored one. */
export function takeToken(env: Pick<BridgeEnv, 'href' | 'replaceUrl' | 'storage'>): string | null {
  const url = new URL(env.href);
  if (url.searchParams.has('token')) {
    const fromUrl = url.searchParams.get('token') ?? '';
    url.searchParams.delete('token');
    env.replaceUrl(`${url.pathname}${url.search}${url.hash}`);
    if (fromUrl) {
      try {
        env.storage?.setItem(TOKEN_KEY, fromUrl);
      } catch {
        // Storage full or refused: the token still works from memory for this page's life.
      }
      return fromUrl;
    }
  }
  try {
    return env.storage?.getItem(TOKEN_KEY) ?? null;
  } catch {
    return null;
  }
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

/** The access side: the problem, once known, and who to tell. */
function accessSide(initial: AccessProblem | null): Pick<BridgeClient, 'accessProblem' | 'onAccessProblem'> & { refused(): void } {
  let problem = initial;
  const listeners = new Set<(p: AccessProblem) => void>();
  return {
    accessProblem: () => problem,
    onAccessProblem(listener) {
      if (problem) listener(problem);
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    refused() {
      if (problem) return;
      problem = 'refused';
      for (const l of listeners) l(problem);
    },
  };
}

/** The event side: one stream for every listener, opened with the first and closed with the last. */
function eventSide(
  env: BridgeEnv,
  url: string,
  auth: Record<string, string>,
  onRefused: () => void,
): Pick<BridgeClient, 'onEvent' | 'onConnection'> {
  const listeners = new Set<(event: UiEvent) => void>();
  const connectionListeners = new Set<(state: ConnectionState) => void>();
  let stream: EventStreamHandle | null = null;
  let connection: ConnectionState = 'connecting';
  const setConnection = (s: ConnectionState) => {
    connection = s;
    for (const l of connectionListeners) l(s);
  };

  function deliver(raw: string): void {
    let data: unknown;
    try {
      data = JSON.parse(raw);
    } catch {
      env.reportError(`event stream: not JSON: ${raw.slice(0, 200)}`);
      return;
    }
    const parsed = UiEventSchema.safeParse(data);
    if (!parsed.success) {
      env.reportError(`event stream: unexpected event: ${raw.slice(0, 200)}`);
      return;
    }
    for (const l of listeners) {
      // One failing listener neither starves the others nor breaks the stream.
      try {
        l(parsed.data);
      } catch (err) {
        env.reportError(`event listener failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  const open = () =>
    openEventStream({
      fetch: env.fetch,
      url,
      headers: auth,
      onOpen: () => setConnection('open'),
      onData: deliver,
      onDrop: (reason, retrying, status) => {
        setConnection('reconnecting');
        if (!retrying) env.reportError(`event stream refused: ${reason} (open the address printed by \`agent-janitor daemon --ui\` again)`);
        if (status === 401) onRefused();
      },
      ...(env.retryMs !== undefined ? { retryMs: env.retryMs } : {}),
    });

  return {
    onEvent(listener) {
      listeners.add(listener);
      stream ??= open();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && stream) {
          stream.close();
          stream = null;
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

export function createBridgeClient(env: BridgeEnv): BridgeClient {
  const token = takeToken(env);
  const base = new URL(env.href);
  const auth: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {};
  const access = accessSide(token ? null : 'no-token');

  async function call<M extends UiMethodName>(method: M, input: UiInput<M>): Promise<UiOutput<M>> {
    const headers = { 'Content-Type': 'application/json', ...auth };
    let res: FetchResponseLike;
    try {
      res = await env.fetch(new URL(`/api/${method}`, base).toString(), {
        method: 'POST',
        headers,
        body: JSON.stringify(input ?? {}),
        credentials: 'omit',
        cache: 'no-store',
      });
    } catch (err) {
      throw new ApiError(`${method}: the janitor did not answer (${err instanceof Error ? err.message : String(err)})`);
    }
    if (res.status === 401) access.refused();
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
      throw new ApiError(
        `${method}: unexpected answer${first ? ` at ${first.path.join('.') || '(root)'}: ${first.message}` : ''}`,
        [],
        res.status,
      );
    }
    return out.data;
  }

  const methods = Object.fromEntries(UI_METHOD_NAMES.map((m) => [m, (input: UiInput<typeof m>) => call(m, input)])) as unknown as Omit<
    JanitorApi,
    'onEvent'
  >;
  const { accessProblem, onAccessProblem } = access;
  return { ...methods, ...eventSide(env, new URL('/api/events', base).toString(), auth, access.refused), accessProblem, onAccessProblem };
}
