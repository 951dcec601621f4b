import fs from 'node:fs';
import path from 'node:path';
import type { Disposable } from '../base/disposables.js';
import { STATE_DB_DIR } from '../workspace/layout.js';
import { isTaskDirName } from '../base/guards.js';
import { isRealDir } from '../base/safe-read.js';
import { DB_FILES, isWatchLimit, type BaseEvents, type WatchFn } from './watch-kit.js';

/**
 * One workspace base in inotify mode, with plain `fs.watch`: one watch on the base (task folders appearing, vanishing
 * or renamed over) and one on its `registry/` folder (the state database and its WAL), whatever the number of tasks.
 * Registries are not watched here (see RegistryWatch). While the base does not exist, its path is stat-polled.
 *
 * Throws a limit error (see isWatchLimit) from start(), so the owner can fall back; later ones go to `failed`.
 */
export class InotifyBase implements Disposable {
  private baseWatch: fs.FSWatcher | null = null;
  private registryWatch: fs.FSWatcher | null = null;
  private statPoll: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    readonly base: string,
    private readonly watchFn: WatchFn,
    private readonly events: BaseEvents,
    private readonly pollMs: number,
  ) {}

  start(): void {
    if (isRealDir(this.base)) this.attach(false);
    else this.awaitBase();
  }

  get watches(): number {
    return (this.baseWatch ? 1 : 0) + (this.registryWatch ? 1 : 0);
  }

  dispose(): void {
    this.closed = true;
    this.detach();
    this.stopStatPoll();
  }

  /** Every fs.watch gets an error listener: an unhandled 'error' event would end the daemon. */
  private watch(dir: string, listener: (event: string, filename: string | null) => void): fs.FSWatcher {
    return this.watchFn(dir, listener).on('error', (err) => this.events.failed(err));
  }

  private attach(announce: boolean): void {
    this.baseWatch = this.watch(this.base, (event, name) => this.guard(() => this.onBaseEvent(event, name)));
    this.attachRegistry(announce);
    if (announce) this.announceTasks();
  }

  private detach(): void {
    this.baseWatch?.close();
    this.baseWatch = null;
    this.registryWatch?.close();
    this.registryWatch = null;
  }

  /** `registry/` holds the orchestrator's state database; one watch sees every commit (a write to its WAL). */
  private attachRegistry(announce: boolean): void {
    this.registryWatch?.close();
    this.registryWatch = null;
    const dir = path.join(this.base, STATE_DB_DIR);
    if (isRealDir(dir)) {
      try {
        this.registryWatch = this.watch(dir, (_event, file) => {
          if (file === null || DB_FILES.includes(file)) this.events.databaseChanged(this.base);
        });
      } catch (err) {
        if (isWatchLimit(err)) throw err;
        // Vanished meanwhile: the base watch sees it come back.
      }
    }
    if (announce) this.events.databaseChanged(this.base);
  }

  /** A base that appeared after start-up: every task folder in it is new. */
  private announceTasks(): void {
    let names: string[];
    try {
      names = fs.readdirSync(this.base);
    } catch {
      // Gone or unreadable meanwhile: the next event, or the full reconcile (which reports it), takes over.
      return;
    }
    for (const name of names) {
      const dir = path.join(this.base, name);
      if (isTaskDirName(name) && isRealDir(dir)) this.events.taskAppeared(dir);
    }
  }

  private onBaseEvent(event: string, name: string | null): void {
    if (this.closed) return;
    // The base itself was removed or moved (inotify's DELETE_SELF/MOVE_SELF arrive with its own name).
    if (!isRealDir(this.base)) {
      this.detach();
      this.events.baseVanished(this.base);
      this.awaitBase();
      return;
    }
    if (name === null) {
      this.attachRegistry(true);
      return this.events.lost(`an event without a name on ${this.base}`);
    }
    if (name === STATE_DB_DIR && event === 'rename') return this.attachRegistry(true);
    if (!isTaskDirName(name) || event !== 'rename') return;
    const dir = path.join(this.base, name);
    if (isRealDir(dir)) this.events.taskAppeared(dir);
    else this.events.taskVanished(dir);
  }

  /**
   * No base yet: its path is looked at (one lstat) every period until it is a real folder. A timer of its own, not
   * fs.watchFile: that takes its first stat later, and misses a folder created in between.
   */
  private awaitBase(): void {
    const check = () =>
      this.guard(() => {
        if (this.closed || this.baseWatch || !isRealDir(this.base)) return;
        this.stopStatPoll();
        this.attach(true);
      });
    this.statPoll = setInterval(check, this.pollMs);
    check();
  }

  private stopStatPoll(): void {
    if (this.statPoll) clearInterval(this.statPoll);
    this.statPoll = null;
  }

  /** Event handlers run outside start(): a limit error there is handed to the owner instead of being thrown. */
  private guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.events.failed(err);
    }
  }
}
