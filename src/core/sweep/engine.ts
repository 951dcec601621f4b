import type { ActionResult, Config, Outcome, SweepReport } from '../../shared/index.js';
import type { ClaimsIndex } from './claims.js';
import { execute } from './executor.js';
import type { Plan, PlanPolicy } from './plan-types.js';
import { rootsOf } from '../workspace/roots.js';
import { scanAndPlan } from './snapshot.js';
import { collectTimeouts } from '../base/timeouts.js';
import { TmuxClient } from '../platform/tmux-client.js';

export interface RunOptions {
  dryRun: boolean;
  /** clean-agent: only this agent, whatever its status. */
  onlyAgent?: string;
  /** Injected by tests and the daemon to share a client (and its spawn count). */
  tmux?: TmuxClient;
  /** The daemon's incremental sweep: only these task folders (orphan sessions are then not judged). */
  tasks?: Iterable<string>;
  /** Task folders to leave out (the daemon's open circuit breakers). */
  excludeTasks?: ReadonlySet<string>;
  /** Told as each execution step starts, so the daemon's watchdog can name a stalled step. */
  onStep?: (step: string) => void;
  /** Sleeps the daemon saw (see PlanPolicy.suspensions). */
  suspensions?: readonly (readonly [number, number])[];
  /** The user's Clean now: finished agents are cleaned at once, without their finish grace (clean-agent does too). */
  ignoreGrace?: boolean;
  /** The daemon's memory of when it first saw each agent finished (see PlanPolicy.terminalSince). */
  terminalSince?: ReadonlyMap<string, number>;
  /** The daemon's index of every task's session claims, which a partial sweep consults for the tasks it skips. */
  claims?: ClaimsIndex;
  /** Aborted: no further kill batch starts (the window's Cancel); what was killed is finished. */
  signal?: AbortSignal;
}

export function policyFrom(config: Config, onlyAgent: string | null, fullScan = true): PlanPolicy {
  return {
    sessionPattern: new RegExp(config.sessionPattern),
    terminalStatuses: new Set(config.terminalStatuses),
    idleMinutes: config.idleMinutes,
    ghostGraceSeconds: config.ghostGraceSeconds,
    pins: new Set(config.pins),
    onlyAgent,
    fullScan,
    excludeTasks: new Set(),
    suspensions: [],
    finishGraceMs: config.finishGraceSeconds * 1000,
    terminalSince: new Map(),
  };
}

export function tmuxClientFor(config: Config): TmuxClient {
  return new TmuxClient({ binary: config.tmuxBinary, socket: config.tmuxSocket, timeoutMs: config.timeouts.tmuxMs });
}

function countOutcomes(results: readonly ActionResult[]): Record<Outcome, number> {
  const counts: Record<Outcome, number> = { done: 0, skipped: 0, failed: 0, planned: 0 };
  for (const r of results) counts[r.outcome]++;
  return counts;
}

function plannedResults(p: Plan): ActionResult[] {
  return p.actions.map((a) => {
    const base = { kind: a.kind, task: a.task, agentId: a.agentId, target: a.target, reason: a.reason };
    return a.skip ? { ...base, outcome: 'skipped' as const, detail: a.skip } : { ...base, outcome: 'planned' as const };
  });
}

/** The engine's one entry point: snapshot, plan, then (unless a dry run) execute; adapters only format the report. */
export async function runCleanup(config: Config, options: RunOptions): Promise<SweepReport> {
  const { result, timeouts } = await collectTimeouts(() => cleanup(config, options));
  return { ...result, stats: { ...result.stats, timeouts } };
}

async function cleanup(config: Config, options: RunOptions): Promise<SweepReport> {
  const started = performance.now();
  const tmux = options.tmux ?? tmuxClientFor(config);
  const spawnsBefore = tmux.spawns;
  const policy = {
    ...policyFrom(config, options.onlyAgent ?? null, options.tasks === undefined),
    excludeTasks: options.excludeTasks ?? new Set<string>(),
    suspensions: options.suspensions ?? [],
    ...(options.ignoreGrace ? { finishGraceMs: 0 } : {}),
    terminalSince: options.terminalSince ?? new Map<string, number>(),
  };
  const roots = rootsOf(config);
  const stepsMs: Record<string, number> = {};
  // Scan and plan in one chunked pass (snapshot.ts): a full sweep never holds every task's view at once.
  const scanned = await scanAndPlan({
    roots,
    policy,
    tmux,
    timings: stepsMs,
    onlyTasks: options.tasks ?? null,
    databaseMs: config.timeouts.databaseMs,
    claims: options.claims ?? null,
  });
  const planned = scanned.plan;
  let actions = plannedResults(planned);
  const orphans = [...planned.orphans];
  const errors = [...planned.errors];
  if (options.onlyAgent && planned.agents.length === 0) {
    errors.push({
      path: roots.join(', '),
      message: `agent ${options.onlyAgent} not found in any valid registry or state database under the roots`,
    });
  }
  if (!options.dryRun && planned.actions.length > 0) {
    const done = await execute(planned.actions, tmux, scanned.tmux, {
      compression: config.compression,
      compressAfterDays: config.compressAfterDays,
      minFreeBytes: config.minFreeBytes,
      killGraceMs: config.killGraceMs,
      stepMs: config.timeouts.stepMs,
      stageBytesPerSecond: config.timeouts.stageBytesPerSecond,
      tmuxMs: config.timeouts.tmuxMs,
      lockStaleMs: config.timeouts.lockStaleMs,
      ...(options.onStep ? { onStep: options.onStep } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    actions = done.results;
    Object.assign(stepsMs, done.stepsMs);
    orphans.push(...done.orphans);
    errors.push(...done.errors);
  }
  return {
    agents: planned.agents,
    actions,
    orphans,
    errors,
    stats: {
      roots: roots.length,
      tasks: scanned.tasks,
      registries: scanned.registries,
      databases: scanned.databases,
      agents: planned.agents.length,
      actions: countOutcomes(actions),
      tmuxSpawns: tmux.spawns - spawnsBefore,
      dryRun: options.dryRun,
      engineMs: Math.round((performance.now() - started) * 100) / 100,
      stepsMs,
      timeouts: [],
    },
  };
}

/** SPEC.md exit codes: 1 when an action failed or an input was invalid. */
export function reportExitCode(report: SweepReport): 0 | 1 {
  return report.errors.length > 0 || report.actions.some((a) => a.outcome === 'failed') ? 1 : 0;
}
