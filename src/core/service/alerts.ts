import path from 'node:path';
import {
  alertIdForOrphan,
  alertIds,
  type Alert,
  type Breaker,
  type Config,
  type DaemonEvent,
  type InputError,
  type Orphan,
  type SweepReport,
} from '../../shared/index.js';

/** A stalled step is shown this long after it was seen; a later good sweep usually means it resolved itself. */
export const STALLED_SHOWN_MS = 15 * 60 * 1000;

type Fixable = Pick<Alert, 'fix' | 'severity' | 'title' | 'explanation'>;

/** The engine's reasons are lower-case fragments; in an explanation they open a sentence. */
const sentence = (reason: string) => reason.charAt(0).toUpperCase() + reason.slice(1);

/** Why an orphan session is not killed while some registry cannot be read. */
export function unreadableBlock(sources: readonly string[]): string {
  const named = sources
    .slice(0, 3)
    .map((s) => path.basename(s))
    .join(', ');
  return `Not while ${sources.length === 1 ? `${named} cannot be read` : `${sources.length} registries cannot be read (${named}${sources.length > 3 ? ', …' : ''})`}: it may name this session. Fix or remove the unreadable registry first.`;
}

function forOrphan(o: Orphan): Fixable {
  switch (o.kind) {
    case 'orphan-session':
      return {
        severity: 'warning',
        title: `Orphan tmux session ${o.session}`,
        explanation: `${sentence(o.reason)}. It looks like an agent's session, but no registry under the roots claims it, so the janitor never kills it on its own.`,
        fix: {
          label: 'Kill session',
          effect: `Kills tmux session ${o.session} (${o.sessionId}) and every process started in it, after checking it is still unclaimed.`,
          ...(o.unreadable.length > 0 ? { blocked: unreadableBlock(o.unreadable) } : {}),
        },
      };
    case 'ghost-agent':
      return {
        severity: 'warning',
        title: `Ghost agent ${o.agentId}`,
        explanation: `${sentence(o.reason)}. Its registry still lists it as working, but with no session nothing is running it, so it will never be marked finished and its logs and prompt stay behind.`,
        fix: {
          label: 'Clean up agent',
          effect: `Cleans ${o.agentId} as if finished: archives its logs, deletes its prompt file and journals the outcome.`,
        },
      };
    case 'suspect':
      return {
        severity: 'warning',
        title: `Suspect process ${o.pid}`,
        explanation: `${sentence(o.reason)}. Its command line names an agent, but it is not in that agent's session, so the janitor does not kill it on a name match: ${o.argv}`,
        fix: {
          label: `Terminate process ${o.pid}`,
          effect: `Sends SIGTERM, then SIGKILL after the grace period, to process ${o.pid} only, after checking it is still the same process.`,
        },
      };
    case 'zombie':
      return {
        severity: 'info',
        title: `Zombie process ${o.pid}`,
        explanation: `${sentence(o.reason)}. A zombie is already dead and cannot be killed; it disappears when its parent (pid ${o.ppid}) reaps it or exits.`,
        fix: {
          label: 'Ask the parent to reap it',
          effect: `Sends SIGCHLD to the parent, pid ${o.ppid}, which a parent that handles it answers by reaping. Nothing is killed.`,
        },
      };
    case 'leftover-process':
      return {
        severity: 'error',
        title: `Process ${o.pid} of ${o.agentId} survived its cleanup`,
        explanation: `${sentence(o.reason)}: ${o.argv}`,
        fix: {
          label: 'Clean agent again',
          effect: `Runs ${o.agentId}'s cleanup again: signals its recorded processes (checked by start time) and finishes archiving.`,
        },
      };
  }
}

function orphanTask(o: Orphan): { task: string | null; agentId: string | null } {
  if (o.kind === 'ghost-agent') return { task: o.task, agentId: o.agentId };
  if (o.kind === 'orphan-session') return { task: null, agentId: null };
  return { task: null, agentId: o.agentId };
}

function inputError(e: InputError, since: string): Alert {
  return {
    id: alertIds.error(e.path),
    kind: 'error',
    severity: 'error',
    title: `Cannot use ${path.basename(e.path)}`,
    explanation: `${e.path}: ${e.message}. Nothing derived from it is touched until it is fixed.`,
    task: null,
    agentId: null,
    since,
    fix: null,
    orphan: null,
  };
}

export interface AlertInputs {
  /** A dry run over every task: its orphans, input errors and idle agents are the alerts of now. */
  report: SweepReport;
  config: Config;
  breakers: readonly Breaker[];
  /** Recent `stalled` events. */
  stalled: readonly Extract<DaemonEvent, { event: 'stalled' }>[];
  /** When each alert id was first seen, so `since` does not reset on every refresh. */
  firstSeen: Map<string, string>;
  now: number;
}

/** Everything that needs the user's attention right now, most severe first. */
export function deriveAlerts(input: AlertInputs): Alert[] {
  const nowIso = new Date(input.now).toISOString();
  const since = (id: string) => {
    const seen = input.firstSeen.get(id) ?? nowIso;
    input.firstSeen.set(id, seen);
    return seen;
  };
  const alerts: Alert[] = [];
  for (const o of input.report.orphans) {
    const id = alertIdForOrphan(o);
    alerts.push({ id, kind: o.kind, ...forOrphan(o), ...orphanTask(o), since: since(id), orphan: o });
  }
  for (const e of input.report.errors) alerts.push(inputError(e, since(alertIds.error(e.path))));
  const { idleMinutes, idleWarningMinutes } = input.config;
  if (idleMinutes !== null) {
    for (const a of input.report.agents) {
      if (a.verdict !== 'active' || a.pinned || a.idleMinutes === null || a.idleMinutes < idleMinutes - idleWarningMinutes) continue;
      const id = alertIds.idleWarning(a.task, a.agentId);
      const left = Math.max(0, Math.ceil(idleMinutes - a.idleMinutes));
      alerts.push({
        id,
        kind: 'idle-warning',
        severity: 'warning',
        title: `${a.agentId} is about to be idle-killed`,
        explanation: `No output for ${Math.floor(a.idleMinutes)} min (from its panes' window_activity and its log times). At ${idleMinutes} min it is cleaned as if finished, in about ${left} min, unless it speaks or is pinned.`,
        task: a.task,
        agentId: a.agentId,
        since: since(id),
        fix: {
          label: 'Pin agent',
          effect: `Adds ${a.agentId} to the config's pins: the janitor never cleans it on its own (idle or finished) until it is unpinned; Clean now still can.`,
        },
        orphan: null,
      });
    }
  }
  for (const b of input.breakers) {
    const id = alertIds.breaker(b.task);
    alerts.push({
      id,
      kind: 'breaker',
      severity: 'error',
      title: `Backing off ${path.basename(b.task)}`,
      explanation: `Its cleanup failed ${b.failures} sweeps in a row (last: ${b.lastError}); the janitor skips it until ${b.retryAt}.`,
      task: b.task,
      agentId: null,
      since: since(id),
      fix: { label: 'Retry now', effect: 'Closes the breaker and sweeps this task at once.' },
      orphan: null,
    });
  }
  const recent = new Map<string, Extract<DaemonEvent, { event: 'stalled' }>>();
  for (const s of input.stalled) if (input.now - Date.parse(s.ts) < STALLED_SHOWN_MS) recent.set(s.step, s);
  for (const s of recent.values()) {
    const id = alertIds.stalled(s.step);
    alerts.push({
      id,
      kind: 'stalled',
      severity: 'error',
      title: `Cleanup step "${s.step}" stalled`,
      explanation: `It ran ${s.runningMs} ms against a limit of ${s.limitMs} ms (at ${s.ts}). A hung tmux server or a stuck file system is the usual cause; the janitor keeps serving other tasks.`,
      task: null,
      agentId: null,
      since: s.ts,
      fix: { label: 'Retry now', effect: 'Runs a full reconcile now.' },
      orphan: null,
    });
  }
  const rank = { error: 0, warning: 1, info: 2 } as const;
  return alerts.sort(
    (a, b) => rank[a.severity] - rank[b.severity] || (a.since < b.since ? -1 : a.since > b.since ? 1 : a.id < b.id ? -1 : 1),
  );
}
