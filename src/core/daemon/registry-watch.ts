import fs from 'node:fs';
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { Disposable } from '../base/disposables.js';
import { REGISTRY_FILE } from '../workspace/layout.js';

export interface RegistryEvents {
  /** The task's AGENT_REGISTRY.json was written, created or removed. */
  changed(taskDir: string): void;
  /** A watch failed; a limit error makes the owner fall back to polling. */
  failed(err: unknown): void;
}

/**
 * A burst of writes (the orchestrator truncates, then writes) becomes one event once the size has held still this
 * long. It also keeps chokidar's 50 ms throttle of `change` events from dropping a second write inside that window
 * (it applies only without awaitWriteFinish), which could leave the last state of a registry unseen.
 */
const SETTLE = { stabilityThreshold: 15, pollInterval: 5 };

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/**
 * The AGENT_REGISTRY.json of each task that can still change, with chokidar: one inotify watch per registry (its
 * task folder's while it does not exist yet), or `fs.watchFile` polling in polling mode. One chokidar instance per
 * task: `unwatch()` on a shared instance keeps each path in its ignore list for good, which every later event is
 * matched against, while closing an instance frees all it held.
 */
export class RegistryWatch implements Disposable {
  private readonly watchers = new Map<string, FSWatcher>();
  /** Watches not in place yet: each settles on its 'ready', or when it is closed first. */
  private readonly starting = new Map<FSWatcher, { ready: Promise<void>; settle: () => void }>();

  constructor(
    private readonly polling: boolean,
    private readonly pollMs: number,
    private readonly events: RegistryEvents,
  ) {}

  get size(): number {
    return this.watchers.size;
  }

  /**
   * Watches the task's registry; again from scratch if it was watched (its folder may have been renamed over). A
   * write after `since` (when the plan that chose this task began) that came before the watch was in place is
   * reported once it is.
   */
  add(taskDir: string, since: number): void {
    this.delete(taskDir);
    const file = path.join(taskDir, REGISTRY_FILE);
    const watcher = watch(file, {
      ignoreInitial: true,
      followSymlinks: false,
      usePolling: this.polling,
      interval: this.pollMs,
      awaitWriteFinish: SETTLE,
    });
    watcher.on('all', () => this.events.changed(taskDir));
    watcher.on('error', (err) => this.events.failed(err));
    this.watchers.set(taskDir, watcher);
    const ready = deferred();
    const settle = () => {
      this.starting.delete(watcher);
      ready.resolve();
    };
    this.starting.set(watcher, { ready: ready.promise, settle });
    watcher.once('ready', () => {
      settle();
      // Kernel timestamps are coarser than Date.now(): a little early counts as after (at worst one extra plan).
      const mtimeMs = fs.lstatSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0;
      if (mtimeMs >= since - 20) this.events.changed(taskDir);
    });
  }

  /** Settles once every watch added so far is in place (or closed). */
  async settled(): Promise<void> {
    await Promise.all([...this.starting.values()].map((s) => s.ready));
  }

  delete(taskDir: string): void {
    const watcher = this.watchers.get(taskDir);
    if (!watcher) return;
    this.watchers.delete(taskDir);
    this.starting.get(watcher)?.settle();
    watcher.close().catch((err: unknown) => this.events.failed(err));
  }

  async dispose(): Promise<void> {
    const closing = [...this.watchers.values()].map((w) => w.close());
    for (const { settle } of [...this.starting.values()]) settle();
    this.watchers.clear();
    await Promise.all(closing);
  }
}
