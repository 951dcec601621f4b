import { useEffect, useState } from 'preact/hooks';
import type { AccessProblem, BridgeClient } from '../api/bridge-client.js';

/**
 * The window's link to the engine, as the page shows it: 'connecting' until the event stream first opens, 'open',
 * then 'lost' while it is down after having been open. Over Electron's IPC (no bridge) it is always 'open'.
 */
export type Link = 'connecting' | 'open' | 'lost';

export interface LinkState {
  link: Link;
  /** When the link was lost (ms since the epoch); null while it is not. */
  lostSince: number | null;
  /**
   * Counts the times the event stream came back after a drop. Views' loaders depend on it: events missed while the
   * stream was down are gone, so what a view shows must be fetched again.
   */
  reconnects: number;
}

export function useBridgeLink(bridge: BridgeClient | null): LinkState {
  const [state, setState] = useState<LinkState>({ link: bridge ? 'connecting' : 'open', lostSince: null, reconnects: 0 });
  useEffect(() => {
    if (!bridge) return;
    let wasOpen = false;
    let dropped = false;
    return bridge.onConnection((c) => {
      if (c === 'open') {
        const back = dropped;
        wasOpen = true;
        dropped = false;
        setState((cur) => ({ link: 'open', lostSince: null, reconnects: cur.reconnects + (back ? 1 : 0) }));
      } else if (c === 'reconnecting') {
        dropped = true;
        // A first connection that fails is still "connecting": there is no earlier data to call stale.
        if (wasOpen) setState((cur) => ({ ...cur, link: 'lost', lostSince: cur.lostSince ?? Date.now() }));
      }
    });
  }, [bridge]);
  return state;
}

/** The bridge's access problem, known at the first render when the page has no token at all. */
export function useAccessProblem(bridge: BridgeClient | null): AccessProblem | null {
  const [problem, setProblem] = useState<AccessProblem | null>(() => bridge?.accessProblem() ?? null);
  useEffect(() => (bridge ? bridge.onAccessProblem(setProblem) : undefined), [bridge]);
  return problem;
}
