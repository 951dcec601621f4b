import { z } from 'zod';
import { ActionKindSchema, VerdictSchema } from './report-schema.js';
import { RetentionPlanSchema } from './ui-model.js';

/**
 * What saving a settings change would do that the settings in force would not: the agents the next sweep would clean
 * and the archived files retention would delete or compress, worked out by the same dry runs as Clean now and the
 * retention preview. The window shows it and asks for a confirm before the save; the engine refuses a save whose
 * consequence is not empty unless the request carries its digest (so the user confirmed exactly this).
 */
export const ConsequenceAgentSchema = z.object({
  task: z.string(),
  agentId: z.string(),
  verdict: VerdictSchema,
  reason: z.string(),
  session: z.string().nullable(),
  /** Not finished in its registry (cleaned for being idle, or as a ghost): the change stops work in progress. */
  unfinished: z.boolean(),
  actions: z.array(ActionKindSchema),
});
export type ConsequenceAgent = z.infer<typeof ConsequenceAgentSchema>;

export const SettingsConsequenceSchema = z.object({
  clean: z.array(ConsequenceAgentSchema),
  remove: RetentionPlanSchema.shape.remove,
  compress: RetentionPlanSchema.shape.compress,
  /** sha256 of the above: what a confirmed save must quote. Empty consequences need no confirm. */
  digest: z.string(),
});
export type SettingsConsequence = z.infer<typeof SettingsConsequenceSchema>;

export function isEmptyConsequence(c: SettingsConsequence): boolean {
  return c.clean.length === 0 && c.remove.length === 0 && c.compress.length === 0;
}
