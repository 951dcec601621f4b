import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../base/durable-write.js';

export interface MetricsSnapshot {
  sweeps: number;
  actions: Record<string, number>;
  failures: number;
  tasks: number;
  agents: number;
  openBreakers: number;
  lastSweepAt: number | null;
  lastSweepMs: number | null;
  startedAt: number;
}

function line(name: string, help: string, type: 'counter' | 'gauge', samples: [string, number][]): string {
  return [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...samples.map(([labels, v]) => `${name}${labels} ${v}`)].join('\n');
}

/** Prometheus text exposition format, for node_exporter's textfile collector. */
export function renderMetrics(m: MetricsSnapshot): string {
  const outcomes = ['done', 'skipped', 'failed', 'planned'];
  return (
    [
      line('agent_janitor_up', 'Whether the daemon is running.', 'gauge', [['', 1]]),
      line('agent_janitor_start_time_seconds', 'When the daemon started (unix time).', 'gauge', [['', Math.floor(m.startedAt / 1000)]]),
      line('agent_janitor_sweeps_total', 'Sweeps run by the daemon.', 'counter', [['', m.sweeps]]),
      line(
        'agent_janitor_actions_total',
        'Cleanup actions by outcome.',
        'counter',
        outcomes.map((o) => [`{outcome="${o}"}`, m.actions[o] ?? 0]),
      ),
      line('agent_janitor_failures_total', 'Failed cleanup actions and failed sweeps.', 'counter', [['', m.failures]]),
      line('agent_janitor_tasks', 'Task workspaces seen by the last full sweep.', 'gauge', [['', m.tasks]]),
      line('agent_janitor_agents', 'Agents seen by the last full sweep.', 'gauge', [['', m.agents]]),
      line('agent_janitor_open_breakers', 'Tasks currently skipped because their cleanup keeps failing.', 'gauge', [['', m.openBreakers]]),
      line('agent_janitor_last_sweep_timestamp_seconds', 'When the last sweep ended (unix time).', 'gauge', [
        ['', m.lastSweepAt === null ? 0 : Math.floor(m.lastSweepAt / 1000)],
      ]),
      line('agent_janitor_last_sweep_duration_seconds', 'Engine time of the last sweep.', 'gauge', [
        ['', m.lastSweepMs === null ? 0 : m.lastSweepMs / 1000],
      ]),
    ].join('\n') + '\n'
  );
}

/** Atomic, so the collector never reads half a file. */
export function writeMetrics(file: string, m: MetricsSnapshot): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  writeFileAtomic(file, renderMetrics(m));
}
