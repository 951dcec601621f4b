import type { AgentRow, Alert, Verdict } from '../../src/shared/index.js';
import { orphanSessionAlert, strayOrphans } from './mock-extras.js';

/** The alerts of the dev harness's world: one of each kind, about its agents where the kind names one. */

type Since = (min: number) => string;

function orphanAlert(since: Since): Alert {
  return orphanSessionAlert({
    session: 'agent_builder-101500-77aa01',
    sessionId: '$41',
    since: since(42),
    effect: 'Saves its scrollback, then kills the session and every process under it.',
  });
}

function ghostAlert(ghost: AgentRow, since: Since): Alert {
  return {
    id: `ghost-agent:${ghost.agentId}`,
    kind: 'ghost-agent',
    severity: 'warning',
    title: `Ghost agent ${ghost.agentId}`,
    explanation: 'The registry says this agent is still running, but its tmux session has been gone for 14 minutes.',
    task: ghost.task,
    agentId: ghost.agentId,
    since: since(14),
    fix: { label: 'Clean agent', effect: 'Archives its logs and deletes its prompt file, as for a finished agent.' },
    orphan: {
      kind: 'ghost-agent',
      task: ghost.taskDir,
      agentId: ghost.agentId,
      session: ghost.session,
      reason: 'session gone',
    },
  };
}

function zombieAlert(since: Since): Alert {
  return {
    id: 'zombie:48812',
    kind: 'zombie',
    severity: 'info',
    title: 'Zombie process 48812 (parent 48790)',
    explanation:
      'A finished process its parent has not reaped yet. It holds no memory; it goes away when its parent (node, pid 48790) exits or reaps it. Nothing one click can safely do.',
    task: null,
    agentId: 'tester-093011-c0ffee',
    since: since(95),
    fix: null,
    orphan: { kind: 'zombie', agentId: 'tester-093011-c0ffee', pid: 48812, ppid: 48790, reason: 'state Z' },
  };
}

function breakerAlert(task: string | null, since: Since): Alert {
  return {
    id: 'breaker:webshop-task',
    kind: 'breaker',
    severity: 'error',
    title: 'Cleanup of a task keeps failing',
    explanation:
      'Archiving failed 3 sweeps in a row (EACCES: permission denied, archive/MANIFEST.jsonl). The task is backed off until 15:42; fix the permission, then retry.',
    task,
    agentId: null,
    since: since(9),
    fix: { label: 'Retry now', effect: 'Closes the circuit breaker and sweeps this task again at once.' },
    orphan: null,
  };
}

function idleAlert(idle: AgentRow, since: Since): Alert {
  return {
    id: `idle-warning:${idle.agentId}`,
    kind: 'idle-warning',
    severity: 'info',
    title: `${idle.agentId} will be cleaned in 8 minutes`,
    explanation: `No output for ${idle.idleMinutes ?? 0} minutes. Pin it to keep it running.`,
    task: idle.task,
    agentId: idle.agentId,
    since: since(2),
    fix: { label: 'Pin agent', effect: 'Adds it to the pins: it is never cleaned for being idle.' },
    orphan: null,
  };
}

/** The world's alerts as of `now`; the ghost and idle warning only if some agent has that verdict. */
export function makeAlerts(agents: readonly AgentRow[], now: number): Alert[] {
  const some = (v: Verdict) => agents.find((a) => a.verdict === v);
  const ghost = some('ghost');
  const idle = some('idle');
  const since = (min: number) => new Date(now - min * 60_000).toISOString();
  return [
    orphanAlert(since),
    ...strayOrphans(since),
    ...(ghost ? [ghostAlert(ghost, since)] : []),
    zombieAlert(since),
    breakerAlert(agents[0]?.task ?? null, since),
    ...(idle ? [idleAlert(idle, since)] : []),
  ];
}
