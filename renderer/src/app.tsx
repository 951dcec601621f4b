import type { FunctionComponent } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { JanitorApi, UiState } from '../../src/shared/index.js';
import { AppContext, EventHub, type AppContextValue } from './app-context.js';
import type { BridgeClient, ConnectionState } from './api/bridge-client.js';
import { messageOf } from './api/errors.js';
import { Notice } from './components/badges.js';
import { Header } from './components/header.js';
import { PausedBanner } from './components/paused-banner.js';
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

export function App({ api, bridge }: { api: JanitorApi; bridge: BridgeClient | null }) {
  const [state, setState] = useState<UiState | null>(null);
  const [stateError, setStateError] = useState<string | null>(null);
  const [route, setRoute] = useState(() => parseHash(window.location.hash));
  const [connection, setConnection] = useState<ConnectionState | null>(null);
  const events = useMemo(() => new EventHub(), []);

  useEffect(() => {
    const onHash = () => setRoute(parseHash(window.location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  useEffect(() => {
    const off = api.onEvent((e) => {
      if (e.event === 'state') setState(e.state);
      events.emit(e);
    });
    api.getState({}).then(
      (s) => setState((cur) => cur ?? s),
      (err: unknown) => setStateError(messageOf(err)),
    );
    const offConn = bridge ? bridge.onConnection(setConnection) : () => undefined;
    return () => {
      off();
      offConn();
    };
  }, [api, bridge, events]);

  useEffect(() => {
    document.title = state && state.alerts > 0 ? `agent-janitor (${state.alerts})` : 'agent-janitor';
  }, [state?.alerts]);

  const ctx: AppContextValue = {
    api,
    state,
    desktop: state?.host === 'desktop',
    events,
    route,
    navigate: (hash) => {
      if (window.location.hash === hash) setRoute(parseHash(hash));
      else window.location.hash = hash;
    },
  };
  const Current = VIEW_COMPONENTS[route.view];
  return (
    <AppContext.Provider value={ctx}>
      <div class="app">
        <Header connection={connection} />
        <nav class="app-nav" aria-label="Views">
          {VIEWS.map((v) => (
            <a key={v} href={formatHash({ view: v })} class={v === route.view ? 'nav-link active' : 'nav-link'} aria-current={v === route.view ? 'page' : undefined} data-testid={`nav-${v}`}>
              {VIEW_LABELS[v]}
              {v === 'alerts' && state && state.alerts > 0 ? (
                <span class="nav-count" data-testid="nav-alert-count">
                  {state.alerts}
                </span>
              ) : null}
            </a>
          ))}
        </nav>
        <main class="app-main">
          {stateError ? (
            <Notice kind="error" testId="state-error">
              {stateError}
            </Notice>
          ) : null}
          {state?.paused ? <PausedBanner /> : null}
          <Current key={route.view} />
        </main>
      </div>
    </AppContext.Provider>
  );
}
