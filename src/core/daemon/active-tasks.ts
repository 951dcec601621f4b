import path from 'node:path';
import type { SweepReport } from '../../shared/index.js';
import { agentKey } from '../sweep/ledger.js';
import { REGISTRY_FILE } from '../workspace/layout.js';

/**
 * A new task folder whose plans show no agent yet stays watched this long: the older orchestrator writes an empty
 * registry first and adds its agents right after.
 */
export const NEW_TASK_WATCH_MS = 10 * 60_000;

/** What a sweep covered: its task folders (null: all), those left out (open breakers), and when it began. */
export interface PlanScope {
  tasks: readonly string[] | null;
  skipped: ReadonlySet<string>;
  startedAt: number;
}

/** What ActiveTasks steers: the watcher's set of watched registries. */
export interface TaskWatchSet {
  watchTask(taskDir: string, since: number): void;
  unwatchTask(taskDir: string): void;
  readonly watchedTasks: ReadonlySet<string>;
}

/** Finished agents whose every cleanup action in this sweep was done: they are clean from now on. */
function cleanedNow(report: SweepReport): Set<string> {
  const allDone = new Map<string, boolean>();
  for (const a of report.actions) allDone.set(agentKey(a), (allDone.get(agentKey(a)) ?? true) && a.outcome === 'done');
  const cleaned = new Set<string>();
  for (const a of report.agents) if (a.verdict === 'finished' && allDone.get(agentKey(a))) cleaned.add(agentKey(a));
  return cleaned;
}

/**
 * Tasks whose registry can still change what the janitor does: an agent read from it that is not clean (unfinished,
 * finishing, idle, a ghost, invalid, or finished with work left), or a registry that could not be read. Agents of the
 * state database are followed through the database's own watch.
 */
function changeableTasks(report: SweepReport): { changeable: Set<string>; withAgents: Set<string> } {
  const cleaned = cleanedNow(report);
  const changeable = new Set<string>();
  const withAgents = new Set<string>();
  for (const a of report.agents) {
    withAgents.add(a.task);
    if (a.source === 'registry' && a.verdict !== 'clean' && !cleaned.has(agentKey(a))) changeable.add(a.task);
  }
  for (const e of report.errors) if (path.basename(e.path) === REGISTRY_FILE) changeable.add(path.dirname(e.path));
  return { changeable, withAgents };
}

/**
 * The daemon's view of which tasks are active, kept from its plans: the watcher follows the registries of these
 * only. A new task folder is active until a plan shows it has agents and none that can change (or, with no agent at
 * all, until NEW_TASK_WATCH_MS has passed). Finished tasks are left to the periodic full reconcile.
 */
export class ActiveTasks {
  /** New task folders without an agent yet, and when they appeared. */
  private readonly fresh = new Map<string, number>();

  constructor(private readonly watched: TaskWatchSet) {}

  /** A new task folder (the watcher already watches its registry). */
  appeared(taskDir: string, now: number): void {
    this.fresh.set(taskDir, now);
  }

  /**
   * `plan.tasks`: the task folders the report's sweep covered, or null for all of them (a full sweep); tasks left out
   * of it (`plan.skipped`: open circuit breakers) keep their state. `plan.startedAt`: when the sweep began.
   */
  record(report: SweepReport, plan: PlanScope, now: number): void {
    const { changeable, withAgents } = changeableTasks(report);
    const active = (dir: string) => changeable.has(dir) || this.stillFresh(dir, withAgents, now);
    const set = (dir: string) => (active(dir) ? this.watched.watchTask(dir, plan.startedAt) : this.drop(dir));
    if (plan.tasks) {
      for (const dir of plan.tasks) if (!plan.skipped.has(dir)) set(dir);
      return;
    }
    for (const dir of changeable) this.watched.watchTask(dir, plan.startedAt);
    for (const dir of [...this.watched.watchedTasks]) if (!plan.skipped.has(dir)) set(dir);
    for (const dir of [...this.fresh.keys()]) if (!this.watched.watchedTasks.has(dir)) this.fresh.delete(dir);
  }

  private stillFresh(dir: string, withAgents: ReadonlySet<string>, now: number): boolean {
    const since = this.fresh.get(dir);
    if (since === undefined) return false;
    if (!withAgents.has(dir) && now - since < NEW_TASK_WATCH_MS) return true;
    this.fresh.delete(dir);
    return false;
  }

  private drop(dir: string): void {
    this.watched.unwatchTask(dir);
    this.fresh.delete(dir);
  }
}
