import fs from 'node:fs';
import path from 'node:path';
import { archiveTaskFiles, prepareArchiveDir, type ArchiveOptions, type ArchiveRequest } from './archive/archiver.js';
import { childPath } from './guards.js';
import { agentKey, type ActionOf, type Ledger } from './ledger.js';
import { mapPool } from './pool.js';
import { errorMessage, withTimeout } from './timeouts.js';

const TASK_CONCURRENCY = 4;

/** Step 5: logs (and the scrollback captured in step 1) into archive/, one batch per task. */
export async function archiveStep(ledger: Ledger, captured: Map<string, ArchiveRequest>, options: ArchiveOptions, stepMs: number): Promise<void> {
  const files = ledger.unblocked('archive-file');
  const captures = ledger.pending('capture-scrollback');
  const byTask = new Map<string, { requests: ArchiveRequest[]; owners: (ActionOf<'archive-file'> | ActionOf<'capture-scrollback'>)[] }>();
  const add = (task: string, request: ArchiveRequest, owner: ActionOf<'archive-file'> | ActionOf<'capture-scrollback'>) => {
    let batch = byTask.get(task);
    if (!batch) byTask.set(task, (batch = { requests: [], owners: [] }));
    batch.requests.push(request);
    batch.owners.push(owner);
  };
  for (const action of captures) {
    const request = captured.get(agentKey(action));
    if (request) add(action.task, request, action);
  }
  for (const action of files) add(action.task, { agentId: action.agentId, source: { kind: 'log', name: action.file } }, action);
  await mapPool([...byTask], TASK_CONCURRENCY, async ([task, batch]) => {
    let results;
    try {
      results = await withTimeout(`archive ${task}`, stepMs, () => archiveTaskFiles(task, batch.requests, options));
    } catch (err) {
      for (const owner of batch.owners) ledger.record(owner, 'failed', errorMessage(err));
      return;
    }
    results.forEach((result, i) => {
      const owner = batch.owners[i]!;
      if (owner.kind === 'capture-scrollback' && result.outcome === 'done') {
        ledger.record(owner, 'done', `${owner.paneIds.length} pane(s) ${result.detail}`);
      } else {
        ledger.record(owner, result.outcome, result.detail);
      }
    });
  });
}

/** Step 6: the prompt file goes, if it is still the regular file the plan saw. */
export async function promptStep(ledger: Ledger): Promise<void> {
  for (const action of ledger.pending('delete-prompt')) {
    try {
      const file = childPath(action.task, action.file);
      const st = await fs.promises.lstat(file).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return null;
        throw err;
      });
      if (!st) ledger.record(action, 'skipped', 'already gone');
      else if (!st.isFile()) ledger.record(action, 'failed', `${action.file} is no longer a regular file; refused`);
      else {
        await fs.promises.unlink(file);
        ledger.record(action, 'done', `deleted (${st.size} bytes)`);
      }
    } catch (err) {
      ledger.record(action, 'failed', errorMessage(err));
    }
  }
}

export const JOURNAL_FILE = 'JOURNAL.jsonl';

/** Step 7: one line per agent in the task's archive/JOURNAL.jsonl, with every action's outcome. */
export async function journalStep(ledger: Ledger): Promise<void> {
  const byTask = new Map<string, ActionOf<'record-outcome'>[]>();
  for (const action of ledger.pending('record-outcome')) {
    const list = byTask.get(action.task);
    if (list) list.push(action);
    else byTask.set(action.task, [action]);
  }
  await mapPool([...byTask], TASK_CONCURRENCY, async ([task, actions]) => {
    const ts = new Date().toISOString();
    const lines = actions.map((action) => {
      const results = ledger.resultsFor(task, action.agentId).map(({ kind, target, outcome, detail, error }) => ({ kind, target, outcome, detail, error }));
      return JSON.stringify({ ts, agentId: action.agentId, reason: action.reason, results });
    });
    try {
      const dir = await prepareArchiveDir(task);
      await fs.promises.appendFile(path.join(dir, JOURNAL_FILE), lines.join('\n') + '\n', { flag: fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT | fs.constants.O_NOFOLLOW });
      for (const action of actions) ledger.record(action, 'done', `appended to archive/${JOURNAL_FILE}`);
    } catch (err) {
      for (const action of actions) ledger.record(action, 'failed', errorMessage(err));
    }
  });
}
