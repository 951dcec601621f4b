import type { SweepReport } from '../../shared/index.js';
import { terminalKey } from '../sweep/judge.js';

/** While an agent is finishing, its task is re-planned this often: a pane that exits raises no file event. */
export const FINISH_POLL_MS = 1000;

/**
 * The daemon's side of SPEC.md's finish grace: it remembers when it first saw each agent finishing (the grace is
 * counted from then, or from the agent's own completion time if earlier), and re-plans the tasks of finishing
 * agents every FINISH_POLL_MS and when a grace ends, so an agent is cleaned as soon as its processes exit or its
 * grace is over. Nothing is kept for agents that are not finishing.
 */
export class FinishingTracker {
  private since = new Map<string, number>();
  /** Task folder -> the earliest grace end among its finishing agents. */
  private readonly graceEnds = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly replan: (taskDirs: string[]) => void) {}

  get terminalSince(): ReadonlyMap<string, number> {
    return this.since;
  }

  /** A full sweep's report replaces everything; a partial one replaces what it says about its tasks. */
  record(report: SweepReport, full: boolean, now: number): void {
    const covered = new Set(report.agents.map((a) => a.task));
    const kept = (task: string) => !full && !covered.has(task);
    const since = new Map<string, number>();
    for (const [key, at] of this.since) if (kept(key.slice(0, key.indexOf('\0')))) since.set(key, at);
    for (const task of [...this.graceEnds.keys()]) if (!kept(task)) this.graceEnds.delete(task);
    for (const agent of report.agents) {
      if (agent.verdict !== 'finishing' || agent.graceEndsAt === null) continue;
      const key = terminalKey(agent.task, agent.agentId);
      // A re-plan never restarts a grace: the first sight stays.
      since.set(key, this.since.get(key) ?? now);
      this.graceEnds.set(agent.task, Math.min(this.graceEnds.get(agent.task) ?? Infinity, Date.parse(agent.graceEndsAt)));
    }
    this.since = since;
    this.arm(now);
  }

  get finishingTasks(): number {
    return this.graceEnds.size;
  }

  private arm(now: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.graceEnds.size === 0) return;
    const earliest = Math.min(...this.graceEnds.values());
    const delay = Math.min(FINISH_POLL_MS, Math.max(0, earliest - now) + 20);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.replan([...this.graceEnds.keys()]);
    }, delay);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
