import type { ArchiveFile, Config, RetentionPlan } from '../../src/shared/index.js';

/** The dev harness's archive rules, beside mock-api.ts: where a cleaned file is archived, restored, compressed. */

const DAY_MS = 86_400_000;

/** A cleaned agent's file as the archive lists it: `archive/<name>`, uncompressed until compressAfterDays have passed. */
export function archiveEntry(source: string, agentId: string, bytes: number, config: Config, now: number): ArchiveFile {
  const name = source.slice(source.lastIndexOf('/') + 1);
  const gzip = config.compression === 'gzip' && config.compressAfterDays === 0;
  return {
    path: `archive/${name}${gzip ? '.gz' : ''}`,
    agentId,
    source,
    bytes,
    storedBytes: gzip ? Math.floor(bytes / 4) : bytes,
    archivedAt: new Date(now).toISOString(),
    sha256: 'f'.repeat(64),
  };
}

/** The mock's retention pass: 5 % of files (by hash) stand in for "past the limits"; old uncompressed files are gzipped. */
export function retentionPlan(archives: ReadonlyMap<string, ArchiveFile[]>, config: Config, now: number): RetentionPlan {
  const maxAge = config.retention.maxAgeDays;
  const compressAfterDays = config.compression === 'gzip' ? config.compressAfterDays : null;
  const remove: RetentionPlan['remove'] = [];
  const compress: RetentionPlan['compress'] = [];
  for (const [taskDir, files] of archives) {
    for (const f of files) {
      if (maxAge !== null && Number.parseInt(f.sha256.slice(0, 2), 16) < 13) {
        remove.push({ taskDir, path: f.path, storedBytes: f.storedBytes, archivedAt: f.archivedAt, reason: `older than ${maxAge} days` });
      } else if (compressAfterDays !== null && !f.path.endsWith('.gz') && now - Date.parse(f.archivedAt) >= compressAfterDays * DAY_MS) {
        compress.push({
          taskDir,
          path: f.path,
          bytes: f.bytes,
          archivedAt: f.archivedAt,
          reason: `archived more than ${compressAfterDays} ${compressAfterDays === 1 ? 'day' : 'days'} ago`,
        });
      }
    }
  }
  return {
    maxAgeDays: maxAge,
    maxBytesPerRoot: config.retention.maxBytesPerRoot,
    compressAfterDays,
    compress,
    compressBytes: compress.reduce((n, x) => n + x.bytes, 0),
    remove,
    reclaimBytes: remove.reduce((n, x) => n + x.storedBytes, 0),
    skipped: [],
  };
}

/** Applies a plan: removes what it removes, gzips what it compresses (a quarter of the size, kept under its name + .gz). */
export function applyRetentionPlan(archives: Map<string, ArchiveFile[]>, plan: RetentionPlan): void {
  for (const x of plan.remove)
    archives.set(
      x.taskDir,
      (archives.get(x.taskDir) ?? []).filter((f) => f.path !== x.path),
    );
  for (const x of plan.compress) {
    const f = (archives.get(x.taskDir) ?? []).find((a) => a.path === x.path);
    if (f) Object.assign(f, { path: `${f.path}.gz`, storedBytes: Math.floor(f.bytes / 4) });
  }
}
