import fs from 'node:fs';
import path from 'node:path';
import type { InputError } from '../shared/index.js';
import { matchLogFiles } from './archive/file-match.js';
import { discoverTasks, taskRefs } from './discovery.js';
import type { PlanPolicy, Snapshot, TaskView } from './plan-types.js';
import { LOGS_DIR, scanTask } from './task-scan.js';
import type { TmuxClient } from './tmux/tmux-client.js';
import { listTmux } from './tmux/tmux-listing.js';

function newestLogWrite(taskDir: string, names: readonly string[]): number {
  let newest = 0;
  for (const name of names) {
    try {
      newest = Math.max(newest, fs.lstatSync(path.join(taskDir, LOGS_DIR, name)).mtimeMs);
    } catch {
      // Archived or rotated away since the readdir; its absence says nothing about activity.
    }
  }
  return newest;
}

/**
 * Gathers one consistent view: the tmux listing runs while the file system is scanned, and log mtimes are read only
 * for agents whose idleness or ghost status is in question.
 */
export async function takeSnapshot(
  roots: readonly string[],
  policy: PlanPolicy,
  tmux: TmuxClient,
  timings: Record<string, number> = {},
  onlyTasks: Iterable<string> | null = null,
): Promise<Snapshot> {
  const started = performance.now();
  const listing = listTmux(tmux).finally(() => {
    timings.tmuxList = Math.round(performance.now() - started);
  });
  const discovery = onlyTasks ? taskRefs(roots, onlyTasks) : discoverTasks(roots);
  const errors: InputError[] = [...discovery.errors];
  const tasks: TaskView[] = [];
  for (const ref of discovery.tasks) {
    const scan = scanTask(ref);
    errors.push(...scan.errors);
    const agents = scan.registry?.agents ?? [];
    const logsByAgent = matchLogFiles(scan.logs, new Set(agents.map((a) => a.id)));
    const lastLogWriteMs = new Map<string, number>();
    for (const agent of agents) {
      if (policy.terminalStatuses.has(agent.status) && policy.onlyAgent !== agent.id) continue;
      const files = logsByAgent.get(agent.id);
      if (files) lastLogWriteMs.set(agent.id, newestLogWrite(ref.dir, files.map((f) => f.name)));
    }
    tasks.push({ scan, logsByAgent, lastLogWriteMs });
  }
  timings.scan = Math.round(performance.now() - started);
  const tmuxState = await listing;
  if (tmuxState.error) errors.push({ path: tmux.describe(), message: tmuxState.error });
  return { now: Date.now(), tasks, tmux: tmuxState, errors };
}
