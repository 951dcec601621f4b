import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import type { ArchiveFile, ArchiveTask } from '../../shared/index.js';
import { fsyncDir, linkNoReplace, unlinkQuiet } from '../archive/archive-io.js';
import { readManifest } from '../archive/manifest.js';
import { discoverTasks, taskRefs, type TaskRef } from '../discovery.js';
import { childPath, isInside } from '../guards.js';
import { ARCHIVE_DIR, LOGS_DIR } from '../task-scan.js';
import { journalUserAction } from './user-journal.js';

/** Restored files go to logs/restored/: still under logs/ (SPEC.md), but not named like a live log, so the next sweep does not archive them again. */
export const RESTORED_DIR = 'restored';

/** The archive/ folder of a task, or null when it is missing, a symlink or not a folder (such a folder is never read). */
function archiveDirOf(taskDir: string): string | null {
  const dir = path.join(taskDir, ARCHIVE_DIR);
  const st = fs.lstatSync(dir, { throwIfNoEntry: false });
  return st?.isDirectory() ? dir : null;
}

/** Archived files as the manifest records them, limited to those still present as regular files. */
export async function archivedFiles(taskDir: string): Promise<ArchiveFile[]> {
  const dir = archiveDirOf(taskDir);
  if (!dir) return [];
  const byPath = new Map<string, ArchiveFile>();
  for (const e of await readManifest(dir)) {
    const file = path.join(taskDir, e.archive);
    if (!isInside(dir, file)) continue;
    const st = fs.lstatSync(file, { throwIfNoEntry: false });
    if (!st?.isFile()) continue;
    byPath.set(e.archive, { path: e.archive, agentId: e.agentId, source: e.source, bytes: e.bytes, storedBytes: st.size, archivedAt: e.ts, sha256: e.sha256 });
  }
  return [...byPath.values()].sort((a, b) => (a.archivedAt < b.archivedAt ? -1 : 1));
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
export async function listedFile(roots: readonly string[], taskDir: string, rel: string): Promise<{ ref: TaskRef; file: ArchiveFile; abs: string }> {
  const ref = knownTask(roots, taskDir);
  const file = (await archivedFiles(ref.dir)).find((f) => f.path === rel);
  if (!file) throw Object.assign(new Error(`${path.join(ref.dir, rel)}: not an archived file of this task`), { issues: [{ path: 'path', message: 'not an archived file of this task' }] });
  return { ref, file, abs: path.join(ref.dir, file.path) };
}

async function restoreDir(taskDir: string): Promise<string> {
  const logs = childPath(taskDir, LOGS_DIR);
  const dir = childPath(logs, RESTORED_DIR);
  for (const d of [logs, dir]) {
    try {
      await fs.promises.mkdir(d, { mode: 0o755 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (!fs.lstatSync(d).isDirectory()) throw new Error(`${d} is not a folder (or is a symlink); refused`);
  }
  return dir;
}

/**
 * Decompresses into a temp file, checks the bytes against the sha256 recorded when they were archived, then links
 * the result in without replacing anything (a name taken gets a `~N` suffix).
 */
export async function restoreArchive(roots: readonly string[], taskDir: string, rel: string): Promise<string> {
  const { ref, file, abs } = await listedFile(roots, taskDir, rel);
  const dir = await restoreDir(ref.dir);
  const base = path.basename(file.path).replace(/\.gz$/, '');
  const temp = path.join(dir, `.aj-restore-${process.pid}-${crypto.randomBytes(6).toString('hex')}`);
  const hash = crypto.createHash('sha256');
  const input = await fs.promises.open(abs, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  const output = await fs.promises.open(temp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, 0o644);
  try {
    const hasher = new Transform({
      transform(chunk: Buffer, _enc, done) {
        hash.update(chunk);
        done(null, chunk);
      },
    });
    const read = input.createReadStream();
    const write = output.createWriteStream();
    if (file.path.endsWith('.gz')) await pipeline(read, zlib.createGunzip(), hasher, write);
    else await pipeline(read, hasher, write);
    const digest = hash.digest('hex');
    if (digest !== file.sha256) throw new Error(`${abs}: content does not match its manifest (sha256 ${digest}, recorded ${file.sha256}); not restored`);
    const fd = await fs.promises.open(temp, fs.constants.O_RDONLY);
    await fd.sync();
    await fd.close();
    const { final } = await linkNoReplace(temp, dir, base, '', async () => false);
    await fsyncDir(dir);
    const restored = `${LOGS_DIR}/${RESTORED_DIR}/${final}`;
    await journalUserAction({ taskDir: ref.dir }, file.agentId, 'restored by the user', [{ kind: 'restore-archive', target: file.path, outcome: 'done', detail: `to ${restored}` }]);
    return restored;
  } finally {
    await input.close().catch(() => undefined);
    await output.close().catch(() => undefined);
    await unlinkQuiet(temp);
  }
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
