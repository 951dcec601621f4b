import type { FileEntry } from '../task-scan.js';

/** What a task with an empty logs/ gets: one shared empty Map (most tasks of a large tree have no logs). */
export const NO_LOGS: ReadonlyMap<string, FileEntry[]> = new Map();

/** `logs/<id>_*` and `logs/<id>.*` (SPEC.md): the character after the id must be one of these. */
const BOUNDARY = new Set(['_', '.']);

function ownerCandidates(name: string, ids: ReadonlySet<string>): string[] {
  const found: string[] = [];
  for (let i = 1; i < name.length; i++) {
    if (!BOUNDARY.has(name[i]!)) continue;
    const prefix = name.slice(0, i);
    if (ids.has(prefix)) found.push(prefix);
  }
  return found;
}

/**
 * Assigns each log file to exactly one agent of the task. A name like `a_b_stream.jsonl` fits both `a` and `a_b`;
 * the longest id wins, so one agent's cleanup never takes a sibling's logs.
 */
export function matchLogFiles(logs: readonly FileEntry[], ids: ReadonlySet<string>): ReadonlyMap<string, FileEntry[]> {
  if (logs.length === 0) return NO_LOGS;
  const byAgent = new Map<string, FileEntry[]>();
  for (const entry of logs) {
    const candidates = ownerCandidates(entry.name, ids);
    if (candidates.length === 0) continue;
    const owner = candidates.reduce((a, b) => (b.length > a.length ? b : a));
    const list = byAgent.get(owner);
    if (list) list.push(entry);
    else byAgent.set(owner, [entry]);
  }
  for (const list of byAgent.values()) list.sort((a, b) => (a.name < b.name ? -1 : 1));
  return byAgent;
}
