import path from 'node:path';
import type { InputError } from '../../shared/index.js';
import { readStateDatabase, type DatabaseAgent } from '../workspace/state-db.js';

/** What a re-plan depends on: not `last_update`, which moves with every progress report. */
function fingerprint(agents: readonly DatabaseAgent[]): string {
  return agents
    .map((a) => `${a.id}\0${a.status}\0${a.rawSession ?? ''}\0${a.completedAtMs ?? ''}`)
    .sort()
    .join('\n');
}

/**
 * Turns "the state database of this workspace base was written" into "these tasks' agents changed": the database is
 * read (read-only, time-limited) after `debounceMs` of quiet, and compared with the last read, so a progress report
 * of one agent re-plans nothing and a status change re-plans only its task.
 */
export class DatabaseChanges {
  private readonly last = new Map<string, Map<string, string>>();
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly options: {
      timeoutMs: () => number;
      debounceMs: () => number;
      tasksChanged(taskDirs: string[]): void;
      failed(error: InputError): void;
    },
  ) {}

  /** Remembers the current state without announcing it (before the start sweep, which reads everything anyway). */
  prime(bases: readonly string[]): void {
    for (const base of bases) this.read(base);
  }

  changed(base: string): void {
    const pending = this.timers.get(base);
    if (pending) clearTimeout(pending);
    this.timers.set(
      base,
      setTimeout(() => {
        this.timers.delete(base);
        const changed = this.read(base);
        if (changed.length > 0) this.options.tasksChanged(changed);
      }, this.options.debounceMs()),
    );
  }

  /** Returns the task folders whose agents differ from the previous read. */
  private read(base: string): string[] {
    const read = readStateDatabase(base, { timeoutMs: this.options.timeoutMs() });
    if (read.fatal) {
      // Not acted on; the next sweep reports it like an invalid registry. The last good state stays the reference.
      this.options.failed(read.fatal);
      return [];
    }
    const now = new Map<string, string>();
    for (const [task, agents] of read.byTask) now.set(task, fingerprint(agents));
    const before = this.last.get(base) ?? new Map<string, string>();
    this.last.set(base, now);
    const changed: string[] = [];
    for (const [task, print] of now) if (before.get(task) !== print) changed.push(path.join(base, task));
    for (const task of before.keys()) if (!now.has(task)) changed.push(path.join(base, task));
    return changed;
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
