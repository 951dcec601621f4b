import type { JanitorApi, UiEvent } from '../../src/shared/index.js';
import { agentsApi, alertsApi } from './mock-api-agents.js';
import { archivesApi } from './mock-api-archives.js';
import { settingsApi } from './mock-api-settings.js';
import { makeWorld } from './mock-data.js';
import { engineApi, startSweeps, uiState, type MockEngine, type MockOptions } from './mock-engine.js';

/**
 * A fake engine behind the JanitorApi, for the dev harness and the Chromium checks: stateful (cleaning, pinning,
 * restoring, retention and settings change what the next call returns) and it pushes events like the real one.
 * Each area of the API is faked in its own file (mock-api-*.ts), over the engine state of mock-engine.ts.
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every call of `api` answered after the harness's latency, as over the bridge. */
function withLatency(api: Omit<JanitorApi, 'onEvent'>, latency: number): Omit<JanitorApi, 'onEvent'> {
  return Object.fromEntries(
    Object.entries(api).map(([name, fn]) => [
      name,
      async (input: unknown) => {
        await sleep(latency);
        return (fn as (i: unknown) => Promise<unknown>)(input ?? {});
      },
    ]),
  ) as unknown as Omit<JanitorApi, 'onEvent'>;
}

export function createMockApi(opts: MockOptions): JanitorApi {
  const world = makeWorld(opts.empty ? 0 : opts.agents);
  if (opts.empty) {
    world.alerts = [];
    world.activity = [];
    world.archives.clear();
  }
  const listeners = new Set<(e: UiEvent) => void>();
  const engine: MockEngine = {
    world,
    opts,
    paused: false,
    lastSweepAt: new Date(world.now - 40_000).toISOString(),
    emit: (e) => listeners.forEach((l) => l(e)),
  };
  startSweeps(engine);

  const api: Omit<JanitorApi, 'onEvent'> = {
    ...engineApi(engine),
    ...agentsApi(engine),
    ...alertsApi(engine),
    ...archivesApi(engine),
    ...settingsApi(engine),
  };
  return {
    ...withLatency(api, opts.latency),
    onEvent(listener) {
      listeners.add(listener);
      // Like the bridge's event stream, the first event is the current state.
      setTimeout(() => listener({ event: 'state', state: uiState(engine) }), 0);
      return () => listeners.delete(listener);
    },
  };
}
