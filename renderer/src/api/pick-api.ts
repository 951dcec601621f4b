import type { JanitorApi } from '../../../src/shared/index.js';
import { createBridgeClient, type BridgeClient, type EventSourceLike } from './bridge-client.js';

function openEvents(url: string): EventSourceLike {
  const es = new EventSource(url);
  const like: EventSourceLike = { onmessage: null, onerror: null, onopen: null, close: () => es.close() };
  es.onmessage = (ev) => like.onmessage?.(ev);
  es.onerror = (ev) => like.onerror?.(ev);
  es.onopen = (ev) => like.onopen?.(ev);
  return like;
}

/** Electron's preload provides `window.janitor`; without it the page was served by the web bridge. */
export function pickApi(): { api: JanitorApi; bridge: BridgeClient | null } {
  if (window.janitor) return { api: window.janitor, bridge: null };
  const bridge = createBridgeClient({
    fetch: (url, init) => window.fetch(url, init),
    href: window.location.href,
    replaceUrl: (url) => window.history.replaceState(window.history.state, '', url),
    storage: window.sessionStorage,
    openEvents,
    reportError: (message) => console.error(message),
  });
  return { api: bridge, bridge };
}
