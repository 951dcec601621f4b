import type { Verdict } from '../../src/shared/index.js';
import { pick } from './mock-random.js';

/** The dev harness's verdicts: how the engine would judge each made-up agent, in realistic proportions. */

/** The mock's finish grace: longer than the default 20 s, so the harness shows countdowns for a while. */
export const MOCK_FINISH_GRACE_SECONDS = 180;

/** The engine's reason for a finishing agent (src/core/judge.ts), as of `now`. */
export function finishingReason(status: string, endsMs: number, now: number, graceSeconds = MOCK_FINISH_GRACE_SECONDS): string {
  const left = Math.max(0, Math.ceil((endsMs - now) / 1000));
  return `status ${status}, but its processes still run: left to exit on its own until ${new Date(endsMs).toISOString()} (${left} s of the ${graceSeconds} s finish grace left)`;
}

export interface Judged {
  status: string;
  verdict: Verdict;
  alive: boolean;
  idle: number | null;
  reason: string;
  /** Finishing only: seconds of its grace left at `now`. */
  graceLeft?: number;
}

type Judge = (r: () => number) => Judged;

/** Verdict bands, by a draw in [0, 1): the first band whose bound is above the draw judges the agent. */
const BANDS: readonly (readonly [number, Judge])[] = [
  [
    0.3,
    (r) => ({
      status: 'running',
      verdict: 'active',
      alive: true,
      idle: Math.floor(r() * 40),
      reason: 'running, output within the last 110 minutes',
    }),
  ],
  [
    0.36,
    (r) => {
      const idle = 111 + Math.floor(r() * 300);
      return { status: 'running', verdict: 'idle', alive: true, idle, reason: `no output for ${idle} minutes (threshold 110)` };
    },
  ],
  [
    0.38,
    (r) => ({
      status: 'running',
      verdict: 'pinned',
      alive: true,
      idle: 130 + Math.floor(r() * 200),
      reason: 'idle past the threshold but pinned: kept',
    }),
  ],
  [
    0.5,
    (r) => ({
      status: pick(r, ['completed', 'failed', 'terminated', 'error']),
      verdict: 'finished',
      alive: r() < 0.8,
      idle: Math.floor(r() * 20),
      reason: 'terminal status; session, logs or prompt left to clean',
    }),
  ],
  // Grace left from 60 s to the whole grace: long enough for the harness's checks to see the countdown run.
  [
    0.53,
    (r) => ({
      status: pick(r, ['completed', 'completed', 'phase_completed']),
      verdict: 'finishing',
      alive: true,
      idle: 0,
      reason: '',
      graceLeft: 60 + Math.floor(r() * (MOCK_FINISH_GRACE_SECONDS - 60)),
    }),
  ],
  [
    0.96,
    (r) => ({
      status: pick(r, ['completed', 'completed', 'completed', 'terminated']),
      verdict: 'clean',
      alive: false,
      idle: null,
      reason: 'finished and nothing left to clean',
    }),
  ],
  [
    0.98,
    () => ({
      status: 'running',
      verdict: 'session-missing',
      alive: false,
      idle: null,
      reason: 'session gone 40 s ago; within the 120 s grace period',
    }),
  ],
  [
    0.995,
    () => ({
      status: 'running',
      verdict: 'ghost',
      alive: false,
      idle: null,
      reason: 'not finished, but its session has been gone for 14 minutes',
    }),
  ],
  [
    1,
    () => ({
      status: '??',
      verdict: 'invalid',
      alive: false,
      idle: null,
      reason: 'entry failed validation: id holds "..": nothing derived from it is touched',
    }),
  ],
];

export function verdictFor(r: () => number): Judged {
  const x = r();
  return BANDS.find(([below]) => x < below)![1](r);
}
