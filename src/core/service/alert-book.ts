import { alertIdForOrphan, type Alert, type Config, type DaemonEvent, type Orphan, type SweepReport } from '../../shared/index.js';
import { deriveAlerts, type AlertInputs } from './alerts.js';
import { stillThere } from './process-fixes.js';

type Stalled = Extract<DaemonEvent, { event: 'stalled' }>;
type HeldOrphan = Extract<Orphan, { kind: 'zombie' | 'leftover-process' }>;

/** The most stalled steps remembered for the Alerts view. */
const STALLED_KEPT = 100;

/**
 * What the alerts need beyond one report: stalled steps, when each problem was first seen, and the zombies and
 * leftover processes of real cleanups (a dry run never sees them), kept while they exist.
 */
export class AlertBook {
  private readonly stalled: Stalled[] = [];
  private readonly firstSeen = new Map<string, string>();
  private readonly held = new Map<string, HeldOrphan>();

  noteStalled(event: Stalled): void {
    this.stalled.push(event);
    if (this.stalled.length > STALLED_KEPT) this.stalled.shift();
  }

  clearStalled(): void {
    this.stalled.length = 0;
  }

  /** Keeps what a real cleanup found that only it can see. */
  noteReport(report: SweepReport): void {
    for (const o of report.orphans) if (o.kind === 'zombie' || o.kind === 'leftover-process') this.held.set(alertIdForOrphan(o), o);
  }

  alertsOf(report: SweepReport, config: Config, breakers: AlertInputs['breakers']): Alert[] {
    const seen = new Set(report.orphans.map(alertIdForOrphan));
    const held: Orphan[] = [];
    for (const [id, o] of this.held) {
      if (!stillThere(o)) this.held.delete(id);
      else if (!seen.has(id)) held.push(o);
    }
    return deriveAlerts({
      report: { ...report, orphans: [...report.orphans, ...held] },
      config,
      breakers,
      stalled: this.stalled,
      firstSeen: this.firstSeen,
      now: Date.now(),
    });
  }
}
