import type { ActionResult, InputError, Orphan } from '../shared/index.js';
import type { ArchiveOptions } from './archive/archiver.js';
import { commitStep, journalStep, promptStep, stageStep } from './file-steps.js';
import { beginStep, endStep } from './intent-steps.js';
import { Ledger } from './ledger.js';
import type { PlannedAction } from './plan-types.js';
import { captureStep, killStep, processStep, reportSuspects, signalStep, type SessionStepOptions } from './session-steps.js';
import { tryLockTask, type TaskLock } from './task-lock.js';
import { errorMessage } from './timeouts.js';
import { mapPool } from './pool.js';
import type { TmuxClient } from './tmux/tmux-client.js';
import type { TmuxState } from './tmux/tmux-listing.js';

export interface ExecuteOptions extends SessionStepOptions, ArchiveOptions {
  lockStaleMs: number;
  onStep?: (step: string) => void;
}

export interface Execution {
  /** Wall time of each step, for the bench and for spotting a slow target. */
  stepsMs: Record<string, number>;
  results: ActionResult[];
  orphans: Orphan[];
  errors: InputError[];
}

async function lockTasks(ledger: Ledger, actions: readonly PlannedAction[], staleMs: number): Promise<TaskLock[]> {
  const tasks = [...new Set(actions.filter((a) => !a.skip).map((a) => a.task))];
  const attempts = await mapPool(tasks, 16, (task) => tryLockTask(task, staleMs));
  const locks: TaskLock[] = [];
  attempts.forEach((lock, i) => {
    if ('release' in lock) {
      locks.push(lock);
      return;
    }
    for (const action of actions) if (action.task === tasks[i] && !action.skip) ledger.record(action, lock.failed ? 'failed' : 'skipped', lock.unavailable);
  });
  return locks;
}

/**
 * Carries out a plan. Steps run in SPEC.md's order, each batched across all agents (one tmux spawn per step, one
 * grace period for all survivors), so the order holds per agent while the cost stays constant in agent count.
 */
export async function execute(actions: readonly PlannedAction[], tmux: TmuxClient, listing: TmuxState, options: ExecuteOptions): Promise<Execution> {
  const ledger = new Ledger(actions);
  const errors: InputError[] = [];
  for (const action of actions) if (action.skip) ledger.record(action, 'skipped', action.skip);
  const stepsMs: Record<string, number> = {};
  const timed = async <T>(name: string, work: () => Promise<T> | T): Promise<T> => {
    const start = performance.now();
    options.onStep?.(name);
    try {
      return await work();
    } finally {
      stepsMs[name] = Math.round(performance.now() - start);
    }
  };
  const locks = await timed('lock', () => lockTasks(ledger, actions, options.lockStaleMs));
  const held = new Set(locks.map((l) => l.task));
  try {
    // Not overlapped with the capture: a blocking /proc read would leave tmux's output pipe undrained and stall it.
    const captured = await timed('capture', () => captureStep(ledger, tmux, options));
    const procs = await timed('processes', () => processStep(ledger, listing, options));
    await timed('intents', () => beginStep(ledger, actions, procs, held));
    // tmux kills sessions in its own process; the copies for the archive are made meanwhile (nothing moves yet).
    const killing = timed('kill', () => killStep(ledger, tmux, options));
    const staging = timed('stage', () => stageStep(ledger, captured, options, options.stepMs));
    // Awaited below; until then a rejection must not surface as an unhandled one if the kill step throws first.
    staging.catch(() => undefined);
    await killing;
    await timed('signal', () => signalStep(ledger, procs, options));
    reportSuspects(ledger, new Set(actions.filter((a) => a.kind === 'record-outcome').map((a) => a.agentId)), procs);
    const staged = await staging;
    await timed('archive', () => commitStep(ledger, staged, options.stepMs));
    await timed('prompts', () => promptStep(ledger));
    await timed('journal', () => journalStep(ledger));
    errors.push(...(await endStep(ledger, actions, held)));
  } catch (err) {
    errors.push({ path: 'executor', message: `cleanup stopped: ${errorMessage(err)}` });
  } finally {
    await mapPool(locks, 16, async (lock) => {
      try {
        await lock.release();
      } catch (err) {
        errors.push({ path: lock.path, message: `cannot release task lock: ${errorMessage(err)}` });
      }
      if (lock.compromised) errors.push({ path: lock.path, message: `task lock lost during cleanup: ${lock.compromised}` });
    });
  }
  return { stepsMs, results: ledger.ordered(), orphans: ledger.orphans, errors };
}
