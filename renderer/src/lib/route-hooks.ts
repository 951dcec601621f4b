import { useCallback, useContext, useEffect, useRef, useState } from 'preact/hooks';
import { AppContext } from '../app-context.js';
import { useDebounced } from './hooks.js';
import { formatHash, parseHash, type Route } from './route.js';

/** A change to the current view's address: params to set (null or '' removes one), and optionally its item id. */
export interface RoutePatch {
  params?: Record<string, string | null>;
  id?: string | null;
  /** Rewrite the current history entry instead of adding one (a search as it is typed, a selection). */
  replace?: boolean;
}

/** The address `patch` leads to from `cur`; params it sets to '' or null are dropped, so defaults stay out of links. */
export function patchRoute(cur: Route, patch: RoutePatch): string {
  const merged: Record<string, string | null> = { ...cur.params, ...patch.params };
  const params = Object.fromEntries(Object.entries(merged).filter((e): e is [string, string] => e[1] !== null && e[1] !== ''));
  return formatHash({ view: cur.view, id: patch.id === undefined ? cur.id : patch.id, params });
}

/**
 * The view's state lives in its address (`#/agents?tab=all&sort=size`), so reload, back/forward and the nav links
 * bring it back. Updates read the address as it is now (a fragment navigation changes it at once), so two changes
 * in one event do not undo each other.
 */
export function useViewRoute(): { route: Route; update: (patch: RoutePatch) => void } {
  const { route, navigate } = useContext(AppContext);
  const update = useCallback(
    (patch: RoutePatch) => {
      const cur = parseHash(window.location.hash);
      navigate(patchRoute(cur.view === route.view ? cur : route, patch), { replace: patch.replace });
    },
    [navigate, route.view],
  );
  return { route, update };
}

/**
 * A text box whose settled value is a URL param: typing updates the box at once and the address once it settles
 * (replacing the entry, so history holds searches, not keystrokes); back/forward or a link puts its value back.
 */
export function useUrlText(value: string, commit: (v: string) => void, ms = 250): [string, (v: string) => void] {
  const [text, setText] = useState(value);
  const committed = useRef(value);
  useEffect(() => {
    if (value === committed.current) return;
    committed.current = value;
    setText(value);
  }, [value]);
  const settled = useDebounced(text, ms);
  useEffect(() => {
    if (settled === committed.current || settled !== text) return;
    committed.current = settled;
    commit(settled);
  }, [settled]);
  return [text, setText];
}
