import type { Breaker } from '../../shared/index.js';

/**
 * Per-task circuit breaker: a task whose cleanup keeps failing is left alone for a while, doubling each time (from
 * `baseMs` up to `maxMs`), so one broken target cannot make every tick slow or noisy. A success closes it.
 */
export interface BreakerState {
  task: string;
  failures: number;
  /** Epoch ms; while now is before it, the task is skipped. */
  openUntil: number;
  lastError: string;
}

export class CircuitBreakers {
  private readonly states = new Map<string, BreakerState>();

  constructor(
    private readonly baseMs: number,
    private readonly maxMs: number,
    private readonly threshold: number,
  ) {}

  /** Returns the state when this failure opened (or re-opened) the breaker, else null. */
  failed(task: string, error: string, now: number): BreakerState | null {
    const state = this.states.get(task) ?? { task, failures: 0, openUntil: 0, lastError: error };
    state.failures++;
    state.lastError = error;
    this.states.set(task, state);
    if (state.failures < this.threshold) return null;
    const backoff = Math.min(this.maxMs, this.baseMs * 2 ** (state.failures - this.threshold));
    state.openUntil = now + backoff;
    return state;
  }

  succeeded(task: string): boolean {
    return this.states.delete(task);
  }

  isOpen(task: string, now: number): boolean {
    const state = this.states.get(task);
    return state !== undefined && state.openUntil > now;
  }

  open(now: number): BreakerState[] {
    return [...this.states.values()].filter((s) => s.openUntil > now);
  }

  /** The open ones as the heartbeat, `status --json` and the UI show them. */
  openReport(now: number): Breaker[] {
    return this.open(now).map(breakerReport);
  }
}

/** One breaker as the `breaker` event, the heartbeat, `status --json` and the UI show it. */
export function breakerReport(b: BreakerState): Breaker {
  return { task: b.task, failures: b.failures, retryAt: new Date(b.openUntil).toISOString(), lastError: b.lastError };
}
