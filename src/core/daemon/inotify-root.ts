import fs from 'node:fs';
import path from 'node:path';
import { errnoCode } from '../../shared/errors.js';
import { REGISTRY_FILE, STATE_DB_DIR, STATE_DB_FILE, TASK_DIR_PREFIX } from '../workspace/layout.js';

/** The database file and its WAL: a commit appends to the WAL, a checkpoint rewrites the database. */
const DB_NAMES = new Set([STATE_DB_FILE, `${STATE_DB_FILE}-wal`]);

/** fs.watch's shape; injectable so a test can make the kernel's refusal of the N-th watch happen on demand. */
export type WatchFn = (dir: string, listener: (event: string, filename: string | null) => void) => fs.FSWatcher;

export const nodeWatch: WatchFn = (dir, listener) => fs.watch(dir, { persistent: true }, listener);

/** Errors that mean "the kernel will not give us more watches": inotify's per-user watch or instance limit. */
export function isWatchLimit(err: unknown): boolean {
  const code = errnoCode(err);
  return code === 'ENOSPC' || code === 'EMFILE';
}

function isRealDir(p: string): boolean {
  const st = fs.lstatSync(p, { throwIfNoEntry: false });
  return st !== undefined && st.isDirectory() && !st.isSymbolicLink();
}

export interface RootHooks {
  taskChanged(taskDir: string): void;
  /** The workspace base's state database (or its WAL) was written, created or removed. */
  databaseChanged(workspace: string): void;
  /** A watch failed asynchronously; a limit error makes the owner fall back to polling. */
  failed(err: unknown): void;
}

/**
 * One root in inotify mode, with plain `fs.watch`: one watch on `.agent-workspace/` (tasks appearing and vanishing)
 * and one per `TASK-*` folder (its AGENT_REGISTRY.json being written: a folder watch reports writes to the files in
 * it, so the registry needs no watch of its own). Nothing below a task folder is watched. While the workspace does
 * not exist, its parent is watched instead (or, if that is missing too, the workspace path is stat-polled).
 *
 * Why not chokidar: over 10,000 task folders it held about 100 MiB and needed 3+ s to be ready, against about 12 MiB
 * and 60 ms for these watches (docs/benchmarks.md). What chokidar adds (recursion, stat bookkeeping, atomic-write
 * detection) is not needed for a fixed two-level layout where any event only marks a task for a re-read.
 *
 * Throws a limit error (see isWatchLimit) from start() or from a later addition, so the owner can fall back.
 */
export class InotifyRoot {
  private workspaceWatch: fs.FSWatcher | null = null;
  private registryWatch: fs.FSWatcher | null = null;
  private parentWatch: fs.FSWatcher | null = null;
  private statPolled = false;
  private readonly tasks = new Map<string, fs.FSWatcher>();
  private closed = false;

  constructor(
    readonly workspace: string,
    private readonly watchFn: WatchFn,
    private readonly hooks: RootHooks,
    private readonly pollMs: number,
  ) {}

  start(): void {
    if (isRealDir(this.workspace)) this.attachWorkspace(false);
    else this.awaitWorkspace();
  }

  close(): void {
    this.closed = true;
    this.detachWorkspace();
    this.parentWatch?.close();
    this.parentWatch = null;
    if (this.statPolled) fs.unwatchFile(this.workspace);
    this.statPolled = false;
  }

  get watches(): number {
    return this.tasks.size + (this.workspaceWatch ? 1 : 0) + (this.registryWatch ? 1 : 0) + (this.parentWatch ? 1 : 0);
  }

  /** One error listener for every watch of this root (a closure per watch adds up at 10,000 tasks). */
  private readonly onError = (err: unknown) => this.hooks.failed(err);

  /** Every fs.watch gets an error listener: an unhandled 'error' event would end the daemon. */
  private watch(dir: string, listener: (event: string, filename: string | null) => void): fs.FSWatcher {
    return this.watchFn(dir, listener).on('error', this.onError);
  }

  private attachWorkspace(announce: boolean): void {
    this.workspaceWatch = this.watch(this.workspace, (event, name) => this.guard(() => this.onWorkspaceEvent(event, name)));
    this.attachRegistry(announce);
    this.rescan(announce);
  }

  /** `registry/` holds the orchestrator's state database; one watch sees every commit (a write to its WAL). */
  private attachRegistry(announce: boolean): void {
    this.registryWatch?.close();
    this.registryWatch = null;
    const dir = path.join(this.workspace, STATE_DB_DIR);
    if (isRealDir(dir)) {
      try {
        this.registryWatch = this.watch(dir, (_event, file) => {
          if (file === null || DB_NAMES.has(file)) this.hooks.databaseChanged(this.workspace);
        });
      } catch (err) {
        if (isWatchLimit(err)) throw err;
        // Vanished meanwhile: the workspace watch sees it come back.
      }
    }
    if (announce) this.hooks.databaseChanged(this.workspace);
  }

  private detachWorkspace(): void {
    this.workspaceWatch?.close();
    this.workspaceWatch = null;
    this.registryWatch?.close();
    this.registryWatch = null;
    for (const w of this.tasks.values()) w.close();
    this.tasks.clear();
  }

  /** Brings the task watches in line with the folder: new tasks are watched, vanished ones dropped. */
  private rescan(announce: boolean): void {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(this.workspace, { withFileTypes: true });
    } catch {
      // Gone or unreadable meanwhile: the event that follows (or the full reconcile, which reports it) takes over.
      return;
    }
    const present = new Set<string>();
    for (const e of entries) {
      if (!e.name.startsWith(TASK_DIR_PREFIX) || !e.isDirectory()) continue;
      present.add(e.name);
      if (!this.tasks.has(e.name)) this.addTask(e.name, announce);
    }
    for (const name of [...this.tasks.keys()]) if (!present.has(name)) this.dropTask(name);
  }

  private onWorkspaceEvent(event: string, name: string | null): void {
    if (this.closed) return;
    // The workspace itself was removed or moved (inotify's DELETE_SELF/MOVE_SELF arrive with its own name).
    if (!isRealDir(this.workspace)) {
      for (const name of this.tasks.keys()) this.hooks.taskChanged(path.join(this.workspace, name));
      this.detachWorkspace();
      this.awaitWorkspace();
      return;
    }
    if (name === null) {
      this.attachRegistry(true);
      return this.rescan(true);
    }
    if (name === STATE_DB_DIR && event === 'rename') return this.attachRegistry(true);
    if (!name.startsWith(TASK_DIR_PREFIX) || event !== 'rename') return;
    // A name created, deleted or replaced (renamed over): the old watch follows the old inode, so watch afresh.
    if (isRealDir(path.join(this.workspace, name))) this.addTask(name, true);
    else if (this.tasks.has(name)) this.dropTask(name);
  }

  private addTask(name: string, announce: boolean): void {
    const dir = this.workspace + path.sep + name;
    this.tasks.get(name)?.close();
    this.tasks.delete(name);
    try {
      // The listener keeps only the name (already held as the map's key); the path is rebuilt on the rare event.
      this.tasks.set(
        name,
        this.watch(dir, (_event, file) => {
          if (file === REGISTRY_FILE || file === null) this.hooks.taskChanged(this.workspace + path.sep + name);
        }),
      );
    } catch (err) {
      if (isWatchLimit(err)) throw err;
      // Vanished since the listing (ENOENT) or not watchable (EACCES): the sweep below reads it and reports
      // whatever is wrong with it, and the workspace watch still sees it go or come back.
    }
    if (announce) this.hooks.taskChanged(dir);
  }

  private dropTask(name: string): void {
    this.tasks.get(name)?.close();
    this.tasks.delete(name);
    this.hooks.taskChanged(path.join(this.workspace, name));
  }

  /**
   * No workspace yet: watch the folder it will be created in, else stat-poll its path (a root that does not exist
   * yet, or a root named `.agent-workspace` whose parent is missing).
   */
  private awaitWorkspace(): void {
    const parent = path.dirname(this.workspace);
    const base = path.basename(this.workspace);
    const check = () =>
      this.guard(() => {
        if (this.closed || this.workspaceWatch || !isRealDir(this.workspace)) return;
        this.parentWatch?.close();
        this.parentWatch = null;
        if (this.statPolled) fs.unwatchFile(this.workspace);
        this.statPolled = false;
        this.attachWorkspace(true);
      });
    if (isRealDir(parent)) {
      this.parentWatch = this.watch(parent, (_event, name) => {
        if (name === null || name === base) check();
      });
    } else {
      this.statPolled = true;
      fs.watchFile(this.workspace, { interval: this.pollMs, persistent: true }, check);
    }
    // Created between the first look and the watch being in place.
    check();
  }

  /** Event handlers run outside start(): a limit error there is handed to the owner instead of being thrown. */
  private guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.hooks.failed(err);
    }
  }
}
