import type { Config, DaemonEvent, SweepReport, SweepTrigger, WatchMode } from '../../shared/index.js';
import { errorMessage } from '../base/timeouts.js';
import { CircuitBreakers, breakerReport } from './circuit-breaker.js';
import { writeBeat } from './heartbeat.js';
import { ReportEvents } from './report-events.js';

export const now = (): string => new Date().toISOString();

export interface DaemonStats {
  sweeps: number;
  tasks: number;
  agents: number;
  failures: number;
  lastSweepAt: string | null;
  lastSweepMs: number | null;
  actions: Record<string, number>;
}

/**
 * What the daemon keeps from its sweeps: the counters of the heartbeat and the status line, the events a report
 * gives (once each, see ReportEvents), the stalls it records, and the circuit breakers of failing tasks.
 */
export class SweepRecorder {
  readonly stats: DaemonStats = { sweeps: 0, tasks: 0, agents: 0, failures: 0, lastSweepAt: null, lastSweepMs: null, actions: {} };
  readonly startedAt = now();
  readonly breakers: CircuitBreakers;
  private readonly events: ReportEvents;

  constructor(
    private readonly emit: (event: DaemonEvent) => void,
    breakerThreshold: number,
    private readonly heartbeat: { stateDir: string; metricsPath(): string | null; watch(): WatchMode },
  ) {
    this.events = new ReportEvents(emit);
    this.breakers = new CircuitBreakers(30_000, 30 * 60_000, breakerThreshold);
  }

  record(report: SweepReport, full: boolean, trigger: SweepTrigger, config: Config): void {
    const ts = now();
    this.events.record(report, full, config, ts);
    if (full) this.noteCounts(report);
    this.reportTimeouts(report, ts);
    this.updateBreakers(report);
    const stats = this.stats;
    stats.sweeps++;
    stats.lastSweepAt = ts;
    stats.lastSweepMs = report.stats.engineMs;
    stats.failures += report.stats.actions.failed;
    for (const [outcome, n] of Object.entries(report.stats.actions)) stats.actions[outcome] = (stats.actions[outcome] ?? 0) + n;
    this.emit({ event: 'sweep', ts, trigger, tasks: report.stats.tasks, actions: report.stats.actions, engineMs: report.stats.engineMs });
    this.beat();
  }

  /** Counts from a full sweep or dry run; returns whether they changed. */
  noteCounts(report: SweepReport): boolean {
    const changed = this.stats.tasks !== report.stats.tasks || this.stats.agents !== report.stats.agents;
    this.stats.tasks = report.stats.tasks;
    this.stats.agents = report.stats.agents;
    return changed;
  }

  /** A sweep that threw before it had a report. */
  sweepFailed(err: unknown): void {
    this.emit({ event: 'error', ts: now(), error: { path: 'daemon', message: `sweep failed: ${errorMessage(err)}` } });
    this.stats.failures++;
  }

  /** The heartbeat (`daemon.json`) and, if configured, the Prometheus textfile. */
  beat(): void {
    const { stateDir, metricsPath, watch } = this.heartbeat;
    try {
      writeBeat(stateDir, metricsPath(), {
        ...this.stats,
        startedAt: this.startedAt,
        watch: watch(),
        breakers: this.breakers.openReport(Date.now()),
      });
    } catch (err) {
      this.emit({
        event: 'error',
        ts: now(),
        error: { path: stateDir, message: `cannot write heartbeat or metrics: ${errorMessage(err)}` },
      });
    }
  }

  resetBreaker(task: string): boolean {
    const closed = this.breakers.succeeded(task);
    if (closed) this.beat();
    return closed;
  }

  /** A task with a failed action counts a failure; one whose actions all went through closes its breaker. */
  private updateBreakers(report: SweepReport): void {
    const failed = new Map<string, string>();
    const acted = new Set<string>();
    for (const a of report.actions) {
      acted.add(a.task);
      if (a.outcome === 'failed') failed.set(a.task, `${a.kind} ${a.target}: ${a.error ?? 'failed'}`);
    }
    for (const task of acted) {
      const error = failed.get(task);
      if (error === undefined) {
        this.breakers.succeeded(task);
        continue;
      }
      const opened = this.breakers.failed(task, error, Date.now());
      if (opened) this.emit({ event: 'breaker', ts: now(), ...breakerReport(opened) });
    }
  }

  /** A step cut off by its own time limit stalled too; StepWatchdog covers steps that are still running. */
  private reportTimeouts(report: SweepReport, ts: string): void {
    const steps = new Map(report.stats.timeouts.map((t) => [t.step, t.limitMs]));
    for (const [step, limitMs] of steps) this.emit({ event: 'stalled', ts, step, runningMs: limitMs, limitMs });
  }
}
