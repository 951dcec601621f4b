import type { TaskView } from './plan-types.js';
import type { SourcedAgent } from '../workspace/sourced-agent.js';

/**
 * Which sessions each task's agents name. A session is killed only when no unfinished agent anywhere under the roots
 * claims it, so a sweep that scans only some tasks (the daemon's per-task sweep) must still know the others' claims,
 * and a task whose registry cannot be read at the moment (half-written, say) must still count for what it may name.
 */

export interface Claim {
  agentId: string;
  /** The session name exactly as the source wrote it. */
  session: string;
  status: string;
}

/** What an unreadable task's claims are reported as: unknown, so never finished. */
export const UNKNOWN_STATUS = 'unknown (its registry could not be read)';

const NO_CLAIMS: readonly Claim[] = [];

/**
 * The index keeps one list per task for the daemon's lifetime, so each is copied to its exact length: a list grown
 * by push or flatMap keeps spare room (about 150 bytes for one claim, 1.3 MB at 10,000 tasks).
 */
function claimsOf(agents: readonly SourcedAgent[]): readonly Claim[] {
  const claims: Claim[] = [];
  for (const a of agents) if (a.rawSession !== null) claims.push({ agentId: a.id, session: a.rawSession, status: a.status });
  return claims.length === 0 ? NO_CLAIMS : claims.slice();
}

/**
 * Sessions an unreadable task may name: the orchestrator's `agent_<id>` for each prompt file `agent_prompt_<id>.txt`
 * the task still holds (a prompt stays until its agent is cleaned).
 */
export function promptClaims(view: TaskView): Claim[] {
  return [...view.scan.prompts.keys()].map((id) => ({ agentId: id, session: `agent_${id}`, status: UNKNOWN_STATUS }));
}

/** The daemon's memory of every task's claims, kept up to date by each sweep's scan. */
export class ClaimsIndex {
  private readonly byTask = new Map<string, readonly Claim[]>();

  /** A readable task replaces its claims; an unreadable one keeps the last it was read with. */
  observe(view: TaskView): void {
    if (!view.unreadable) this.byTask.set(view.scan.ref.dir, claimsOf(view.agents));
  }

  lastKnown(task: string): readonly Claim[] {
    return this.byTask.get(task) ?? [];
  }

  /** After a full sweep: tasks that are gone claim nothing any more. */
  keepOnly(present: ReadonlySet<string>): void {
    for (const task of this.byTask.keys()) if (!present.has(task)) this.byTask.delete(task);
  }

  /** Every task's claims but those of `except` (the tasks a partial sweep scans itself). */
  *others(except: ReadonlySet<string>): Iterable<[string, readonly Claim[]]> {
    for (const entry of this.byTask) if (!except.has(entry[0])) yield entry;
  }
}
