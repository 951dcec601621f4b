import type { Breaker, Config, DaemonEvent, SweepReport, SweepTrigger, WatchMode } from '../../shared/index.js';
import { removeStaleTempsEverywhere } from '../archive/archive-dir.js';
import { DisposableStore, intervalDisposable, toDisposable } from '../base/disposables.js';
import { errorMessage } from '../base/timeouts.js';
import { ClaimsIndex } from '../sweep/claims.js';
import { runCleanup, tmuxClientFor, type RunOptions } from '../sweep/engine.js';
import { eachTask } from '../workspace/discovery.js';
import { rootsOf } from '../workspace/roots.js';
import type { PlanScope } from './active-tasks.js';
import { ChangeSources } from './change-sources.js';
import { EventLog } from './event-log.js';
import { FinishingTracker } from './finishing.js';
import { removeHeartbeat } from './heartbeat.js';
import { acquireInstanceLock } from './instance-lock.js';
import { RetentionPass } from './retention-pass.js';
import { SleepDetector } from './sleep-detector.js';
import { StepWatchdog } from './step-watchdog.js';
import { SweepQueue } from './sweep-queue.js';
import { now, SweepRecorder } from './sweep-recorder.js';
import type { DaemonOptions, RunNowOptions } from './daemon-options.js';

/**
 * The event-driven janitor: a registry change re-plans only its task, a periodic full reconcile catches anything the
 * watcher missed (and idleness, which no file event reveals), and sweeps never overlap (SweepQueue). Everything it
 * holds (lock, log, heartbeat, timers, watchers) is in one DisposableStore, released in reverse order by stop().
 */
export class JanitorDaemon {
  private config: Config;
  private tmux;
  private readonly emit: (event: DaemonEvent) => void;
  private readonly store: DisposableStore;
  private log: EventLog | null = null;
  private readonly queue: SweepQueue;
  private readonly recorder: SweepRecorder;
  private readonly changes: ChangeSources;
  private readonly watchdog: StepWatchdog;
  private readonly retention: RetentionPass;
  private readonly sleep = new SleepDetector();
  /** Every task's session claims as last read, so a per-task sweep never kills a session another task's agent uses. */
  private readonly claims = new ClaimsIndex();
  private readonly finishing = new FinishingTracker((tasks) => {
    for (const task of tasks) this.queue.schedule(task, 'finish');
  });
  private reconcileTimer: NodeJS.Timeout | null = null;
  private stopped: Promise<void> | null = null;
  /** The signal (or reason) stop() was called with. */
  private stoppedBy = '';
  /** The start sweep ran to its end: its retention pass is due after ready. */
  private startSwept = false;
  private stopRequested!: () => void;
  /** Settles when stop() is called: start-up stops waiting for its first sweep then. */
  private readonly stopSignal = new Promise<void>((resolve) => {
    this.stopRequested = resolve;
  });
  /** Set when stop() gave up waiting for a stalled sweep: the process must then exit by itself (work is still pending). */
  abandoned = false;

  constructor(
    config: Config,
    private readonly options: DaemonOptions,
  ) {
    this.config = config;
    this.tmux = tmuxClientFor(config);
    // Every event goes to the rotated log file (opened once this daemon holds the lock) as well as to the adapter.
    this.emit = (event) => {
      this.log?.write(event);
      options.emit(event);
    };
    this.store = new DisposableStore((err) =>
      this.emit({
        event: 'error',
        ts: now(),
        error: { path: 'daemon', message: `releasing a resource after stop failed: ${errorMessage(err)}` },
      }),
    );
    this.queue = new SweepQueue(
      {
        debounceMs: () => this.config.debounceMs,
        sweep: (tasks, trigger) => this.sweep(tasks, trigger),
        failed: (err) => this.recorder.sweepFailed(err),
        onSweepingChange: options.onSweepingChange,
      },
      options.startPaused ?? false,
    );
    this.changes = new ChangeSources(
      this.roots(),
      { schedule: (dir, trigger) => this.queue.schedule(dir, trigger), emit: this.emit, config: () => this.config },
      options.watcher,
    );
    this.recorder = new SweepRecorder(this.emit, config.breakerThreshold, {
      stateDir: options.stateDir,
      metricsPath: () => this.config.metricsPath,
      watch: () => this.changes.mode,
    });
    this.watchdog = new StepWatchdog(this.emit, () => this.config.timeouts.stepMs);
    this.retention = new RetentionPass(this.emit);
  }

  async start(): Promise<void> {
    if (!(await this.acquire())) return;
    this.store.add(toDisposable(() => clearInterval(this.reconcileTimer ?? undefined)));
    this.store.add(this.finishing);
    this.store.add(this.changes);
    // Disposed first: no sweep starts once stopping has begun.
    this.store.add(this.queue);
    await this.changes.start();
    // Through the queue like every other sweep, so a watch event during start-up cannot run a second one beside it.
    this.queue.schedule(null, 'start');
    this.queue.kick();
    // A signal during the first sweep stops the daemon at once (within the drain limit), not after that sweep.
    await Promise.race([this.queue.idle().then(() => this.changes.settled()), this.stopSignal]);
    if (this.store.isDisposed) return;
    if (this.queue.paused) await this.countWithoutCleaning();
    const { stats } = this.recorder;
    this.emit({
      event: 'ready',
      ts: now(),
      pid: process.pid,
      roots: this.roots(),
      tasks: stats.tasks,
      agents: stats.agents,
      watch: this.changes.mode,
      paused: this.queue.paused,
    });
    this.armReconcile();
    // The start sweep's retention pass, after ready and through the queue so that it never runs beside a sweep; as
    // after any full sweep, only if that sweep ran (not paused, not failed): resuming runs one, and retention after it.
    if (!this.queue.paused && this.startSwept) void this.queue.exclusive(() => this.retention.maybeRun(this.config));
    // Temp copies left by janitors that died are cleared once now, after ready: large, and nobody's work any more.
    void removeStaleTempsEverywhere(eachTask(this.roots())).catch(() => undefined);
  }

  /**
   * The lock first (one daemon per user), then what is released after it on stop, in reverse: the log, the
   * heartbeat, the watchdog, and the drain of the sweep in flight. Returns false when stop() came first.
   */
  private async acquire(): Promise<boolean> {
    const release = await acquireInstanceLock(this.options.stateDir, this.config.timeouts.lockStaleMs);
    this.store.add(toDisposable(release));
    if (this.store.isDisposed) return false;
    const log = new EventLog(this.options.stateDir, this.config.logMaxBytes, this.config.logFiles);
    this.log = log;
    this.store.add(toDisposable(() => log.close()));
    this.store.add(toDisposable(() => removeHeartbeat(this.options.stateDir)));
    this.recorder.beat();
    this.store.add(
      intervalDisposable(() => {
        this.checkClock();
        this.watchdog.check();
      }, 1000),
    );
    this.store.add(toDisposable(() => this.drain()));
    return true;
  }

  /**
   * Counts from a full dry run (the window's views): while paused no sweep updates them, and the header must match
   * the table beside it. Returns whether they changed.
   */
  noteCounts(report: SweepReport): boolean {
    return this.recorder.noteCounts(report);
  }

  /** Started paused: the counts the first sweep would have given, from a dry run that cleans nothing. */
  private async countWithoutCleaning(): Promise<void> {
    const plan = await this.dryRunWith(this.config).catch(() => null);
    if (plan) this.noteCounts(plan);
  }

  private roots(): string[] {
    return rootsOf(this.config);
  }

  private armReconcile(): void {
    if (this.store.isDisposed) return;
    if (this.reconcileTimer) clearInterval(this.reconcileTimer);
    this.reconcileTimer = setInterval(() => this.queue.schedule(null, 'reconcile'), this.config.reconcileSeconds * 1000);
  }

  private async sweep(tasks: string[] | null, trigger: SweepTrigger): Promise<void> {
    // Before judging idleness, not only on the watchdog's tick: a sweep right after a resume must know of the sleep.
    this.checkClock();
    const plan: PlanScope = { tasks, skipped: new Set(this.recorder.breakers.open(Date.now()).map((b) => b.task)), startedAt: Date.now() };
    let report: SweepReport;
    try {
      const onStep = (name: string) => {
        this.watchdog.started(name);
        this.options.onSweepStep?.(name);
      };
      report = await runCleanup(this.config, {
        dryRun: false,
        tmux: this.tmux,
        excludeTasks: plan.skipped,
        onStep,
        ...this.memory(),
        ...(tasks ? { tasks } : {}),
      });
    } catch (err) {
      return this.recorder.sweepFailed(err);
    } finally {
      this.watchdog.ended();
    }
    this.record(report, plan, trigger);
    // A sweep that ends after stop began opens no watches and applies no retention.
    if (tasks !== null || this.store.isDisposed) return;
    await this.changes.follow(this.roots(), false);
    // The start sweep's retention waits until after ready (see start): at 10,000 tasks it takes a few hundred ms.
    if (trigger === 'start') this.startSwept = true;
    else await this.retention.maybeRun(this.config);
  }

  /** What a plan needs from the daemon's memory: the sleeps it saw, when agents were first seen finishing, and every task's session claims. */
  private memory(): Pick<RunOptions, 'suspensions' | 'terminalSince' | 'claims'> {
    return { suspensions: this.sleep.suspensions, terminalSince: this.finishing.terminalSince, claims: this.claims };
  }

  /** `oneAgent`: a cleanup of a single agent, which says nothing about the other agents of its task. */
  private record(report: SweepReport, plan: PlanScope, trigger: SweepTrigger, oneAgent = false): void {
    const full = plan.tasks === null && !oneAgent;
    this.options.onReport?.(report, full);
    this.finishing.record(report, full, Date.now());
    if (!oneAgent) this.changes.notePlan(report, plan);
    this.recorder.record(report, full, trigger, this.config);
  }

  /** A sleep is remembered (so it is not counted as silence) and followed by a full reconcile: the world may have changed. */
  private checkClock(): void {
    const slept = this.sleep.check(this.config.idleMinutes);
    if (slept === null) return;
    this.emit({ event: 'resume', ts: now(), sleptMs: Math.round(slept) });
    this.queue.schedule(null, 'resume');
  }

  /** The tray's Pause: no automatic sweeps until resumed; a cleanup the user asks for still runs. */
  setPaused(paused: boolean): void {
    if (this.queue.paused === paused) return;
    this.queue.paused = paused;
    if (!paused) this.queue.schedule(null, 'resume');
  }

  /** A full reconcile now (the tray's resume-from-sleep, a breaker's "retry now"). */
  reconcile(): void {
    this.queue.schedule(null, 'reconcile');
  }

  resetBreaker(task: string): boolean {
    return this.recorder.resetBreaker(task);
  }

  /** A dry run under another config (a settings preview): the same machinery and memory, this daemon's config untouched. */
  async dryRunWith(config: Config): Promise<SweepReport> {
    return runCleanup(config, { dryRun: true, tmux: tmuxClientFor(config), ...this.memory() });
  }

  /**
   * A cleanup the user asked for (or its dry run), queued behind the sweep in flight so the two never interleave;
   * a real one is recorded and emits its events like any sweep.
   */
  async runNow(options: RunNowOptions): Promise<SweepReport> {
    if (options.dryRun) return runCleanup(this.config, { ...options, tmux: this.tmux, ...this.memory() });
    if (this.store.isDisposed) throw new Error('the janitor is stopping: no new cleanup is started');
    const onStep = (name: string) => {
      this.watchdog.started(name);
      options.onStep?.(name);
    };
    return this.queue.exclusive(async () => {
      const plan: PlanScope = { tasks: options.tasks ?? null, skipped: new Set(), startedAt: Date.now() };
      const report = await runCleanup(this.config, { ...options, onStep, tmux: this.tmux, ...this.memory() }).finally(() =>
        this.watchdog.ended(),
      );
      this.record(report, plan, 'manual', options.onlyAgent !== undefined);
      return report;
    });
  }

  /** What the UI's status line and tray icon are derived from. */
  snapshot(): {
    paused: boolean;
    sweeping: boolean;
    stopping: boolean;
    lastSweepAt: string | null;
    tasks: number;
    agents: number;
    failures: number;
    watch: WatchMode | null;
    breakers: Breaker[];
    config: Config;
  } {
    const { stats } = this.recorder;
    return {
      paused: this.queue.paused,
      sweeping: this.queue.sweeping,
      stopping: this.store.isDisposed,
      lastSweepAt: stats.lastSweepAt,
      tasks: stats.tasks,
      agents: stats.agents,
      failures: stats.failures,
      watch: this.changes.mode,
      breakers: this.recorder.breakers.openReport(Date.now()),
      config: this.config,
    };
  }

  /** The watcher as it is: its mode, the inotify watches it holds, and the task folders whose registry it follows. */
  watching(): { mode: WatchMode; watches: number; tasks: string[] } {
    const watcher = this.changes.watcher;
    return { mode: watcher.mode, watches: watcher.watches, tasks: [...watcher.watchedTasks].sort() };
  }

  /** SIGQUIT: what the daemon holds right now. */
  state(): Record<string, unknown> {
    const { tasks, full } = this.queue.pending;
    const watcher = this.changes.watcher;
    return {
      ...this.recorder.stats,
      startedAt: this.recorder.startedAt,
      pendingTasks: tasks,
      fullPending: full,
      sweeping: this.queue.sweeping,
      watch: watcher.mode,
      watches: watcher.watches,
      watchedTasks: watcher.watchedTasks.size,
      watchReadyMs: this.changes.readyMs,
      memory: process.memoryUsage(),
      config: this.config,
    };
  }

  /**
   * SIGHUP: a new config replaces the old one only if it is valid. The watcher follows changed roots, and tries inotify
   * again after a fallback: the user may have raised its limits.
   */
  async reload(next: Config): Promise<void> {
    const rootsChanged = JSON.stringify(next.roots) !== JSON.stringify(this.config.roots);
    this.config = next;
    // A new socket, binary or timeout applies from the next sweep on.
    this.tmux = tmuxClientFor(next);
    if (rootsChanged || this.changes.mode === 'polling') await this.changes.follow(this.roots(), true);
    this.armReconcile();
    this.queue.schedule(null, 'reload');
  }

  /** Stops once; every call returns the same promise, which settles when the daemon has stopped. */
  stop(signal: string): Promise<void> {
    this.stopped ??= this.stopNow(signal);
    return this.stopped;
  }

  /** SIGTERM/SIGINT: no new sweeps; the one in flight may finish within the drain limit (see drain). */
  private async stopNow(signal: string): Promise<void> {
    this.stoppedBy = signal;
    this.emit({ event: 'stopping', ts: now(), signal });
    const disposing = this.store.dispose();
    this.stopRequested();
    await disposing.catch((err: unknown) =>
      this.emit({ event: 'error', ts: now(), error: { path: 'daemon', message: `stopping: ${errorMessage(err)}` } }),
    );
  }

  /** Waits for the sweep in flight up to `timeouts.drainMs`; past that the daemon stops without it. */
  private async drain(): Promise<void> {
    if (await this.queue.drained(this.config.timeouts.drainMs)) return;
    const message = `the sweep in flight did not end within ${this.config.timeouts.drainMs} ms of ${this.stoppedBy}; stopping without it (its intents let the next start finish it)`;
    this.emit({ event: 'error', ts: now(), error: { path: 'daemon', message } });
    this.abandoned = true;
  }
}
