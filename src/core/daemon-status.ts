import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DaemonStatus } from '../shared/index.js';
import { pidAlive } from './process/pid-alive.js';

/** The janitor's own state (heartbeat, journal) lives here, never inside the roots. */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.AGENT_JANITOR_STATE_DIR) return path.resolve(env.AGENT_JANITOR_STATE_DIR);
  return path.join(env.XDG_STATE_HOME || path.join(os.homedir(), '.local', 'state'), 'agent-janitor');
}

export const HEARTBEAT_FILE = 'daemon.json';

/** Reads the daemon's heartbeat; with no daemon (none has been started yet) the answer is "no daemon running". */
export function readDaemonStatus(env: NodeJS.ProcessEnv = process.env): DaemonStatus {
  const file = path.join(stateDir(env), HEARTBEAT_FILE);
  let beat: { pid?: unknown };
  try {
    beat = JSON.parse(fs.readFileSync(file, 'utf8')) as { pid?: unknown };
  } catch {
    return { running: false, pid: null, message: 'no daemon running' };
  }
  const pid = typeof beat.pid === 'number' && Number.isInteger(beat.pid) ? beat.pid : null;
  if (pid === null || !pidAlive(pid)) return { running: false, pid: null, message: `no daemon running (stale heartbeat ${file})` };
  return { running: true, pid, message: `daemon running, pid ${pid}` };
}
