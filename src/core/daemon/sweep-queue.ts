import type { SweepTrigger } from '../../shared/index.js';
import type { Disposable } from '../base/disposables.js';

export interface SweepQueueOptions {
  debounceMs(): number;
  /** One sweep: `tasks` null means every task (a full reconcile). */
  sweep(tasks: string[] | null, trigger: SweepTrigger): Promise<void>;
  /** A sweep that threw (the daemon's sweep reports its own failures; this is for anything it did not expect). */
  failed(err: unknown): void;
  /** Told when sweeping starts and when it stops, so a window's "sweeping" never outlives the sweep. */
  onSweepingChange?(sweeping: boolean): void;
}

/**
 * Serialises the daemon's sweeps: changes are collected (a task folder, or "everything"), debounced, and swept one
 * run at a time; changes that arrive during a run are batched into the next. A cleanup the user asks for waits for
 * the run in flight and holds the queue while it runs. Paused, changes pile up and are swept on resume.
 */
export class SweepQueue implements Disposable {
  private readonly dirty = new Set<string>();
  private fullPending = false;
  private trigger: SweepTrigger = 'watch';
  private debounce: NodeJS.Timeout | null = null;
  private loop: Promise<void> | null = null;
  private closed = false;

  constructor(
    private readonly options: SweepQueueOptions,
    public paused = false,
  ) {}

  get sweeping(): boolean {
    return this.loop !== null;
  }

  get pending(): { tasks: string[]; full: boolean } {
    return { tasks: [...this.dirty], full: this.fullPending };
  }

  /** `dir` null means every task (a full reconcile), swept without waiting for quiet. */
  schedule(dir: string | null, trigger: SweepTrigger): void {
    if (this.closed) return;
    if (dir === null) this.fullPending = true;
    else this.dirty.add(dir);
    this.trigger = trigger;
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => this.kick(), dir === null ? 0 : this.options.debounceMs());
  }

  /** Sweeps what is pending now, unless a run is in flight (it picks the changes up) or the queue is paused. */
  kick(): void {
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = null;
    if (this.loop || this.paused || this.closed) return;
    this.hold(this.drainPending());
  }

  /** Settles when the run in flight (if any) has ended. */
  idle(): Promise<void> {
    return this.loop ?? Promise.resolve();
  }

  /** Runs `work` alone: after the run in flight, and before anything pending. Its failure goes to the caller alone. */
  async exclusive<T>(work: () => Promise<T>): Promise<T> {
    while (this.loop) await this.loop;
    const run = work();
    this.hold(
      run.then(
        () => undefined,
        () => undefined,
      ),
    );
    return run;
  }

  /** Whether the run in flight (if any) ended within `limitMs`. */
  async drained(limitMs: number): Promise<boolean> {
    if (!this.loop) return true;
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), limitMs);
    });
    try {
      return await Promise.race([this.loop.then(() => true as const), limit]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** No new sweeps from now on; the one in flight is left to finish (see drained). */
  dispose(): void {
    this.closed = true;
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = null;
  }

  private async drainPending(): Promise<void> {
    while (!this.closed && (this.fullPending || this.dirty.size > 0)) {
      const full = this.fullPending;
      const tasks = full ? null : [...this.dirty];
      this.fullPending = false;
      this.dirty.clear();
      // A full sweep asked for by a watch event (a lost event, a fallback) is a reconcile.
      await this.options.sweep(tasks, full && this.trigger === 'watch' ? 'reconcile' : this.trigger);
    }
  }

  /** Marks the queue busy until `run` settles; what arrived meanwhile is swept then. */
  private hold(run: Promise<void>): void {
    this.loop = run
      .catch((err: unknown) => this.options.failed(err))
      .finally(() => {
        this.loop = null;
        this.options.onSweepingChange?.(false);
        if (this.fullPending || this.dirty.size > 0) this.kick();
      });
    // After `loop` is set: the state published now must already say "sweeping".
    this.options.onSweepingChange?.(true);
  }
}
