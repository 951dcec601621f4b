/** Something that holds a resource until it is disposed: a timer, a watcher, an open log, a lock. */
export interface Disposable {
  dispose(): void | Promise<void>;
}

export function toDisposable(dispose: () => void | Promise<void>): Disposable {
  return { dispose };
}

/** A setInterval that a store can own. */
export function intervalDisposable(fn: () => void, ms: number): Disposable {
  const timer = setInterval(fn, ms);
  return toDisposable(() => clearInterval(timer));
}

/**
 * Owns disposables and disposes them together (VS Code's DisposableStore): newest first, since what was set up last
 * may rely on what came before; once, however often dispose() is called; and one failing disposal does not keep the
 * others from running. The failures are thrown together once all have run.
 */
export class DisposableStore implements Disposable {
  private readonly items: Disposable[] = [];
  private disposing: Promise<void> | null = null;

  /**
   * `onLateError` hears the failure of an item added after dispose(), which is disposed at once (a start-up step that
   * finishes after a stop must not leak what it made) and has no caller left to throw to.
   */
  constructor(
    private readonly onLateError: (err: unknown) => void = (err) => process.emitWarning(`late disposal failed: ${String(err)}`),
  ) {}

  get isDisposed(): boolean {
    return this.disposing !== null;
  }

  add<T extends Disposable>(item: T): T {
    if (this.disposing === null) {
      this.items.push(item);
      return item;
    }
    Promise.resolve()
      .then(() => item.dispose())
      .catch(this.onLateError);
    return item;
  }

  dispose(): Promise<void> {
    this.disposing ??= this.disposeAll();
    return this.disposing;
  }

  private async disposeAll(): Promise<void> {
    const errors: unknown[] = [];
    for (let item = this.items.pop(); item !== undefined; item = this.items.pop()) {
      try {
        await item.dispose();
      } catch (err) {
        errors.push(err);
      }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, `${errors.length} disposals failed`);
  }
}
