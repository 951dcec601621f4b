import type { ActivityEntry, Alert } from '../../src/shared/index.js';

/**
 * The harness's scale cases, kept apart from mock-data.ts: a burst of orphan sessions (one alert group, one of them
 * blocked by an unreadable registry) and a retention run that touched hundreds of files (one journal entry).
 */

export const STRAY_ORPHANS = 12;

/**
 * An orphan-session alert shaped like the engine's: `effect` says what killing it does; an unreadable registry that
 * may name the session blocks the fix, as in the engine.
 */
export function orphanSessionAlert(o: { session: string; sessionId: string; since: string; effect: string; unreadable?: string[] }): Alert {
  const unreadable = o.unreadable ?? [];
  const blocked =
    unreadable.length === 0
      ? undefined
      : `${unreadable[0]}/AGENT_REGISTRY.json cannot be read: it may name this session. Fix it, then retry.`;
  return {
    id: `orphan-session:${o.session}`,
    kind: 'orphan-session',
    severity: 'warning',
    title: `Orphan session ${o.session}`,
    explanation: 'This tmux session matches the agent pattern, but no registry names it. It may be left from a crashed orchestrator run.',
    task: null,
    agentId: null,
    since: o.since,
    fix: { label: 'Kill session', effect: o.effect, ...(blocked ? { blocked } : {}) },
    orphan: {
      kind: 'orphan-session',
      session: o.session,
      sessionId: o.sessionId,
      reason: 'no registry names it',
      unreadable,
    },
  };
}

/** Orphan sessions `agent_stray-<n>`, as a crashed orchestrator run leaves them; the last cannot be killed now. */
export function strayOrphans(since: (min: number) => string): Alert[] {
  return Array.from({ length: STRAY_ORPHANS }, (_, i) => {
    const session = `agent_stray-${String(i + 1).padStart(2, '0')}`;
    const blocked = i === STRAY_ORPHANS - 1;
    const unreadable = blocked ? ['/home/dev/work/infra/.agent-workspace/TASK-20251120-101010-deadbeef'] : [];
    return orphanSessionAlert({
      session,
      sessionId: `$${60 + i}`,
      since: since(30 + i),
      effect: `Saves the scrollback of ${session}, then kills it and every process under it.`,
      unreadable,
    });
  });
}

/** One retention run on one task: every file it compressed or removed is a result of the one entry. */
export function retentionEntry(task: string, ts: string, files: number): ActivityEntry {
  return {
    ts,
    task,
    agentId: '',
    reason: 'retention: archives older than 30 days, and over 2 GiB per root',
    results: Array.from({ length: files }, (_, i) => {
      const name = `archive/worker-${String(i).padStart(4, '0')}_stream.jsonl`;
      return i % 4 === 0
        ? { kind: 'compress-archive', target: name, outcome: 'done' as const, detail: 'gzipped' }
        : {
            kind: 'delete-archive',
            target: `${name}.gz`,
            outcome: i === 7 ? ('failed' as const) : ('done' as const),
            ...(i === 7 ? { error: 'EACCES: permission denied' } : {}),
          };
    }),
  };
}
