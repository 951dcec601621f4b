import type { CleanProgress, FixResult, SweepReport } from '../../shared/index.js';

/** What one Clean now is given: the signal Stop aborts, and the step callback its progress events come from. */
export interface CleanRun {
  signal: AbortSignal;
  onStep(step: string): void;
}

/**
 * The Clean now in flight, which Stop cancels before its next kill batch (the executor checks the signal between
 * batches), and its progress events for the window's header.
 */
export class ManualClean {
  private current: { controller: AbortController; steps: number } | null = null;

  constructor(private readonly progress: (event: CleanProgress) => void) {}

  async run(work: (run: CleanRun) => Promise<SweepReport>): Promise<SweepReport> {
    const run = { controller: new AbortController(), steps: 0 };
    this.current = run;
    const onStep = (step: string) =>
      this.progress({ event: 'clean-progress', step, steps: ++run.steps, cancelRequested: run.controller.signal.aborted, manual: true });
    try {
      return await work({ signal: run.controller.signal, onStep });
    } finally {
      if (this.current === run) this.current = null;
    }
  }

  cancel(): FixResult {
    if (!this.current) return { ok: false, message: 'no Clean now is running' };
    this.current.controller.abort();
    return {
      ok: true,
      message: 'No further session is killed. Sessions already killed are archived first, so nothing is left half done.',
    };
  }
}
