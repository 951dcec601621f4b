import type { FileEntry } from '../workspace/task-scan.js';
import { type AgentFileDir } from '../workspace/layout.js';

/** What a task without agent files gets: one shared empty Map (most tasks of a large tree have none left). */
export const NO_FILES: ReadonlyMap<string, FileEntry[]> = new Map();

/** `logs/<id>_*` and `logs/<id>.*` (SPEC.md): the character after the id must be one of these. */
const BOUNDARY = new Set(['_', '.']);

const DEPLOY_PREFIX = 'deploy_';
const DEPLOY_SUFFIX = '.json';

/** The one file per agent in progress/ and findings/, by its exact name (SPEC.md "Input"). */
const EXACT_SUFFIX: Record<Exclude<AgentFileDir, 'logs'>, string> = {
  progress: '_progress.jsonl',
  findings: '_findings.jsonl',
};

function logOwner(name: string, ids: ReadonlySet<string>): string | null {
  // logs/deploy_<id>.json names its agent exactly; that beats an agent whose id happens to be "deploy".
  if (name.startsWith(DEPLOY_PREFIX) && name.endsWith(DEPLOY_SUFFIX)) {
    const id = name.slice(DEPLOY_PREFIX.length, -DEPLOY_SUFFIX.length);
    if (ids.has(id)) return id;
  }
  let owner: string | null = null;
  for (let i = 1; i < name.length; i++) {
    if (!BOUNDARY.has(name[i]!)) continue;
    const prefix = name.slice(0, i);
    // The longest id wins: `a_b_stream.jsonl` belongs to `a_b`, not to `a`.
    if (ids.has(prefix)) owner = prefix;
  }
  return owner;
}

export function ownerOf(entry: Pick<FileEntry, 'dir' | 'name'>, ids: ReadonlySet<string>): string | null {
  if (entry.dir === 'logs') return logOwner(entry.name, ids);
  const suffix = EXACT_SUFFIX[entry.dir];
  if (!entry.name.endsWith(suffix)) return null;
  const id = entry.name.slice(0, -suffix.length);
  return ids.has(id) ? id : null;
}

/**
 * Assigns each file to exactly one agent of the task, so one agent's cleanup never takes a sibling's files. Each
 * agent's list is sorted by folder, then name.
 */
export function matchAgentFiles(files: readonly FileEntry[], ids: ReadonlySet<string>): ReadonlyMap<string, FileEntry[]> {
  if (files.length === 0 || ids.size === 0) return NO_FILES;
  const byAgent = new Map<string, FileEntry[]>();
  for (const entry of files) {
    const owner = ownerOf(entry, ids);
    if (owner === null) continue;
    const list = byAgent.get(owner);
    if (list) list.push(entry);
    else byAgent.set(owner, [entry]);
  }
  for (const list of byAgent.values()) list.sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : a.name < b.name ? -1 : 1));
  return byAgent;
}
