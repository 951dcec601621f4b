import type { SourcedAgent } from './sourced-agent.js';

/**
 * One task's agents from both generations of the orchestrator's state (SPEC.md "Agent sources"). Where both name an
 * agent, the database wins: it is the newer generation's truth, and its JSON twin is a cache that stopped being
 * updated. The JSON `pinned` flag is ours, not the orchestrator's, so it survives the merge. Registry order first,
 * then agents only the database knows, in its order.
 */
export function mergeAgents(registry: readonly SourcedAgent[], database: readonly SourcedAgent[]): readonly SourcedAgent[] {
  if (database.length === 0) return registry;
  if (registry.length === 0) return database;
  const fromDb = new Map(database.map((a) => [a.id, a]));
  const merged: SourcedAgent[] = [];
  for (const agent of registry) {
    const newer = fromDb.get(agent.id);
    if (!newer) {
      merged.push(agent);
      continue;
    }
    merged.push(agent.pinned && !newer.pinned ? { ...newer, pinned: true } : newer);
    fromDb.delete(agent.id);
  }
  merged.push(...fromDb.values());
  return merged;
}
