import type { JanitorApi } from '../../../src/shared/index.js';
import { createBridgeClient, type BridgeClient, type BridgeEnv } from './bridge-client.js';

/** sessionStorage, or null where the browser refuses it (storage disabled): reading the property itself may throw. */
function sessionStore(): BridgeEnv['storage'] {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

/** Electron's preload provides `window.janitor`; without it the page was served by the web bridge. */
export function pickApi(): { api: JanitorApi; bridge: BridgeClient | null } {
  if (window.janitor) return { api: window.janitor, bridge: null };
  const bridge = createBridgeClient({
    fetch: (url, init) => window.fetch(url, init),
    href: window.location.href,
    replaceUrl: (url) => window.history.replaceState(window.history.state, '', url),
    storage: sessionStore(),
    reportError: (message) => console.error(message),
  });
  return { api: bridge, bridge };
}
