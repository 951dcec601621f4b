import type { Config, DaemonEvent, SweepReport, SweepTrigger, WatchMode } from '../../shared/index.js';
import type { Disposable } from '../base/disposables.js';
import { workspaceBases } from '../workspace/roots.js';
import { ActiveTasks, type PlanScope } from './active-tasks.js';
import { DatabaseChanges } from './database-changes.js';
import { now } from './sweep-recorder.js';
import { WorkspaceWatcher, type WatcherOptions } from './workspace-watcher.js';

export interface ChangeHooks {
  schedule(taskDir: string | null, trigger: SweepTrigger): void;
  emit(event: DaemonEvent): void;
  config(): Config;
}

/**
 * Where the daemon's per-task sweeps come from: the workspace watcher (task folders, active registries), the state
 * databases (DatabaseChanges: only tasks whose agents changed) and the set of active tasks the watcher follows,
 * which every plan updates (ActiveTasks).
 */
export class ChangeSources implements Disposable {
  readonly watcher: WorkspaceWatcher;
  private readonly databases: DatabaseChanges;
  private readonly active: ActiveTasks;
  /** Time to set up the base watches, and from the first plan to its registry watches being in place. */
  private readonly setup = { basesMs: 0, firstPlanAt: 0, registriesMs: -1 };

  constructor(
    roots: readonly string[],
    private readonly hooks: ChangeHooks,
    options: WatcherOptions = {},
  ) {
    this.databases = new DatabaseChanges({
      timeoutMs: () => hooks.config().timeouts.databaseMs,
      debounceMs: () => hooks.config().debounceMs,
      tasksChanged: (dirs) => {
        for (const dir of dirs) hooks.schedule(dir, 'watch');
      },
      // Reported by the sweep that follows, like an invalid registry; nothing to do here.
      failed: () => hooks.schedule(null, 'watch'),
    });
    this.watcher = new WorkspaceWatcher(roots, this.watcherEvents(), options);
    this.active = new ActiveTasks(this.watcher);
  }

  get mode(): WatchMode {
    return this.watcher.mode;
  }

  async start(): Promise<void> {
    const t0 = performance.now();
    await this.watcher.start();
    this.setup.basesMs = performance.now() - t0;
    this.databases.prime(this.watcher.watchedBases);
  }

  /** Settles once the registry watches the plans asked for are in place. */
  async settled(): Promise<void> {
    await this.watcher.settled();
    if (this.setup.registriesMs < 0 && this.setup.firstPlanAt > 0) this.setup.registriesMs = performance.now() - this.setup.firstPlanAt;
  }

  /** How long the watcher took to be ready at start-up (base watches, then the first plan's registries), or null. */
  get readyMs(): number | null {
    return this.setup.registriesMs < 0 ? null : Math.round((this.setup.basesMs + this.setup.registriesMs) * 10) / 10;
  }

  /** Watches the bases of `roots`; unless `force`, only if they differ from those watched (a root became a base). */
  async follow(roots: readonly string[], force: boolean): Promise<void> {
    const bases = workspaceBases(roots);
    const watched = this.watcher.watchedBases;
    if (!force && bases.length === watched.length && bases.every((b) => watched.includes(b))) return;
    await this.watcher.follow(roots);
    this.databases.prime(this.watcher.watchedBases);
  }

  /** After every sweep: the tasks it planned are watched or dropped by what the plan says of them. */
  notePlan(report: SweepReport, plan: PlanScope): void {
    if (this.setup.firstPlanAt === 0) this.setup.firstPlanAt = performance.now();
    this.active.record(report, plan, Date.now());
  }

  async dispose(): Promise<void> {
    this.databases.dispose();
    await this.watcher.dispose();
  }

  private watcherEvents() {
    const { schedule, emit } = this.hooks;
    return {
      taskAppeared: (dir: string) => {
        this.active.appeared(dir, Date.now());
        schedule(dir, 'watch');
      },
      taskChanged: (dir: string) => schedule(dir, 'watch'),
      databaseChanged: (base: string) => this.databases.changed(base),
      lost: () => schedule(null, 'reconcile'),
      fellBack: (reason: string) => {
        emit({ event: 'watch-fallback', ts: now(), reason });
        // Whatever changed between the refused watch and the first polling pass is found by a full reconcile.
        schedule(null, 'reconcile');
      },
      watchFailed: (message: string) => emit({ event: 'error', ts: now(), error: { path: 'watcher', message } }),
    };
  }
}
