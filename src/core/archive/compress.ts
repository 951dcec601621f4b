import fs from 'node:fs';
import path from 'node:path';
import { childPath } from '../base/guards.js';
import { existingFolderPath } from '../base/task-folders.js';
import { tryLockTask } from '../workspace/task-lock.js';
import { errorMessage } from '../base/timeouts.js';
import {
  IN_MEMORY_LIMIT,
  fsyncDir,
  hashFile,
  linkNoReplace,
  streamHandleTo,
  syncAndClose,
  tempName,
  unlinkQuiet,
  writeTemp,
  type Written,
} from './archive-io.js';
import { checkFreeSpace, prepareArchiveDir, removeStaleTemps } from './archive-dir.js';
import { appendManifest, archiveNameOf, archivedAtOf, currentEntries, readManifest, type ManifestEntry } from './manifest.js';
import { errnoCode } from '../../shared/errors.js';
import { ARCHIVE_DIR } from '../workspace/layout.js';

/**
 * Delayed compression (logrotate's delaycompress, SPEC.md "Archive and retention"): an archived file keeps its exact
 * name while the orchestrator's own views may still read it, and is gzipped in place to `<name>.gz` once it is
 * `compressAfterDays` old, counted from when it was archived.
 */

const DAY_MS = 24 * 60 * 60 * 1000;

export interface CompressOptions {
  compression: 'gzip' | 'none';
  compressAfterDays: number | null;
}

export interface CompressCandidate {
  /** `archive/<name>`, relative to the task folder. */
  path: string;
  /** The manifest entry that recorded the file: the bytes it must still hold. */
  entry: ManifestEntry;
  archivedAt: string;
  reason: string;
}

export interface CompressPlan {
  compress: CompressCandidate[];
  /** Due files that must be left alone, and why. */
  skipped: { path: string; reason: string }[];
}

export interface CompressResult {
  path: string;
  outcome: 'done' | 'skipped' | 'failed';
  /** `archive/<name>.gz` (or a `~N` name, if that one was taken by other bytes). */
  compressed: string | null;
  storedBytes: number;
  detail: string;
}

export function compressionEnabled(options: CompressOptions): boolean {
  return options.compression === 'gzip' && options.compressAfterDays !== null;
}

function mismatch(size: number, entry: ManifestEntry): string {
  return `holds ${size} bytes where its manifest recorded ${entry.bytes}: not the file the janitor archived (the orchestrator may have moved its own copy there, still being written); left alone`;
}

/**
 * Which archived files are due, and why: recorded uncompressed in the manifest, still there as a regular file of the
 * recorded size, and older than compressAfterDays by their original archive time. Reads only the manifest and lstat,
 * so it is the preview; contents are checked when applied.
 */
export function planCompression(taskDir: string, entries: readonly ManifestEntry[], options: CompressOptions, now: number): CompressPlan {
  const plan: CompressPlan = { compress: [], skipped: [] };
  if (!compressionEnabled(options)) return plan;
  const limit = options.compressAfterDays!;
  const dir = existingFolderPath(taskDir, ARCHIVE_DIR);
  for (const [rel, entry] of currentEntries(entries)) {
    if (entry.compression !== 'none') continue;
    const archivedAt = archivedAtOf(entry);
    const ageDays = (now - Date.parse(archivedAt)) / DAY_MS;
    if (!(ageDays > limit)) continue;
    const name = archiveNameOf(rel);
    const st = name === null || dir === null ? undefined : fs.lstatSync(childPath(dir, name), { throwIfNoEntry: false });
    if (!st) continue; // deleted, already compressed, or not a file of a real archive/ folder
    if (!st.isFile()) plan.skipped.push({ path: rel, reason: 'not a regular file; left alone' });
    else if (st.size !== entry.bytes) plan.skipped.push({ path: rel, reason: mismatch(st.size, entry) });
    else
      plan.compress.push({
        path: rel,
        entry,
        archivedAt,
        reason: `archived ${Math.floor(ageDays)} days ago, past compressAfterDays (${limit})`,
      });
  }
  return plan;
}

/**
 * Compresses one task's due files, under the task lock (a sweep archiving into the same folder never interleaves);
 * a task another janitor holds is skipped until the next pass.
 */
export async function compressTask(
  taskDir: string,
  candidates: readonly CompressCandidate[],
  options: { minFreeBytes: number; lockStaleMs: number },
): Promise<CompressResult[]> {
  if (candidates.length === 0) return [];
  const all = (outcome: CompressResult['outcome'], detail: string): CompressResult[] =>
    candidates.map((c) => ({ path: c.path, outcome, compressed: null, storedBytes: 0, detail }));
  const lock = await tryLockTask(taskDir, options.lockStaleMs);
  if ('unavailable' in lock) return all(lock.failed ? 'failed' : 'skipped', lock.unavailable);
  try {
    const archiveDir = await prepareArchiveDir(taskDir);
    removeStaleTemps(archiveDir);
    // The plan was made without the lock: only a file still recorded as it was is compressed.
    const current = currentEntries(await readManifest(archiveDir));
    const out: CompressResult[] = [];
    for (const c of candidates) {
      const now = current.get(c.path);
      if (!now || now.sha256 !== c.entry.sha256 || now.compression !== 'none') {
        out.push({
          path: c.path,
          outcome: 'skipped',
          compressed: null,
          storedBytes: 0,
          detail: 'its manifest entry changed since the plan',
        });
        continue;
      }
      // One at a time: bounded memory and temp space, whatever the number of files.
      out.push(
        await compressOne(archiveDir, c, options.minFreeBytes).catch((err: unknown): CompressResult => ({
          path: c.path,
          outcome: 'failed',
          compressed: null,
          storedBytes: 0,
          detail: errorMessage(err),
        })),
      );
    }
    return out;
  } catch (err) {
    return all('failed', errorMessage(err));
  } finally {
    await lock.release().catch(() => undefined);
  }
}

const READ_FLAGS = fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK;

function sameFile(a: fs.Stats, b: fs.Stats | undefined): boolean {
  return b !== undefined && b.isFile() && a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs;
}

/** gzip of the open file into a new temp, fsynced and verified by decompressing; the hash is of what was read. */
async function gzipToTemp(input: fs.promises.FileHandle, size: number, temp: string): Promise<Written> {
  if (size > IN_MEMORY_LIMIT) return streamHandleTo(input, temp, true);
  const { handle, written } = await writeTemp(temp, await input.readFile(), true);
  const [err] = await syncAndClose([handle]);
  if (err) throw err;
  return written;
}

async function compressOne(archiveDir: string, c: CompressCandidate, minFreeBytes: number): Promise<CompressResult> {
  const name = archiveNameOf(c.path)!;
  const file = childPath(archiveDir, name);
  const skip = (detail: string): CompressResult => ({ path: c.path, outcome: 'skipped', compressed: null, storedBytes: 0, detail });
  let input: fs.promises.FileHandle;
  try {
    input = await fs.promises.open(file, READ_FLAGS);
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'ENOENT') return skip('already gone');
    if (code === 'ELOOP') return skip('a symlink; left alone');
    throw err;
  }
  const temp = tempName(archiveDir, `${name}.gz`);
  try {
    // The open descriptor pins the inode, so the dev/ino check before unlinking cannot be fooled by a reused number.
    const st = await input.stat();
    if (!st.isFile()) return skip('not a regular file; left alone');
    if (st.size !== c.entry.bytes) return skip(mismatch(st.size, c.entry));
    checkFreeSpace(archiveDir, st.size, minFreeBytes);
    const written = await gzipToTemp(input, st.size, temp);
    if (written.sha256 !== c.entry.sha256)
      return skip(`its sha256 ${written.sha256.slice(0, 12)} is not the ${c.entry.sha256.slice(0, 12)} its manifest recorded; left alone`);
    if (!sameFile(st, fs.lstatSync(file, { throwIfNoEntry: false }))) return skip('changed while being compressed; left alone');
    const same = async (occupant: string): Promise<boolean> =>
      fs.lstatSync(occupant).isFile() && (await hashFile(occupant, true).catch(() => '')) === c.entry.sha256;
    const { final } = await linkNoReplace(temp, archiveDir, name, '.gz', same);
    await fsyncDir(archiveDir);
    const rel = `${ARCHIVE_DIR}/${final}`;
    const storedBytes = fs.lstatSync(path.join(archiveDir, final)).size;
    await recordCompressed(archiveDir, c, rel, storedBytes);
    if (!sameFile(st, fs.lstatSync(file, { throwIfNoEntry: false })))
      return skip(`compressed as ${rel}, but ${c.path} changed meanwhile; both kept`);
    await fs.promises.unlink(file);
    await fsyncDir(archiveDir);
    return {
      path: c.path,
      outcome: 'done',
      compressed: rel,
      storedBytes,
      detail: `compressed to ${rel} (${c.entry.bytes} → ${storedBytes} bytes)`,
    };
  } finally {
    await input.close().catch(() => undefined);
    await unlinkQuiet(temp);
  }
}

/** One manifest line per compression, even when a rerun finds the `.gz` already there (a crash after link()). */
async function recordCompressed(archiveDir: string, c: CompressCandidate, rel: string, storedBytes: number): Promise<void> {
  const known = (await readManifest(archiveDir)).some((e) => e.archive === rel && e.compression === 'gzip' && e.sha256 === c.entry.sha256);
  if (known) return;
  const { agentId, source, bytes, sha256 } = c.entry;
  await appendManifest(archiveDir, [
    {
      ts: new Date().toISOString(),
      agentId,
      source,
      archive: rel,
      bytes,
      sha256,
      compression: 'gzip',
      storedBytes,
      compressedFrom: c.path,
      archivedAt: c.archivedAt,
    },
  ]);
}
