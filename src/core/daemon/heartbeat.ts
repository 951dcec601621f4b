import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HeartbeatSchema, type DaemonStatus, type Heartbeat } from '../../shared/index.js';
import { writeFileAtomic } from '../base/durable-write.js';
import { writeMetrics } from './metrics.js';
import { pidAlive } from '../platform/pid-alive.js';
import { plural } from '../../shared/index.js';

/** The janitor's own state (heartbeat, lock) lives here, never inside the roots. */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.AGENT_JANITOR_STATE_DIR) return path.resolve(env.AGENT_JANITOR_STATE_DIR);
  return path.join(env.XDG_STATE_HOME || path.join(os.homedir(), '.local', 'state'), 'agent-janitor');
}

export const HEARTBEAT_FILE = 'daemon.json';

export function writeHeartbeat(dir: string, beat: Heartbeat): void {
  writeFileAtomic(path.join(dir, HEARTBEAT_FILE), JSON.stringify(beat) + '\n', 0o600);
}

export type BeatInput = Omit<Heartbeat, 'pid' | 'updatedAt'> & { lastSweepMs: number | null };

/** After every sweep: the heartbeat `status` reads and, when configured, the Prometheus textfile. */
export function writeBeat(dir: string, metricsPath: string | null, beat: BeatInput): void {
  const { lastSweepMs, ...heartbeat } = beat;
  writeHeartbeat(dir, { ...heartbeat, pid: process.pid, updatedAt: new Date().toISOString() });
  if (!metricsPath) return;
  writeMetrics(metricsPath, {
    ...beat,
    lastSweepMs,
    lastSweepAt: beat.lastSweepAt === null ? null : Date.parse(beat.lastSweepAt),
    openBreakers: beat.breakers.length,
    startedAt: Date.parse(beat.startedAt),
  });
}

export function removeHeartbeat(dir: string): void {
  fs.rmSync(path.join(dir, HEARTBEAT_FILE), { force: true });
}

export function readHeartbeat(dir: string): Heartbeat | null {
  try {
    const parsed = HeartbeatSchema.safeParse(JSON.parse(fs.readFileSync(path.join(dir, HEARTBEAT_FILE), 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

const NOT_RUNNING = {
  uptimeSeconds: null,
  lastSweepAt: null,
  sweeps: null,
  tasks: null,
  agents: null,
  actions: null,
  failures: null,
  breakers: null,
};

/** `agent-janitor status`: the heartbeat of a live daemon, or "no daemon running". */
export function readDaemonStatus(env: NodeJS.ProcessEnv = process.env): DaemonStatus {
  const dir = stateDir(env);
  const beat = readHeartbeat(dir);
  if (!beat) return { running: false, pid: null, message: 'no daemon running', ...NOT_RUNNING };
  if (!pidAlive(beat.pid))
    return { running: false, pid: null, message: `no daemon running (stale heartbeat of pid ${beat.pid} in ${dir})`, ...NOT_RUNNING };
  const uptimeSeconds = Math.round((Date.now() - Date.parse(beat.startedAt)) / 1000);
  return {
    running: true,
    pid: beat.pid,
    message: `daemon running, pid ${beat.pid}, up ${uptimeSeconds} s, ${plural(beat.sweeps, 'sweep')}, last at ${beat.lastSweepAt ?? 'never'}, ${plural(beat.failures, 'failure')}, ${plural(beat.breakers.length, 'task')} backed off`,
    uptimeSeconds,
    lastSweepAt: beat.lastSweepAt,
    sweeps: beat.sweeps,
    tasks: beat.tasks,
    agents: beat.agents,
    actions: beat.actions,
    failures: beat.failures,
    breakers: beat.breakers,
  };
}
