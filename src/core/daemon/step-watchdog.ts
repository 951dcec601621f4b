import type { DaemonEvent } from '../../shared/index.js';
import { now } from './sweep-recorder.js';

/** Emits `stalled` once for a step that has run past its time limit without being cut off yet. */
export class StepWatchdog {
  private step: { name: string; since: number; reported: boolean } | null = null;

  constructor(
    private readonly emit: (event: DaemonEvent) => void,
    private readonly limitMs: () => number,
  ) {}

  started(name: string): void {
    this.step = { name, since: Date.now(), reported: false };
  }

  ended(): void {
    this.step = null;
  }

  /** Called every tick. */
  check(): void {
    const step = this.step;
    if (!step || step.reported) return;
    const runningMs = Date.now() - step.since;
    const limitMs = this.limitMs();
    if (runningMs <= limitMs) return;
    step.reported = true;
    this.emit({ event: 'stalled', ts: now(), step: step.name, runningMs, limitMs });
  }
}
