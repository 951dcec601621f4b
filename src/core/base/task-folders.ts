import fs from 'node:fs';
import { childPath } from './guards.js';
import { isRealDir } from './safe-read.js';
import { errnoCode } from '../../shared/errors.js';

/**
 * File operations inside a task resolve from the task folder's own descriptor, not from its path (as
 * systemd-tmpfiles does with openat). Node has no openat or unlinkat, but on Linux a path under `/proc/self/fd/N/`
 * resolves from the folder that descriptor holds: a folder swapped for a symlink, or for another folder, after it was
 * opened is never followed. Each folder is opened with O_DIRECTORY and O_NOFOLLOW, so a symlink is refused outright.
 * Elsewhere (no /proc) the plain paths are used, and the scan's symlink checks are what holds.
 */

const DIR_FLAGS = fs.constants.O_RDONLY | fs.constants.O_DIRECTORY | fs.constants.O_NOFOLLOW;
const FD_PATHS = process.platform === 'linux' && fs.existsSync('/proc/self/fd');

interface OpenTask {
  fd: number;
  /** How many holders opened it (a sweep and the window may work in the same task): closed when the last one closes. */
  holders: number;
  /** Sub-folders opened so far (logs, progress, findings, archive), by name. */
  dirs: Map<string, number>;
}

const open = new Map<string, OpenTask>();
/** Each descriptor path in use, and the folder it stands for: messages name the folder, never `/proc/self/fd/N`. */
const names = new Map<string, string>();

const fdPath = (fd: number): string => `/proc/self/fd/${fd}`;

/** `text` with every descriptor path of an open task folder replaced by the folder's own path. */
export function withFolderNames(text: string): string {
  return names.size === 0 ? text : text.replace(/\/proc\/self\/fd\/\d+/g, (p) => names.get(p) ?? p);
}

function refused(taskDir: string, dir: string, err: unknown): Error {
  const code = errnoCode(err);
  const where = dir === '' ? taskDir : `${taskDir}/${dir}`;
  if (code === 'ELOOP' || code === 'ENOTDIR') return new Error(`${where} is a symlink or not a folder; refused`);
  return new Error(`${where}: cannot open: ${code ?? String(err)}`);
}

/**
 * Holds the task folder open (refusing a symlink) until closeTaskFolder: from now on its files resolve through it.
 * `taskDir` is the canonical path discovery checked; a folder that resolves elsewhere once open (a parent swapped for a
 * symlink meanwhile) is refused.
 */
export function openTaskFolder(taskDir: string): void {
  const held = open.get(taskDir);
  if (held) {
    held.holders++;
    return;
  }
  if (!FD_PATHS) return;
  let fd: number;
  try {
    fd = fs.openSync(taskDir, DIR_FLAGS);
  } catch (err) {
    throw refused(taskDir, '', err);
  }
  const real = fs.readlinkSync(fdPath(fd));
  if (real !== taskDir) {
    fs.closeSync(fd);
    throw new Error(`${taskDir} resolves to ${real} once opened (a folder above it was swapped?); refused`);
  }
  open.set(taskDir, { fd, holders: 1, dirs: new Map() });
  names.set(fdPath(fd), taskDir);
}

/**
 * Runs `work` with the task folder held open (openTaskFolder), then closes it; messages of a failure name the folder,
 * not the descriptor path, which means nothing once closed.
 */
export async function withTaskFolder<T>(taskDir: string, work: () => Promise<T>): Promise<T> {
  openTaskFolder(taskDir);
  try {
    return await work();
  } catch (err) {
    if (err instanceof Error) err.message = withFolderNames(err.message);
    throw err;
  } finally {
    closeTaskFolder(taskDir);
  }
}

const inFlight = new Map<string, Set<Promise<void>>>();

/**
 * Work on a task's files that may outlive its step's time limit (a step that times out cannot be interrupted). Until
 * it settles, the task's folder must stay open: a descriptor closed and reused would point its paths elsewhere.
 */
export function trackTaskWork<T>(taskDir: string, work: Promise<T>): Promise<T> {
  const pending = inFlight.get(taskDir) ?? new Set<Promise<void>>();
  inFlight.set(taskDir, pending);
  const settled = work.then(
    () => undefined,
    () => undefined,
  );
  pending.add(settled);
  void settled.then(() => {
    pending.delete(settled);
    if (pending.size === 0 && inFlight.get(taskDir) === pending) inFlight.delete(taskDir);
  });
  return work;
}

/** Settles once every tracked work of the task has (at once if there is none). */
export async function taskWorkSettled(taskDir: string): Promise<void> {
  while (inFlight.has(taskDir)) await Promise.all([...inFlight.get(taskDir)!]);
}

export function hasTaskWork(taskDir: string): boolean {
  return inFlight.has(taskDir);
}

export function isTaskFolderOpen(taskDir: string): boolean {
  return open.has(taskDir);
}

export function closeTaskFolder(taskDir: string): void {
  const task = open.get(taskDir);
  if (!task || --task.holders > 0) return;
  open.delete(taskDir);
  for (const fd of [...task.dirs.values(), task.fd]) {
    names.delete(fdPath(fd));
    fs.closeSync(fd);
  }
}

/**
 * The path to use for `dir` of the task ('' for the task folder itself), created first if `create`. While the task is
 * open, a path through the folder's descriptor; otherwise the plain path.
 */
export function taskFolderPath(taskDir: string, dir: string, create = false): string {
  const task = open.get(taskDir);
  const plain = dir === '' ? taskDir : childPath(taskDir, dir);
  if (!task) return plain;
  if (dir === '') return fdPath(task.fd);
  let fd = task.dirs.get(dir);
  if (fd === undefined) {
    const through = childPath(fdPath(task.fd), dir);
    try {
      if (create) fs.mkdirSync(through, { mode: 0o755 });
    } catch (err) {
      if (errnoCode(err) !== 'EEXIST') throw refused(taskDir, dir, err);
    }
    try {
      fd = fs.openSync(through, DIR_FLAGS);
    } catch (err) {
      throw refused(taskDir, dir, err);
    }
    task.dirs.set(dir, fd);
    names.set(fdPath(fd), plain);
  }
  return fdPath(fd);
}

/** A file of the task: `<dir>/<name>`, resolved as taskFolderPath does. */
export function taskFilePath(taskDir: string, dir: string, name: string): string {
  return childPath(taskFolderPath(taskDir, dir), name);
}

/** As taskFolderPath, but null when the folder is missing, a symlink or not a folder: such a folder is never read. */
export function existingFolderPath(taskDir: string, dir: string): string | null {
  if (!open.has(taskDir)) return isRealDir(childPath(taskDir, dir)) ? childPath(taskDir, dir) : null;
  try {
    return taskFolderPath(taskDir, dir);
  } catch {
    return null;
  }
}
