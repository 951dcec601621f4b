import { z } from 'zod';
import { ActionResultSchema, InputErrorSchema, OrphanSchema } from './report-schema.js';

/** How the daemon sees changes: inotify, or polling where the kernel refuses more watches. */
export const WatchModeSchema = z.enum(['inotify', 'polling']);
export type WatchMode = z.infer<typeof WatchModeSchema>;

/** What started a daemon sweep. */
export const SweepTriggerSchema = z.enum(['start', 'watch', 'reconcile', 'reload', 'resume', 'manual', 'finish']);
export type SweepTrigger = z.infer<typeof SweepTriggerSchema>;

/** A task whose cleanups keep failing, left out of sweeps until `retryAt` (the `breaker` event, the heartbeat). */
export const BreakerSchema = z.object({ task: z.string(), failures: z.number().int(), retryAt: z.string(), lastError: z.string() });
export type Breaker = z.infer<typeof BreakerSchema>;

/** What the last sweeps counted: the heartbeat's figures, and the window's header. */
export const SweepCountsSchema = z.object({
  lastSweepAt: z.string().nullable(),
  tasks: z.number().int(),
  agents: z.number().int(),
  failures: z.number().int(),
});

/**
 * `agent-janitor daemon --json` writes one of these per line (SPEC.md: the first is `ready`). The tray app and the
 * web bridge consume the same events.
 */
export const DaemonEventSchema = z.discriminatedUnion('event', [
  z.object({
    event: z.literal('ready'),
    ts: z.string(),
    pid: z.number().int(),
    roots: z.array(z.string()),
    tasks: z.number().int(),
    agents: z.number().int(),
    watch: WatchModeSchema,
    paused: z.boolean().optional(),
  }),
  z.object({
    event: z.literal('sweep'),
    ts: z.string(),
    /** `finish`: a task with a finishing agent, re-planned while its grace runs (SPEC.md step 0). */
    trigger: SweepTriggerSchema,
    tasks: z.number().int(),
    actions: z.record(z.string(), z.number().int()),
    engineMs: z.number(),
  }),
  z.object({ event: z.literal('action'), ts: z.string(), action: ActionResultSchema }),
  z.object({ event: z.literal('orphan'), ts: z.string(), orphan: OrphanSchema }),
  /** A finished agent whose processes still run is left to exit on its own until its finish grace ends. */
  z.object({
    event: z.literal('finishing'),
    ts: z.string(),
    task: z.string(),
    agentId: z.string(),
    session: z.string().nullable(),
    graceEndsAt: z.string(),
    graceSeconds: z.number(),
  }),
  z.object({
    event: z.literal('idle-warning'),
    ts: z.string(),
    task: z.string(),
    agentId: z.string(),
    idleMinutes: z.number(),
    cleanInMinutes: z.number(),
  }),
  z.object({ event: z.literal('error'), ts: z.string(), error: InputErrorSchema }),
  z.object({ event: z.literal('watch-fallback'), ts: z.string(), reason: z.string() }),
  /** The wall clock jumped ahead of the monotonic one: the machine slept. Its length does not count as idleness. */
  z.object({ event: z.literal('resume'), ts: z.string(), sleptMs: z.number() }),
  z.object({ event: z.literal('reload'), ts: z.string(), ok: z.boolean(), message: z.string() }),
  z.object({ event: z.literal('stopping'), ts: z.string(), signal: z.string() }),
  /** A cleanup step ran past its time limit, or a task's cleanup keeps failing (its breaker opened). */
  z.object({ event: z.literal('stalled'), ts: z.string(), step: z.string(), runningMs: z.number(), limitMs: z.number() }),
  /** The retention pass compressed archived files in place and/or removed old ones (each journaled in its task). */
  z.object({
    event: z.literal('retention'),
    ts: z.string(),
    compressed: z.number().int(),
    removed: z.number().int(),
    reclaimBytes: z.number().int(),
  }),
  z.object({ event: z.literal('breaker'), ts: z.string(), ...BreakerSchema.shape }),
]);
export type DaemonEvent = z.infer<typeof DaemonEventSchema>;

/** The daemon's heartbeat file, read by `agent-janitor status`. */
export const HeartbeatSchema = z.object({
  pid: z.number().int(),
  startedAt: z.string(),
  updatedAt: z.string(),
  sweeps: z.number().int(),
  ...SweepCountsSchema.shape,
  actions: z.record(z.string(), z.number().int()),
  watch: WatchModeSchema,
  breakers: z.array(BreakerSchema),
});
export type Heartbeat = z.infer<typeof HeartbeatSchema>;
