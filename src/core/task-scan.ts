import fs from 'node:fs';
import path from 'node:path';
import type { InputError } from '../shared/index.js';
import type { TaskRef } from './discovery.js';
import { INTENTS_FILE, NO_INTENTS, readIntents, type TaskIntents } from './intents.js';
import { REGISTRY_FILE, readRegistry, type RegistryRead } from './registry-reader.js';

export const LOGS_DIR = 'logs';
export const ARCHIVE_DIR = 'archive';
export const PROMPT_PREFIX = 'agent_prompt_';
export const PROMPT_SUFFIX = '.txt';

export interface FileEntry {
  name: string;
  kind: 'file' | 'symlink' | 'other';
}

export interface TaskScan {
  ref: TaskRef;
  registry: RegistryRead | null;
  /** Entries of logs/ (empty when it is missing or refused). */
  logs: FileEntry[];
  /** Why nothing may be moved out of logs/ or into archive/ for this task; null when both are usable. */
  archiveRefusal: string | null;
  archiveExists: boolean;
  /** Prompt files keyed by the agent id embedded in their name. */
  prompts: ReadonlyMap<string, FileEntry>;
  /** Cleanups begun and not finished, and agents the janitor ended (see intents.ts). */
  intents: TaskIntents;
  errors: InputError[];
}

function kindOf(entry: fs.Dirent): FileEntry['kind'] {
  if (entry.isSymbolicLink()) return 'symlink';
  return entry.isFile() ? 'file' : 'other';
}

function listLogs(logsDir: string): FileEntry[] {
  return fs.readdirSync(logsDir, { withFileTypes: true }).map((entry) => ({ name: entry.name, kind: kindOf(entry) }));
}

/**
 * The entries of a task's logs/ for the window's views; [] when it is missing, unreadable, or not a real folder (a
 * symlinked logs/ is never listed, so nothing outside the workspace is named or read through it).
 */
export function readLogEntries(taskDir: string): FileEntry[] {
  const dir = path.join(taskDir, LOGS_DIR);
  if (!fs.lstatSync(dir, { throwIfNoEntry: false })?.isDirectory()) return [];
  try {
    return listLogs(dir);
  } catch {
    return [];
  }
}

/** What a task without prompt files shares, instead of an empty Map of its own. */
const NO_PROMPTS: ReadonlyMap<string, FileEntry> = new Map();

/**
 * One readdir of the task and one of logs/: everything the planner needs about files comes from here, so a
 * no-op sweep costs a handful of syscalls per task. Paths are joined by hand: the folder is absolute and normalised
 * and an entry name has no separator, and path.join's normalising was a tenth of a 10,000-task sweep's allocations.
 */
export function scanTask(ref: TaskRef): TaskScan {
  const scan: TaskScan = {
    ref,
    registry: null,
    logs: [],
    archiveRefusal: null,
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
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') scan.errors.push({ path: ref.dir, message: `task not readable: ${code ?? String(err)}` });
    return scan;
  }
  let logsEntry: fs.Dirent | undefined;
  let prompts: Map<string, FileEntry> | null = null;
  for (const entry of entries) {
    const name = entry.name;
    if (name === REGISTRY_FILE) {
      scan.registry = readRegistry(ref.dir + path.sep + name);
      scan.errors.push(...scan.registry.errors);
    } else if (name === LOGS_DIR) {
      logsEntry = entry;
    } else if (name === ARCHIVE_DIR) {
      scan.archiveExists = true;
      if (entry.isSymbolicLink()) scan.archiveRefusal = 'archive/ is a symlink; refused';
      else if (!entry.isDirectory()) scan.archiveRefusal = 'archive exists and is not a folder; refused';
    } else if (name === INTENTS_FILE) {
      try {
        scan.intents = readIntents(ref.dir);
      } catch (err) {
        scan.errors.push({ path: ref.dir + path.sep + name, message: `intent journal not readable: ${(err as Error).message}` });
      }
    } else if (name.startsWith(PROMPT_PREFIX) && name.endsWith(PROMPT_SUFFIX)) {
      const id = name.slice(PROMPT_PREFIX.length, -PROMPT_SUFFIX.length);
      prompts ??= new Map();
      prompts.set(id, { name, kind: kindOf(entry) });
    }
  }
  if (prompts) scan.prompts = prompts;
  if (logsEntry) {
    if (logsEntry.isSymbolicLink()) {
      scan.archiveRefusal ??= 'logs/ is a symlink; refused';
    } else if (logsEntry.isDirectory()) {
      try {
        scan.logs = listLogs(ref.dir + path.sep + LOGS_DIR);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== 'ENOENT') scan.errors.push({ path: path.join(ref.dir, LOGS_DIR), message: `not readable: ${code ?? String(err)}` });
      }
    }
  }
  if (scan.archiveRefusal) {
    const where = scan.archiveRefusal.startsWith('logs') ? LOGS_DIR : ARCHIVE_DIR;
    scan.errors.push({ path: path.join(ref.dir, where), message: scan.archiveRefusal });
  }
  return scan;
}
