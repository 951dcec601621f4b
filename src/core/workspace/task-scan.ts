import fs from 'node:fs';
import path from 'node:path';
import type { InputError } from '../../shared/index.js';
import type { TaskRef } from './discovery.js';
import { NO_INTENTS, readIntents, type TaskIntents } from './intents.js';
import { readRegistry, type RegistryRead } from './json-registry.js';
import { restoredInPlace } from './restored.js';
import { errnoCode } from '../../shared/errors.js';
import { isRealDir } from '../base/safe-read.js';
import {
  LOGS_DIR,
  PROGRESS_DIR,
  FINDINGS_DIR,
  ARCHIVE_DIR,
  PROMPT_PREFIX,
  PROMPT_SUFFIX,
  AGENT_FILE_DIRS,
  type AgentFileDir,
  INTENTS_FILE,
  REGISTRY_FILE,
  RESTORED_FILE,
} from './layout.js';

export function isAgentFileDir(name: string): name is AgentFileDir {
  return name === LOGS_DIR || name === PROGRESS_DIR || name === FINDINGS_DIR;
}

export interface FileEntry {
  dir: AgentFileDir;
  name: string;
  kind: 'file' | 'symlink' | 'other';
}

export interface TaskScan {
  ref: TaskRef;
  registry: RegistryRead | null;
  /** Entries of logs/, progress/ and findings/ (a folder that is missing or refused contributes none). */
  files: FileEntry[];
  /**
   * Why nothing may be moved out of a folder, or into archive/, keyed by folder name (`archive`, `logs`, ...); a
   * folder absent from the map is usable.
   */
  refusals: ReadonlyMap<string, string>;
  archiveExists: boolean;
  /** Prompt files keyed by the agent id embedded in their name. */
  prompts: ReadonlyMap<string, Omit<FileEntry, 'dir'>>;
  /** Cleanups begun and not finished, and agents the janitor ended (see intents.ts). */
  intents: TaskIntents;
  errors: InputError[];
}

function kindOf(entry: fs.Dirent): FileEntry['kind'] {
  if (entry.isSymbolicLink()) return 'symlink';
  return entry.isFile() ? 'file' : 'other';
}

function listFolder(taskDir: string, dir: AgentFileDir): FileEntry[] {
  return fs.readdirSync(taskDir + path.sep + dir, { withFileTypes: true }).map((entry) => ({ dir, name: entry.name, kind: kindOf(entry) }));
}

/**
 * The entries of a task's logs/ for the window's views; [] when it is missing, unreadable, or not a real folder (a
 * symlinked logs/ is never listed, so nothing outside the workspace is named or read through it).
 */
export function readLogEntries(taskDir: string): FileEntry[] {
  return readAgentFolders(taskDir, [LOGS_DIR]);
}

/** Like readLogEntries, over the given agent folders. */
export function readAgentFolders(taskDir: string, dirs: readonly AgentFileDir[] = AGENT_FILE_DIRS): FileEntry[] {
  const out: FileEntry[] = [];
  for (const dir of dirs) {
    if (!isRealDir(path.join(taskDir, dir))) continue;
    try {
      out.push(...listFolder(taskDir, dir));
    } catch {
      // Unreadable: the sweep reports it; the window just shows no files.
    }
  }
  return out;
}

/** What a task without prompt files shares, instead of an empty Map of its own. */
const NO_PROMPTS: ReadonlyMap<string, Omit<FileEntry, 'dir'>> = new Map();
const NO_REFUSALS: ReadonlyMap<string, string> = new Map();

function folderRefusal(entry: fs.Dirent): string | null {
  if (entry.isSymbolicLink()) return `${entry.name}/ is a symlink; refused`;
  if (!entry.isDirectory()) return `${entry.name} exists and is not a folder; refused`;
  return null;
}

/** Lists the agent folders the task readdir found, minus files the user restored (they stay where they are). */
function listAgentFiles(scan: TaskScan, folders: readonly fs.Dirent[], restoredList: boolean, refusals: Map<string, string>): void {
  for (const entry of folders) {
    if (refusals.has(entry.name) || !isAgentFileDir(entry.name)) continue;
    try {
      scan.files.push(...listFolder(scan.ref.dir, entry.name));
    } catch (err) {
      const code = errnoCode(err);
      if (code !== 'ENOENT')
        scan.errors.push({ path: path.join(scan.ref.dir, entry.name), message: `not readable: ${code ?? String(err)}` });
    }
  }
  if (!restoredList || scan.files.length === 0) return;
  try {
    const restored = restoredInPlace(scan.ref.dir);
    if (restored.size > 0) scan.files = scan.files.filter((f) => !restored.has(`${f.dir}/${f.name}`));
  } catch (err) {
    scan.errors.push({ path: path.join(scan.ref.dir, RESTORED_FILE), message: `not readable: ${(err as Error).message}` });
  }
}

/**
 * One readdir of the task and one of each agent folder: everything the planner needs about files comes from here,
 * so a no-op sweep costs a handful of syscalls per task. Paths are joined by hand: the folder is absolute and
 * normalised and an entry name has no separator, and path.join's normalising was a tenth of a 10,000-task sweep's
 * allocations.
 */
export function scanTask(ref: TaskRef): TaskScan {
  const scan: TaskScan = {
    ref,
    registry: null,
    files: [],
    refusals: NO_REFUSALS,
    archiveExists: false,
    prompts: NO_PROMPTS,
    intents: NO_INTENTS,
    errors: [],
  };
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(ref.dir, { withFileTypes: true });
  } catch (err) {
    // The orchestrator may delete a task while we look at it; that is not the user's problem to see.
    const code = errnoCode(err);
    if (code !== 'ENOENT') scan.errors.push({ path: ref.dir, message: `task not readable: ${code ?? String(err)}` });
    return scan;
  }
  const folders: fs.Dirent[] = [];
  let refusals: Map<string, string> | null = null;
  let prompts: Map<string, Omit<FileEntry, 'dir'>> | null = null;
  let restoredList = false;
  for (const entry of entries) {
    const name = entry.name;
    if (name === REGISTRY_FILE) {
      scan.registry = readRegistry(ref.dir + path.sep + name);
      scan.errors.push(...scan.registry.errors);
    } else if (name === ARCHIVE_DIR || isAgentFileDir(name)) {
      if (name === ARCHIVE_DIR) scan.archiveExists = true;
      const refusal = folderRefusal(entry);
      if (refusal) (refusals ??= new Map()).set(name, refusal);
      else if (name !== ARCHIVE_DIR) folders.push(entry);
    } else if (name === INTENTS_FILE) {
      try {
        scan.intents = readIntents(ref.dir);
      } catch (err) {
        scan.errors.push({ path: ref.dir + path.sep + name, message: `intent journal not readable: ${(err as Error).message}` });
      }
    } else if (name === RESTORED_FILE) {
      restoredList = true;
    } else if (name.startsWith(PROMPT_PREFIX) && name.endsWith(PROMPT_SUFFIX)) {
      const id = name.slice(PROMPT_PREFIX.length, -PROMPT_SUFFIX.length);
      (prompts ??= new Map()).set(id, { name, kind: kindOf(entry) });
    }
  }
  if (prompts) scan.prompts = prompts;
  if (refusals) {
    scan.refusals = refusals;
    for (const [name, message] of refusals) scan.errors.push({ path: path.join(ref.dir, name), message });
  }
  listAgentFiles(scan, folders, restoredList, refusals ?? new Map());
  return scan;
}
