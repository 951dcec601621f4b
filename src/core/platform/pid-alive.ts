import { errnoCode } from '../../shared/errors.js';
/** Signal 0 probes without signalling; EPERM still means the PID exists (another user's process). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errnoCode(err) === 'EPERM';
  }
}
