import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { REGISTRY_FILE } from '../registry-reader.js';
import { workspaceDirOf } from '../discovery.js';
import { errorMessage } from '../timeouts.js';

export type WatchMode = 'inotify' | 'polling';

export interface WatcherEvents {
  /** A registry (or its task folder) appeared, changed or vanished: that task needs a new plan. */
  taskChanged(taskDir: string): void;
  /** Watching had to fall back to polling (for example inotify's watch limit was reached). */
  fellBack(reason: string): void;
}

/**
 * Which paths matter, relative to a root: the workspace and its TASK-* folders. Everything else (logs, archives, a
 * whole source tree when the root is a repository) is never watched.
 */
function relevance(root: string, workspace: string, file: string, mode: WatchMode): boolean {
  if (file === root || file === workspace) return true;
  const rel = path.relative(workspace, file);
  if (rel.startsWith('..') || path.isAbsolute(rel)) {
    // Above the workspace: only the path leading to it (the root itself when the workspace does not exist yet).
    return workspace.startsWith(file + path.sep);
  }
  // Only folders are watched: a registry is seen through its task folder's raw events (one inotify watch per task
  // instead of two, and none of chokidar's per-file bookkeeping, which dominates memory at 10,000 tasks).
  const parts = rel.split(path.sep);
  if (parts.length === 1) return parts[0]!.startsWith('TASK-');
  // Polling has no raw folder events, so there the registries themselves are polled.
  return mode === 'polling' && parts.length === 2 && parts[0]!.startsWith('TASK-') && parts[1] === REGISTRY_FILE;
}

function taskOf(workspace: string, file: string): string | null {
  const rel = path.relative(workspace, file);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return null;
  const first = rel.split(path.sep)[0]!;
  return first.startsWith('TASK-') ? path.join(workspace, first) : null;
}

/** chokidar over every root, with a fallback to polling when the kernel refuses more watches. */
export class WorkspaceWatcher {
  private watcher: FSWatcher | null = null;
  mode: WatchMode = 'inotify';

  constructor(
    private readonly roots: readonly string[],
    private readonly events: WatcherEvents,
  ) {}

  async start(mode: WatchMode = 'inotify'): Promise<void> {
    this.mode = mode;
    const pairs = this.roots.map((root) => {
      const resolved = path.resolve(root);
      return { root: resolved, workspace: workspaceDirOf(resolved) };
    });
    const watcher = watch(
      pairs.map((p) => p.root),
      {
        ignoreInitial: true,
        persistent: true,
        followSymlinks: false,
        depth: mode === 'polling' ? 3 : 2,
        usePolling: mode === 'polling',
        interval: 1000,
        ignored: (file: string) => !pairs.some((p) => relevance(p.root, p.workspace, file, mode)),
      },
    );
    const onPath = (file: string) => {
      for (const p of pairs) {
        const task = taskOf(p.workspace, file);
        if (task) this.events.taskChanged(task);
      }
    };
    for (const event of ['add', 'change', 'unlink', 'addDir', 'unlinkDir'] as const) watcher.on(event, onPath);
    // Registries are not watched as files (see relevance): every raw inotify event a task folder reports for its
    // AGENT_REGISTRY.json counts. This also sidesteps chokidar dropping a 'change' whose stat looks unchanged.
    watcher.on('raw', (_event: string, evPath: string | null, details: unknown) => {
      const watched = (details as { watchedPath?: unknown } | null)?.watchedPath;
      if (typeof watched !== 'string') return;
      const file = path.basename(watched) === REGISTRY_FILE ? watched : evPath && path.basename(evPath) === REGISTRY_FILE ? path.join(watched, path.basename(evPath)) : null;
      if (file) onPath(file);
    });
    watcher.on('error', (err: unknown) => {
      const code = (err as NodeJS.ErrnoException).code;
      if (this.mode === 'inotify' && (code === 'ENOSPC' || code === 'EMFILE')) void this.fallBack(`inotify refused a watch (${code}): ${errorMessage(err)}`);
    });
    await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
    this.watcher = watcher;
  }

  private async fallBack(reason: string): Promise<void> {
    await this.stop();
    this.events.fellBack(reason);
    await this.start('polling');
  }

  async stop(): Promise<void> {
    const watcher = this.watcher;
    this.watcher = null;
    await watcher?.close();
  }
}
