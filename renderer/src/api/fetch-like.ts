/**
 * The part of fetch() the bridge client uses, typed structurally so the browser's fetch and Node's (in the tests)
 * both fit. `credentials: 'omit'`: the bridge takes no cookie, and cookies for 127.0.0.1 set by other local servers
 * (cookies are not port-scoped) have no business reaching it.
 */

export interface FetchInit {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  credentials: 'omit';
  cache: 'no-store';
  signal?: AbortSignal;
}

export interface StreamReaderLike {
  read(): Promise<{ done: boolean; value?: Uint8Array }>;
  cancel(): Promise<void>;
}

export interface FetchResponseLike {
  ok: boolean;
  status: number;
  text(): Promise<string>;
  /** The body as a stream (the event stream reads it as it arrives); null when there is none. */
  body: { getReader(): StreamReaderLike } | null;
}

export type FetchLike = (url: string, init: FetchInit) => Promise<FetchResponseLike>;
