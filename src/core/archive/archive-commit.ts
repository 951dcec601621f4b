import fs from 'node:fs';
import path from 'node:path';
import { errorMessage } from '../base/timeouts.js';
import { fsyncDir, hashFile, linkNoReplace, syncAndClose, unlinkQuiet } from './archive-io.js';
import { appendManifest, readManifest, type ManifestEntry } from './manifest.js';
import { ARCHIVE_DIR } from '../workspace/layout.js';
import {
  compressesAtArchiveTime,
  isStaged,
  prepareOne,
  sourceLabel,
  type ArchiveResult,
  type Staged,
  type StagedBatch,
} from './archiver.js';

function unchanged(a: fs.Stats, b: fs.Stats | undefined): boolean {
  return b !== undefined && a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs;
}

/** A source written after it was staged (the agent's last words as it died) is staged again, once. */
async function refresh(batch: StagedBatch, item: Staged): Promise<Staged | ArchiveResult> {
  if (!item.sourcePath || !item.sourceStat || unchanged(item.sourceStat, fs.lstatSync(item.sourcePath, { throwIfNoEntry: false })))
    return item;
  if (item.temp) await unlinkQuiet(item.temp);
  const again = await prepareOne(batch.taskDir, batch.archiveDir!, item.request, batch.options);
  if (!isStaged(again)) return again;
  if (again.fd !== null) {
    const [err] = await syncAndClose([again.fd]);
    again.fd = null;
    if (err) throw err;
  }
  if (!unchanged(again.sourceStat!, fs.lstatSync(item.sourcePath, { throwIfNoEntry: false }))) {
    if (again.temp) await unlinkQuiet(again.temp);
    throw new Error(`${sourceLabel(item.request.source)} keeps changing; left in place for the next sweep`);
  }
  return again;
}

/**
 * Phase two: link each copy under a free name (never replacing), fsync archive/, append the manifest and fsync it,
 * and only then unlink the sources. A crash at any point leaves every byte in logs/ or archive/, and a rerun
 * recognises what is already archived by content.
 */
export async function commitStaged(batch: StagedBatch): Promise<ArchiveResult[]> {
  const results: ArchiveResult[] = [];
  const { archiveDir, options } = batch;
  if (!archiveDir) return batch.items.filter((i): i is ArchiveResult => !isStaged(i));
  const ext = compressesAtArchiveTime(options) ? '.gz' : '';
  const linked: { staged: Staged; final: string; duplicate: boolean }[] = [];
  await Promise.all(
    batch.items.map(async (item) => {
      if (!isStaged(item)) {
        results.push(item);
        return;
      }
      let current: Staged | ArchiveResult = item;
      try {
        current = await refresh(batch, item);
        if (!isStaged(current)) {
          results.push(current);
          return;
        }
        const s: Staged = current;
        const same = async (occupant: string): Promise<boolean> => {
          const st = fs.lstatSync(occupant);
          if (!st.isFile()) return false;
          if (s.sourceStat && s.temp === null && st.ino === s.sourceStat.ino && st.dev === s.sourceStat.dev) return true;
          return (await hashFile(occupant, ext === '.gz').catch(() => '')) === s.written.sha256;
        };
        const { final, duplicate } = await linkNoReplace(s.linkFrom, archiveDir, s.request.source.name, ext, same);
        linked.push({ staged: s, final, duplicate });
      } catch (err) {
        results.push({ request: item.request, outcome: 'failed', archived: null, detail: errorMessage(err) });
      } finally {
        if (isStaged(current) && current.temp) await unlinkQuiet(current.temp);
      }
    }),
  );
  if (linked.length === 0) return results;
  try {
    await fsyncDir(archiveDir);
    const manifest: ManifestEntry[] = linked.some((l) => l.duplicate) ? await readManifest(archiveDir) : [];
    const known = new Set(manifest.map((e) => `${e.archive}\0${e.sha256}`));
    const ts = new Date().toISOString();
    const entries: ManifestEntry[] = [];
    for (const { staged, final } of linked) {
      const archive = `${ARCHIVE_DIR}/${final}`;
      if (known.has(`${archive}\0${staged.written.sha256}`)) continue;
      const { source } = staged.request;
      const { bytes, sha256, storedBytes } = staged.written;
      entries.push({
        ts,
        agentId: staged.request.agentId,
        source: sourceLabel(source),
        archive,
        bytes,
        sha256,
        compression: ext ? 'gzip' : 'none',
        storedBytes,
      });
    }
    await appendManifest(archiveDir, entries);
  } catch (err) {
    // The copies are safe in archive/, but without a durable manifest the sources must stay.
    for (const { staged } of linked)
      results.push({ request: staged.request, outcome: 'failed', archived: null, detail: errorMessage(err) });
    return results;
  }
  const emptiedDirs = new Set<string>();
  await Promise.all(
    linked.map(async ({ staged, final, duplicate }) => {
      try {
        if (staged.sourcePath) {
          await unlinkQuiet(staged.sourcePath);
          emptiedDirs.add(path.dirname(staged.sourcePath));
        }
        const how = duplicate ? 'already archived as' : 'archived as';
        results.push({
          request: staged.request,
          outcome: 'done',
          archived: final,
          detail: `${how} ${ARCHIVE_DIR}/${final} (${staged.written.bytes} bytes, sha256 ${staged.written.sha256.slice(0, 12)})`,
        });
      } catch (err) {
        results.push({
          request: staged.request,
          outcome: 'failed',
          archived: final,
          detail: `archived as ${ARCHIVE_DIR}/${final} but source not removed: ${errorMessage(err)}`,
        });
      }
    }),
  );
  for (const dir of emptiedDirs) await fsyncDir(dir);
  return results;
}
