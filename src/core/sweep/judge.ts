import type { Verdict } from '../../shared/index.js';
import type { PlanPolicy, TaskView } from './plan-types.js';
import type { SourcedAgent } from '../workspace/sourced-agent.js';
import type { TmuxSession } from '../platform/tmux-listing.js';

/** ORCHESTRATOR.md "Statuses": the active ones. Any other non-terminal status is unknown, and means not finished. */
export const KNOWN_ACTIVE_STATUSES: ReadonlySet<string> = new Set(['running', 'working', 'blocked', 'reviewing']);

export interface Judgement {
  verdict: Verdict;
  reason: string;
  clean: boolean;
  idleMinutes: number | null;
  /** Set for `finishing`: when the finish grace ends (epoch ms). */
  graceEndsMs: number | null;
}

const judgement = (verdict: Verdict, reason: string, clean: boolean, idleMinutes: number | null = null): Judgement => ({
  verdict,
  reason,
  clean,
  idleMinutes,
  graceEndsMs: null,
});

export const terminalKey = (task: string, agentId: string): string => `${task}\0${agentId}`;

/** A pane whose process has not exited (tmux keeps dead panes only with remain-on-exit). */
function panesRunning(live: TmuxSession | undefined): boolean {
  return live !== undefined && live.panes.some((p) => !p.dead);
}

/**
 * SPEC.md step 0: counted from the earlier of the janitor's first sight of the terminal status and the agent's own
 * completion time (`completed_at`, else `last_update`). A time in the future (another clock, another time zone) is
 * not trusted.
 */
export function graceStart(agent: SourcedAgent, task: string, now: number, policy: PlanPolicy): number {
  const seen = policy.terminalSince.get(terminalKey(task, agent.id)) ?? now;
  const own = agent.completedAtMs ?? agent.lastUpdateMs;
  return own !== null && own <= now ? Math.min(seen, own) : seen;
}

function judgeFinished(agent: SourcedAgent, view: TaskView, live: TmuxSession | undefined, now: number, policy: PlanPolicy): Judgement {
  const status = `status ${agent.status}`;
  if (policy.finishGraceMs <= 0 || !panesRunning(live)) return judgement('finished', status, true);
  const ends = graceStart(agent, view.scan.ref.dir, now, policy) + policy.finishGraceMs;
  if (now >= ends)
    return judgement('finished', `${status}; its processes still ran when the ${policy.finishGraceMs / 1000} s finish grace ended`, true);
  const left = Math.ceil((ends - now) / 1000);
  const reason = `${status}, but its processes still run: left to exit on its own until ${new Date(ends).toISOString()} (${left} s of the ${policy.finishGraceMs / 1000} s finish grace left)`;
  return { ...judgement('finishing', reason, false), graceEndsMs: ends };
}

function statusText(status: string, policy: PlanPolicy): string {
  return policy.terminalStatuses.has(status) || KNOWN_ACTIVE_STATUSES.has(status)
    ? `status ${status}`
    : `status ${JSON.stringify(status)} (not a status the janitor knows: treated as not finished)`;
}

function judgeLive(agent: SourcedAgent, live: TmuxSession, lastLog: number, now: number, policy: PlanPolicy): Judgement {
  const lastOutput = Math.max(live.lastActivityMs, lastLog);
  const asleep = policy.suspensions.reduce(
    (sum, [resumedAt, length]) => (resumedAt > lastOutput ? sum + Math.min(length, resumedAt - lastOutput) : sum),
    0,
  );
  const idle = Math.max(0, (now - lastOutput - asleep) / 60_000);
  const idleMinutes = Math.round(idle * 100) / 100;
  if (policy.idleMinutes !== null && idle >= policy.idleMinutes) {
    const pinned = agent.pinned || policy.pins.has(agent.id);
    const why = `no output for ${Math.floor(idle)} min (threshold ${policy.idleMinutes})`;
    return pinned ? judgement('pinned', `${why}, but pinned`, false, idleMinutes) : judgement('idle', why, true, idleMinutes);
  }
  return judgement('active', statusText(agent.status, policy), false, idleMinutes);
}

/** Where the agent's record last changed: the registry file, or the agent's own `last_update` in the database. */
function recordedMs(agent: SourcedAgent, view: TaskView): number {
  if (agent.source === 'registry') return view.scan.registry?.mtimeMs ?? 0;
  return Math.max(agent.lastUpdateMs ?? view.databaseMtimeMs, agent.completedAtMs ?? 0);
}

export function judge(agent: SourcedAgent, view: TaskView, live: TmuxSession | undefined, now: number, policy: PlanPolicy): Judgement {
  const lastLog = view.lastLogWriteMs.get(agent.id) ?? 0;
  if (policy.onlyAgent === agent.id) return judgement('finished', 'clean-agent requested', true);
  const begun = view.scan.intents.pending.get(agent.id);
  if (begun) return judgement('finished', `resuming an interrupted cleanup (${begun.reason})`, true);
  if (policy.terminalStatuses.has(agent.status)) return judgeFinished(agent, view, live, now, policy);
  const ended = view.scan.intents.ended.get(agent.id);
  if (ended && !live) return judgement('clean', `cleaned by agent-janitor at ${ended.ts} (${ended.reason})`, false);
  if (live) return judgeLive(agent, live, lastLog, now, policy);
  const status = statusText(agent.status, policy);
  if (agent.session === null) {
    const why = agent.sessionProblem ? `session not usable: ${agent.sessionProblem}` : 'no tmux session named';
    return judgement('active', `${status}; ${why}`, false);
  }
  const goneForSec = (now - Math.max(lastLog, recordedMs(agent, view))) / 1000;
  if (goneForSec > policy.ghostGraceSeconds) return judgement('ghost', `${status} but session ${agent.session} is gone`, false);
  return judgement('session-missing', `session ${agent.session} not found yet (grace ${policy.ghostGraceSeconds} s)`, false);
}
