import { createContext } from 'preact';
import type { JanitorApi, UiEvent, UiState } from '../../src/shared/index.js';
import type { Route } from './lib/route.js';

/** One subscription to the engine's events, fanned out to whichever views are mounted. */
export class EventHub {
  private readonly listeners = new Set<(e: UiEvent) => void>();
  subscribe(l: (e: UiEvent) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  emit(e: UiEvent): void {
    for (const l of this.listeners) l(e);
  }
}

export interface AppContextValue {
  api: JanitorApi;
  state: UiState | null;
  /** Desktop-only actions (open in editor, reveal) are hidden on 'web'. */
  desktop: boolean;
  events: EventHub;
  /**
   * True while the web bridge cannot be reached after having been: what the views show may be out of date, and no
   * action can reach the engine (they are disabled).
   */
  offline: boolean;
  /** Times the link came back after a drop; loaders reload when it changes (useLoader). */
  reconnects: number;
  route: Route;
  /** Goes to `hash`; `replace` rewrites the current history entry (a search as it is typed) instead of adding one. */
  navigate(hash: string, opts?: { replace?: boolean }): void;
}

export const AppContext = createContext<AppContextValue>(null as unknown as AppContextValue);
