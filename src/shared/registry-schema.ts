import { z } from 'zod';

/**
 * The orchestrator owns AGENT_REGISTRY.json; we only read it. Unknown fields are kept (loose) because the
 * orchestrator adds fields over time and a strict schema would make the janitor refuse valid registries.
 */
export const AgentEntrySchema = z.looseObject({
  id: z.string(),
  status: z.string(),
  tmux_session: z.string().nullish(),
  pinned: z.boolean().optional(),
});
export type AgentEntry = z.infer<typeof AgentEntrySchema>;

/** Only the envelope is checked here: entries are validated one by one so one bad entry cannot hide its siblings. */
export const RegistryEnvelopeSchema = z.looseObject({
  agents: z.array(z.unknown()),
});
export type RegistryEnvelope = z.infer<typeof RegistryEnvelopeSchema>;
