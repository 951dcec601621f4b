import type { ActionResult, JanitorApi, UiEvent, UiState } from '../../src/shared/index.js';
import { isCleanable } from '../src/lib/agent-list.js';
import { planClean } from './mock-cleaning.js';
import type { MockWorld } from './mock-data.js';
import { endGrace, graceEnded, startFinishing } from './mock-finishing.js';

/** The fake engine's own state, shared by the areas of the mock API: the world, the pause, the sweeps and the events. */

/** A deep copy, as a call's answer crosses the bridge: the window never holds the world's own objects. */
export const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

export interface MockOptions {
  agents: number;
  host: 'desktop' | 'web';
  /** Milliseconds each call takes. */
  latency: number;
  /** No agents, alerts, archives or journal: the empty states. */
  empty: boolean;
  /** Keys reported as fixed by the command line. */
  overridden: string[];
  /** A periodic 'sweep' event every so many ms (0: none); each may also turn an active agent finishing. */
  sweepEveryMs: number;
}

export interface MockEngine {
  world: MockWorld;
  opts: MockOptions;
  paused: boolean;
  lastSweepAt: string | null;
  /** Sends an event to every listener of the API's onEvent. */
  emit: (e: UiEvent) => void;
}

export function uiState(engine: MockEngine): UiState {
  const { world, paused } = engine;
  const cleanable = world.agents.filter((a) => isCleanable(a.verdict)).length;
  const tasks = new Set(world.agents.map((a) => a.taskDir)).size;
  const tray = paused
    ? 'paused'
    : world.alerts.some((a) => a.severity === 'error')
      ? 'error'
      : world.alerts.length > 0
        ? 'attention'
        : 'idle';
  return {
    tray,
    message: paused
      ? 'Paused: nothing is cleaned until you resume'
      : `Watching ${world.agents.length.toLocaleString('en-US')} agents · ${cleanable} to clean · ${world.alerts.length} alerts`,
    paused,
    sweeping: false,
    lastSweepAt: engine.lastSweepAt,
    agents: world.agents.length,
    tasks,
    alerts: world.alerts.length,
    failures: world.activity.slice(0, 200).filter((e) => e.results.some((r) => r.outcome === 'failed')).length,
    watch: 'inotify',
    host: engine.opts.host,
  };
}

/** The events a sweep that changed the world sends: its actions, the sweep, the new state. */
export function afterChange(engine: MockEngine, actions: ActionResult[], trigger: 'watch' | 'finish' = 'watch') {
  const ts = new Date().toISOString();
  engine.lastSweepAt = ts;
  for (const action of actions.slice(0, 50)) engine.emit({ event: 'action', ts, action });
  engine.emit({ event: 'sweep', ts, trigger, tasks: 1, actions: {}, engineMs: 14 });
  engine.emit({ event: 'state', state: uiState(engine) });
}

/** The periodic sweeps (if asked for) and the daemon's `finish` re-plan, each on its own timer. */
export function startSweeps(engine: MockEngine): void {
  const { world, opts } = engine;
  if (opts.sweepEveryMs > 0) {
    setInterval(() => {
      engine.lastSweepAt = new Date().toISOString();
      engine.emit({ event: 'sweep', ts: engine.lastSweepAt, trigger: 'reconcile', tasks: 0, actions: {}, engineMs: 9 });
      // Now and then an agent's status turns completed while claude is still writing its answer.
      const active = world.agents.filter((a) => a.verdict === 'active' && a.sessionAlive);
      if (!engine.paused && active.length > 0 && Math.random() < 0.5)
        engine.emit(startFinishing(active[Math.floor(Math.random() * active.length)]!, world.config.finishGraceSeconds, Date.now()));
      engine.emit({ event: 'state', state: uiState(engine) });
    }, opts.sweepEveryMs);
  }

  // The daemon's `finish` re-plan: a grace that ended gets its agent cleaned (or, paused, only called finished).
  setInterval(() => {
    const ended = graceEnded(world.agents, Date.now());
    if (ended.length === 0) return;
    if (engine.paused) {
      for (const a of ended) endGrace(a, world.config.finishGraceSeconds);
      afterChange(engine, [], 'finish');
    } else {
      const actions = ended.flatMap((a) => planClean(world, { taskDir: a.taskDir, agentId: a.agentId }, true).actions);
      // A cleanup that failed leaves the agent finished, for the next sweep to retry.
      for (const a of ended) if (a.verdict === 'finishing') endGrace(a, world.config.finishGraceSeconds);
      afterChange(engine, actions, 'finish');
    }
  }, 1000);
}

/** The engine's state, pause, journal and the desktop's open-a-file. */
export function engineApi(engine: MockEngine): Pick<JanitorApi, 'getState' | 'setPaused' | 'activity' | 'openPath'> {
  return {
    getState: async () => uiState(engine),
    setPaused: async ({ paused }) => {
      engine.paused = paused;
      const s = uiState(engine);
      engine.emit({ event: 'state', state: s });
      return s;
    },
    // Pages newest first, like the engine's: `offset` entries skipped, `total` counting every match.
    activity: async ({ query = '', limit = 500, offset = 0 }) => {
      const q = query.trim().toLowerCase();
      const hits = q === '' ? engine.world.activity : engine.world.activity.filter((e) => JSON.stringify(e).toLowerCase().includes(q));
      return { entries: clone(hits.slice(offset, offset + limit)), total: hits.length };
    },
    openPath: async ({ path }) =>
      engine.opts.host === 'desktop'
        ? { ok: true, message: `opened ${path}` }
        : { ok: false, message: 'Only the desktop app can open files.' },
  };
}
