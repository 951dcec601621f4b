import path from 'node:path';
import lockfile from 'proper-lockfile';
import { errorMessage } from './timeouts.js';

export const LOCK_NAME = '.agent-janitor.lock';

export interface TaskLock {
  readonly path: string;
  release(): Promise<void>;
  /** Set if the lock's mtime could not be refreshed and another instance may have taken it over. */
  compromised: string | null;
}

/**
 * One janitor at a time per task, across processes: a CLI sweep that overlaps the daemon skips the task instead of
 * archiving the same files twice. proper-lockfile's mtime refresh lets a crashed owner's lock go stale.
 */
export async function tryLockTask(taskDir: string, staleMs: number): Promise<TaskLock | { unavailable: string; failed: boolean }> {
  const state: { compromised: string | null } = { compromised: null };
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
    return {
      path: path.join(taskDir, LOCK_NAME),
      get compromised() {
        return state.compromised;
      },
      release: async () => {
        try {
          await release();
        } catch (err) {
          if (!state.compromised) throw err;
        }
      },
    };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOCKED') return { unavailable: 'task is being cleaned by another agent-janitor', failed: false };
    return { unavailable: `cannot lock task: ${errorMessage(err)}`, failed: true };
  }
}
