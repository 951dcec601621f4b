import { plural, type Alert, type FixResult, type SweepReport } from '../../shared/index.js';
import type { JanitorDaemon } from '../daemon/janitor-daemon.js';
import type { RunNowOptions } from '../daemon/daemon-options.js';
import { tmuxClientFor } from '../sweep/engine.js';
import { errorMessage } from '../base/timeouts.js';
import { journalUserAction } from '../archive/user-journal.js';
import { unreadableBlock } from './alerts.js';
import { killOrphanSession, nudgeParent, terminateSuspect } from './process-fixes.js';
import { savePinned, type SettingsSource } from './settings-store.js';

/** What an alert's one-click fix may use of the service around it. */
export interface FixContext {
  daemon: JanitorDaemon;
  settings: SettingsSource;
  stateDir: string;
  /** Runs a real sweep with the window's header showing it busy. */
  sweep(options: RunNowOptions): Promise<SweepReport>;
  /** Forgets the stalled steps shown (their fix is a full reconcile). */
  clearStalled(): void;
}

/** A fix on processes the user chose, journaled done or failed (a throw is journaled, then passed on). */
async function journaled(stateDir: string, agentId: string, reason: string, kind: string, target: string, work: () => Promise<FixResult>) {
  let result: FixResult;
  try {
    result = await work();
  } catch (err) {
    await journalUserAction({ stateDir }, agentId, reason, [{ kind, target, outcome: 'failed', error: errorMessage(err) }]);
    throw err;
  }
  await journalUserAction({ stateDir }, agentId, reason, [
    { kind, target, ...(result.ok ? { outcome: 'done', detail: result.message } : { outcome: 'failed', error: result.message }) },
  ]);
  return result;
}

/** Kills, terminates or nudges what an orphan alert names; null for an alert that is not about a process. */
function fixProcess(ctx: FixContext, alert: Alert): Promise<FixResult> | null {
  const o = alert.orphan;
  const config = ctx.daemon.snapshot().config;
  if (o?.kind === 'orphan-session') {
    // A registry that cannot be read may name this session: killing it could stop a working agent.
    if (o.unreadable.length > 0) return Promise.resolve({ ok: false, message: unreadableBlock(o.unreadable) });
    return journaled(
      ctx.stateDir,
      '',
      'orphan session killed by the user',
      'kill-orphan-session',
      `${o.session} (${o.sessionId})`,
      async () => ({
        ok: true,
        message: await killOrphanSession(tmuxClientFor(config), config, o.sessionId, o.session),
      }),
    );
  }
  if (o?.kind === 'suspect') {
    return journaled(ctx.stateDir, o.agentId, 'suspect chosen by the user', 'terminate-suspect', `pid ${o.pid}`, async () => ({
      ok: true,
      message: await terminateSuspect(config, o.pid, o.argv),
    }));
  }
  if (o?.kind === 'zombie') {
    return journaled(ctx.stateDir, o.agentId ?? '', 'zombie: parent asked to reap by the user', 'nudge-parent', `pid ${o.ppid}`, () =>
      nudgeParent(o.pid, o.ppid),
    );
  }
  return null;
}

/** Cleans one agent for a ghost or a leftover process, and says what failed. */
async function cleanAgent(ctx: FixContext, agentId: string, task: string | null): Promise<FixResult> {
  const report = await ctx.sweep({ dryRun: false, onlyAgent: agentId, ...(task ? { tasks: [task] } : {}) });
  const failed = report.actions.filter((a) => a.outcome === 'failed');
  if (failed.length) return { ok: false, message: failed.map((a) => `${a.kind} ${a.target}: ${a.error ?? 'failed'}`).join('; ') };
  return { ok: true, message: `${agentId} cleaned: ${plural(report.actions.filter((a) => a.outcome === 'done').length, 'action')} done` };
}

/** The one-click fix of an alert (docs/architecture.md "Alerts"): what its button promised, and nothing else. */
export async function fixAlert(ctx: FixContext, alert: Alert): Promise<FixResult> {
  const processFix = fixProcess(ctx, alert);
  if (processFix) return processFix;
  const kind = alert.orphan?.kind;
  if ((kind === 'ghost-agent' || kind === 'leftover-process') && alert.agentId) return cleanAgent(ctx, alert.agentId, alert.task);
  if (alert.kind === 'idle-warning' && alert.agentId) {
    await ctx.daemon.reload(savePinned(ctx.settings, alert.agentId, true));
    return { ok: true, message: `${alert.agentId} pinned: the janitor keeps it until you unpin it` };
  }
  if (alert.kind === 'breaker' && alert.task) {
    ctx.daemon.resetBreaker(alert.task);
    const report = await ctx.sweep({ dryRun: false, tasks: [alert.task] });
    const failed = report.actions.filter((a) => a.outcome === 'failed').length;
    return { ok: failed === 0, message: failed ? `${plural(failed, 'action')} failed again` : 'task swept, breaker closed' };
  }
  if (alert.kind === 'stalled') {
    ctx.clearStalled();
    ctx.daemon.reconcile();
    return { ok: true, message: 'a full reconcile was started' };
  }
  return { ok: false, message: 'nothing one click can safely do here: see the explanation' };
}
