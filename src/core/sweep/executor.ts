import { CANCELLED_BY_USER, type ActionResult, type InputError, type Orphan } from '../../shared/index.js';
import type { ArchiveOptions } from '../archive/archiver.js';
import { commitStep, discardStep, journalStep, promptStep, recoverStep, stageStep, type StagedArchives } from './file-steps.js';
import { beginStep, endStep } from './intent-steps.js';
import { Ledger } from './ledger.js';
import type { PlannedAction } from './plan-types.js';
import {
  captureStep,
  killStep,
  processStep,
  reportSuspects,
  signalStep,
  type ProcessSnapshot,
  type SessionStepOptions,
} from './session-steps.js';
import { closeTaskFolder, hasTaskWork, openTaskFolder, taskWorkSettled } from '../base/task-folders.js';
import { tryLockTask, type TaskLock } from '../workspace/task-lock.js';
import { errorMessage, withTimeout } from '../base/timeouts.js';
import { mapPool } from '../base/pool.js';
import type { TmuxClient } from '../platform/tmux-client.js';
import type { TmuxState } from '../platform/tmux-listing.js';

export interface ExecuteOptions extends SessionStepOptions, ArchiveOptions {
  lockStaleMs: number;
  /** A task's archive copies get `stepMs` plus their bytes at this rate. */
  stageBytesPerSecond: number;
  onStep?: (step: string) => void;
  /** The window's Cancel: no further kill batch starts; a batch whose sessions are killed finishes its steps. */
  signal?: AbortSignal;
}

export interface Execution {
  /** Wall time of each step, for the bench and for spotting a slow target. */
  stepsMs: Record<string, number>;
  results: ActionResult[];
  orphans: Orphan[];
  errors: InputError[];
}

type LockAttempt = { task: string; lock: Awaited<ReturnType<typeof tryLockTask>> };

/** Each lock within `stepMs`; one taken after its limit is released as soon as it arrives. */
async function acquireLocks(actions: readonly PlannedAction[], staleMs: number, stepMs: number): Promise<LockAttempt[]> {
  const tasks = [...new Set(actions.filter((a) => !a.skip).map((a) => a.task))];
  return mapPool(tasks, 16, async (task) => {
    const attempt = tryLockTask(task, staleMs);
    try {
      return { task, lock: await withTimeout(`lock ${task}`, stepMs, () => attempt) };
    } catch (err) {
      void attempt.then((late) => ('release' in late ? late.release() : undefined)).catch(() => undefined);
      return { task, lock: { unavailable: `cannot lock task: ${errorMessage(err)}`, failed: true } };
    }
  });
}

/** The locks held; every action of a task another janitor holds is settled as skipped (or failed). */
function settleLocks(ledger: Ledger, actions: readonly PlannedAction[], attempts: readonly LockAttempt[]): TaskLock[] {
  const locks: TaskLock[] = [];
  const refused = new Map<string, { failed: boolean; unavailable: string }>();
  for (const { task, lock } of attempts) {
    if ('release' in lock) locks.push(lock);
    else refused.set(task, lock);
  }
  for (const action of actions) {
    const lock = refused.get(action.task);
    if (lock && !action.skip) ledger.record(action, lock.failed ? 'failed' : 'skipped', lock.unavailable);
  }
  return locks;
}

/**
 * The locked tasks whose folder could be opened (task-folders.ts: every later file operation resolves through it, so
 * a folder swapped for a symlink meanwhile is never followed); a task whose folder is already a symlink does nothing.
 */
function openHeldFolders(ledger: Ledger, actions: readonly PlannedAction[], locks: readonly TaskLock[]): Set<string> {
  const held = new Set<string>();
  for (const { task } of locks) {
    try {
      openTaskFolder(task);
      held.add(task);
    } catch (err) {
      for (const action of actions) if (action.task === task && !action.skip) ledger.record(action, 'failed', errorMessage(err));
    }
  }
  return held;
}

/** Kills are sent in up to this many tmux spawns (SPEC.md: at most 5 per sweep, with the listing and the capture). */
const KILL_BATCHES = 3;
/** Below this many kills per batch a second spawn costs more than the overlap it buys. */
const MIN_KILLS_PER_BATCH = 50;

/** The locked tasks with work, split in plan order into batches of about equal kill counts. */
export function killBatches(actions: readonly PlannedAction[], held: ReadonlySet<string>): Set<string>[] {
  const kills = new Map<string, number>();
  for (const a of actions)
    if (!a.skip && held.has(a.task)) kills.set(a.task, (kills.get(a.task) ?? 0) + (a.kind === 'kill-session' ? 1 : 0));
  const total = [...kills.values()].reduce((n, k) => n + k, 0);
  const count = Math.max(1, Math.min(KILL_BATCHES, Math.floor(total / MIN_KILLS_PER_BATCH)));
  const batches = Array.from({ length: count }, () => new Set<string>());
  let before = 0;
  for (const [task, n] of kills) {
    batches[Math.min(count - 1, Math.floor((before * count) / Math.max(1, total)))]!.add(task);
    before += n;
  }
  return batches.filter((b) => b.size > 0);
}

type Timed = <T>(name: string, work: () => Promise<T> | T) => Promise<T>;

/** Steps 4 to 7 of one batch, once its sessions are dead. */
async function afterKill(
  batch: Ledger,
  actions: readonly PlannedAction[],
  staging: Promise<StagedArchives>,
  procs: ProcessSnapshot,
  held: ReadonlySet<string>,
  options: ExecuteOptions,
  timed: Timed,
): Promise<InputError[]> {
  await timed('signal', () => signalStep(batch, procs, options));
  const staged = await staging;
  await timed('archive', () => commitStep(batch, staged, options.stepMs));
  await timed('prompts', () => promptStep(batch));
  await timed('recover', () => recoverStep(batch, options.stepMs));
  await timed('journal', () => journalStep(batch, options.stepMs));
  return endStep(batch, actions, held, options.stepMs);
}

/**
 * Carries out a plan. Steps run in SPEC.md's order for every agent, each batched across agents (one tmux spawn per
 * step, one grace period for all survivors), so the cost stays constant in agent count. Kills go in a few batches
 * of tasks: while tmux kills one batch, the sessions of the one before are already dead, so its processes are
 * signalled and its files archived meanwhile.
 */
export async function execute(
  actions: readonly PlannedAction[],
  tmux: TmuxClient,
  listing: TmuxState,
  options: ExecuteOptions,
): Promise<Execution> {
  const ledger = new Ledger(actions);
  const errors: InputError[] = [];
  for (const action of actions) if (action.skip) ledger.record(action, 'skipped', action.skip);
  const stepsMs: Record<string, number> = {};
  // Summed over batches: steps of different batches overlap, so the sum can exceed the wall time.
  const timed: Timed = async (name, work) => {
    const start = performance.now();
    options.onStep?.(name);
    try {
      return await work();
    } finally {
      stepsMs[name] = (stepsMs[name] ?? 0) + Math.round(performance.now() - start);
    }
  };
  // Capturing changes nothing, so it runs while the locks are taken and /proc is read; a task whose lock is refused
  // has its capture dropped (settleLocks overrides what the capture recorded).
  const locking = timed('lock', () => acquireLocks(actions, options.lockStaleMs, options.stepMs));
  locking.catch(() => undefined);
  let locks: TaskLock[] = [];
  const pipeline: Promise<InputError[]>[] = [];
  try {
    const capturing = timed('capture', () => captureStep(ledger, tmux, options));
    capturing.catch(() => undefined);
    const procs = await timed('processes', () => processStep(ledger, listing, options));
    const captured = await capturing;
    locks = settleLocks(ledger, actions, await locking);
    const held = openHeldFolders(ledger, actions, locks);
    const batches = killBatches(actions, held).map((tasks) => ({
      view: ledger.scoped(tasks),
      actions: actions.filter((a) => tasks.has(a.task)),
    }));
    const begin = (i: number): Promise<void> => {
      const batch = batches[i];
      const written = batch ? timed('intents', () => beginStep(batch.view, batch.actions, procs, held, options.stepMs)) : Promise.resolve();
      written.catch(() => undefined);
      return written;
    };
    // The copies for the archive are made while tmux kills (nothing moves yet), batch after batch in kill order,
    // from the moment the first kill batch is sent: before that they would only slow down the first intents.
    const staging: Promise<StagedArchives>[] = [];
    const stageAll = (): void => {
      let previous: Promise<unknown> = Promise.resolve();
      for (const { view } of batches) {
        const next = previous.then(() =>
          timed('stage', () => stageStep(view, captured, options, { stepMs: options.stepMs, bytesPerSecond: options.stageBytesPerSecond })),
        );
        previous = next.catch(() => undefined);
        // Awaited in afterKill; until then a rejection must not surface as an unhandled one.
        next.catch(() => undefined);
        staging.push(next);
      }
    };
    // Each batch's intents are written while tmux kills the batch before, so tmux never waits on an fsync.
    let intents = begin(0);
    for (const [i, batch] of batches.entries()) {
      await intents;
      if (options.signal?.aborted) {
        // The intents already written are closed (every cancelled action settles as skipped), so no later run resumes them.
        for (const [k, rest] of batches.entries()) {
          if (k < i) continue;
          rest.view.settleRest('skipped', CANCELLED_BY_USER);
          pipeline.push(discardStep(staging[k]).then(() => endStep(rest.view, rest.actions, held, options.stepMs)));
        }
        break;
      }
      const killing = timed('kill', () => killStep(batch.view, tmux, options));
      if (i === 0) stageAll();
      intents = begin(i + 1);
      await killing;
      const after = afterKill(batch.view, batch.actions, staging[i]!, procs, held, options, timed);
      after.catch(() => undefined);
      pipeline.push(after);
    }
    for (const ended of await Promise.all(pipeline)) errors.push(...ended);
    reportSuspects(ledger, new Set(actions.filter((a) => a.kind === 'record-outcome').map((a) => a.agentId)), procs);
  } catch (err) {
    errors.push({ path: 'executor', message: `cleanup stopped: ${errorMessage(err)}` });
  } finally {
    // No lock is released while a batch may still be moving files, and none taken is left behind.
    await Promise.allSettled(pipeline);
    if (locks.length === 0) locks = (await locking.catch((): LockAttempt[] => [])).flatMap(({ lock }) => ('release' in lock ? [lock] : []));
    await mapPool(locks, 16, async (lock) => {
      // A step that timed out may still be working in the task: its folder and lock are kept until that work settles,
      // so no other janitor starts meanwhile and no descriptor of the folder is closed (and reused) under it.
      if (hasTaskWork(lock.task)) {
        errors.push({ path: lock.task, message: 'a step that timed out is still working here; the task stays locked until it settles' });
        void taskWorkSettled(lock.task).then(async () => {
          closeTaskFolder(lock.task);
          await lock.release().catch(() => undefined);
        });
        return;
      }
      closeTaskFolder(lock.task);
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
