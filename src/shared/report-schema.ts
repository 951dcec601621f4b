import { z } from 'zod';

/**
 * The contract of `sweep --json` / `clean-agent --json` (SPEC.md "CLI contract"); the daemon's events, the IPC
 * and the web bridge reuse these shapes.
 */

export const ActionKindSchema = z.enum([
  'capture-scrollback',
  'kill-session',
  'signal-processes',
  'archive-file',
  'delete-prompt',
  'record-outcome',
]);
export type ActionKind = z.infer<typeof ActionKindSchema>;

export const OutcomeSchema = z.enum(['done', 'skipped', 'failed', 'planned']);
export type Outcome = z.infer<typeof OutcomeSchema>;

export const VerdictSchema = z.enum([
  'active', // not finished, session alive, not idle
  'finished', // terminal status, work left to do
  'finishing', // terminal status, but its pane processes still run: left to exit on its own for the finish grace
  'clean', // terminal status, nothing left to clean
  'idle', // not finished but silent past the threshold: cleaned as if finished
  'pinned', // would be cleaned (idle, or finished) but pinned: kept as it is until unpinned or cleaned by hand
  'session-missing', // not finished, no session, still within the ghost grace period
  'ghost', // not finished, no session for longer than the grace period
  'invalid', // the entry failed validation: nothing derived from it is touched
]);
export type Verdict = z.infer<typeof VerdictSchema>;

export const AgentReportSchema = z.object({
  task: z.string(),
  agentId: z.string(),
  status: z.string(),
  verdict: VerdictSchema,
  reason: z.string(),
  session: z.string().nullable(),
  sessionAlive: z.boolean(),
  idleMinutes: z.number().nullable(),
  /** Pinned agents (registry `pinned: true`, or listed in the config's `pins`) are never cleaned for being idle. */
  pinned: z.boolean(),
  /** Where the agent was read: the task's AGENT_REGISTRY.json, or the orchestrator's state database (which wins). */
  source: z.enum(['registry', 'database']),
  /** `finishing` only: when its finish grace ends, and how many seconds of it were left when the report was made. */
  graceEndsAt: z.string().nullable(),
  graceSeconds: z.number().nullable(),
});
export type AgentReport = z.infer<typeof AgentReportSchema>;

/** The detail of every action a user's Cancel kept from running (its agent is left as it was). */
export const CANCELLED_BY_USER = 'cancelled by the user before its session was killed';

export const ActionResultSchema = z.object({
  kind: ActionKindSchema,
  task: z.string(),
  agentId: z.string(),
  target: z.string(),
  outcome: OutcomeSchema,
  reason: z.string(),
  detail: z.string().optional(),
  error: z.string().optional(),
});
export type ActionResult = z.infer<typeof ActionResultSchema>;

export const OrphanSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('orphan-session'),
    session: z.string(),
    sessionId: z.string(),
    reason: z.string(),
    /** Registries (task folders) and state databases that could not be read: any may name it, so it is not killed. */
    unreadable: z.array(z.string()).default([]),
  }),
  z.object({
    kind: z.literal('ghost-agent'),
    task: z.string(),
    agentId: z.string(),
    session: z.string().nullable(),
    reason: z.string(),
  }),
  z.object({
    kind: z.literal('suspect'),
    agentId: z.string(),
    pid: z.number().int(),
    argv: z.string(),
    reason: z.string(),
  }),
  z.object({
    kind: z.literal('zombie'),
    agentId: z.string().nullable(),
    pid: z.number().int(),
    ppid: z.number().int(),
    reason: z.string(),
  }),
  z.object({
    kind: z.literal('leftover-process'),
    agentId: z.string(),
    pid: z.number().int(),
    argv: z.string(),
    reason: z.string(),
  }),
]);
export type Orphan = z.infer<typeof OrphanSchema>;

export const InputErrorSchema = z.object({
  path: z.string(),
  message: z.string(),
});
export type InputError = z.infer<typeof InputErrorSchema>;

export const StatsSchema = z.object({
  roots: z.number().int(),
  tasks: z.number().int(),
  registries: z.number().int(),
  /** Orchestrator state databases read (one per workspace base that has one). */
  databases: z.number().int(),
  agents: z.number().int(),
  actions: z.record(OutcomeSchema, z.number().int()),
  tmuxSpawns: z.number().int(),
  dryRun: z.boolean(),
  engineMs: z.number(),
  /** Wall time per engine step (snapshot, plan, capture, kill, signal, archive, ...). */
  stepsMs: z.record(z.string(), z.number()),
  /** Steps cut off by their time limit during this run (the daemon reports each as `stalled`). */
  timeouts: z.array(z.object({ step: z.string(), limitMs: z.number() })).default([]),
});
export type Stats = z.infer<typeof StatsSchema>;

export const SweepReportSchema = z.object({
  agents: z.array(AgentReportSchema),
  actions: z.array(ActionResultSchema),
  orphans: z.array(OrphanSchema),
  errors: z.array(InputErrorSchema),
  stats: StatsSchema,
});
export type SweepReport = z.infer<typeof SweepReportSchema>;
