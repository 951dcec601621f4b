import fs from 'node:fs';
import path from 'node:path';
import type { ArchiveFile, ArchiveTask } from '../../shared/index.js';
import { fsyncDir } from '../archive/archive-io.js';
import { archivedAtOf, currentEntries, readManifest, type ManifestEntry } from '../archive/manifest.js';
import { discoverTasks, taskRefs, type TaskRef } from '../discovery.js';
import { ARCHIVE_DIR } from '../task-scan.js';
import { journalUserAction } from './user-journal.js';

/** The archive/ folder of a task, or null when it is missing, a symlink or not a folder (such a folder is never read). */
function archiveDirOf(taskDir: string): string | null {
  const dir = path.join(taskDir, ARCHIVE_DIR);
  const st = fs.lstatSync(dir, { throwIfNoEntry: false });
  return st?.isDirectory() ? dir : null;
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
  const present = (rel: string): fs.Stats | undefined => {
    const st = fs.lstatSync(path.join(taskDir, rel), { throwIfNoEntry: false });
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
    const file: ArchiveFile = { path: rel, agentId: e.agentId, source: e.source, bytes: e.bytes, storedBytes: st.size, archivedAt: archivedAtOf(e), sha256: e.sha256 };
    rows.push({ file, compressed: e.compression === 'gzip' });
  }
  return rows.sort((a, b) => (a.file.archivedAt < b.file.archivedAt ? -1 : a.file.archivedAt > b.file.archivedAt ? 1 : a.file.path < b.file.path ? -1 : 1));
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
    const files = await archivedFiles(ref.dir);
    if (files.length > 0) out.push(summarize(ref, files));
  }
  return out;
}

/** A task folder named by the UI must be one of the tasks under the roots, checked as discovery checks it. */
export function knownTask(roots: readonly string[], taskDir: string): TaskRef {
  const ref = taskRefs(roots, [path.resolve(taskDir)]).tasks[0];
  if (!ref) throw Object.assign(new Error(`${taskDir}: not a task folder under the configured roots`), { issues: [{ path: 'taskDir', message: 'not a task folder under the configured roots' }] });
  return ref;
}

/** Only a file the manifest lists can be restored or deleted: the UI cannot name arbitrary paths. */
export async function listedFile(roots: readonly string[], taskDir: string, rel: string): Promise<ListedArchive & { ref: TaskRef; abs: string }> {
  const ref = knownTask(roots, taskDir);
  const row = archiveRows(ref.dir, await taskManifest(ref.dir)).find((r) => r.file.path === rel);
  if (!row) throw Object.assign(new Error(`${path.join(ref.dir, rel)}: not an archived file of this task`), { issues: [{ path: 'path', message: 'not an archived file of this task' }] });
  return { ...row, ref, abs: path.join(ref.dir, row.file.path) };
}

export async function deleteArchive(roots: readonly string[], taskDir: string, rel: string, reason: string): Promise<{ deleted: string; storedBytes: number }> {
  const { ref, file, abs } = await listedFile(roots, taskDir, rel);
  try {
    await fs.promises.unlink(abs);
    await fsyncDir(path.dirname(abs));
  } catch (err) {
    await journalUserAction({ taskDir: ref.dir }, file.agentId, reason, [{ kind: 'delete-archive', target: file.path, outcome: 'failed', error: (err as Error).message }]);
    throw err;
  }
  await journalUserAction({ taskDir: ref.dir }, file.agentId, reason, [{ kind: 'delete-archive', target: file.path, outcome: 'done', detail: `${file.storedBytes} bytes freed` }]);
  return { deleted: file.path, storedBytes: file.storedBytes };
}
