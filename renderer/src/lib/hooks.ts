import { useCallback, useContext, useEffect, useRef, useState } from 'preact/hooks';
import type { UiEvent } from '../../../src/shared/index.js';
import { AppContext } from '../app-context.js';
import { messageOf } from '../api/errors.js';

export interface Loaded<T> {
  data: T | null;
  error: string | null;
  loading: boolean;
  reload: () => void;
}

/**
 * Calls `load` on mount, on `reload()` and when the link to the engine comes back after a drop (the events missed
 * meanwhile are gone); keeps the last data while a reload runs, so a refresh never blanks the view. A slower
 * earlier call never overwrites a newer one.
 */
export function useLoader<T>(load: () => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const { reconnects } = useContext(AppContext);
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const seq = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const reload = useCallback(() => {
    const n = ++seq.current;
    setLoading(true);
    loadRef.current().then(
      (d) => {
        if (n !== seq.current) return;
        setData(d);
        setError(null);
        setLoading(false);
      },
      (err: unknown) => {
        if (n !== seq.current) return;
        setError(messageOf(err));
        setLoading(false);
      },
    );
  }, []);
  // Reloads whenever the caller's deps change, like useEffect itself.
  useEffect(reload, [...deps, reconnects]);
  return { data, error, loading, reload };
}

/** Runs `fn` at most once per `ms`: the first call at once, later ones folded into one trailing call. */
function useThrottled(fn: () => void, ms: number): () => void {
  const fnRef = useRef(fn);
  fnRef.current = fn;
  const last = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
  return useCallback(() => {
    if (timer.current) return;
    const wait = last.current + ms - Date.now();
    const run = () => {
      timer.current = null;
      last.current = Date.now();
      fnRef.current();
    };
    if (wait <= 0) run();
    else timer.current = setTimeout(run, wait);
  }, [ms]);
}

/** The value, once it has stopped changing for `ms`. */
export function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

/** Subscribes to the engine's events (one shared subscription, fanned out by the App). */
function useJanitorEvents(listener: (event: UiEvent) => void): void {
  const { events } = useContext(AppContext);
  const ref = useRef(listener);
  ref.current = listener;
  useEffect(() => events.subscribe((e) => ref.current(e)), [events]);
}

/** Reloads (throttled to once a second) when one of the named events arrives. */
export function useRefreshOn(kinds: readonly UiEvent['event'][], reload: () => void): void {
  const throttled = useThrottled(reload, 1000);
  useJanitorEvents((e) => {
    if (kinds.includes(e.event)) throttled();
  });
}

/** A set of keys (the expanded or collapsed tasks of a list) and the function that flips one key in or out. */
export function useToggleSet(): [ReadonlySet<string>, (key: string) => void] {
  const [set, setSet] = useState<ReadonlySet<string>>(() => new Set());
  const toggle = useCallback((key: string) => {
    setSet((cur) => {
      const next = new Set(cur);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });
  }, []);
  return [set, toggle];
}

/** One timer per period, shared by every component that asks for that period, so their clocks tick together. */
interface Clock {
  last: number;
  listeners: Set<(now: number) => void>;
  timer: ReturnType<typeof setInterval>;
}
const clocks = new Map<number, Clock>();

function startClock(ms: number): Clock {
  const state = { last: Date.now(), listeners: new Set<(now: number) => void>() };
  const timer = setInterval(() => {
    state.last = Date.now();
    for (const l of state.listeners) l(state.last);
  }, ms);
  const clock: Clock = Object.assign(state, { timer });
  clocks.set(ms, clock);
  return clock;
}

function subscribeClock(ms: number, listener: (now: number) => void): () => void {
  const c = clocks.get(ms) ?? startClock(ms);
  c.listeners.add(listener);
  return () => {
    c.listeners.delete(listener);
    if (c.listeners.size > 0) return;
    clearInterval(c.timer);
    clocks.delete(ms);
  };
}

/**
 * A clock that ticks every `ms`, so relative ages ("3m ago") and countdowns stay true while the window is open.
 * Components asking for the same period share one timer and show the same time.
 */
export function useNow(ms = 30_000): number {
  const [now, setNow] = useState(() => clocks.get(ms)?.last ?? Date.now());
  useEffect(() => subscribeClock(ms, setNow), [ms]);
  return now;
}
