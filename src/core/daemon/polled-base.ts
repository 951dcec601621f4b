import fs from 'node:fs';
import path from 'node:path';
import type { Disposable } from '../base/disposables.js';
import { STATE_DB_DIR } from '../workspace/layout.js';
import { isTaskDirName } from '../base/guards.js';
import { DB_FILES, type BaseEvents } from './watch-kit.js';

function identity(file: string): string {
  const st = fs.lstatSync(file, { throwIfNoEntry: false });
  return st ? `${st.ino}:${st.size}:${st.mtimeMs}` : '';
}

/**
 * One workspace base in polling mode (where inotify refused a watch, or cannot see the changes): every period the
 * base folder and the state database's files are lstat'ed (three syscalls), and the base is listed only when its
 * mtime moved (an entry added or removed), to be compared with the task folders it held before. The registries are
 * polled by chokidar (RegistryWatch). One timer rather than fs.watchFile: that takes its first stat a period later
 * and misses what changes in between.
 */
export class PolledBase implements Disposable {
  private timer: NodeJS.Timeout | null = null;
  private known = new Set<string>();
  private readonly seen = new Map<string, string>();
  /** Nothing here holds an inotify watch. */
  readonly watches = 0;

  constructor(
    readonly base: string,
    private readonly events: BaseEvents,
    private readonly pollMs: number,
  ) {}

  /** The first look only records what is there: the owner's full reconcile covers the switch itself. */
  start(): void {
    this.known = this.taskNames();
    this.look();
    this.timer = setInterval(() => this.look(), this.pollMs);
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private look(): void {
    const first = this.seen.size === 0;
    if (this.moved(this.base) && !first) this.rescan();
    const dbMoved = DB_FILES.map((f) => this.moved(path.join(this.base, STATE_DB_DIR, f))).some(Boolean);
    if (dbMoved && !first) this.events.databaseChanged(this.base);
  }

  /** Whether the path's identity changed since the last look (recording it). */
  private moved(file: string): boolean {
    const now = identity(file);
    const before = this.seen.get(file);
    this.seen.set(file, now);
    return before !== now;
  }

  private rescan(): void {
    const now = this.taskNames();
    for (const name of now) if (!this.known.has(name)) this.events.taskAppeared(path.join(this.base, name));
    for (const name of this.known) if (!now.has(name)) this.events.taskVanished(path.join(this.base, name));
    this.known = now;
  }

  private taskNames(): Set<string> {
    const names = new Set<string>();
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(this.base, { withFileTypes: true });
    } catch {
      // No base (yet): its tasks count as vanished; the full reconcile reports an unreadable one.
      return names;
    }
    for (const e of entries) if (isTaskDirName(e.name) && e.isDirectory()) names.add(e.name);
    return names;
  }
}
