import fs from 'node:fs';
import path from 'node:path';
import {
  discardStaged,
  prepareArchiveDir,
  requestedBytes,
  stageArchive,
  syncStaged,
  type ArchiveOptions,
  type ArchiveRequest,
  type StagedBatch,
} from '../archive/archiver.js';
import { commitStaged } from '../archive/archive-commit.js';
import { recordUnlistedScrollback } from '../archive/recover.js';
import { taskFilePath, trackTaskWork } from '../base/task-folders.js';
import { agentKey, byTask, type ActionOf, type Ledger } from './ledger.js';
import { appendLinesDurably } from '../base/durable-write.js';
import { mapPool } from '../base/pool.js';
import { errorMessage, withTimeout } from '../base/timeouts.js';
import { plural } from '../../shared/index.js';
import { JOURNAL_FILE } from '../workspace/layout.js';

const TASK_CONCURRENCY = 8;

type ArchiveOwner = ActionOf<'archive-file'> | ActionOf<'capture-scrollback'>;

export interface StagedArchives {
  batches: StagedBatch[];
  owners: Map<ArchiveRequest, ArchiveOwner>;
}

/**
 * Step 5, first half: verified copies of the logs (and of the scrollback captured in step 1) are written and fsynced
 * under temp names, one batch per task. It runs while tmux is still killing sessions, since nothing moves yet. Each
 * task's limit grows with its bytes; a task that runs past it fails, and its copies are removed once the work it
 * started has settled (it cannot be interrupted midway), so timed-out steps never pile up temp files.
 */
export async function stageStep(
  ledger: Ledger,
  captured: Map<string, ArchiveRequest>,
  options: ArchiveOptions,
  limits: { stepMs: number; bytesPerSecond: number },
): Promise<StagedArchives> {
  const owners = new Map<ArchiveRequest, ArchiveOwner>();
  const byTask = new Map<string, ArchiveRequest[]>();
  const add = (owner: ArchiveOwner, request: ArchiveRequest) => {
    owners.set(request, owner);
    const list = byTask.get(owner.task);
    if (list) list.push(request);
    else byTask.set(owner.task, [request]);
  };
  for (const action of ledger.pending('capture-scrollback')) {
    const request = captured.get(agentKey(action));
    if (request) add(action, request);
  }
  for (const action of ledger.unblocked('archive-file'))
    add(action, { agentId: action.agentId, source: { kind: 'file', dir: action.dir, name: action.file } });
  const batches = await mapPool([...byTask], TASK_CONCURRENCY, async ([task, requests]) => {
    const bytes = requestedBytes(task, requests);
    const limitMs = limits.stepMs + Math.ceil((bytes / limits.bytesPerSecond) * 1000);
    const work = trackTaskWork(task, stageArchive(task, requests, options, bytes));
    try {
      return await withTimeout(`stage archive ${task}`, limitMs, () => work);
    } catch (err) {
      for (const request of requests) ledger.record(owners.get(request)!, 'failed', errorMessage(err));
      trackTaskWork(
        task,
        work.then((late) => discardStaged(late, () => false)),
      ).catch(() => undefined);
      return null;
    }
  });
  const staged = batches.filter((b): b is StagedBatch => b !== null);
  await syncStaged(staged);
  return { batches: staged, owners };
}

/**
 * Step 5, second half, once sessions are dead: the copies are linked into place, recorded in the manifest, and the
 * sources removed. Logs of agents whose session survived are left alone (their copies are discarded).
 */
/** A batch the user cancelled before its kill: its staged copies are dropped, its sources stay where they are. */
export async function discardStep(staging: Promise<StagedArchives> | undefined): Promise<void> {
  const staged = await staging?.catch(() => null);
  if (staged) await Promise.all(staged.batches.map((batch) => discardStaged(batch, () => false)));
}

export async function commitStep(ledger: Ledger, staged: StagedArchives, stepMs: number): Promise<void> {
  await mapPool(staged.batches, TASK_CONCURRENCY, async (batch) => {
    const kept = await discardStaged(batch, (request) => {
      const owner = staged.owners.get(request)!;
      const blocked = owner.kind === 'archive-file' ? ledger.blocked.get(agentKey(owner)) : undefined;
      if (blocked) ledger.record(owner, 'skipped', blocked);
      return blocked === undefined;
    });
    let results;
    try {
      results = await withTimeout(`archive ${batch.taskDir}`, stepMs, () => trackTaskWork(batch.taskDir, commitStaged(kept)));
    } catch (err) {
      for (const item of kept.items) ledger.record(staged.owners.get(item.request)!, 'failed', errorMessage(err));
      return;
    }
    for (const result of results) {
      const owner = staged.owners.get(result.request)!;
      if (owner.kind === 'capture-scrollback' && result.outcome === 'done')
        ledger.record(owner, 'done', `${plural(owner.paneIds.length, 'pane')} ${result.detail}`);
      else ledger.record(owner, result.outcome, result.detail);
    }
  });
}

/**
 * Step 6: the prompt file goes, if it is still the regular file the plan saw, and only once the agent's session is
 * known dead: an agent whose cleanup stopped keeps everything for the next sweep to retry.
 */
export async function promptStep(ledger: Ledger): Promise<void> {
  await mapPool(ledger.unblocked('delete-prompt'), 16, async (action) => {
    try {
      const file = taskFilePath(action.task, '', action.file);
      const st = fs.lstatSync(file, { throwIfNoEntry: false });
      if (!st) ledger.record(action, 'skipped', 'already gone');
      else if (!st.isFile()) ledger.record(action, 'failed', `${action.file} is no longer a regular file; refused`);
      else {
        await fs.promises.unlink(file);
        ledger.record(action, 'done', `deleted (${plural(st.size, 'byte')})`);
      }
    } catch (err) {
      ledger.record(action, 'failed', errorMessage(err));
    }
  });
}

/**
 * For cleanups resumed after a crash: scrollback copies already in archive/ but missing from the manifest are
 * recorded (archive/recover.ts). If that fails, the agent's outcome fails too, so its intent stays open for the next run.
 */
export async function recoverStep(ledger: Ledger, stepMs: number): Promise<void> {
  const resumed = ledger.pending('record-outcome').filter((a) => a.resumed !== undefined);
  await mapPool([...byTask(resumed)], TASK_CONCURRENCY, async ([task, actions]) => {
    try {
      const agents = actions.map((a) => ({ agentId: a.agentId, session: a.resumed?.session ?? null }));
      await withTimeout(`recover archive ${task}`, stepMs, () => trackTaskWork(task, recordUnlistedScrollback(task, agents)));
    } catch (err) {
      for (const action of actions) ledger.record(action, 'failed', `cannot record archived scrollback: ${errorMessage(err)}`);
    }
  });
}

/** Step 7: one line per agent in the task's archive/JOURNAL.jsonl, with every action's outcome. */
export async function journalStep(ledger: Ledger, stepMs: number): Promise<void> {
  const toJournal: ActionOf<'record-outcome'>[] = [];
  for (const action of ledger.pending('record-outcome')) {
    // Another janitor may have done it all meanwhile; a journal line saying "nothing" would only be noise.
    if (ledger.resultsFor(action.task, action.agentId).some((r) => r.outcome === 'done' || r.outcome === 'failed')) toJournal.push(action);
    else ledger.record(action, 'skipped', 'nothing was done for this agent');
  }
  await mapPool([...byTask(toJournal)], TASK_CONCURRENCY, async ([task, actions]) => {
    const ts = new Date().toISOString();
    const lines = actions.map((action) => {
      const results = ledger
        .resultsFor(task, action.agentId)
        .map(({ kind, target, outcome, detail, error }) => ({ kind, target, outcome, detail, error }));
      return JSON.stringify({ ts, agentId: action.agentId, reason: action.reason, results });
    });
    try {
      await withTimeout(`journal ${task}`, stepMs, () =>
        trackTaskWork(
          task,
          prepareArchiveDir(task).then((dir) => appendLinesDurably(path.join(dir, JOURNAL_FILE), lines)),
        ),
      );
      for (const action of actions) ledger.record(action, 'done', `appended to archive/${JOURNAL_FILE}`);
    } catch (err) {
      for (const action of actions) ledger.record(action, 'failed', errorMessage(err));
    }
  });
}
