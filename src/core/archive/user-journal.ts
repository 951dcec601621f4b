import fs from 'node:fs';
import path from 'node:path';
import { appendLinesDurably } from '../base/durable-write.js';
import { prepareArchiveDir } from './archive-dir.js';
import { withTaskFolder } from '../base/task-folders.js';
import { JOURNAL_FILE } from '../workspace/layout.js';

export interface UserAction {
  kind: string;
  target: string;
  outcome: 'done' | 'failed';
  detail?: string;
  error?: string;
}

/** What the user did from the UI that concerns no task (an orphan session, a suspect process). */
export const USER_JOURNAL_FILE = 'activity.jsonl';

/**
 * Actions taken from the UI are journaled like the engine's own (SPEC.md: every failure is named in the journal), in
 * the task's archive/JOURNAL.jsonl when they concern a task, else in the state dir; the Activity view reads both.
 */
export async function journalUserAction(
  where: { taskDir: string } | { stateDir: string },
  agentId: string,
  reason: string,
  results: readonly UserAction[],
  run?: string,
): Promise<void> {
  if ('stateDir' in where) fs.mkdirSync(where.stateDir, { recursive: true, mode: 0o700 });
  const line = JSON.stringify({ ts: new Date().toISOString(), agentId, reason, results, ...(run ? { run } : {}) });
  if ('stateDir' in where) return appendLinesDurably(path.join(where.stateDir, USER_JOURNAL_FILE), [line]);
  // Through the task folder's descriptor: archive/ swapped for a symlink is refused, never written through.
  const { taskDir } = where;
  await withTaskFolder(taskDir, async () => appendLinesDurably(path.join(await prepareArchiveDir(taskDir), JOURNAL_FILE), [line]));
}
