import { useContext, useEffect, useRef, useState } from 'preact/hooks';
import { AppContext } from '../app-context.js';
import { messageOf } from '../api/errors.js';
import { firstPage, nextPage, refreshPages, type ActivityOrder, type FetchPage, type Loaded } from '../lib/activity-pages.js';

type Busy = 'first' | 'more' | 'refresh' | null;

/**
 * The journal a page at a time (activity-pages.ts): the first page whenever the search or order changes (or the
 * link comes back), the next one on `more()`, new entries on `refresh()`. An answer to an older request never
 * overwrites a newer one; the data shown stays while the next request runs.
 */
export function useActivityPages(query: string, order: ActivityOrder, size: number) {
  const { api, reconnects } = useContext(AppContext);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<Busy>('first');
  const seq = useRef(0);
  const state = useRef<{ loaded: Loaded | null; busy: Busy }>({ loaded: null, busy: 'first' });
  state.current = { loaded, busy };
  const fetchPage: FetchPage = (offset, limit) => api.activity({ query, limit, offset });

  const run = (kind: Exclude<Busy, null>, op: () => Promise<Loaded>) => {
    const n = ++seq.current;
    setBusy(kind);
    op().then(
      (d) => {
        if (n !== seq.current) return;
        setLoaded(d);
        setError(null);
        setBusy(null);
      },
      (err: unknown) => {
        if (n !== seq.current) return;
        setError(messageOf(err));
        setBusy(null);
      },
    );
  };
  const first = () => run('first', () => firstPage(fetchPage, order, size));
  useEffect(first, [query, order, reconnects]);

  const more = () => {
    const cur = state.current.loaded;
    if (cur && state.current.busy === null) run('more', () => nextPage(fetchPage, order, cur, size));
  };
  // A sweep's refresh waits for a page being loaded rather than cancel it: it comes again with the next event.
  const refresh = () => {
    const cur = state.current.loaded;
    if (state.current.busy !== null) return;
    if (cur) run('refresh', () => refreshPages(fetchPage, order, cur, size));
    else first();
  };
  return { loaded, error, busy, more, refresh, reload: first };
}
