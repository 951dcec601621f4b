import type { Config, DaemonEvent, Orphan, SweepReport } from '../../shared/index.js';
import { runCleanup, tmuxClientFor } from '../engine.js';
import { errorMessage } from '../timeouts.js';
import { removeHeartbeat, writeHeartbeat } from './heartbeat.js';
import { acquireInstanceLock } from './instance-lock.js';
import { WorkspaceWatcher } from './workspace-watcher.js';

type Trigger = 'start' | 'watch' | 'reconcile' | 'reload';

export interface DaemonOptions {
  stateDir: string;
  emit(event: DaemonEvent): void;
}

const now = () => new Date().toISOString();

function orphanKey(o: Orphan): string {
  switch (o.kind) {
    case 'orphan-session':
      return `${o.kind}:${o.sessionId}:${o.session}`;
    case 'ghost-agent':
      return `${o.kind}:${o.task}:${o.agentId}`;
    default:
      return `${o.kind}:${o.pid}:${o.agentId}`;
  }
}

/**
 * The event-driven janitor: a registry change re-plans only its task, a periodic full reconcile catches anything the
 * watcher missed (and idleness, which no file event reveals), and sweeps never overlap: changes that arrive during
 * one are batched into the next.
 */
export class JanitorDaemon {
  private config: Config;
  private readonly tmux;
  private watcher: WorkspaceWatcher | null = null;
  private releaseLock: (() => Promise<void>) | null = null;
  private readonly dirty = new Set<string>();
  private fullPending = false;
  private pendingTrigger: Trigger = 'watch';
  private debounce: NodeJS.Timeout | null = null;
  private reconcileTimer: NodeJS.Timeout | null = null;
  private loop: Promise<void> | null = null;
  private stopping = false;
  private readonly seenOrphans = new Set<string>();
  private readonly seenErrors = new Set<string>();
  private readonly warned = new Set<string>();
  private readonly startedAt = now();
  private stats = { sweeps: 0, tasks: 0, agents: 0, failures: 0, lastSweepAt: null as string | null, actions: {} as Record<string, number> };

  constructor(
    config: Config,
    private readonly options: DaemonOptions,
  ) {
    this.config = config;
    this.tmux = tmuxClientFor(config);
  }

  async start(): Promise<void> {
    this.releaseLock = await acquireInstanceLock(this.options.stateDir, this.config.timeouts.lockStaleMs);
    this.beat();
    await this.startWatcher();
    // Through the loop like every other sweep, so a watch event during start-up cannot run a second one beside it.
    this.schedule(null, 'start');
    if (this.debounce) clearTimeout(this.debounce);
    this.kick();
    await this.loop;
    const watch = this.watcher?.mode ?? 'inotify';
    this.options.emit({ event: 'ready', ts: now(), pid: process.pid, roots: this.roots(), tasks: this.stats.tasks, agents: this.stats.agents, watch });
    this.armReconcile();
  }

  private roots(): string[] {
    return this.config.roots.length ? this.config.roots : [process.cwd()];
  }

  private async startWatcher(): Promise<void> {
    this.watcher = new WorkspaceWatcher(this.roots(), {
      taskChanged: (dir) => this.schedule(dir, 'watch'),
      fellBack: (reason) => this.options.emit({ event: 'watch-fallback', ts: now(), reason }),
    });
    await this.watcher.start();
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
    if (this.loop) return;
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
    });
  }

  private async sweep(tasks: string[] | null, trigger: Trigger): Promise<void> {
    let report: SweepReport;
    try {
      report = await runCleanup(this.config, { dryRun: false, tmux: this.tmux, ...(tasks ? { tasks } : {}) });
    } catch (err) {
      this.options.emit({ event: 'error', ts: now(), error: { path: 'daemon', message: `sweep failed: ${errorMessage(err)}` } });
      this.stats.failures++;
      return;
    }
    this.record(report, tasks === null, trigger);
  }

  private record(report: SweepReport, full: boolean, trigger: Trigger): void {
    const ts = now();
    const { emit } = this.options;
    for (const action of report.actions) if (action.outcome === 'done' || action.outcome === 'failed') emit({ event: 'action', ts, action });
    const orphanKeys = new Set<string>();
    for (const orphan of report.orphans) {
      const key = orphanKey(orphan);
      orphanKeys.add(key);
      if (!this.seenOrphans.has(key)) emit({ event: 'orphan', ts, orphan });
      this.seenOrphans.add(key);
    }
    const errorKeys = new Set<string>();
    for (const error of report.errors) {
      const key = `${error.path}\0${error.message}`;
      errorKeys.add(key);
      if (!this.seenErrors.has(key)) emit({ event: 'error', ts, error });
      this.seenErrors.add(key);
    }
    if (full) {
      // A full sweep sees everything: what it no longer reports is resolved, and may be announced again if it returns.
      for (const key of this.seenOrphans) if (!orphanKeys.has(key)) this.seenOrphans.delete(key);
      for (const key of this.seenErrors) if (!errorKeys.has(key)) this.seenErrors.delete(key);
      this.stats.tasks = report.stats.tasks;
      this.stats.agents = report.stats.agents;
    }
    this.warnIdle(report, ts);
    this.stats.sweeps++;
    this.stats.lastSweepAt = ts;
    this.stats.failures += report.stats.actions.failed;
    for (const [outcome, n] of Object.entries(report.stats.actions)) this.stats.actions[outcome] = (this.stats.actions[outcome] ?? 0) + n;
    emit({ event: 'sweep', ts, trigger, tasks: report.stats.tasks, actions: report.stats.actions, engineMs: report.stats.engineMs });
    this.beat();
  }

  /** SPEC.md: a warning comes `idleWarningMinutes` before an idle agent is cleaned; pinned agents are never warned. */
  private warnIdle(report: SweepReport, ts: string): void {
    const limit = this.config.idleMinutes;
    if (limit === null) return;
    for (const agent of report.agents) {
      const key = `${agent.task}\0${agent.agentId}`;
      const idle = agent.idleMinutes;
      if (agent.verdict !== 'active' || agent.pinned || idle === null || idle < limit - this.config.idleWarningMinutes) {
        this.warned.delete(key);
        continue;
      }
      if (this.warned.has(key)) continue;
      this.warned.add(key);
      this.options.emit({ event: 'idle-warning', ts, task: agent.task, agentId: agent.agentId, idleMinutes: idle, cleanInMinutes: Math.max(0, Math.round((limit - idle) * 100) / 100) });
    }
  }

  private beat(): void {
    try {
      writeHeartbeat(this.options.stateDir, {
        pid: process.pid,
        startedAt: this.startedAt,
        updatedAt: now(),
        lastSweepAt: this.stats.lastSweepAt,
        sweeps: this.stats.sweeps,
        tasks: this.stats.tasks,
        agents: this.stats.agents,
        actions: this.stats.actions,
        failures: this.stats.failures,
        watch: this.watcher?.mode ?? 'inotify',
      });
    } catch (err) {
      this.options.emit({ event: 'error', ts: now(), error: { path: this.options.stateDir, message: `cannot write heartbeat: ${errorMessage(err)}` } });
    }
  }

  /** SIGQUIT: what the daemon holds right now. */
  state(): Record<string, unknown> {
    return { ...this.stats, startedAt: this.startedAt, pendingTasks: [...this.dirty], fullPending: this.fullPending, sweeping: this.loop !== null, watch: this.watcher?.mode ?? null, config: this.config };
  }

  /** SIGHUP: a new config replaces the old one only if it is valid; the watcher follows changed roots. */
  async reload(next: Config): Promise<void> {
    const rootsChanged = JSON.stringify(next.roots) !== JSON.stringify(this.config.roots);
    this.config = next;
    if (rootsChanged) {
      await this.watcher?.stop();
      await this.startWatcher();
    }
    this.armReconcile();
    this.schedule(null, 'reload');
  }

  /** SIGTERM/SIGINT: no new sweeps; the one in flight finishes (its steps are bounded by their time limits). */
  async stop(signal: string): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.options.emit({ event: 'stopping', ts: now(), signal });
    if (this.debounce) clearTimeout(this.debounce);
    if (this.reconcileTimer) clearInterval(this.reconcileTimer);
    await this.watcher?.stop();
    await this.loop;
    removeHeartbeat(this.options.stateDir);
    await this.releaseLock?.();
  }
}
