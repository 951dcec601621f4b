import fs from 'node:fs';
import path from 'node:path';
import type { InputError } from '../../shared/index.js';
import { isTaskDirName } from '../base/guards.js';
import { workspacesOf } from './roots.js';
import { errnoCode } from '../../shared/errors.js';
import { TASK_DIR_PREFIX } from './layout.js';

export interface TaskRef {
  /** Absolute, resolved path of the TASK-* folder. */
  dir: string;
  name: string;
  root: string;
}

export interface Discovery {
  tasks: TaskRef[];
  /** The workspace bases that exist (a base may hold a state database and no task folder yet). */
  bases: string[];
  errors: InputError[];
}

/** The checks every task folder passes, in a full discovery and in the daemon's per-task one. */
function taskEntry(
  workspace: string,
  name: string,
  kind: { isSymbolicLink(): boolean; isDirectory(): boolean },
  errors: InputError[],
): TaskRef | null {
  if (!name.startsWith(TASK_DIR_PREFIX)) return null;
  // Joined by hand: the workspace is absolute and normalised and a readdir name has no separator, and at 10,000
  // tasks path.join's normalising was a noticeable share of a sweep's allocations.
  const dir = workspace + path.sep + name;
  if (kind.isSymbolicLink()) {
    errors.push({ path: dir, message: 'task workspace is a symlink; refused' });
    return null;
  }
  if (!kind.isDirectory()) return null;
  if (!isTaskDirName(name)) {
    errors.push({ path: dir, message: 'task folder name has unexpected characters; refused' });
    return null;
  }
  return { dir, name, root: workspace };
}

/** Each workspace base of the roots once, resolved; a root that cannot be resolved goes to `errors`. */
function* basesOf(roots: readonly string[], errors: InputError[]): Generator<string> {
  const seen = new Set<string>();
  for (const root of roots) {
    let resolved: string;
    try {
      resolved = fs.realpathSync(root);
    } catch (err) {
      errors.push({ path: path.resolve(root), message: `root not readable: ${errnoCode(err) ?? String(err)}` });
      continue;
    }
    for (const workspace of workspacesOf(resolved)) {
      if (seen.has(workspace)) continue;
      seen.add(workspace);
      yield workspace;
    }
  }
}

export function discoverTasks(roots: readonly string[]): Discovery {
  const tasks: TaskRef[] = [];
  const errors: InputError[] = [];
  const bases: string[] = [];
  for (const workspace of basesOf(roots, errors)) for (const ref of baseTasks(workspace, errors, bases)) tasks.push(ref);
  tasks.sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0));
  return { tasks, bases, errors };
}

/**
 * The task folders under the roots one at a time, in no particular order, for the passes over every task that need
 * neither order nor a snapshot (stale temp copies, retention): at 10,000 tasks a discovery's list is about 2 MB that
 * would be held for the whole pass. What cannot be read is skipped; the sweep's discovery reports it.
 */
export function* eachTask(roots: readonly string[]): Generator<TaskRef> {
  for (const workspace of basesOf(roots, [])) yield* baseTasks(workspace, []);
}

/**
 * One workspace base's task folders, as the folder is read; a base that can be listed goes to `listed` (a missing one
 * is normal: nothing ran there yet). Refusals and an unreadable base go to `errors`.
 */
function* baseTasks(workspace: string, errors: InputError[], listed: string[] = []): Generator<TaskRef> {
  let dir: fs.Dir;
  try {
    if (fs.lstatSync(workspace).isSymbolicLink()) {
      errors.push({ path: workspace, message: `${path.basename(workspace)} is a symlink; refused` });
      return;
    }
    dir = fs.opendirSync(workspace, { bufferSize: 256 });
  } catch (err) {
    const code = errnoCode(err);
    if (code !== 'ENOENT') errors.push({ path: workspace, message: `workspace not readable: ${code ?? String(err)}` });
    return;
  }
  listed.push(workspace);
  try {
    for (let entry = dir.readSync(); entry !== null; entry = dir.readSync()) {
      const ref = taskEntry(workspace, entry.name, entry, errors);
      if (ref) yield ref;
    }
  } finally {
    dir.closeSync();
  }
}

/**
 * The daemon re-plans only the tasks whose registry changed: their refs are rebuilt here with the same checks as a
 * full discovery, and a task that is gone (or no longer a real TASK-* folder) is dropped.
 */
export function taskRefs(roots: readonly string[], dirs: Iterable<string>): Discovery {
  // An unreadable root is reported by the full reconcile.
  const workspaces = new Set(basesOf(roots, []));
  const tasks: TaskRef[] = [];
  const errors: InputError[] = [];
  for (const dir of new Set(dirs)) {
    const workspace = path.dirname(dir);
    if (!workspaces.has(workspace)) continue;
    const st = fs.lstatSync(dir, { throwIfNoEntry: false });
    const ref = st ? taskEntry(workspace, path.basename(dir), st, errors) : null;
    if (ref) tasks.push(ref);
  }
  tasks.sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0));
  return { tasks, bases: [...new Set(tasks.map((t) => t.root))], errors };
}
