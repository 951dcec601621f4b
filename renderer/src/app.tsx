import type { FunctionComponent } from 'preact';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { JanitorApi, UiState } from '../../src/shared/index.js';
import { AppContext, EventHub, type AppContextValue } from './app-context.js';
import type { BridgeClient } from './api/bridge-client.js';
import { messageOf } from './api/errors.js';
import { AccessNeeded } from './components/access-needed.js';
import { Notice } from './components/badges.js';
import { ConnectionBanner } from './components/connection-banner.js';
import { Header } from './components/header.js';
import { PausedBanner } from './components/paused-banner.js';
import { useAccessProblem, useBridgeLink } from './lib/bridge-link.js';
import { parseHash, VIEW_LABELS, VIEWS, formatHash, type View } from './lib/route.js';
import { ActivityView } from './views/activity-view.js';
import { AgentsView } from './views/agents-view.js';
import { AlertsView } from './views/alerts-view.js';
import { ArchivesView } from './views/archives-view.js';
import { DiskView } from './views/disk-view.js';
import { SettingsView } from './views/settings-view.js';

const VIEW_COMPONENTS: Record<View, FunctionComponent> = {
  agents: AgentsView,
  alerts: AlertsView,
  archives: ArchivesView,
  disk: DiskView,
  activity: ActivityView,
  settings: SettingsView,
};

/**
 * The engine's state: from 'state' events, and fetched at start and again each time the link comes back. A fetch
 * answered after a newer event does not overwrite it.
 */
function useUiState(api: JanitorApi, events: EventHub, reconnects: number): { state: UiState | null; stateError: string | null } {
  const [state, setState] = useState<UiState | null>(null);
  const [stateError, setStateError] = useState<string | null>(null);
  const seen = useRef(0);
  useEffect(() => {
    const off = api.onEvent((e) => {
      if (e.event === 'state') {
        seen.current++;
        setState(e.state);
        setStateError(null);
      }
      events.emit(e);
    });
    return off;
  }, [api, events]);
  useEffect(() => {
    const before = seen.current;
    api.getState({}).then(
      (s) => {
        if (seen.current !== before) return;
        setState(s);
        setStateError(null);
      },
      (err: unknown) => setStateError(messageOf(err)),
    );
  }, [api, reconnects]);
  return { state, stateError };
}

/**
 * The route is the hash. `replace` changes the current history entry instead of adding one (typing in a search box);
 * both are fragment navigations, which work alike over http:// and Electron's file://. Each view's last address is
 * kept, so its nav link brings it back as it was left (filters, sort, search, selection).
 */
function useRoute() {
  const [route, setRoute] = useState(() => parseHash(window.location.hash));
  const lastHash = useRef(new Map<View, string>());
  useEffect(() => {
    const onHash = () => setRoute(parseHash(window.location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  const navigate = useCallback((hash: string, opts: { replace?: boolean } = {}) => {
    if (window.location.hash === hash) setRoute(parseHash(hash));
    else if (opts.replace) window.location.replace(hash);
    else window.location.hash = hash;
  }, []);
  lastHash.current.set(route.view, formatHash(route));
  const hrefOf = (v: View) => lastHash.current.get(v) ?? formatHash({ view: v });
  return { route, navigate, hrefOf };
}

/** The window proper, once the bridge (if any) lets the page in. */
function Window({ api, bridge }: { api: JanitorApi; bridge: BridgeClient | null }) {
  const events = useMemo(() => new EventHub(), []);
  const { link, lostSince, reconnects } = useBridgeLink(bridge);
  const { state, stateError } = useUiState(api, events, reconnects);
  const { route, navigate, hrefOf } = useRoute();
  const offline = link === 'lost';

  useEffect(() => {
    const alerts = state && state.alerts > 0 ? ` (${state.alerts})` : '';
    document.title = offline ? 'agent-janitor: disconnected' : `agent-janitor${alerts}`;
  }, [state?.alerts, offline]);

  const ctx: AppContextValue = { api, state, desktop: state?.host === 'desktop', events, offline, reconnects, route, navigate };
  const Current = VIEW_COMPONENTS[route.view];
  return (
    <AppContext.Provider value={ctx}>
      <div class="app">
        {offline && lostSince !== null ? <ConnectionBanner since={lostSince} /> : null}
        <Header link={link} />
        <nav class="app-nav" aria-label="Views">
          {VIEWS.map((v) => (
            <a
              key={v}
              href={hrefOf(v)}
              class={v === route.view ? 'nav-link active' : 'nav-link'}
              aria-current={v === route.view ? 'page' : undefined}
              data-testid={`nav-${v}`}
            >
              {VIEW_LABELS[v]}
              {v === 'alerts' && state && state.alerts > 0 ? (
                <span class="nav-count" data-testid="nav-alert-count">
                  {state.alerts}
                </span>
              ) : null}
            </a>
          ))}
        </nav>
        <main class={offline ? 'app-main stale' : 'app-main'} data-testid="app-main">
          {offline ? (
            <div class="stale-note muted">
              <span class="stale-label" data-testid="stale-label">
                stale
              </span>
              What the janitor showed before the connection was lost.
            </div>
          ) : null}
          {/* One switch for every action of every view and dialog: a disabled fieldset disables all it holds. */}
          <fieldset class="bare-fieldset main-fieldset" disabled={offline}>
            {stateError && !offline ? (
              <Notice kind="error" testId="state-error">
                {stateError}
              </Notice>
            ) : null}
            {state?.paused ? <PausedBanner /> : null}
            <Current key={route.view} />
          </fieldset>
        </main>
      </div>
    </AppContext.Provider>
  );
}

/** The web bridge refused the page (no token, or a wrong one): a plain explanation instead of a broken window. */
export function App({ api, bridge }: { api: JanitorApi; bridge: BridgeClient | null }) {
  const access = useAccessProblem(bridge);
  return access ? <AccessNeeded problem={access} /> : <Window api={api} bridge={bridge} />;
}
