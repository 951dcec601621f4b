/** A wall-clock jump beyond the monotonic clock by more than this is a sleep (or a clock change), not scheduling lag. */
export const SLEEP_JUMP_MS = 30_000;

/**
 * The monotonic clock stops while the machine sleeps; the wall clock does not. A jump between them is remembered as
 * a suspension [wall time at wake-up, length], which the planner subtracts from agents' silence.
 */
export class SleepDetector {
  private clocks = { wall: Date.now(), mono: performance.now() };
  /** Oldest first; read by the planner (PlanPolicy.suspensions). */
  readonly suspensions: [number, number][] = [];

  /** Returns the sleep's length in ms when the machine slept since the last call, else null. */
  check(idleMinutes: number | null): number | null {
    const wall = Date.now();
    const mono = performance.now();
    const jump = wall - this.clocks.wall - (mono - this.clocks.mono);
    this.clocks = { wall, mono };
    if (jump < SLEEP_JUMP_MS) return null;
    this.suspensions.push([wall, jump]);
    // Only sleeps within the idle horizon can matter; older ones are dropped so the list stays short.
    const horizon = wall - ((idleMinutes ?? 0) + 60) * 60_000 - jump;
    while (this.suspensions.length > 1 && this.suspensions[0]![0] < horizon) this.suspensions.shift();
    return jump;
  }
}
