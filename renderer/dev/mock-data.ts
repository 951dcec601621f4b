import { ConfigSchema, type ActivityEntry, type AgentRow, type Alert, type ArchiveFile, type Config } from '../../src/shared/index.js';
import { archivedFiles, cleanupEntry, makeAgent } from './mock-agents.js';
import { makeAlerts } from './mock-alerts.js';
import { retentionEntry } from './mock-extras.js';
import { hex, pad, rng } from './mock-random.js';
import { MOCK_FINISH_GRACE_SECONDS } from './mock-verdicts.js';

/**
 * Realistic, deterministic data for the dev harness (never part of the app): tasks and agents as the orchestrator
 * names them, with the verdicts, files, archives, alerts and journal a busy machine would have. The agents are made
 * in mock-agents.ts, their verdicts in mock-verdicts.ts, the alerts in mock-alerts.ts.
 */

export const ROOTS = ['/home/dev/work/webshop', '/home/dev/work/infra'];

export interface MockWorld {
  now: number;
  agents: AgentRow[];
  archives: Map<string, ArchiveFile[]>;
  alerts: Alert[];
  activity: ActivityEntry[];
  config: Config;
}

function taskName(r: () => number, t: Date): string {
  return `TASK-${t.getUTCFullYear()}${pad(t.getUTCMonth() + 1)}${pad(t.getUTCDate())}-${pad(t.getUTCHours())}${pad(t.getUTCMinutes())}${pad(t.getUTCSeconds())}-${hex(r, 8)}`;
}

export function makeWorld(agentCount: number, seed = 7, now = Date.now()): MockWorld {
  const r = rng(seed);
  const agents: AgentRow[] = [];
  const archives = new Map<string, ArchiveFile[]>();
  const activity: ActivityEntry[] = [];
  let made = 0;
  let taskIndex = 0;
  while (made < agentCount) {
    const root = ROOTS[taskIndex % ROOTS.length]!;
    const created = new Date(now - (taskIndex * 180 + Math.floor(r() * 30)) * 60_000);
    const task = taskName(r, created);
    const place = {
      task,
      taskDir: `${root}/.agent-workspace/${task}`,
      root,
      source: taskIndex % 3 === 0 ? 'registry' : 'database',
    } as const;
    const size = Math.min(agentCount - made, 5 + Math.floor(r() * 40));
    const taskArchive: ArchiveFile[] = [];
    for (let i = 0; i < size; i++) {
      const t = new Date(created.getTime() + i * 47_000);
      const agent = makeAgent(r, place, t, now);
      agents.push(agent);
      if (agent.verdict !== 'clean') continue;
      const archivedAt = new Date(Math.min(now - 60_000, t.getTime() + (20 + Math.floor(r() * 200)) * 60_000)).toISOString();
      taskArchive.push(...archivedFiles(r, agent.agentId, archivedAt, now));
      activity.push(cleanupEntry(r, task, agent.agentId, archivedAt));
    }
    if (taskArchive.length > 0) archives.set(place.taskDir, taskArchive);
    made += size;
    taskIndex++;
  }
  const firstTask = agents[0];
  if (firstTask) activity.push(retentionEntry(firstTask.task, new Date(now - 3 * 3_600_000).toISOString(), 340));
  activity.sort((a, b) => (a.ts < b.ts ? 1 : -1));

  const config = ConfigSchema.parse({
    roots: ROOTS,
    finishGraceSeconds: MOCK_FINISH_GRACE_SECONDS,
    compressAfterDays: 1,
    retention: { maxAgeDays: 30, maxBytesPerRoot: 2 * 1024 ** 3 },
    pins: agents
      .filter((a) => a.pinned)
      .slice(0, 3)
      .map((a) => a.agentId),
  });
  return { now, agents, archives, alerts: makeAlerts(agents, now), activity, config };
}
