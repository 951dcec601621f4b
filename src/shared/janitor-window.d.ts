import type { JanitorApi } from './ui-contract.js';

/**
 * `window.janitor`, exposed by the Electron preload (src/preload/preload.ts); absent in a browser behind the web
 * bridge. A rejected call's Error has the UiError (ui-contract.ts) as JSON for its message.
 */
declare global {
  interface Window {
    janitor?: JanitorApi;
  }
}

export {};
