import type { FetchInit, FetchLike, StreamReaderLike } from './fetch-like.js';
import { SseParser } from './sse-parser.js';

/**
 * The bridge's event stream (`GET /api/events`, Server-Sent Events) read with fetch() instead of EventSource, because
 * EventSource cannot send an Authorization header and the bridge takes its token in no other way (no cookie, no
 * query: docs/security.md). It keeps EventSource's behaviour: reconnect after the `retry:` delay (3 s by default)
 * when the connection fails or ends, and stop for good when the bridge refuses the request, which a retry would not
 * change (a token from an older daemon run).
 */

export const DEFAULT_RETRY_MS = 3000;
/** Answers a retry cannot fix; anything else (503 while the daemon stops, a network error) is retried. */
const REFUSED = new Set([400, 401, 403, 404, 405]);

export interface EventStreamOptions {
  fetch: FetchLike;
  url: string;
  /** Sent on every connection: the Authorization header. */
  headers: Record<string, string>;
  onOpen(): void;
  /** One event's data (the `data:` lines joined). */
  onData(data: string): void;
  /**
   * The connection failed or ended; `retrying` is false once the bridge refused it. `status` is the bridge's HTTP
   * answer when it gave one (401: the page's token is not the daemon's), undefined when the connection itself failed.
   */
  onDrop(reason: string, retrying: boolean, status?: number): void;
  /** Until the server sends `retry:`; default DEFAULT_RETRY_MS. */
  retryMs?: number;
}

export interface EventStreamHandle {
  close(): void;
}

const why = (err: unknown) => (err instanceof Error ? err.message : String(err));

export function openEventStream(o: EventStreamOptions): EventStreamHandle {
  let closed = false;
  let retryMs = o.retryMs ?? DEFAULT_RETRY_MS;
  let abort: AbortController | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const drop = (reason: string, retrying: boolean, status?: number) => {
    if (closed) return;
    o.onDrop(reason, retrying, status);
    if (retrying) timer = setTimeout(start, retryMs);
  };

  /** Reads until the stream ends or breaks; says which. Only reading is guarded: a listener's error is not a drop. */
  async function pump(reader: StreamReaderLike): Promise<string> {
    const parser = new SseParser();
    const decoder = new TextDecoder();
    for (;;) {
      let chunk: { done: boolean; value?: Uint8Array };
      try {
        chunk = await reader.read();
      } catch (err) {
        return `the event stream broke (${why(err)})`;
      }
      if (chunk.done) return 'the event stream ended';
      for (const m of parser.push(decoder.decode(chunk.value, { stream: true }))) {
        if (m.kind === 'retry') retryMs = m.ms;
        else o.onData(m.data);
      }
    }
  }

  async function connect(): Promise<void> {
    timer = null;
    abort = new AbortController();
    const init: FetchInit = {
      method: 'GET',
      headers: { ...o.headers, Accept: 'text/event-stream' },
      credentials: 'omit',
      cache: 'no-store',
      signal: abort.signal,
    };
    let res;
    try {
      res = await o.fetch(o.url, init);
    } catch (err) {
      return drop(`the janitor did not answer (${why(err)})`, true);
    }
    if (!res.ok || res.body === null) {
      const text = await res.text().catch(() => '');
      return drop(`HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}`, !REFUSED.has(res.status), res.status);
    }
    if (closed)
      return void res.body
        .getReader()
        .cancel()
        .catch(() => undefined);
    o.onOpen();
    drop(await pump(res.body.getReader()), true);
  }

  function start(): void {
    connect().catch((err: unknown) => drop(`the event stream failed (${why(err)})`, true));
  }

  start();
  return {
    close() {
      if (closed) return;
      closed = true;
      if (timer !== null) clearTimeout(timer);
      abort?.abort();
    },
  };
}
