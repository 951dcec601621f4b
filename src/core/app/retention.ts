import type { Config, RetentionPlan } from '../../shared/index.js';
import { archivedFiles, deleteArchive } from './archives.js';
import { discoverTasks } from '../discovery.js';
import { rootsOf } from '../roots.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * SPEC.md: retention is by maximum age and maximum total size per root, oldest first. Pure over what is on disk
 * now, so the preview the UI shows is the list `applyRetention` then works through.
 */
export async function planRetention(config: Config, now = Date.now()): Promise<RetentionPlan> {
  const { maxAgeDays, maxBytesPerRoot } = config.retention;
  const remove: RetentionPlan['remove'] = [];
  if (maxAgeDays === null && maxBytesPerRoot === null) return { maxAgeDays, maxBytesPerRoot, remove, reclaimBytes: 0 };
  const byRoot = new Map<string, { taskDir: string; path: string; storedBytes: number; archivedAt: string }[]>();
  for (const ref of discoverTasks(rootsOf(config)).tasks) {
    const list = byRoot.get(ref.root) ?? [];
    for (const f of await archivedFiles(ref.dir)) list.push({ taskDir: ref.dir, path: f.path, storedBytes: f.storedBytes, archivedAt: f.archivedAt });
    byRoot.set(ref.root, list);
  }
  for (const files of byRoot.values()) {
    files.sort((a, b) => (a.archivedAt < b.archivedAt ? -1 : a.archivedAt > b.archivedAt ? 1 : a.path < b.path ? -1 : 1));
    let total = files.reduce((n, f) => n + f.storedBytes, 0);
    for (const f of files) {
      const ageDays = (now - Date.parse(f.archivedAt)) / DAY_MS;
      let reason: string | null = null;
      if (maxAgeDays !== null && ageDays > maxAgeDays) reason = `archived ${Math.floor(ageDays)} days ago, past the ${maxAgeDays}-day limit`;
      else if (maxBytesPerRoot !== null && total > maxBytesPerRoot) reason = `this root's archives hold ${total} bytes, over the ${maxBytesPerRoot}-byte limit; oldest first`;
      if (!reason) continue;
      remove.push({ ...f, reason });
      total -= f.storedBytes;
    }
  }
  return { maxAgeDays, maxBytesPerRoot, remove, reclaimBytes: remove.reduce((n, f) => n + f.storedBytes, 0) };
}

/** Deletes what the plan lists, each deletion journaled in its task; returns the plan with what was really removed. */
export async function applyRetention(config: Config): Promise<RetentionPlan> {
  const planned = await planRetention(config);
  const roots = rootsOf(config);
  const removed: RetentionPlan['remove'] = [];
  const failures: string[] = [];
  for (const f of planned.remove) {
    try {
      await deleteArchive(roots, f.taskDir, f.path, `retention: ${f.reason}`);
      removed.push(f);
    } catch (err) {
      failures.push(`${f.taskDir}/${f.path}: ${(err as Error).message}`);
    }
  }
  if (failures.length > 0) throw new Error(`retention removed ${removed.length} file(s) and failed on ${failures.length}: ${failures.join('; ')}`);
  return { ...planned, remove: removed, reclaimBytes: removed.reduce((n, f) => n + f.storedBytes, 0) };
}
