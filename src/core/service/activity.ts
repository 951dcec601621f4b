import path from 'node:path';
import { ActivityEntrySchema, plural, type ActivityEntry } from '../../shared/index.js';
import { discoverTasks } from '../workspace/discovery.js';
import { readRegularFileIfPresentSync } from '../base/safe-read.js';
import { USER_JOURNAL_FILE } from '../archive/user-journal.js';
import { JOURNAL_FILE, ARCHIVE_DIR } from '../workspace/layout.js';
import { jsonLines } from '../base/json-lines.js';

function readJournal(file: string, task: string, into: ActivityEntry[], query: string): void {
  let text: string;
  try {
    // Not followed, never blocking: a symlink or a FIFO in its place is refused, and counts as no journal.
    const bytes = readRegularFileIfPresentSync(file);
    if (bytes === null) return;
    text = bytes.toString('utf8');
  } catch {
    return;
  }
  const matches = query && !task.toLowerCase().includes(query) ? (line: string) => line.toLowerCase().includes(query) : undefined;
  for (const raw of jsonLines(text, matches)) {
    const parsed = ActivityEntrySchema.safeParse({ ...(raw as object), task });
    if (parsed.success) into.push(parsed.data);
  }
}

/**
 * A retention run journals one entry in each task it touched (each task keeps its own history); Activity shows the run
 * as one entry, its files named by task, and what it did counted in its reason.
 */
function mergeRuns(entries: readonly ActivityEntry[]): ActivityEntry[] {
  const out: ActivityEntry[] = [];
  const runs = new Map<string, ActivityEntry[]>();
  for (const e of entries) {
    if (e.run === undefined) out.push(e);
    else runs.set(e.run, [...(runs.get(e.run) ?? []), e]);
  }
  for (const [run, parts] of runs) {
    const several = parts.length > 1;
    const results = parts.flatMap((p) => p.results.map((r) => (several ? { ...r, target: `${p.task}/${r.target}` } : r)));
    const done = (kind: string) => results.filter((r) => r.kind === kind && r.outcome === 'done').length;
    const first = parts.reduce((a, b) => (a.ts <= b.ts ? a : b));
    out.push({
      ts: first.ts,
      task: several ? plural(parts.length, 'task') : first.task,
      agentId: first.agentId,
      reason: `${first.reason}: ${done('compress-archive')} compressed, ${done('delete-archive')} deleted`,
      results,
      run,
    });
  }
  return out;
}

/**
 * The Activity view: every journaled action with its reason and outcome, newest first, a page at a time. Reads each task's
 * archive/JOURNAL.jsonl (engine and UI actions on that task) and the state dir's journal (UI actions on no task).
 */
export function readActivity(
  roots: readonly string[],
  stateDir: string,
  query: string,
  limit: number,
  offset = 0,
): { entries: ActivityEntry[]; total: number } {
  const q = query.trim().toLowerCase();
  const all: ActivityEntry[] = [];
  for (const ref of discoverTasks(roots).tasks) readJournal(path.join(ref.dir, ARCHIVE_DIR, JOURNAL_FILE), ref.name, all, q);
  readJournal(path.join(stateDir, USER_JOURNAL_FILE), '', all, q);
  const entries = mergeRuns(all);
  entries.sort((a, b) => (a.ts < b.ts ? 1 : a.ts > b.ts ? -1 : 0));
  return { entries: entries.slice(offset, offset + limit), total: entries.length };
}
