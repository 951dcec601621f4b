import {
  ConfigSchema,
  fieldIssues,
  sameValue,
  valueAt,
  withValueAt,
  type ActionResult,
  type AgentRow,
  type CleanTarget,
  type FieldIssue,
  type JanitorApi,
  type Settings,
  type SweepReport,
  type UiEvent,
  type UiState,
} from '../../src/shared/index.js';
import { ApiError } from '../src/api/errors.js';
import { cleanedByCleanNow, isCleanable } from '../src/lib/agent-list.js';
import { restoreDestination } from '../src/lib/archive-paths.js';
import { applyRetentionPlan, archiveEntry, retentionPlan } from './mock-archives.js';
import { makeWorld, ROOTS, rng } from './mock-data.js';
import { endGrace, graceEnded, startFinishing } from './mock-finishing.js';

/**
 * A fake engine behind the JanitorApi, for the dev harness and the Chromium checks: stateful (cleaning, pinning,
 * restoring, retention and settings change what the next call returns) and it pushes events like the real one.
 */

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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

export function createMockApi(opts: MockOptions): JanitorApi {
  const world = makeWorld(opts.empty ? 0 : opts.agents);
  if (opts.empty) {
    world.alerts = [];
    world.activity = [];
    world.archives.clear();
  }
  let paused = false;
  let lastSweepAt: string | null = new Date(world.now - 40_000).toISOString();
  const listeners = new Set<(e: UiEvent) => void>();
  const emit = (e: UiEvent) => listeners.forEach((l) => l(e));

  const state = (): UiState => {
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
      lastSweepAt,
      agents: world.agents.length,
      tasks,
      alerts: world.alerts.length,
      failures: world.activity.slice(0, 200).filter((e) => e.results.some((r) => r.outcome === 'failed')).length,
      watch: 'inotify',
      host: opts.host,
    };
  };

  const targets = (t: CleanTarget): AgentRow[] =>
    world.agents.filter(
      (a) =>
        (t.taskDir === undefined || a.taskDir === t.taskDir) &&
        (t.agentId === undefined || a.agentId === t.agentId) &&
        (t.agentId !== undefined || cleanedByCleanNow(a.verdict)),
    );

  const plan = (t: CleanTarget, run: boolean): SweepReport => {
    const actions: ActionResult[] = [];
    const chosen = targets(t);
    for (const a of chosen) {
      if (!cleanedByCleanNow(a.verdict) && a.verdict !== 'active') continue;
      const base = {
        task: a.taskDir,
        agentId: a.agentId,
        reason:
          a.verdict === 'idle'
            ? `idle for ${a.idleMinutes ?? 0} minutes`
            : a.verdict === 'active'
              ? 'cleaned by hand'
              : `status ${a.status}`,
      };
      // One agent in 7 (by id) has a kill that fails, to show failures.
      const fails = run && a.agentId.charCodeAt(a.agentId.length - 1) % 7 === 0;
      const outcome = (ok = true): ActionResult['outcome'] => (run ? (ok ? 'done' : 'failed') : 'planned');
      if (a.sessionAlive && a.session) {
        actions.push({ ...base, kind: 'capture-scrollback', target: a.session, outcome: outcome() });
        actions.push({
          ...base,
          kind: 'kill-session',
          target: a.session,
          outcome: outcome(!fails),
          ...(fails ? { error: `tmux kill-session -t $${17 + (a.agentId.length % 9)}: timed out after 10000 ms` } : {}),
        });
        actions.push({
          ...base,
          kind: 'signal-processes',
          target: `${a.session}: 3 processes`,
          outcome: fails ? 'skipped' : outcome(),
          ...(fails ? { reason: 'the session was not confirmed dead' } : {}),
        });
      } else if (a.session) {
        actions.push({ ...base, kind: 'kill-session', target: a.session, outcome: 'skipped', reason: 'session already gone' });
      }
      for (const f of a.files) {
        if (f.path.includes('/'))
          actions.push({
            ...base,
            kind: 'archive-file',
            target: f.path,
            outcome: fails ? 'skipped' : outcome(),
            ...(fails ? { reason: 'kept: its session may still write it' } : {}),
          });
        else actions.push({ ...base, kind: 'delete-prompt', target: f.path, outcome: fails ? 'skipped' : outcome() });
      }
      actions.push({ ...base, kind: 'record-outcome', target: 'archive/JOURNAL.jsonl', outcome: outcome() });
      if (run && !fails) {
        const moved = a.files.filter((f) => f.path.includes('/'));
        const list = world.archives.get(a.taskDir) ?? [];
        for (const f of moved) list.push(archiveEntry(f.path, a.agentId, f.bytes, world.config, Date.now()));
        if (list.length > 0) world.archives.set(a.taskDir, list);
        Object.assign(a, {
          verdict: 'clean',
          status: a.status === 'running' ? 'running' : a.status,
          sessionAlive: false,
          files: [],
          bytes: 0,
          reason: 'cleaned just now',
          graceEndsAt: null,
          graceSeconds: null,
        });
      }
    }
    const counts = { done: 0, skipped: 0, failed: 0, planned: 0 };
    for (const a of actions) counts[a.outcome]++;
    return {
      // Clean now ignores the finish grace, so its report calls a finishing agent finished, as the engine's does.
      agents: chosen.map((a) => {
        const f = a.verdict === 'finishing';
        return {
          task: a.taskDir,
          agentId: a.agentId,
          status: a.status,
          verdict: f ? 'finished' : a.verdict,
          reason: f ? `status ${a.status}` : a.reason,
          session: a.session,
          sessionAlive: a.sessionAlive,
          idleMinutes: a.idleMinutes,
          pinned: a.pinned,
          source: a.source,
          graceEndsAt: f ? null : a.graceEndsAt,
          graceSeconds: f ? null : a.graceSeconds,
        };
      }),
      actions,
      orphans: [],
      errors: [],
      stats: {
        roots: ROOTS.length,
        tasks: new Set(chosen.map((a) => a.taskDir)).size,
        registries: 0,
        databases: 1,
        agents: chosen.length,
        actions: counts,
        tmuxSpawns: 3,
        dryRun: !run,
        engineMs: 12,
        stepsMs: {},
        timeouts: [],
      },
    };
  };

  const settings = (): Settings => ({
    config: clone(world.config),
    path: '/home/dev/.config/agent-janitor/config.json',
    overridden: opts.overridden,
  });

  const retention = () => retentionPlan(world.archives, world.config, Date.now());

  const afterChange = (actions: ActionResult[], trigger: 'watch' | 'finish' = 'watch') => {
    lastSweepAt = new Date().toISOString();
    for (const action of actions.slice(0, 50)) emit({ event: 'action', ts: lastSweepAt, action });
    emit({ event: 'sweep', ts: lastSweepAt, trigger, tasks: 1, actions: {}, engineMs: 14 });
    emit({ event: 'state', state: state() });
  };

  if (opts.sweepEveryMs > 0) {
    setInterval(() => {
      lastSweepAt = new Date().toISOString();
      emit({ event: 'sweep', ts: lastSweepAt, trigger: 'reconcile', tasks: 0, actions: {}, engineMs: 9 });
      // Now and then an agent's status turns completed while claude is still writing its answer.
      const active = world.agents.filter((a) => a.verdict === 'active' && a.sessionAlive);
      if (!paused && active.length > 0 && Math.random() < 0.5)
        emit(startFinishing(active[Math.floor(Math.random() * active.length)]!, world.config.finishGraceSeconds, Date.now()));
      emit({ event: 'state', state: state() });
    }, opts.sweepEveryMs);
  }

  // The daemon's `finish` re-plan: a grace that ended gets its agent cleaned (or, paused, only called finished).
  setInterval(() => {
    const ended = graceEnded(world.agents, Date.now());
    if (ended.length === 0) return;
    if (paused) {
      for (const a of ended) endGrace(a, world.config.finishGraceSeconds);
      afterChange([], 'finish');
    } else {
      const actions = ended.flatMap((a) => plan({ taskDir: a.taskDir, agentId: a.agentId }, true).actions);
      // A cleanup that failed leaves the agent finished, for the next sweep to retry.
      for (const a of ended) if (a.verdict === 'finishing') endGrace(a, world.config.finishGraceSeconds);
      afterChange(actions, 'finish');
    }
  }, 1000);

  const api: Omit<JanitorApi, 'onEvent'> = {
    getState: async () => state(),
    listAgents: async () => clone(world.agents),
    previewClean: async (t) => plan(t, false),
    cleanNow: async (t) => {
      const report = plan(t, true);
      afterChange(report.actions);
      return report;
    },
    setPinned: async ({ agentId, pinned }) => api.setPinnedMany({ agentIds: [agentId], pinned }),
    setPinnedMany: async ({ agentIds, pinned }) => {
      for (const agentId of agentIds) {
        const a = world.agents.find((x) => x.agentId === agentId);
        if (!a) throw new ApiError(`no agent ${agentId}`);
        a.pinned = pinned;
        world.config.pins = pinned ? [...new Set([...world.config.pins, agentId])] : world.config.pins.filter((p) => p !== agentId);
      }
      return { pins: world.config.pins };
    },
    // One fix after another, as the engine does (a fix that changes the world must not race the next).
    fixAlerts: async ({ ids }) => {
      const results = [];
      for (const id of ids) results.push({ id, ...(await api.fixAlert({ id })) });
      return { results };
    },
    readLog: async ({ agentId }) => {
      const r = rng(agentId.length * 31 + agentId.charCodeAt(0));
      const lines = Array.from({ length: 120 }, (_, i) => {
        const t = new Date(Date.now() - (120 - i) * 7_000).toISOString();
        return JSON.stringify({
          ts: t,
          type: ['assistant', 'tool_use', 'tool_result'][Math.floor(r() * 3)],
          text: i % 9 === 0 ? 'Running npm test…' : `step ${i}: editing src/module-${Math.floor(r() * 40)}.ts`,
        });
      });
      return { path: `${ROOTS[0]}/.agent-workspace/logs/${agentId}_stream.jsonl`, text: lines.join('\n'), bytes: 812_345, truncated: true };
    },
    listAlerts: async () => clone(world.alerts),
    fixAlert: async ({ id }) => {
      const alert = world.alerts.find((a) => a.id === id);
      if (!alert) return { ok: false, message: 'This alert is gone already.' };
      if (alert.kind === 'breaker')
        return { ok: false, message: 'Retried: archiving failed again (EACCES: permission denied, archive/MANIFEST.jsonl).' };
      // The engine refuses a blocked fix too, whatever the window sent.
      if (alert.fix?.blocked) return { ok: false, message: alert.fix.blocked };
      world.alerts = world.alerts.filter((a) => a.id !== id);
      emit({ event: 'state', state: state() });
      return { ok: true, message: `${alert.fix?.label ?? 'Fixed'}: done.` };
    },
    listArchives: async () =>
      [...world.archives].map(([taskDir, files]) => {
        const bytes = files.reduce((n, f) => n + f.bytes, 0);
        const storedBytes = files.reduce((n, f) => n + f.storedBytes, 0);
        const times = files.map((f) => f.archivedAt).sort();
        return {
          task: taskDir.split('/').pop()!,
          taskDir,
          root: taskDir.split('/.agent-workspace/')[0]!,
          files: clone(files),
          bytes,
          storedBytes,
          ratio: files.length ? bytes / Math.max(1, storedBytes) : null,
          oldest: times[0] ?? null,
          newest: times.at(-1) ?? null,
        };
      }),
    restoreArchive: async ({ taskDir, path }) => {
      const files = world.archives.get(taskDir) ?? [];
      const f = files.find((x) => x.path === path);
      if (!f) throw new ApiError(`${path}: not in the manifest`);
      return { restored: restoreDestination(f) };
    },
    deleteArchive: async ({ taskDir, path }) => {
      const files = world.archives.get(taskDir) ?? [];
      const f = files.find((x) => x.path === path);
      if (!f) throw new ApiError(`${path}: not in the manifest`);
      world.archives.set(
        taskDir,
        files.filter((x) => x !== f),
      );
      return { deleted: `${taskDir}/${path}`, storedBytes: f.storedBytes };
    },
    readArchive: async ({ taskDir, path }) => {
      const f = (world.archives.get(taskDir) ?? []).find((x) => x.path === path);
      if (!f) throw new ApiError(`${path}: not in the manifest`);
      const text = Array.from({ length: 40 }, (_, i) =>
        JSON.stringify({ type: 'assistant', text: `archived line ${i} of ${f.agentId}` }),
      ).join('\n');
      return { path, text, bytes: f.bytes, truncated: f.bytes > text.length };
    },
    previewRetention: async () => retention(),
    applyRetention: async () => {
      const p = retention();
      applyRetentionPlan(world.archives, p);
      return p;
    },
    diskUsage: async () => {
      const roots = ROOTS.map((root, ri) => {
        const tasks = [...new Set(world.agents.filter((a) => a.root === root).map((a) => a.taskDir))].map((taskDir) => {
          const logs = world.agents.filter((a) => a.taskDir === taskDir).reduce((n, a) => n + a.bytes, 0);
          const archive = (world.archives.get(taskDir) ?? []).reduce((n, f) => n + f.storedBytes, 0);
          return { task: taskDir.split('/').pop()!, taskDir, logs, archive, other: 40_960 + (logs % 200_000) };
        });
        const sum = (k: 'logs' | 'archive' | 'other') => tasks.reduce((n, t) => n + t[k], 0);
        return {
          root,
          logs: sum('logs'),
          archive: sum('archive'),
          other: sum('other'),
          freeBytes: [182e9, 41e9][ri] ?? null,
          totalBytes: [512e9, 256e9][ri] ?? null,
          tasks,
        };
      });
      const total = (k: 'logs' | 'archive' | 'other') => roots.reduce((n, r) => n + r[k], 0);
      const r = rng(3);
      const history = opts.empty
        ? []
        : Array.from({ length: 168 }, (_, i) => {
            const f = (i + 1) / 168;
            const wave = 0.6 + 0.4 * Math.sin(i / 6) * r();
            return {
              ts: new Date(Date.now() - (168 - i) * 3_600_000).toISOString(),
              logs: Math.round(total('logs') * wave),
              archive: Math.round(total('archive') * (0.4 + 0.6 * f)),
              other: Math.round(total('other') * (0.9 + 0.1 * f)),
              freeBytes: Math.round(223e9 - f * 4e9 - wave * 1e9),
            };
          });
      return { roots, history, reclaimableBytes: retention().reclaimBytes };
    },
    // Pages newest first, like the engine's: `offset` entries skipped, `total` counting every match.
    activity: async ({ query = '', limit = 500, offset = 0 }) => {
      const q = query.trim().toLowerCase();
      const hits = q === '' ? world.activity : world.activity.filter((e) => JSON.stringify(e).toLowerCase().includes(q));
      return { entries: clone(hits.slice(offset, offset + limit)), total: hits.length };
    },
    getSettings: async () => settings(),
    saveSettings: async ({ changes }) => {
      const stale = changes.filter((c) => !sameValue(valueAt(world.config, c.path), c.from));
      if (stale.length > 0)
        return {
          ok: false,
          issues: stale.map((c) => ({ path: c.path, message: 'changed in the config file since this form was loaded' })),
        };
      const config = changes.reduce<Record<string, unknown>>((object, c) => withValueAt(object, c.path, c.to), { ...world.config });
      const parsed = ConfigSchema.safeParse(config);
      if (!parsed.success) return { ok: false, issues: fieldIssues(parsed.error.issues) };
      // The engine's own check, beyond the schema: roots must be absolute paths.
      const issues: FieldIssue[] = parsed.data.roots.flatMap((root, i) =>
        root.startsWith('/') ? [] : [{ path: `roots.${i}`, message: 'must be an absolute path' }],
      );
      if (issues.length > 0) return { ok: false, issues };
      world.config = parsed.data;
      return { ok: true, settings: settings() };
    },
    cancelClean: async () => ({ ok: false, message: 'no Clean now is running' }),
    // The mock world cleans nothing and keeps no archives past a limit: a change never has a consequence to confirm.
    previewSettings: async () => ({ ok: true, consequence: { clean: [], remove: [], compress: [], digest: '' } }),
    setPaused: async ({ paused: p }) => {
      paused = p;
      const s = state();
      emit({ event: 'state', state: s });
      return s;
    },
    openPath: async ({ path }) =>
      opts.host === 'desktop' ? { ok: true, message: `opened ${path}` } : { ok: false, message: 'Only the desktop app can open files.' },
  };

  const delayed = Object.fromEntries(
    Object.entries(api).map(([name, fn]) => [
      name,
      async (input: unknown) => {
        await sleep(opts.latency);
        return (fn as (i: unknown) => Promise<unknown>)(input ?? {});
      },
    ]),
  ) as unknown as Omit<JanitorApi, 'onEvent'>;

  return {
    ...delayed,
    onEvent(listener) {
      listeners.add(listener);
      // Like the bridge's event stream, the first event is the current state.
      setTimeout(() => listener({ event: 'state', state: state() }), 0);
      return () => listeners.delete(listener);
    },
  };
}
