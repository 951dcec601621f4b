import fs from 'node:fs';
import path from 'node:path';
import type { InputError } from '../shared/index.js';
import { NO_LOGS, matchLogFiles } from './archive/file-match.js';
import { discoverTasks, taskRefs, type TaskRef } from './discovery.js';
import type { Plan, PlanPolicy, TaskView } from './plan-types.js';
import { Planner } from './planner.js';
import { LOGS_DIR, scanTask } from './task-scan.js';
import type { TmuxClient } from './tmux/tmux-client.js';
import { listTmux, type TmuxState } from './tmux/tmux-listing.js';

/**
 * Up to this many tasks are scanned while the tmux listing runs and planned together once it is in (see
 * scanAndPlan). It covers the 1k-agent bench tree (100 tasks); their views are a few hundred KB.
 */
const EARLY_SCAN_TASKS = 250;

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

const NO_LOG_TIMES: ReadonlyMap<string, number> = new Map();

/** Everything the planner needs about one task; log mtimes only for agents whose idleness or ghost status is in question. */
function viewOf(ref: TaskRef, policy: PlanPolicy, errors: InputError[]): TaskView {
  const scan = scanTask(ref);
  errors.push(...scan.errors);
  // Without logs there is nothing to match nor any log mtime to read: the shared empty maps do.
  if (scan.logs.length === 0) return { scan, logsByAgent: NO_LOGS, lastLogWriteMs: NO_LOG_TIMES };
  const agents = scan.registry?.agents ?? [];
  const logsByAgent = matchLogFiles(scan.logs, new Set(agents.map((a) => a.id)));
  const lastLogWriteMs = new Map<string, number>();
  for (const agent of agents) {
    if (policy.terminalStatuses.has(agent.status) && policy.onlyAgent !== agent.id) continue;
    const files = logsByAgent.get(agent.id);
    if (files) lastLogWriteMs.set(agent.id, newestLogWrite(ref.dir, files.map((f) => f.name)));
  }
  return { scan, logsByAgent, lastLogWriteMs };
}

function timedListing(tmux: TmuxClient, timings: Record<string, number>, started: number): Promise<TmuxState> {
  return listTmux(tmux).finally(() => {
    timings.tmuxList = Math.round(performance.now() - started);
  });
}

export interface ScannedPlan {
  plan: Plan;
  tmux: TmuxState;
  tasks: number;
  registries: number;
}

/**
 * The sweep's snapshot and plan in one pass: each task is scanned, handed to the Planner and dropped, so memory
 * grows with the tasks that have work, not with every task under the roots (at 10,000 tasks, holding every view took
 * the daemon's heap above 70 MiB; docs/benchmarks.md).
 *
 * A small tree (EARLY_SCAN_TASKS) is scanned while the tmux listing runs: that is the common
 * case, and the one SPEC.md's no-op sweep target is about. A larger tree waits for the listing first. Views scanned
 * before it arrives would all have to stay alive until it does; V8 then sees every object from those allocation
 * sites survive and "pretenures" the sites, and from then on every task's short-lived objects in the long-running
 * daemon were allocated straight into the old generation (--trace-pretenuring-statistics showed a dozen sites
 * tenured after the first chunk of 250 tasks).
 */
export async function scanAndPlan(
  roots: readonly string[],
  policy: PlanPolicy,
  tmux: TmuxClient,
  timings: Record<string, number>,
  onlyTasks: Iterable<string> | null,
): Promise<ScannedPlan> {
  const started = performance.now();
  const listing = timedListing(tmux, timings, started);
  const discovery = onlyTasks ? taskRefs(roots, onlyTasks) : discoverTasks(roots);
  const scanErrors: InputError[] = [];
  let registries = 0;
  let scanMs = 0;
  let planMs = 0;
  const scan = (refs: readonly TaskRef[]): TaskView[] => {
    const t = performance.now();
    const views = refs.map((ref) => viewOf(ref, policy, scanErrors));
    for (const v of views) if (v.scan.registry !== null) registries++;
    scanMs += performance.now() - t;
    return views;
  };
  const early = discovery.tasks.length <= EARLY_SCAN_TASKS ? scan(discovery.tasks) : null;
  const tmuxState = await listing;
  let t = performance.now();
  // The clock idleness is judged by is read once, as the snapshot's was.
  const planner = new Planner(policy, tmuxState, Date.now());
  if (early) planner.add(early);
  planMs += performance.now() - t;
  for (const ref of early ? [] : discovery.tasks) {
    const views = scan([ref]);
    t = performance.now();
    planner.add(views);
    planMs += performance.now() - t;
  }
  t = performance.now();
  const inputErrors = [...discovery.errors, ...scanErrors];
  if (tmuxState.error) inputErrors.push({ path: tmux.describe(), message: tmuxState.error });
  const plan = planner.finish(inputErrors);
  planMs += performance.now() - t;
  timings.scan = Math.round(scanMs);
  timings.plan = Math.round(planMs);
  timings.snapshot = Math.round(performance.now() - started - planMs);
  return { plan, tmux: tmuxState, tasks: discovery.tasks.length, registries };
}
