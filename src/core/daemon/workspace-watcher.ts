import { workspaceBases } from '../workspace/roots.js';
import { errorMessage } from '../base/timeouts.js';
import { InotifyRoot, isWatchLimit, nodeWatch, type WatchFn } from './inotify-root.js';
import { RegistryPoller } from './registry-poller.js';
import { errnoCode } from '../../shared/errors.js';
import type { WatchMode } from '../../shared/index.js';

export type { WatchFn } from './inotify-root.js';

export type { WatchMode } from '../../shared/index.js';

export interface WatcherEvents {
  /** A registry (or its task folder) appeared, changed or vanished: that task needs a new plan. */
  taskChanged(taskDir: string): void;
  /** A workspace base's state database was written: the tasks whose agents changed need a new plan. */
  databaseChanged(workspace: string): void;
  /** Watching had to fall back to polling (for example inotify's watch limit was reached). */
  fellBack(reason: string): void;
}

export interface WatcherOptions {
  /** Replaces fs.watch (tests make it refuse a watch the way a full inotify does). */
  watch?: WatchFn;
  /** Polling mode's shortest period, and the stat-polling period of a root that does not exist yet. */
  pollMs?: number;
}

/**
 * Watches every root's `.agent-workspace/` and its `TASK-*` folders with fs.watch (see InotifyRoot), and falls back
 * to polling the registries (see RegistryPoller) when the kernel refuses a watch (ENOSPC: inotify's max_user_watches;
 * EMFILE: its max_user_instances), whether at start or when a new task folder is added later.
 */
export class WorkspaceWatcher {
  mode: WatchMode = 'inotify';
  private roots: InotifyRoot[] = [];
  private workspaces: string[] = [];
  private poller: RegistryPoller | null = null;
  private running = false;
  private readonly watchFn: WatchFn;
  private readonly pollMs: number;

  constructor(
    private readonly rootPaths: readonly string[],
    private readonly events: WatcherEvents,
    options: WatcherOptions = {},
  ) {
    this.watchFn = options.watch ?? nodeWatch;
    this.pollMs = options.pollMs ?? 1000;
  }

  /** Resolves once every watch is in place (or polling has taken over). */
  async start(mode: WatchMode = 'inotify'): Promise<void> {
    await this.stop();
    this.running = true;
    // Resolved like discovery resolves roots, so the task folders reported here are the ones a sweep accepts.
    this.workspaces = workspaceBases(this.rootPaths);
    if (mode === 'polling') return this.startPolling();
    this.mode = 'inotify';
    const hooks = {
      taskChanged: (dir: string) => {
        if (this.mode === 'inotify' && this.running) this.events.taskChanged(dir);
      },
      databaseChanged: (ws: string) => {
        if (this.mode === 'inotify' && this.running) this.events.databaseChanged(ws);
      },
      failed: (err: unknown) => this.failed(err),
    };
    try {
      for (const ws of this.workspaces) {
        // A limit error reported through the hooks (not thrown) has already switched to polling.
        if (this.mode !== 'inotify') break;
        const root = new InotifyRoot(ws, this.watchFn, hooks, this.pollMs);
        this.roots.push(root);
        root.start();
      }
    } catch (err) {
      this.failed(err);
    }
  }

  /** The workspace bases being watched (resolved). */
  get bases(): readonly string[] {
    return this.workspaces;
  }

  /** How many fs.watch handles are open (0 in polling mode). */
  get watches(): number {
    return this.roots.reduce((n, r) => n + r.watches, 0);
  }

  /**
   * A limit error switches everything to polling, once; any other watch error is not something polling would fix,
   * and the periodic full reconcile still covers what that one watch misses.
   */
  private failed(err: unknown): void {
    if (!this.running || this.mode !== 'inotify' || !isWatchLimit(err)) return;
    const code = errnoCode(err) ?? 'error';
    this.closeRoots();
    this.startPolling();
    this.events.fellBack(`inotify refused a watch (${code}): ${errorMessage(err)}; polling the registries instead`);
  }

  private startPolling(): void {
    this.mode = 'polling';
    this.poller = new RegistryPoller(
      this.workspaces,
      this.pollMs,
      (dir) => {
        if (this.running) this.events.taskChanged(dir);
      },
      (ws) => {
        if (this.running) this.events.databaseChanged(ws);
      },
    );
    this.poller.start();
  }

  private closeRoots(): void {
    for (const r of this.roots) r.close();
    this.roots = [];
  }

  async stop(): Promise<void> {
    this.running = false;
    this.closeRoots();
    this.poller?.stop();
    this.poller = null;
  }
}
