import type { AgentRow } from '../../src/shared/index.js';
import { finishingReason } from './mock-verdicts.js';

/**
 * The dev harness's finish grace, as the daemon runs it: an agent that turns finishing is announced with a
 * `finishing` event; when its grace ends, the daemon's `finish` re-plan cleans it (or, paused, only calls it
 * finished).
 */

/** Turns an active agent finishing now (status completed, its pane still running) and returns the event to emit. */
export function startFinishing(agent: AgentRow, graceSeconds: number, now: number) {
  const ends = now + graceSeconds * 1000;
  Object.assign(agent, {
    status: 'completed',
    verdict: 'finishing',
    reason: finishingReason('completed', ends, now, graceSeconds),
    idleMinutes: 0,
    graceEndsAt: new Date(ends).toISOString(),
    graceSeconds,
  });
  return {
    event: 'finishing' as const,
    ts: new Date(now).toISOString(),
    task: agent.taskDir,
    agentId: agent.agentId,
    session: agent.session,
    graceEndsAt: agent.graceEndsAt!,
    graceSeconds,
  };
}

/** Finishing agents whose grace has ended by `now`. */
export function graceEnded(agents: readonly AgentRow[], now: number): AgentRow[] {
  return agents.filter((a) => a.verdict === 'finishing' && a.graceEndsAt !== null && Date.parse(a.graceEndsAt) <= now);
}

/** What a finishing agent becomes when its grace ends and nothing cleans it (the janitor is paused). */
export function endGrace(agent: AgentRow, graceSeconds: number): void {
  Object.assign(agent, {
    verdict: 'finished',
    reason: `status ${agent.status}; its processes still ran when the ${graceSeconds} s finish grace ended`,
    graceEndsAt: null,
    graceSeconds: null,
  });
}
