import fs from 'node:fs';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { pidAlive } from '../platform/pid-alive.js';
import { errorMessage } from '../base/timeouts.js';
import { readHeartbeat } from './heartbeat.js';
import { errnoCode } from '../../shared/errors.js';

export const INSTANCE_LOCK = 'daemon.lock';

export class AlreadyRunningError extends Error {}

/**
 * One daemon per user: a proper-lockfile lock in the state dir. Its mtime is refreshed, so a crashed owner's lock
 * goes stale on its own; and when the heartbeat names an owner that is no longer alive, the lock is taken over at
 * once instead of after the stale period, so a daemon restarted right after a kill -9 starts straight away.
 */
export async function acquireInstanceLock(dir: string, staleMs: number): Promise<() => Promise<void>> {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const lockPath = path.join(dir, INSTANCE_LOCK);
  const attempt = () =>
    lockfile.lock(dir, {
      lockfilePath: lockPath,
      stale: staleMs,
      update: Math.max(1000, Math.floor(staleMs / 3)),
      retries: 0,
      realpath: false,
      onCompromised: (err) => process.emitWarning(`agent-janitor instance lock compromised: ${errorMessage(err)}`),
    });
  try {
    return await attempt();
  } catch (err) {
    if (errnoCode(err) !== 'ELOCKED') throw err;
    const owner = readHeartbeat(dir)?.pid;
    if (owner !== undefined && owner !== process.pid && !pidAlive(owner)) {
      fs.rmSync(lockPath, { recursive: true, force: true });
      return attempt();
    }
    throw new AlreadyRunningError(`another agent-janitor daemon is running${owner ? ` (pid ${owner})` : ''}; lock ${lockPath}`);
  }
}
