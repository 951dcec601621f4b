import {
  isEmptyConsequence,
  type Alert,
  type SettingChange,
  type CleanTarget,
  type Config,
  type DaemonEvent,
  type FixResult,
  type JanitorService,
  type SweepReport,
  type UiEvent,
  type UiState,
} from '../../shared/index.js';
import { JanitorDaemon } from '../daemon/janitor-daemon.js';
import { rootsOf } from '../workspace/roots.js';
import { errorMessage } from '../base/timeouts.js';
import { readActivity } from './activity.js';
import { agentRows } from './agent-rows.js';
import { AlertBook } from './alert-book.js';
import { fixAlert, type FixContext } from './alert-fixes.js';
import { restoreArchive } from './archive-restore.js';
import { deleteArchive, knownTask, listArchives, withListedFile } from '../archive/archive-catalog.js';
import { diskUsage } from './disk-usage.js';
import { archivedTail, readLogTail } from './log-tail.js';
import { applyRetention, planRetention } from '../sweep/retention.js';
import { consequenceMessage } from './settings-consequence.js';
import { savePinned, saveSettings, settingsOf, type SettingsSource } from './settings-store.js';
import { uiStateOf } from './ui-state.js';
import { ManualClean } from './manual-clean.js';
import { previewSettingsChange } from './settings-preview.js';

export interface JanitorServiceOptions {
  config: Config;
  settings: SettingsSource;
  stateDir: string;
  host: 'desktop' | 'web';
  /** The adapter's own output of every daemon event (`daemon --json`, the Electron log). */
  emit?: (event: DaemonEvent) => void;
  /** Nothing is cleaned until the window resumes (`daemon --ui --start-paused`, the tray app's first run). */
  startPaused?: boolean;
}

export type RunningJanitorService = JanitorService & {
  /** Starts the daemon inside: takes the one-per-user lock (AlreadyRunningError), sweeps once, watches. */
  start(): Promise<void>;
  /** Drains the sweep in flight, then releases the daemon lock. */
  close(): Promise<void>;
  /** For the adapter's signal handling (SIGHUP reload, SIGQUIT state). */
  readonly daemon: JanitorDaemon;
  /** A full reconcile (resume from sleep). */
  reconcile(): void;
};

/**
 * The engine's API for a window: the daemon runs inside, and every UI method is answered from the same engine
 * calls the CLI makes (a dry run is the Agents and Alerts views' source of truth, so they show exactly what a sweep
 * would do). Electron's main process and the web bridge both serve this object.
 */
export function createJanitorService(options: JanitorServiceOptions): RunningJanitorService {
  const listeners = new Set<(event: UiEvent) => void>();
  const book = new AlertBook();
  /** From the newest full view of the world: a full sweep's report, or the dry run behind listAlerts/fixAlert. */
  let alertCount = 0;
  let lastFailed = false;
  let busy = 0;
  /** Steps of the daemon's own sweep in flight, for the header's progress. */
  let sweepSteps = 0;
  const publish = (event: UiEvent) => {
    for (const listener of listeners) listener(event);
  };
  const roots = () => rootsOf(daemon.snapshot().config);
  const alertsOf = (report: SweepReport): Alert[] => {
    const snap = daemon.snapshot();
    return book.alertsOf(report, snap.config, snap.breakers);
  };
  const state = (): UiState => uiStateOf(daemon.snapshot(), { host: options.host, busy: busy > 0, lastFailed, alerts: alertCount });
  const publishState = () => publish({ event: 'state', state: state() });
  const manualClean = new ManualClean(publish);

  const daemon = new JanitorDaemon(options.config, {
    stateDir: options.stateDir,
    startPaused: options.startPaused ?? false,
    onSweepingChange: () => {
      sweepSteps = 0;
      publishState();
    },
    onSweepStep: (step) => publish({ event: 'clean-progress', step, steps: ++sweepSteps, cancelRequested: false, manual: false }),
    emit: (event) => {
      options.emit?.(event);
      if (event.event === 'stalled') book.noteStalled(event);
      publish(event);
      if (event.event === 'sweep' || event.event === 'breaker' || event.event === 'stalled' || event.event === 'ready') publishState();
    },
    onReport: (report, full) => {
      book.noteReport(report);
      lastFailed = report.actions.some((a) => a.outcome === 'failed');
      if (full) alertCount = alertsOf(report).length;
    },
  });

  const dryRun = async (): Promise<SweepReport> => {
    const report = await daemon.runNow({ dryRun: true });
    if (daemon.noteCounts(report)) publishState();
    return report;
  };
  const targetOptions = (t: CleanTarget): { tasks?: string[]; onlyAgent?: string } => {
    const tasks = t.taskDir ? [knownTask(roots(), t.taskDir).dir] : undefined;
    return { ...(tasks ? { tasks } : {}), ...(t.agentId ? { onlyAgent: t.agentId } : {}) };
  };
  const withBusy = async <T>(work: () => Promise<T>): Promise<T> => {
    busy++;
    publishState();
    try {
      return await work();
    } finally {
      busy--;
      publishState();
    }
  };

  const fixContext: FixContext = {
    daemon,
    settings: options.settings,
    stateDir: options.stateDir,
    sweep: (run) => withBusy(() => daemon.runNow(run)),
    clearStalled: () => book.clearStalled(),
  };

  const settingsWork = (changes: readonly SettingChange[]) =>
    previewSettingsChange(
      { settings: options.settings, current: daemon.snapshot().config, dryRunNow: dryRun, dryRunWith: (c) => daemon.dryRunWith(c) },
      changes,
    );

  const pin = async (agentIds: readonly string[], pinned: boolean): Promise<{ pins: string[] }> => {
    const config = savePinned(options.settings, agentIds, pinned);
    await daemon.reload(config);
    publishState();
    return { pins: config.pins };
  };

  /** Each alert looked up in one fresh dry run, fixed in turn; one that is gone meanwhile counts as fixed. */
  const fixMany = async (ids: readonly string[]): Promise<(FixResult & { id: string })[]> => {
    const current = new Map(alertsOf(await dryRun()).map((a) => [a.id, a]));
    const results: (FixResult & { id: string })[] = [];
    for (const id of ids) {
      const alert = current.get(id);
      const result = alert
        ? await fixAlert(fixContext, alert).catch((err: unknown): FixResult => ({ ok: false, message: errorMessage(err) }))
        : { ok: true, message: 'this problem is already gone' };
      results.push({ id, ...result });
    }
    alertCount = alertsOf(await dryRun()).length;
    publishState();
    return results;
  };

  const service: RunningJanitorService = {
    daemon,
    start: () => daemon.start(),
    getState: async () => state(),
    listAgents: async () => agentRows(await dryRun()),
    // Clean now acts at once: a finishing agent is not left its finish grace (SPEC.md step 0).
    previewClean: async (t) => daemon.runNow({ dryRun: true, ignoreGrace: true, ...targetOptions(t) }),
    cleanNow: async (t) =>
      manualClean.run(({ signal, onStep }) =>
        withBusy(() => daemon.runNow({ dryRun: false, ignoreGrace: true, signal, onStep, ...targetOptions(t) })),
      ),
    cancelClean: async () => manualClean.cancel(),
    setPinned: async ({ agentId, pinned }) => pin([agentId], pinned),
    setPinnedMany: async ({ agentIds, pinned }) => pin(agentIds, pinned),
    readLog: async ({ taskDir, agentId }) => readLogTail(knownTask(roots(), taskDir).dir, agentId),
    listAlerts: async () => {
      const alerts = alertsOf(await dryRun());
      if (alerts.length !== alertCount) {
        alertCount = alerts.length;
        publishState();
      }
      return alerts;
    },
    fixAlert: async ({ id }) => (await fixMany([id]))[0]!,
    fixAlerts: async ({ ids }) => ({ results: await fixMany(ids) }),
    listArchives: async () => listArchives(roots()),
    restoreArchive: async ({ taskDir, path }) => ({ restored: await restoreArchive(roots(), taskDir, path) }),
    deleteArchive: async ({ taskDir, path }) => deleteArchive(roots(), taskDir, path, 'deleted by the user'),
    readArchive: async ({ taskDir, path }) =>
      withListedFile(roots(), taskDir, path, async ({ file, abs, compressed }) => archivedTail(abs, file, compressed)),
    previewRetention: async () => planRetention(daemon.snapshot().config),
    applyRetention: async () => applyRetention(daemon.snapshot().config),
    diskUsage: async () => diskUsage(roots(), options.stateDir, (await planRetention(daemon.snapshot().config)).reclaimBytes),
    activity: async ({ query, limit, offset }) => readActivity(roots(), options.stateDir, query, limit, offset),
    getSettings: async () => settingsOf(options.settings, daemon.snapshot().config),
    previewSettings: async ({ changes }) => {
      const work = await settingsWork(changes);
      return 'issues' in work ? { ok: false, issues: work.issues } : { ok: true, consequence: work.consequence };
    },
    saveSettings: async ({ changes, confirm }) => {
      // A save that would clean agents or delete archives needs the digest of exactly that consequence, confirmed.
      const work = await settingsWork(changes);
      if ('issues' in work) return { ok: false, issues: work.issues };
      if (!isEmptyConsequence(work.consequence) && confirm !== work.consequence.digest) {
        return {
          ok: false,
          issues: [{ path: '(confirm)', message: consequenceMessage(work.consequence, confirm !== undefined) }],
          consequence: work.consequence,
        };
      }
      const { result, config: next } = saveSettings(options.settings, changes);
      if (next) {
        await daemon.reload(next);
        publishState();
      }
      return result;
    },
    setPaused: async ({ paused }) => {
      daemon.setPaused(paused);
      const s = state();
      publish({ event: 'state', state: s });
      return s;
    },
    openPath: async ({ path }) => ({ ok: false, message: `Opening files needs the desktop app. The file is at ${path}` }),
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: async () => {
      await daemon.stop('quit');
      listeners.clear();
    },
    reconcile: () => daemon.reconcile(),
  };
  return service;
}
