import fs from 'node:fs';
import path from 'node:path';
import type { ArchiveFile, ArchiveTask } from '../../shared/index.js';
import { fsyncDir } from './archive-io.js';
import { archiveNameOf, archivedAtOf, currentEntries, readManifest, type ManifestEntry } from './manifest.js';
import { discoverTasks, taskRefs, type TaskRef } from '../workspace/discovery.js';
import { childPath } from '../base/guards.js';
import { existingFolderPath, withTaskFolder } from '../base/task-folders.js';
import { errorMessage } from '../base/timeouts.js';
import { journalUserAction, type UserAction } from './user-journal.js';
import { plural } from '../../shared/index.js';
import { ARCHIVE_DIR } from '../workspace/layout.js';

/**
 * The archive/ folder of a task, or null when it is missing, a symlink or not a folder (such a folder is never read).
 * Inside withTaskFolder it is the folder's descriptor path, so a swap after this point is never followed.
 */
const archiveDirOf = (taskDir: string): string | null => existingFolderPath(taskDir, ARCHIVE_DIR);

/** Where the manifest's `archive/<name>` is now: a plain name in archive/, or null for anything else. */
export function archivedPath(taskDir: string, rel: string): string | null {
  const name = archiveNameOf(rel);
  const dir = name === null ? null : archiveDirOf(taskDir);
  return dir === null ? null : childPath(dir, name!);
}

/** One archived file as listed, with what Open and Restore need to read it. */
export interface ListedArchive {
  file: ArchiveFile;
  /** Recorded as gzip in the manifest (a `.gz` written at archive time, or compressed later in place). */
  compressed: boolean;
}

/**
 * The task's manifest entries, or none when archive/ is missing, a symlink or not a folder (such a folder is never
 * read), or the manifest cannot be read as a regular file: then nothing of the task is listed, opened or removed.
 */
export async function taskManifest(taskDir: string): Promise<ManifestEntry[]> {
  const dir = archiveDirOf(taskDir);
  return dir ? readManifest(dir).catch((): ManifestEntry[] => []) : [];
}

/**
 * One row per archived file still present as a regular file, in whichever form exists. While a compression is
 * unfinished (a crash between link and unlink) both forms hold the same bytes: the uncompressed one is the row.
 */
export function archiveRows(taskDir: string, entries: readonly ManifestEntry[]): ListedArchive[] {
  const current = currentEntries(entries);
  // archive/ is looked up once for all rows (an lstat, or its descriptor inside withTaskFolder).
  const dir = archiveDirOf(taskDir);
  const present = (rel: string): fs.Stats | undefined => {
    const name = dir === null ? null : archiveNameOf(rel);
    const st = name === null ? undefined : fs.lstatSync(childPath(dir!, name), { throwIfNoEntry: false });
    return st?.isFile() ? st : undefined;
  };
  const rows: ListedArchive[] = [];
  // One file is one row however many names it has: hard links counted twice would inflate retention's total.
  const seen = new Set<string>();
  for (const [rel, e] of current) {
    const st = present(rel);
    if (!st || seen.has(`${st.dev}:${st.ino}`)) continue;
    seen.add(`${st.dev}:${st.ino}`);
    const plain = e.compressedFrom === undefined ? undefined : current.get(e.compressedFrom);
    if (plain && plain.compression === 'none' && plain.sha256 === e.sha256 && present(plain.archive)) continue;
    const file: ArchiveFile = {
      path: rel,
      agentId: e.agentId,
      source: e.source,
      bytes: e.bytes,
      storedBytes: st.size,
      archivedAt: archivedAtOf(e),
      sha256: e.sha256,
    };
    rows.push({ file, compressed: e.compression === 'gzip' });
  }
  return rows.sort((a, b) =>
    a.file.archivedAt < b.file.archivedAt ? -1 : a.file.archivedAt > b.file.archivedAt ? 1 : a.file.path < b.file.path ? -1 : 1,
  );
}

/** Archived files as the manifest records them, limited to those still present as regular files. */
export async function archivedFiles(taskDir: string): Promise<ArchiveFile[]> {
  return archiveRows(taskDir, await taskManifest(taskDir)).map((r) => r.file);
}

export function summarize(ref: TaskRef, files: ArchiveFile[]): ArchiveTask {
  const bytes = files.reduce((n, f) => n + f.bytes, 0);
  const storedBytes = files.reduce((n, f) => n + f.storedBytes, 0);
  return {
    task: ref.name,
    taskDir: ref.dir,
    root: ref.root,
    files,
    bytes,
    storedBytes,
    ratio: storedBytes > 0 ? Math.round((bytes / storedBytes) * 100) / 100 : null,
    oldest: files[0]?.archivedAt ?? null,
    newest: files.at(-1)?.archivedAt ?? null,
  };
}

export async function listArchives(roots: readonly string[]): Promise<ArchiveTask[]> {
  const out: ArchiveTask[] = [];
  for (const ref of discoverTasks(roots).tasks) {
    // A task folder swapped or moved since discovery lists nothing rather than failing the whole list.
    const files = await withTaskFolder(ref.dir, () => archivedFiles(ref.dir)).catch((): ArchiveFile[] => []);
    if (files.length > 0) out.push(summarize(ref, files));
  }
  return out;
}

/** A task folder named by the UI must be one of the tasks under the roots, checked as discovery checks it. */
export function knownTask(roots: readonly string[], taskDir: string): TaskRef {
  const ref = taskRefs(roots, [path.resolve(taskDir)]).tasks[0];
  if (!ref)
    throw Object.assign(new Error(`${taskDir}: not a task folder under the configured roots`), {
      issues: [{ path: 'taskDir', message: 'not a task folder under the configured roots' }],
    });
  return ref;
}

export type ListedFile = ListedArchive & { ref: TaskRef; abs: string };

/**
 * Only a file the manifest lists can be opened, restored or deleted: the UI cannot name arbitrary paths. `work` runs
 * with the task folder held open, and `abs` resolves through its descriptor: archive/ or the task folder swapped for
 * a symlink after this point is never followed.
 */
export async function withListedFile<T>(
  roots: readonly string[],
  taskDir: string,
  rel: string,
  work: (listed: ListedFile) => Promise<T>,
): Promise<T> {
  const ref = knownTask(roots, taskDir);
  return withTaskFolder(ref.dir, async () => {
    const row = archiveRows(ref.dir, await taskManifest(ref.dir)).find((r) => r.file.path === rel);
    const abs = row ? archivedPath(ref.dir, row.file.path) : null;
    if (!row || abs === null)
      throw Object.assign(new Error(`${path.join(ref.dir, rel)}: not an archived file of this task`), {
        issues: [{ path: 'path', message: 'not an archived file of this task' }],
      });
    return work({ ...row, ref, abs });
  });
}

type Removal = UserAction & { storedBytes: number };

async function unlinkListed({ file, abs }: ListedFile): Promise<Removal> {
  const base = { kind: 'delete-archive', target: file.path, storedBytes: file.storedBytes };
  try {
    await fs.promises.unlink(abs);
    await fsyncDir(path.dirname(abs));
  } catch (err) {
    return { ...base, outcome: 'failed', error: errorMessage(err) };
  }
  return { ...base, outcome: 'done', detail: `${plural(file.storedBytes, 'byte')} freed` };
}

/**
 * Deletes one listed archived file and says how it went, without journaling: a retention run journals its files
 * together, one entry per task. A file no longer listed comes back as failed.
 */
export async function removeArchive(roots: readonly string[], taskDir: string, rel: string): Promise<Removal> {
  return withListedFile(roots, taskDir, rel, unlinkListed).catch((err: unknown): Removal => ({
    kind: 'delete-archive',
    target: rel,
    storedBytes: 0,
    outcome: 'failed',
    error: errorMessage(err),
  }));
}

/** The window's Delete: one listed file, journaled in its task. */
export async function deleteArchive(
  roots: readonly string[],
  taskDir: string,
  rel: string,
  reason: string,
): Promise<{ deleted: string; storedBytes: number }> {
  return withListedFile(roots, taskDir, rel, async (listed) => {
    const { storedBytes, ...result } = await unlinkListed(listed);
    await journalUserAction({ taskDir: listed.ref.dir }, listed.file.agentId, reason, [result]);
    if (result.outcome === 'failed') throw new Error(result.error);
    return { deleted: listed.file.path, storedBytes };
  });
}
