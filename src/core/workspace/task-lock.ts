import fs from 'node:fs';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { errorMessage } from '../base/timeouts.js';
import { pidAlive } from '../platform/pid-alive.js';
import { readProcEntry } from '../platform/proc-table.js';
import { readRegularFileSync } from '../base/safe-read.js';
import { closeTaskFolder, openTaskFolder, taskFolderPath } from '../base/task-folders.js';
import { errnoCode } from '../../shared/errors.js';
import { LOCK_NAME } from './layout.js';

/**
 * Each janitor notes itself beside the lock as `<lock>.<pid>-<start>.owner` before it tries to take it, so a lock
 * always has its owner's note from the first moment: a crash can never leave a lock without one (which could only be
 * judged by its mtime, and proper-lockfile may set that up to a second ahead). Beside the lock, not in it:
 * proper-lockfile removes a stale lock with rmdir, which a file inside would stop.
 */
const NOTE_SUFFIX = '.owner';
/** A lock with no note at all was taken by something else (an older janitor): judged by its age alone. */
const ORPHAN_LOCK_MS = 1000;

/** "<pid> <start time>": the start time tells a live owner from an unrelated process that reuses its pid. */
let ownToken: string | null = null;
function ownerToken(): string {
  ownToken ??= `${process.pid} ${readProcEntry(process.pid, false)?.start ?? ''}`;
  return ownToken;
}

function noteName(token: string): string {
  return `${LOCK_NAME}.${token.replace(' ', '-')}${NOTE_SUFFIX}`;
}

/** Whether the process a note names still runs (same pid and same start time). */
function noteIsLive(token: string): boolean {
  const [pidText, start] = token.trim().split(' ');
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return true; // unreadable: assume live, never take a lock on a guess
  if (!pidAlive(pid)) return false;
  const now = readProcEntry(pid, false);
  return !(Boolean(start) && now !== null && now.start !== start);
}

/** The notes beside the lock other than ours: their file names and the tokens they hold. */
function otherNotes(taskDir: string, own: string): { file: string; token: string }[] {
  const prefix = `${LOCK_NAME}.`;
  const notes: { file: string; token: string }[] = [];
  for (const name of fs.readdirSync(taskDir)) {
    if (!name.startsWith(prefix) || !name.endsWith(NOTE_SUFFIX) || name === own) continue;
    try {
      // Not followed if a symlink, never blocking on a FIFO: the task folder is the agents' to write in.
      notes.push({ file: path.join(taskDir, name), token: readRegularFileSync(path.join(taskDir, name)).toString('utf8') });
    } catch {
      // Removed meanwhile by its owner: it no longer claims anything.
    }
  }
  return notes;
}

/**
 * Whether the lock's holder is provably gone: every note beside it names a dead process (then the dead ones are
 * removed). With no note at all, only a lock older than ORPHAN_LOCK_MS counts as orphaned.
 */
function holderIsDead(taskDir: string, lockDir: string, own: string): boolean {
  const notes = otherNotes(taskDir, own);
  if (notes.length === 0) {
    const st = fs.statSync(lockDir, { throwIfNoEntry: false });
    return st !== undefined && Date.now() - st.mtimeMs > ORPHAN_LOCK_MS;
  }
  if (notes.some((n) => noteIsLive(n.token))) return false;
  for (const n of notes) fs.rmSync(n.file, { force: true });
  return true;
}

export interface TaskLock {
  readonly task: string;
  readonly path: string;
  release(): Promise<void>;
  /** Set if the lock's mtime could not be refreshed and another instance may have taken it over. */
  compromised: string | null;
}

async function writeNote(file: string, token: string): Promise<void> {
  // O_EXCL never follows a symlink; a note of ours left by an earlier attempt in this process is replaced.
  await fs.promises.rm(file, { force: true });
  await fs.promises.writeFile(file, token, { flag: 'wx', mode: 0o644 });
}

/**
 * One janitor at a time per task, across processes: a CLI sweep that overlaps the daemon skips the task instead of
 * archiving the same files twice. proper-lockfile's mtime refresh lets a crashed owner's lock go stale; a holder whose
 * note names a dead process is taken over at once.
 */
export async function tryLockTask(taskDir: string, staleMs: number): Promise<TaskLock | { unavailable: string; failed: boolean }> {
  // The lock lives in the folder held open by its descriptor until release: a task folder swapped for a symlink never
  // gets a lock, a note or an mtime change in the folder it points to.
  try {
    openTaskFolder(taskDir);
  } catch (err) {
    return { unavailable: `cannot lock task: ${errorMessage(err)}`, failed: true };
  }
  const lock = await lockOpenTask(taskDir, taskFolderPath(taskDir, ''), staleMs, false).catch((err: unknown) => ({
    unavailable: `cannot lock task: ${errorMessage(err)}`,
    failed: true,
  }));
  if ('unavailable' in lock) closeTaskFolder(taskDir);
  return lock;
}

/** `folder` is where the task folder's files resolve (its descriptor path); messages name `taskDir`. */
async function lockOpenTask(
  taskDir: string,
  folder: string,
  staleMs: number,
  retried: boolean,
): Promise<TaskLock | { unavailable: string; failed: boolean }> {
  const state: { compromised: string | null } = { compromised: null };
  const lockDir = path.join(folder, LOCK_NAME);
  const shownLock = path.join(taskDir, LOCK_NAME);
  const token = ownerToken();
  const note = path.join(folder, noteName(token));
  // A lock that is a symlink (or anything but a folder) is never used: proper-lockfile would stat, touch and remove
  // whatever it points to, and the stale takeover below would set that target's mtime.
  const existing = fs.lstatSync(lockDir, { throwIfNoEntry: false });
  if (existing && !existing.isDirectory())
    return { unavailable: `${shownLock} is not a folder (a symlink or a file); refused, nothing done in this task`, failed: true };
  try {
    await writeNote(note, token);
    const release = await lockfile.lock(folder, {
      lockfilePath: lockDir,
      stale: staleMs,
      update: Math.max(1000, Math.floor(staleMs / 3)),
      retries: 0,
      realpath: false,
      onCompromised: (err) => {
        state.compromised = errorMessage(err);
      },
    });
    return {
      task: taskDir,
      path: shownLock,
      get compromised() {
        return state.compromised;
      },
      release: async () => {
        try {
          await release();
          fs.rmSync(note, { force: true });
        } catch (err) {
          if (!state.compromised) throw err;
        } finally {
          // The folder opened by tryLockTask stays open exactly as long as the lock.
          closeTaskFolder(taskDir);
        }
      },
    };
  } catch (err) {
    fs.rmSync(note, { force: true });
    if (errnoCode(err) === 'ELOCKED') {
      // Age a dead holder's lock so proper-lockfile's own stale takeover applies now instead of `staleMs` later.
      if (!retried && holderIsDead(folder, lockDir, path.basename(note))) {
        const epoch = new Date(0);
        fs.lutimesSync(lockDir, epoch, epoch);
        return lockOpenTask(taskDir, folder, staleMs, true);
      }
      return { unavailable: 'task is being cleaned by another agent-janitor', failed: false };
    }
    return { unavailable: `cannot lock task: ${errorMessage(err)}`, failed: true };
  }
}
