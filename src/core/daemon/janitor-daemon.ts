import type { Config, DaemonEvent, SweepReport, WatchMode } from '../../shared/index.js';
import { removeStaleTempsEverywhere } from '../archive/archive-dir.js';
import { ClaimsIndex } from '../sweep/claims.js';
import { discoverTasks } from '../workspace/discovery.js';
import { runCleanup, tmuxClientFor } from '../sweep/engine.js';
import { rootsOf } from '../workspace/roots.js';
import { errorMessage } from '../base/timeouts.js';
import { applyRetention, retentionConfigured } from '../sweep/retention.js';
import { removeHeartbeat, writeBeat } from './heartbeat.js';
import { acquireInstanceLock } from './instance-lock.js';
import { CircuitBreakers } from './circuit-breaker.js';
import { ReportEvents } from './report-events.js';
import { EventLog } from './event-log.js';
import { SleepDetector } from './sleep-detector.js';
import { WorkspaceWatcher } from './workspace-watcher.js';
import { DatabaseChanges } from './database-changes.js';
import { FinishingTracker } from './finishing.js';
import { workspaceBases } from '../workspace/roots.js';

type Trigger = 'start' | 'watch' | 'reconcile' | 'reload' | 'resume' | 'manual' | 'finish';

const RETENTION_EVERY_MS = 60 * 60 * 1000;

export interface DaemonOptions {
  stateDir: string;
  emit(event: DaemonEvent): void;
  /** Every sweep's report (the UI keeps the last full one for its status and alert count). */
  onReport?(report: SweepReport, full: boolean): void;
  /** Start paused: nothing is cleaned until setPaused(false); the first plan is only worked out (a dry run). */
  startPaused?: boolean;
  /** Told when sweeping starts and when it stops, so a window's "sweeping" never outlives the sweep. */
  onSweepingChange?(sweeping: boolean): void;
  /** Told as each step of the daemon's own sweeps starts (the window's "sweeping" shows it). */
  onSweepStep?(step: string): void;
}

const now = () => new Date().toISOString();

/**
 * The event-driven janitor: a registry change re-plans only its task, a periodic full reconcile catches anything the
 * watcher missed (and idleness, which no file event reveals), and sweeps never overlap: changes that arrive during
 * one are batched into the next.
 */
export class JanitorDaemon {
  private config: Config;
  private tmux;
  private watcher: WorkspaceWatcher | null = null;
  private releaseLock: (() => Promise<void>) | null = null;
  private readonly dirty = new Set<string>();
  private fullPending = false;
  private pendingTrigger: Trigger = 'watch';
  private debounce: NodeJS.Timeout | null = null;
  private reconcileTimer: NodeJS.Timeout | null = null;
  private loop: Promise<void> | null = null;
  private stopping = false;
  private stopped: Promise<void> | null = null;
  private stopRequested!: () => void;
  /** Settles when stop() is called: start-up stops waiting for its first sweep then. */
  private readonly stopSignal = new Promise<void>((resolve) => {
    this.stopRequested = resolve;
  });
  private paused = false;
  private lastRetention = 0;
  private readonly events: ReportEvents;
  private readonly breakers: CircuitBreakers;
  private currentStep: { name: string; since: number; reported: boolean } | null = null;
  private watchdog: NodeJS.Timeout | null = null;
  private readonly sleep = new SleepDetector();
  /** Every task's session claims as last read, so a per-task sweep never kills a session another task's agent uses. */
  private readonly claims = new ClaimsIndex();
  private readonly finishing = new FinishingTracker((tasks) => {
    for (const task of tasks) this.schedule(task, 'finish');
  });
  private readonly databases: DatabaseChanges;
  private readonly startedAt = now();
  private stats = { sweeps: 0, tasks: 0, agents: 0, failures: 0, lastSweepAt: null as string | null, lastSweepMs: null as number | null, actions: {} as Record<string, number> };

  private log: EventLog | null = null;
  private readonly options: DaemonOptions;

  constructor(config: Config, options: DaemonOptions) {
    this.paused = options.startPaused ?? false;
    // Every event goes to the rotated log file (opened once this daemon holds the lock) as well as to the adapter.
    this.options = {
      ...options,
      emit: (event) => {
        this.log?.write(event);
        options.emit(event);
      },
    };
    this.config = config;
    this.tmux = tmuxClientFor(config);
    this.events = new ReportEvents(this.options.emit);
    this.breakers = new CircuitBreakers(30_000, 30 * 60_000, config.breakerThreshold);
    this.databases = new DatabaseChanges({
      timeoutMs: () => this.config.timeouts.databaseMs,
      debounceMs: () => this.config.debounceMs,
      tasksChanged: (dirs) => {
        for (const dir of dirs) this.schedule(dir, 'watch');
      },
      // Reported by the sweep that follows, like an invalid registry; nothing to do here.
      failed: () => this.schedule(null, 'watch'),
    });
  }

  async start(): Promise<void> {
    this.releaseLock = await acquireInstanceLock(this.options.stateDir, this.config.timeouts.lockStaleMs);
    this.log = new EventLog(this.options.stateDir, this.config.logMaxBytes, this.config.logFiles);
    this.beat();
    this.watchdog = setInterval(() => this.watch(), 1000);
    await this.startWatcher();
    // Through the loop like every other sweep, so a watch event during start-up cannot run a second one beside it.
    this.schedule(null, 'start');
    if (this.debounce) clearTimeout(this.debounce);
    this.kick();
    // A signal during the first sweep stops the daemon at once (within the drain limit), not after that sweep.
    await Promise.race([this.loop, this.stopSignal]);
    if (this.stopping) return;
    if (this.paused) await this.countWithoutCleaning();
    const watch = this.watcher?.mode ?? 'inotify';
    this.options.emit({ event: 'ready', ts: now(), pid: process.pid, roots: this.roots(), tasks: this.stats.tasks, agents: this.stats.agents, watch, paused: this.paused });
    this.armReconcile();
    // Temp copies left by janitors that died are cleared once now, after ready: large, and nobody's work any more.
    void removeStaleTempsEverywhere(discoverTasks(this.roots()).tasks.map((t) => t.dir)).catch(() => undefined);
  }

  /**
   * Counts from a full dry run (the window's views): while paused no sweep updates them, and the header must match
   * the table beside it. Returns whether they changed.
   */
  noteCounts(report: SweepReport): boolean {
    const changed = this.stats.tasks !== report.stats.tasks || this.stats.agents !== report.stats.agents;
    this.stats.tasks = report.stats.tasks;
    this.stats.agents = report.stats.agents;
    return changed;
  }

  /** Started paused: the counts the first sweep would have given, from a dry run that cleans nothing. */
  private async countWithoutCleaning(): Promise<void> {
    const plan = await this.dryRunWith(this.config).catch(() => null);
    if (plan) this.noteCounts(plan);
  }

  private roots(): string[] {
    return rootsOf(this.config);
  }

  private async startWatcher(): Promise<void> {
    this.watcher = new WorkspaceWatcher(this.roots(), {
      taskChanged: (dir) => this.schedule(dir, 'watch'),
      databaseChanged: (base) => this.databases.changed(base),
      fellBack: (reason) => {
        this.options.emit({ event: 'watch-fallback', ts: now(), reason });
        // Whatever changed between the refused watch and the first polling pass is found by a full reconcile.
        this.schedule(null, 'reconcile');
      },
    });
    await this.watcher.start();
    this.databases.prime(this.watcher.bases);
  }

  /** A root may become a workspace base later (its first TASK-* folder); a full sweep notices, and the watcher follows. */
  private async followBases(): Promise<void> {
    const now = workspaceBases(this.roots());
    const watched = this.watcher?.bases ?? [];
    if (now.length === watched.length && now.every((b) => watched.includes(b))) return;
    await this.watcher?.stop();
    await this.startWatcher();
  }

  private armReconcile(): void {
    if (this.reconcileTimer) clearInterval(this.reconcileTimer);
    this.reconcileTimer = setInterval(() => this.schedule(null, 'reconcile'), this.config.reconcileSeconds * 1000);
  }

  /** `dir` null means every task (a full reconcile). */
  private schedule(dir: string | null, trigger: Trigger): void {
    if (this.stopping) return;
    if (dir === null) this.fullPending = true;
    else this.dirty.add(dir);
    this.pendingTrigger = trigger;
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => this.kick(), dir === null ? 0 : this.config.debounceMs);
  }

  private kick(): void {
    this.debounce = null;
    // Paused: changes pile up in `dirty`/`fullPending` and are swept on resume.
    if (this.loop || this.paused) return;
    this.loop = (async () => {
      while (!this.stopping && (this.fullPending || this.dirty.size > 0)) {
        const full = this.fullPending;
        const tasks = full ? null : [...this.dirty];
        this.fullPending = false;
        this.dirty.clear();
        await this.sweep(tasks, full && this.pendingTrigger === 'watch' ? 'reconcile' : this.pendingTrigger);
      }
    })().finally(() => {
      this.loop = null;
      this.options.onSweepingChange?.(false);
    });
    // After `loop` is set: the state published now must already say "sweeping".
    this.options.onSweepingChange?.(true);
  }

  private async sweep(tasks: string[] | null, trigger: Trigger): Promise<void> {
    // Before judging idleness, not only on the watchdog's tick: a sweep right after a resume must know of the sleep.
    this.checkClock();
    let report: SweepReport;
    try {
      const excludeTasks = new Set(this.breakers.open(Date.now()).map((b) => b.task));
      const onStep = (name: string) => {
        this.currentStep = { name, since: Date.now(), reported: false };
        this.options.onSweepStep?.(name);
      };
      report = await runCleanup(this.config, { dryRun: false, tmux: this.tmux, excludeTasks, onStep, ...this.memory(), ...(tasks ? { tasks } : {}) });
    } catch (err) {
      this.options.emit({ event: 'error', ts: now(), error: { path: 'daemon', message: `sweep failed: ${errorMessage(err)}` } });
      this.stats.failures++;
      return;
    } finally {
      this.currentStep = null;
    }
    this.record(report, tasks === null, trigger);
    if (tasks === null) {
      await this.followBases();
      await this.retain();
    }
  }

  /** What a plan needs from the daemon's memory: the sleeps it saw, when agents were first seen finishing, and every task's session claims. */
  private memory(): { suspensions: readonly (readonly [number, number])[]; terminalSince: ReadonlyMap<string, number>; claims: ClaimsIndex } {
    return { suspensions: this.sleep.suspensions, terminalSince: this.finishing.terminalSince, claims: this.claims };
  }

  /**
   * The retention pass (delayed compression, and configured limits) runs after a full sweep, at most once per
   * RETENTION_EVERY_MS: old archives are not urgent.
   */
  private async retain(): Promise<void> {
    if (!retentionConfigured(this.config) || Date.now() - this.lastRetention < RETENTION_EVERY_MS) return;
    this.lastRetention = Date.now();
    try {
      const done = await applyRetention(this.config);
      if (done.remove.length > 0 || done.compress.length > 0) {
        this.options.emit({ event: 'retention', ts: now(), compressed: done.compress.length, removed: done.remove.length, reclaimBytes: done.reclaimBytes });
      }
    } catch (err) {
      this.options.emit({ event: 'error', ts: now(), error: { path: 'retention', message: errorMessage(err) } });
    }
  }

  private record(report: SweepReport, full: boolean, trigger: Trigger): void {
    const ts = now();
    this.options.onReport?.(report, full);
    this.events.record(report, full, this.config, ts);
    this.finishing.record(report, full, Date.now());
    if (full) {
      this.stats.tasks = report.stats.tasks;
      this.stats.agents = report.stats.agents;
    }
    this.reportTimeouts(report, ts);
    this.updateBreakers(report);
    this.stats.sweeps++;
    this.stats.lastSweepAt = ts;
    this.stats.lastSweepMs = report.stats.engineMs;
    this.stats.failures += report.stats.actions.failed;
    for (const [outcome, n] of Object.entries(report.stats.actions)) this.stats.actions[outcome] = (this.stats.actions[outcome] ?? 0) + n;
    this.options.emit({ event: 'sweep', ts, trigger, tasks: report.stats.tasks, actions: report.stats.actions, engineMs: report.stats.engineMs });
    this.beat();
  }

  /** A task with a failed action counts a failure; one whose actions all went through closes its breaker. */
  private updateBreakers(report: SweepReport): void {
    const failed = new Map<string, string>();
    const acted = new Set<string>();
    for (const a of report.actions) {
      acted.add(a.task);
      if (a.outcome === 'failed') failed.set(a.task, `${a.kind} ${a.target}: ${a.error ?? 'failed'}`);
    }
    for (const task of acted) {
      const error = failed.get(task);
      if (error === undefined) {
        this.breakers.succeeded(task);
        continue;
      }
      const opened = this.breakers.failed(task, error, Date.now());
      if (opened) this.options.emit({ event: 'breaker', ts: now(), task, failures: opened.failures, retryAt: new Date(opened.openUntil).toISOString(), lastError: error });
    }
  }

  /** A step cut off by its own time limit stalled too; the watchdog below covers steps that are still running. */
  private reportTimeouts(report: SweepReport, ts: string): void {
    const steps = new Map(report.stats.timeouts.map((t) => [t.step, t.limitMs]));
    for (const [step, limitMs] of steps) this.options.emit({ event: 'stalled', ts, step, runningMs: limitMs, limitMs });
  }

  /** A sleep is remembered (so it is not counted as silence) and followed by a full reconcile: the world may have changed. */
  private checkClock(): void {
    const slept = this.sleep.check(this.config.idleMinutes);
    if (slept === null) return;
    this.options.emit({ event: 'resume', ts: now(), sleptMs: Math.round(slept) });
    this.schedule(null, 'resume');
  }

  /** Emits `stalled` once for a step that has run past its time limit without being cut off yet. */
  private watch(): void {
    this.checkClock();
    const step = this.currentStep;
    if (!step || step.reported) return;
    const runningMs = Date.now() - step.since;
    if (runningMs <= this.config.timeouts.stepMs) return;
    step.reported = true;
    this.options.emit({ event: 'stalled', ts: now(), step: step.name, runningMs, limitMs: this.config.timeouts.stepMs });
  }

  private beat(): void {
    try {
      writeBeat(this.options.stateDir, this.config.metricsPath, { ...this.stats, startedAt: this.startedAt, watch: this.watcher?.mode ?? 'inotify', breakers: this.breakers.openReport(Date.now()) });
    } catch (err) {
      this.options.emit({ event: 'error', ts: now(), error: { path: this.options.stateDir, message: `cannot write heartbeat or metrics: ${errorMessage(err)}` } });
    }
  }

  /** The tray's Pause: no automatic sweeps until resumed; a cleanup the user asks for still runs. */
  setPaused(paused: boolean): void {
    if (this.paused === paused) return;
    this.paused = paused;
    if (!paused) this.schedule(null, 'resume');
  }

  /** A full reconcile now (the tray's resume-from-sleep, a breaker's "retry now"). */
  reconcile(): void {
    this.schedule(null, 'reconcile');
  }

  resetBreaker(task: string): boolean {
    const closed = this.breakers.succeeded(task);
    if (closed) this.beat();
    return closed;
  }

  /**
   * A cleanup the user asked for (or its dry run), queued behind the sweep in flight so the two never interleave;
   * a real one is recorded and emits its events like any sweep.
   */
  /** A dry run under another config (a settings preview): the same machinery and memory, this daemon's config untouched. */
  async dryRunWith(config: Config): Promise<SweepReport> {
    return runCleanup(config, { dryRun: true, tmux: tmuxClientFor(config), ...this.memory() });
  }

  async runNow(options: { dryRun: boolean; onlyAgent?: string; tasks?: string[]; ignoreGrace?: boolean; signal?: AbortSignal; onStep?: (step: string) => void }): Promise<SweepReport> {
    if (options.dryRun) return runCleanup(this.config, { ...options, tmux: this.tmux, ...this.memory() });
    if (this.stopping) throw new Error('the janitor is stopping: no new cleanup is started');
    while (this.loop) await this.loop;
    const onStep = (name: string) => {
      this.currentStep = { name, since: Date.now(), reported: false };
      options.onStep?.(name);
    };
    const run = (async () => {
      const report = await runCleanup(this.config, { ...options, onStep, tmux: this.tmux, ...this.memory() }).finally(() => {
        this.currentStep = null;
      });
      this.record(report, !options.tasks && !options.onlyAgent, 'manual');
      return report;
    })();
    // Others wait on the loop, never on this run's failure, which goes to the caller alone.
    this.loop = run.then(
      () => undefined,
      () => undefined,
    ).finally(() => {
      this.loop = null;
      this.options.onSweepingChange?.(false);
      // Whatever arrived meanwhile is swept now.
      if (this.fullPending || this.dirty.size > 0) this.kick();
    });
    this.options.onSweepingChange?.(true);
    return run;
  }

  /** What the UI's status line and tray icon are derived from. */
  snapshot(): { paused: boolean; sweeping: boolean; stopping: boolean; lastSweepAt: string | null; tasks: number; agents: number; failures: number; watch: WatchMode | null; breakers: { task: string; failures: number; retryAt: string; lastError: string }[]; config: Config } {
    return {
      paused: this.paused,
      sweeping: this.loop !== null,
      stopping: this.stopping,
      lastSweepAt: this.stats.lastSweepAt,
      tasks: this.stats.tasks,
      agents: this.stats.agents,
      failures: this.stats.failures,
      watch: this.watcher?.mode ?? null,
      breakers: this.breakers.openReport(Date.now()),
      config: this.config,
    };
  }

  /** SIGQUIT: what the daemon holds right now. */
  state(): Record<string, unknown> {
    return { ...this.stats, startedAt: this.startedAt, pendingTasks: [...this.dirty], fullPending: this.fullPending, sweeping: this.loop !== null, watch: this.watcher?.mode ?? null, config: this.config };
  }

  /** SIGHUP: a new config replaces the old one only if it is valid; the watcher follows changed roots. */
  async reload(next: Config): Promise<void> {
    const rootsChanged = JSON.stringify(next.roots) !== JSON.stringify(this.config.roots);
    this.config = next;
    // A new socket, binary or timeout applies from the next sweep on.
    this.tmux = tmuxClientFor(next);
    if (rootsChanged) {
      await this.watcher?.stop();
      await this.startWatcher();
    }
    this.armReconcile();
    this.schedule(null, 'reload');
  }

  /** SIGTERM/SIGINT: no new sweeps; the one in flight finishes (its steps are bounded by their time limits). */
  /** Set when stop() gave up waiting for a stalled sweep: the process must then exit by itself (work is still pending). */
  abandoned = false;

  /** Whether the sweep in flight (if any) ended within the drain limit. */
  private async drained(): Promise<boolean> {
    if (!this.loop) return true;
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), this.config.timeouts.drainMs);
    });
    try {
      return await Promise.race([this.loop.then(() => true as const, () => true as const), limit]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Stops once; every call returns the same promise, which settles when the daemon has stopped. */
  stop(signal: string): Promise<void> {
    this.stopped ??= this.stopNow(signal);
    return this.stopped;
  }

  private async stopNow(signal: string): Promise<void> {
    this.stopping = true;
    this.stopRequested();
    this.options.emit({ event: 'stopping', ts: now(), signal });
    if (this.debounce) clearTimeout(this.debounce);
    if (this.reconcileTimer) clearInterval(this.reconcileTimer);
    this.finishing.dispose();
    this.databases.dispose();
    await this.watcher?.stop();
    if (!(await this.drained())) {
      const message = `the sweep in flight did not end within ${this.config.timeouts.drainMs} ms of ${signal}; stopping without it (its intents let the next start finish it)`;
      this.options.emit({ event: 'error', ts: now(), error: { path: 'daemon', message } });
      this.abandoned = true;
    }
    if (this.watchdog) clearInterval(this.watchdog);
    removeHeartbeat(this.options.stateDir);
    await this.log?.close();
    await this.releaseLock?.();
  }
}
