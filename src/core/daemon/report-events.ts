import type { Config, DaemonEvent, Orphan, SweepReport } from '../../shared/index.js';

function orphanKey(o: Orphan): string {
  switch (o.kind) {
    case 'orphan-session':
      return `${o.kind}:${o.sessionId}:${o.session}`;
    case 'ghost-agent':
      return `${o.kind}:${o.task}:${o.agentId}`;
    default:
      return `${o.kind}:${o.pid}:${o.agentId}`;
  }
}

/**
 * Turns sweep reports into daemon events without repeating itself: an orphan, an input error or an idle warning is
 * announced once, and again only after a full sweep found it gone and it came back.
 */
export class ReportEvents {
  private readonly seenOrphans = new Set<string>();
  private readonly seenErrors = new Set<string>();
  private readonly warned = new Set<string>();
  private readonly finishing = new Set<string>();

  constructor(private readonly emit: (event: DaemonEvent) => void) {}

  record(report: SweepReport, full: boolean, config: Config, ts: string): void {
    for (const action of report.actions)
      if (action.outcome === 'done' || action.outcome === 'failed') this.emit({ event: 'action', ts, action });
    const orphanKeys = new Set<string>();
    for (const orphan of report.orphans) {
      const key = orphanKey(orphan);
      orphanKeys.add(key);
      if (!this.seenOrphans.has(key)) this.emit({ event: 'orphan', ts, orphan });
      this.seenOrphans.add(key);
    }
    const errorKeys = new Set<string>();
    for (const error of report.errors) {
      const key = `${error.path}\0${error.message}`;
      errorKeys.add(key);
      if (!this.seenErrors.has(key)) this.emit({ event: 'error', ts, error });
      this.seenErrors.add(key);
    }
    if (full) {
      for (const key of this.seenOrphans) if (!orphanKeys.has(key)) this.seenOrphans.delete(key);
      for (const key of this.seenErrors) if (!errorKeys.has(key)) this.seenErrors.delete(key);
    }
    this.warnIdle(report, config, ts);
    this.announceFinishing(report, full, ts);
  }

  /** Once per agent as it starts finishing; forgotten when a sweep that covers its task no longer sees it so. */
  private announceFinishing(report: SweepReport, full: boolean, ts: string): void {
    const covered = new Set(report.agents.map((a) => a.task));
    const now = new Set<string>();
    for (const a of report.agents) {
      if (a.verdict !== 'finishing' || a.graceEndsAt === null) continue;
      const key = `${a.task}\0${a.agentId}`;
      now.add(key);
      if (this.finishing.has(key)) continue;
      this.emit({
        event: 'finishing',
        ts,
        task: a.task,
        agentId: a.agentId,
        session: a.session,
        graceEndsAt: a.graceEndsAt,
        graceSeconds: a.graceSeconds ?? 0,
      });
    }
    for (const key of [...this.finishing])
      if ((full || covered.has(key.slice(0, key.indexOf('\0')))) && !now.has(key)) this.finishing.delete(key);
    for (const key of now) this.finishing.add(key);
  }

  /** SPEC.md: a warning comes `idleWarningMinutes` before an idle agent is cleaned; pinned agents are never warned. */
  private warnIdle(report: SweepReport, config: Config, ts: string): void {
    const limit = config.idleMinutes;
    if (limit === null) return;
    for (const agent of report.agents) {
      const key = `${agent.task}\0${agent.agentId}`;
      const idle = agent.idleMinutes;
      if (agent.verdict !== 'active' || agent.pinned || idle === null || idle < limit - config.idleWarningMinutes) {
        this.warned.delete(key);
        continue;
      }
      if (this.warned.has(key)) continue;
      this.warned.add(key);
      this.emit({
        event: 'idle-warning',
        ts,
        task: agent.task,
        agentId: agent.agentId,
        idleMinutes: idle,
        cleanInMinutes: Math.max(0, Math.round((limit - idle) * 100) / 100),
      });
    }
  }
}
