import path from 'node:path';
import type { WatchMode } from '../../shared/index.js';
import { errnoCode, messageOf } from '../../shared/errors.js';
import type { Disposable } from '../base/disposables.js';
import { workspaceBases } from '../workspace/roots.js';
import { InotifyBase } from './inotify-base.js';
import { PolledBase } from './polled-base.js';
import { RegistryWatch } from './registry-watch.js';
import { isWatchLimit, nodeWatch, remoteFileSystem, type BaseEvents, type WatchFn } from './watch-kit.js';

export type { WatchFn } from './watch-kit.js';

export interface WatcherEvents {
  /** A new task folder: its registry is watched from now on, until the daemon's plans say it cannot change. */
  taskAppeared(taskDir: string): void;
  /** A watched registry was written, or a task folder vanished: that task needs a new plan. */
  taskChanged(taskDir: string): void;
  /** A workspace base's state database was written: the tasks whose agents changed need a new plan. */
  databaseChanged(base: string): void;
  /** Changes may have been missed: a full reconcile is needed. */
  lost(reason: string): void;
  /** Watching switched to polling (inotify refused a watch, or cannot see changes on this file system). */
  fellBack(reason: string): void;
  /** A watch failed for a reason polling would not fix; the periodic full reconcile still covers it. */
  watchFailed(message: string): void;
}

export interface WatcherOptions {
  /** Replaces fs.watch for the bases (tests make it refuse a watch the way a full inotify does). */
  watch?: WatchFn;
  /** Polling mode's period, and the stat-polling period of a base that does not exist yet. */
  pollMs?: number;
}

/**
 * The daemon's eyes, scaled to active work: a plain watch per workspace base and its `registry/` folder (InotifyBase),
 * and chokidar on the AGENT_REGISTRY.json of the tasks the daemon says can still change (RegistryWatch), so inotify
 * watches grow with running tasks, not with every task ever run. When the kernel refuses a watch (ENOSPC: inotify's
 * max_user_watches; EMFILE: its max_user_instances), or a base lies on a remote file system, everything is polled
 * instead (PolledBase, chokidar's `usePolling`), with the same set of watched tasks.
 */
export class WorkspaceWatcher implements Disposable {
  mode: WatchMode = 'inotify';
  private bases: (InotifyBase | PolledBase)[] = [];
  private registries: RegistryWatch | null = null;
  private workspaces: string[] = [];
  /** Task folders whose registry is watched; kept across a switch of mode or of roots. */
  private readonly tasks = new Set<string>();
  private running = false;
  private disposed = false;
  private readonly watchFn: WatchFn;
  private readonly pollMs: number;

  constructor(
    private rootPaths: readonly string[],
    private readonly events: WatcherEvents,
    options: WatcherOptions = {},
  ) {
    this.watchFn = options.watch ?? nodeWatch;
    this.pollMs = options.pollMs ?? 1000;
  }

  /** Resolves once every watch is in place (or polling has taken over). */
  async start(mode: WatchMode = 'inotify'): Promise<void> {
    await this.close();
    // Disposed while the old watches closed: nothing is opened again.
    if (this.disposed) return;
    this.running = true;
    // Resolved like discovery resolves roots, so the task folders reported here are the ones a sweep accepts.
    this.workspaces = workspaceBases(this.rootPaths);
    for (const task of [...this.tasks]) if (!this.workspaces.includes(path.dirname(task))) this.tasks.delete(task);
    const remote = mode === 'inotify' ? this.remoteBase() : null;
    if (remote) return this.fallBack(remote);
    this.open(mode);
    if (mode === 'inotify') this.startInotify();
  }

  /**
   * Watches again on other roots (a reload, or a root that became a base), keeping the tasks still under them; inotify
   * is tried again, as the user may have raised its limits meanwhile.
   */
  async follow(roots: readonly string[]): Promise<void> {
    this.rootPaths = roots;
    await this.start();
  }

  get watchedBases(): readonly string[] {
    return this.workspaces;
  }

  get watchedTasks(): ReadonlySet<string> {
    return this.tasks;
  }

  /** inotify watches held (0 in polling mode): two per base, one per watched registry. */
  get watches(): number {
    const registries = this.mode === 'inotify' ? (this.registries?.size ?? 0) : 0;
    return this.bases.reduce((n, b) => n + b.watches, registries);
  }

  /**
   * Watches the task's registry (again from scratch with `renew`: a folder renamed over is a new inode). `since`: when
   * the plan that chose it began; a write after that, before the watch is in place, is reported too.
   */
  watchTask(taskDir: string, since: number, renew = false): void {
    if (this.tasks.has(taskDir) && !renew) return;
    this.tasks.add(taskDir);
    this.registries?.add(taskDir, since);
  }

  /** Settles once every registry watch added so far is in place. */
  async settled(): Promise<void> {
    await this.registries?.settled();
  }

  unwatchTask(taskDir: string): void {
    this.tasks.delete(taskDir);
    this.registries?.delete(taskDir);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.running = false;
    await this.close();
  }

  private open(mode: WatchMode): void {
    this.mode = mode;
    this.registries = new RegistryWatch(mode === 'polling', this.pollMs, {
      changed: (dir) => this.running && this.events.taskChanged(dir),
      failed: (err) => this.failed(err),
    });
    // A switch of mode or roots: the full reconcile that follows covers the moment in between.
    for (const task of this.tasks) this.registries.add(task, Date.now());
    if (mode === 'polling') {
      for (const ws of this.workspaces) this.bases.push(new PolledBase(ws, this.baseEvents(), this.pollMs));
      for (const base of this.bases) base.start();
    }
  }

  private startInotify(): void {
    try {
      for (const ws of this.workspaces) {
        // A limit error reported through the hooks (not thrown) has already switched to polling.
        if (this.mode !== 'inotify') return;
        const base = new InotifyBase(ws, this.watchFn, this.baseEvents(), this.pollMs);
        this.bases.push(base);
        base.start();
      }
    } catch (err) {
      this.failed(err);
    }
  }

  private baseEvents(): BaseEvents {
    const live = () => this.running;
    return {
      taskAppeared: (dir) => {
        if (!live()) return;
        this.watchTask(dir, Date.now(), true);
        this.events.taskAppeared(dir);
      },
      taskVanished: (dir) => {
        if (!live()) return;
        this.unwatchTask(dir);
        this.events.taskChanged(dir);
      },
      baseVanished: (base) => {
        if (!live()) return;
        for (const dir of [...this.tasks]) if (path.dirname(dir) === base) this.unwatchTask(dir);
        this.events.lost(`${base} vanished`);
      },
      databaseChanged: (base) => live() && this.events.databaseChanged(base),
      lost: (reason) => live() && this.events.lost(reason),
      failed: (err) => this.failed(err),
    };
  }

  /**
   * A limit error switches everything to polling, once; any other watch error is not something polling would fix,
   * and the periodic full reconcile still covers what that one watch misses.
   */
  private failed(err: unknown): void {
    if (!this.running) return;
    if (!isWatchLimit(err)) return this.events.watchFailed(`watch failed: ${messageOf(err)}`);
    if (this.mode !== 'inotify') return;
    const code = errnoCode(err) ?? 'error';
    void this.fallBack(`inotify refused a watch (${code}): ${messageOf(err)}; polling instead`);
  }

  private async fallBack(reason: string): Promise<void> {
    this.mode = 'polling';
    await this.close();
    if (this.disposed) return;
    this.running = true;
    this.open('polling');
    this.events.fellBack(reason);
  }

  private remoteBase(): string | null {
    for (const ws of this.workspaces) {
      const fsName = remoteFileSystem(ws) ?? remoteFileSystem(path.dirname(ws));
      if (fsName) return `${ws} is on ${fsName}, where inotify misses changes made elsewhere; polling instead`;
    }
    return null;
  }

  private async close(): Promise<void> {
    for (const base of this.bases.splice(0)) base.dispose();
    const registries = this.registries;
    this.registries = null;
    await registries?.dispose();
  }
}
