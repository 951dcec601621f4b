import fs from 'node:fs';
import path from 'node:path';
import { childPath } from '../base/guards.js';
import { closeTaskFolder, existingFolderPath, isTaskFolderOpen, openTaskFolder, taskFolderPath } from '../base/task-folders.js';
import { pidAlive } from '../platform/pid-alive.js';
import { errnoCode } from '../../shared/errors.js';
import { ARCHIVE_DIR } from '../workspace/layout.js';

/**
 * Refuses a symlinked or escaping archive/, creating it when missing. While the executor holds the task folder open,
 * the folder is opened through its descriptor instead (task-folders.ts), which refuses a symlink by itself.
 */
export async function prepareArchiveDir(taskDir: string): Promise<string> {
  if (isTaskFolderOpen(taskDir)) return taskFolderPath(taskDir, ARCHIVE_DIR, true);
  const dir = childPath(taskDir, ARCHIVE_DIR);
  try {
    await fs.promises.mkdir(dir, { mode: 0o755 });
  } catch (err) {
    if (errnoCode(err) !== 'EEXIST') throw err;
  }
  const st = fs.lstatSync(dir);
  if (st.isSymbolicLink()) throw new Error(`${dir} is a symlink; refused`);
  if (!st.isDirectory()) throw new Error(`${dir} is not a folder; refused`);
  if (path.dirname(fs.realpathSync(dir)) !== fs.realpathSync(taskDir)) throw new Error(`${dir} resolves outside its workspace; refused`);
  return dir;
}

/**
 * Temp copies left by a janitor that crashed mid-archive: their sources are still in logs/, so they are only clutter.
 * The task lock is held, so a temp whose writer is not running can be nobody's work in progress.
 */
export function removeStaleTemps(archiveDir: string): void {
  for (const name of fs.readdirSync(archiveDir)) if (isStaleTemp(name)) fs.rmSync(path.join(archiveDir, name), { force: true });
}

/** A temp copy (`.aj-tmp-<pid>-…`) whose writer is neither this process nor any running one. */
function isStaleTemp(name: string): boolean {
  const m = /^\.aj-tmp-(\d+)-/.exec(name);
  return m !== null && Number(m[1]) !== process.pid && !pidAlive(Number(m[1]));
}

/** The event loop gets a turn after this many tasks of the start-up pass. */
const TASKS_PER_TURN = 64;

/**
 * At start-up: the stale temp copies of every task under the roots (a janitor that died mid-archive, or a stage step
 * that timed out before its process ended). A temp is only removed when the process its name carries is gone, so no
 * lock is needed; temps are removed through the task folder's descriptor. Each task is done synchronously (a few
 * syscalls), a batch per turn of the event loop: a promise round trip per task cost more than the work at 10,000 tasks.
 */
export async function removeStaleTempsEverywhere(tasks: Iterable<{ dir: string }>): Promise<void> {
  let done = 0;
  for (const { dir: taskDir } of tasks) {
    removeStaleTempsOf(taskDir);
    if (++done % TASKS_PER_TURN === 0) await new Promise(setImmediate);
  }
}

function removeStaleTempsOf(taskDir: string): void {
  // A look through the plain path first, which only reads names: nearly every archive/ holds no stale temp, and
  // holding each folder open churns the open-folder maps (V8 reallocates their tables in the old generation).
  try {
    const plain = existingFolderPath(taskDir, ARCHIVE_DIR);
    if (plain === null || !fs.readdirSync(plain).some(isStaleTemp)) return;
    openTaskFolder(taskDir);
  } catch {
    return;
  }
  try {
    const dir = existingFolderPath(taskDir, ARCHIVE_DIR);
    if (dir !== null) removeStaleTemps(dir);
  } catch {
    // Gone or unreadable meanwhile: the next archive into this task clears its temps (see removeStaleTemps).
  } finally {
    closeTaskFolder(taskDir);
  }
}

export function checkFreeSpace(dir: string, needed: number, minFree: number): void {
  const st = fs.statfsSync(dir);
  const free = st.bavail * st.bsize;
  if (free - needed < minFree) {
    throw new Error(`not enough free space in ${dir}: ${free} bytes free, ${needed} needed plus ${minFree} kept free`);
  }
}
