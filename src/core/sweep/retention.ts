import type { Config, RetentionPlan } from '../../shared/index.js';
import { compressTask, compressionEnabled, planCompression, type CompressCandidate } from '../archive/compress.js';
import { eachTask } from '../workspace/discovery.js';
import { rootsOf } from '../workspace/roots.js';
import { errorMessage } from '../base/timeouts.js';
import { archiveRows, removeArchive, taskManifest } from '../archive/archive-catalog.js';
import { journalUserAction, type UserAction } from '../archive/user-journal.js';
import { plural } from '../../shared/index.js';

const DAY_MS = 24 * 60 * 60 * 1000;

type Removal = RetentionPlan['remove'][number];
type Compression = RetentionPlan['compress'][number];
type Skipped = RetentionPlan['skipped'][number];
type Due = { taskDir: string; candidate: CompressCandidate };

const keyOf = (taskDir: string, rel: string): string => `${taskDir}\0${rel}`;
const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
/** Tasks are surveyed in no particular order (eachTask): lists are put in task order, each task's own order kept. */
const inTaskOrder = <T extends { taskDir: string }>(list: T[]): T[] => list.sort((a, b) => compareText(a.taskDir, b.taskDir));

/** Whether a retention pass has anything to do under this config: a limit is set, or delayed compression is on. */
export function retentionConfigured(config: Config): boolean {
  const { maxAgeDays, maxBytesPerRoot } = config.retention;
  return maxAgeDays !== null || maxBytesPerRoot !== null || compressionEnabled(config);
}

/** SPEC.md: by maximum age, then by maximum total size per root, oldest first (by original archive time). */
function planRemovals(
  config: Config,
  byRoot: Map<string, Omit<Removal, 'reason'>[]>,
  now: number,
): { remove: Removal[]; byAge: Set<string> } {
  const { maxAgeDays, maxBytesPerRoot } = config.retention;
  const remove: Removal[] = [];
  const byAge = new Set<string>();
  for (const files of byRoot.values()) {
    files.sort((a, b) => compareText(a.archivedAt, b.archivedAt) || compareText(a.path, b.path) || compareText(a.taskDir, b.taskDir));
    let total = files.reduce((n, f) => n + f.storedBytes, 0);
    for (const f of files) {
      const ageDays = (now - Date.parse(f.archivedAt)) / DAY_MS;
      let reason: string | null = null;
      if (maxAgeDays !== null && ageDays > maxAgeDays) {
        reason = `archived ${Math.floor(ageDays)} days ago, past the ${maxAgeDays}-day limit`;
        byAge.add(keyOf(f.taskDir, f.path));
      } else if (maxBytesPerRoot !== null && total > maxBytesPerRoot)
        reason = `this root's archives hold ${total} bytes, over the ${maxBytesPerRoot}-byte limit; oldest first`;
      if (!reason) continue;
      remove.push({ ...f, reason });
      total -= f.storedBytes;
    }
  }
  return { remove, byAge };
}

function planOf(config: Config, compress: Compression[], remove: Removal[], skipped: Skipped[]): RetentionPlan {
  const { maxAgeDays, maxBytesPerRoot } = config.retention;
  return {
    maxAgeDays,
    maxBytesPerRoot,
    compressAfterDays: compressionEnabled(config) ? config.compressAfterDays : null,
    compress,
    compressBytes: compress.reduce((n, f) => n + f.bytes, 0),
    remove,
    reclaimBytes: remove.reduce((n, f) => n + f.storedBytes, 0),
    skipped,
  };
}

/** One read of every task's manifest: what is stored per root, and what is due for compression. */
async function survey(config: Config, now: number): Promise<{ plan: RetentionPlan; due: Due[] }> {
  const limited = config.retention.maxAgeDays !== null || config.retention.maxBytesPerRoot !== null;
  const byRoot = new Map<string, Omit<Removal, 'reason'>[]>();
  const due: Due[] = [];
  const skipped: Skipped[] = [];
  if (!retentionConfigured(config)) return { plan: planOf(config, [], [], []), due };
  for (const ref of eachTask(rootsOf(config))) {
    const entries = await taskManifest(ref.dir);
    if (entries.length === 0) continue;
    if (limited) {
      const list = byRoot.get(ref.root) ?? [];
      for (const { file } of archiveRows(ref.dir, entries))
        list.push({ taskDir: ref.dir, path: file.path, storedBytes: file.storedBytes, archivedAt: file.archivedAt });
      byRoot.set(ref.root, list);
    }
    const compression = planCompression(ref.dir, entries, config, now);
    for (const candidate of compression.compress) due.push({ taskDir: ref.dir, candidate });
    for (const s of compression.skipped) skipped.push({ taskDir: ref.dir, ...s });
  }
  inTaskOrder(due);
  inTaskOrder(skipped);
  const { remove, byAge } = planRemovals(config, byRoot, now);
  // A file past the age limit is deleted, not compressed first. One over the size limit is compressed: that may be
  // enough to bring the root under it (Apply plans the size part again afterwards).
  const kept = due.filter((d) => !byAge.has(keyOf(d.taskDir, d.candidate.path)));
  const compress = kept.map(({ taskDir, candidate: c }) => ({
    taskDir,
    path: c.path,
    bytes: c.entry.bytes,
    archivedAt: c.archivedAt,
    reason: c.reason,
  }));
  return { plan: planOf(config, compress, remove, skipped), due: kept };
}

/**
 * SPEC.md "Archive and retention". Pure over what is on disk now (manifests and lstat), so the preview the UI shows
 * is the list `applyRetention` then works through.
 */
export async function planRetention(config: Config, now = Date.now()): Promise<RetentionPlan> {
  return (await survey(config, now)).plan;
}

/** What one retention run did in each task, journaled there as one entry with every file (not one entry per file). */
type RunLog = Map<string, UserAction[]>;

const logResult = (log: RunLog, taskDir: string, result: UserAction): void => {
  log.set(taskDir, [...(log.get(taskDir) ?? []), result]);
};

/** Compresses task by task; each result goes to the run's log. */
async function compressDue(
  config: Config,
  due: readonly Due[],
  failures: string[],
  log: RunLog,
): Promise<{ compressed: Compression[]; skipped: Skipped[] }> {
  const byTask = new Map<string, CompressCandidate[]>();
  for (const d of due) byTask.set(d.taskDir, [...(byTask.get(d.taskDir) ?? []), d.candidate]);
  const compressed: Compression[] = [];
  const skipped: Skipped[] = [];
  for (const [taskDir, candidates] of byTask) {
    const results = await compressTask(taskDir, candidates, {
      minFreeBytes: config.minFreeBytes,
      lockStaleMs: config.timeouts.lockStaleMs,
    });
    for (const [i, r] of results.entries()) {
      const c = candidates[i]!;
      if (r.outcome === 'skipped') {
        skipped.push({ taskDir, path: r.path, reason: r.detail });
        continue;
      }
      logResult(
        log,
        taskDir,
        r.outcome === 'done'
          ? { kind: 'compress-archive', target: r.path, outcome: 'done', detail: `${r.detail}; ${c.reason}` }
          : { kind: 'compress-archive', target: r.path, outcome: 'failed', error: r.detail },
      );
      if (r.outcome === 'done')
        compressed.push({ taskDir, path: r.path, bytes: c.entry.bytes, archivedAt: c.archivedAt, reason: c.reason });
      else failures.push(`${taskDir}/${r.path}: ${r.detail}`);
    }
  }
  return { compressed, skipped };
}

/** One journal entry per task the run touched, listing each file with its outcome. */
async function journalRun(config: Config, log: RunLog, failures: string[]): Promise<void> {
  const limits = [
    config.retention.maxAgeDays !== null ? `maxAgeDays ${config.retention.maxAgeDays}` : null,
    config.retention.maxBytesPerRoot !== null ? `maxBytesPerRoot ${config.retention.maxBytesPerRoot}` : null,
    compressionEnabled(config) ? `compressAfterDays ${config.compressAfterDays}` : null,
  ].filter((x) => x !== null);
  // One id for the run: Activity shows its entries in every task as one entry (activity.ts).
  const run = `retention-${new Date().toISOString()}-${process.pid}`;
  for (const [taskDir, results] of log) {
    await journalUserAction({ taskDir }, '', `retention run (${limits.join(', ')})`, results, run).catch((err: unknown) =>
      failures.push(`${taskDir}: journal: ${errorMessage(err)}`),
    );
  }
}

/**
 * Compresses what is due, then deletes; returns what was really done. Deletions are planned again after compressing
 * (only when something was): compressed files take less room, so by size fewer may need to go than the preview listed.
 */
export async function applyRetention(config: Config): Promise<RetentionPlan> {
  const first = await survey(config, Date.now());
  const failures: string[] = [];
  const log: RunLog = new Map();
  const { compressed, skipped } = await compressDue(config, first.due, failures, log);
  const planned = compressed.length > 0 ? (await survey(config, Date.now())).plan.remove : first.plan.remove;
  const removed: Removal[] = [];
  for (const f of planned) {
    const result = await removeArchive(rootsOf(config), f.taskDir, f.path);
    logResult(log, f.taskDir, result.outcome === 'done' ? { ...result, detail: `${result.detail}; ${f.reason}` } : result);
    if (result.outcome === 'done') removed.push(f);
    else failures.push(`${f.taskDir}/${f.path}: ${result.error ?? 'failed'}`);
  }
  await journalRun(config, log, failures);
  if (failures.length > 0) {
    throw new Error(
      `retention compressed ${plural(compressed.length, 'file')}, removed ${removed.length} and failed on ${failures.length}: ${failures.join('; ')}`,
    );
  }
  return planOf(config, compressed, removed, [...first.plan.skipped, ...skipped]);
}
