/**
 * The seam between where agents are recorded and everything that judges them: every agent source (the task's
 * AGENT_REGISTRY.json, the orchestrator's SQLite database) yields agents of this one shape, merged per task.
 */
export type AgentSourceKind = 'registry' | 'database';

export interface SourcedAgent {
  id: string;
  status: string;
  /** null when the source names no session; never an unsafe name (those are reported as errors). */
  session: string | null;
  /** The source named a session we refuse to act on; kept so the report can say why nothing was killed. */
  sessionProblem: string | null;
  /** The name exactly as the source wrote it, refused or not: it still counts as "named" for orphan detection. */
  rawSession: string | null;
  pinned: boolean;
  /** The agent's own completion time (`completed_at`), epoch ms; null when absent or unparsable. */
  completedAtMs: number | null;
  /** The agent's own last status update (`last_update`), epoch ms; null when absent or unparsable. */
  lastUpdateMs: number | null;
  source: AgentSourceKind;
  /** The file the agent was read from (the registry, or the database). */
  origin: string;
}

/**
 * The orchestrator writes `datetime.now().isoformat()`: local time without an offset, which Date.parse reads as local
 * time too. Anything unparsable is null (the time is then simply unknown), never an error.
 */
export function parseAgentTime(value: unknown): number | null {
  if (typeof value !== 'string' || value === '') return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}
