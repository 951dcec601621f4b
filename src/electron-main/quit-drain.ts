import { messageOf } from '../shared/errors.js';
/**
 * Quitting waits for cleanups in flight: a session killed but its logs not yet archived would otherwise be finished
 * only by the next start (the intent journal makes that safe, but slower and surprising). On the first
 * `before-quit` the quit is held (preventDefault), the service is closed within a time limit, and then the app
 * exits; `app.exit` does not emit `before-quit` again.
 */

export type QuitDrainPorts = {
  /** Stops new work and resolves once the work in flight has finished. */
  close(): Promise<void>;
  exit(code: number): void;
  setTimer(fn: () => void, ms: number): { cancel(): void };
  log(level: 'info' | 'warn' | 'error', message: string): void;
};

export type QuitEvent = { preventDefault(): void };

export type DrainPhase = 'running' | 'draining' | 'exited';

export type DrainOutcome = { kind: 'drained' } | { kind: 'timed-out'; afterMs: number } | { kind: 'failed'; error: string };

const DEFAULT_DRAIN_MS = 10_000;

export class QuitDrain {
  private phase: DrainPhase = 'running';
  private done: Promise<DrainOutcome> | null = null;
  private extraRequests = 0;

  constructor(
    private readonly ports: QuitDrainPorts,
    private readonly limitMs = DEFAULT_DRAIN_MS,
  ) {}

  get state(): DrainPhase {
    return this.phase;
  }

  /** Quit requests that arrived while draining (each was held; the drain already under way answers them all). */
  get heldRequests(): number {
    return this.extraRequests;
  }

  /** The `before-quit` handler. Returns the drain's outcome (the same promise for every request). */
  onBeforeQuit(event: QuitEvent): Promise<DrainOutcome> | null {
    if (this.phase === 'exited') return this.done;
    event.preventDefault();
    if (this.phase === 'draining') {
      this.extraRequests += 1;
      this.ports.log('info', 'quit requested again while draining; still waiting for cleanups in flight');
      return this.done;
    }
    this.phase = 'draining';
    this.ports.log('info', `quitting: draining cleanups in flight (at most ${this.limitMs} ms)`);
    this.done = this.drain();
    return this.done;
  }

  private async drain(): Promise<DrainOutcome> {
    let timer: { cancel(): void } | null = null;
    const timeout = new Promise<DrainOutcome>((resolve) => {
      timer = this.ports.setTimer(() => resolve({ kind: 'timed-out', afterMs: this.limitMs }), this.limitMs);
    });
    const closed = this.ports.close().then(
      (): DrainOutcome => ({ kind: 'drained' }),
      (error: unknown): DrainOutcome => ({ kind: 'failed', error: messageOf(error) }),
    );
    const outcome = await Promise.race([closed, timeout]);
    (timer as { cancel(): void } | null)?.cancel();
    this.phase = 'exited';
    if (outcome.kind === 'drained') this.ports.log('info', 'drained; exiting');
    else if (outcome.kind === 'timed-out')
      this.ports.log(
        'warn',
        `cleanups still running after ${outcome.afterMs} ms; exiting anyway (the next start resumes them from the intent journal)`,
      );
    else this.ports.log('error', `closing the engine failed: ${outcome.error}`);
    this.ports.exit(outcome.kind === 'failed' ? 1 : 0);
    return outcome;
  }
}
