import fs from 'node:fs';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { errorMessage } from './timeouts.js';
import { pidAlive } from './process/pid-alive.js';
import { readProcEntry } from './process/proc-table.js';

export const LOCK_NAME = '.agent-janitor.lock';
/** Beside the lock, not in it: proper-lockfile removes a stale lock with rmdir, which a file inside would stop. */
const OWNER_SUFFIX = '.owner';
const ORPHAN_LOCK_MS = 1000;

let ownToken: string | null = null;

/** "<pid> <start time>": the start time tells a live owner from an unrelated process that reuses its pid. */
function ownerToken(): string {
  ownToken ??= `${process.pid} ${readProcEntry(process.pid, false)?.start ?? ''}`;
  return ownToken;
}

function ownerIsDead(lockDir: string): boolean {
  let token: string;
  try {
    token = fs.readFileSync(lockDir + OWNER_SUFFIX, 'utf8');
  } catch {
    // A live owner writes its file right after the mkdir; a lock without one for a second lost its owner in between.
    const st = fs.statSync(lockDir, { throwIfNoEntry: false });
    return st !== undefined && Date.now() - st.mtimeMs > ORPHAN_LOCK_MS;
  }
  const [pidText, start] = token.trim().split(' ');
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (!pidAlive(pid)) return true;
  const now = readProcEntry(pid, false);
  return Boolean(start) && now !== null && now.start !== start;
}

export interface TaskLock {
  readonly task: string;
  readonly path: string;
  release(): Promise<void>;
  /** Set if the lock's mtime could not be refreshed and another instance may have taken it over. */
  compromised: string | null;
}

/**
 * One janitor at a time per task, across processes: a CLI sweep that overlaps the daemon skips the task instead of
 * archiving the same files twice. proper-lockfile's mtime refresh lets a crashed owner's lock go stale.
 */
export async function tryLockTask(taskDir: string, staleMs: number, retried = false): Promise<TaskLock | { unavailable: string; failed: boolean }> {
  const state: { compromised: string | null } = { compromised: null };
  const lockDir = path.join(taskDir, LOCK_NAME);
  try {
    const release = await lockfile.lock(taskDir, {
      lockfilePath: path.join(taskDir, LOCK_NAME),
      stale: staleMs,
      update: Math.max(1000, Math.floor(staleMs / 3)),
      retries: 0,
      realpath: false,
      onCompromised: (err) => {
        state.compromised = errorMessage(err);
      },
    });
    // Async: a sweep locks many tasks at once, and creating a file is slow on a busy journal.
    await fs.promises.writeFile(lockDir + OWNER_SUFFIX, ownerToken());
    return {
      task: taskDir,
      path: lockDir,
      get compromised() {
        return state.compromised;
      },
      release: async () => {
        try {
          fs.rmSync(lockDir + OWNER_SUFFIX, { force: true });
          await release();
        } catch (err) {
          if (!state.compromised) throw err;
        }
      },
    };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOCKED') {
      // A janitor killed mid-cleanup leaves its lock behind; when its owner is provably gone, age the lock so
      // proper-lockfile's own stale takeover applies now instead of `staleMs` later.
      if (!retried && ownerIsDead(lockDir)) {
        const epoch = new Date(0);
        fs.utimesSync(lockDir, epoch, epoch);
        return tryLockTask(taskDir, staleMs, true);
      }
      return { unavailable: 'task is being cleaned by another agent-janitor', failed: false };
    }
    return { unavailable: `cannot lock task: ${errorMessage(err)}`, failed: true };
  }
}
