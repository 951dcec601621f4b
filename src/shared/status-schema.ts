import { z } from 'zod';
import { BreakerSchema } from './daemon-schema.js';

/** `agent-janitor status --json`; the daemon (issue 3) fills in the running fields. */
export const DaemonStatusSchema = z.object({
  running: z.boolean(),
  pid: z.number().int().nullable(),
  message: z.string(),
  uptimeSeconds: z.number().nullable(),
  lastSweepAt: z.string().nullable(),
  sweeps: z.number().int().nullable(),
  tasks: z.number().int().nullable(),
  agents: z.number().int().nullable(),
  actions: z.record(z.string(), z.number().int()).nullable(),
  failures: z.number().int().nullable(),
  /** Tasks the daemon is backing off because their cleanup keeps failing. */
  breakers: z.array(BreakerSchema).nullable(),
  /** The window's address with its access key, while a daemon serves it (`daemon --ui`); otherwise null. */
  window: z.string().nullable().optional(),
});
export type DaemonStatus = z.infer<typeof DaemonStatusSchema>;

export const DoctorCheckSchema = z.object({
  name: z.string(),
  ok: z.boolean(),
  detail: z.string(),
});
export type DoctorCheck = z.infer<typeof DoctorCheckSchema>;
