import type { Alert, AlertKind } from '../../../src/shared/index.js';
import { plural } from './format.js';

/**
 * Alerts of one cause (one `kind`: 15 orphan sessions) are one group with one fix for all of them. Pure, so it is
 * unit-tested under Node.
 */

export interface AlertGroup {
  kind: AlertKind;
  alerts: Alert[];
}

/** What a group's heading calls one and many of its alerts, and the verb of its one fix. */
const KINDS: Record<AlertKind, { one: string; many: string; verb: string }> = {
  'orphan-session': { one: 'orphan session', many: 'orphan sessions', verb: 'Kill' },
  'ghost-agent': { one: 'ghost agent', many: 'ghost agents', verb: 'Clean up' },
  suspect: { one: 'suspect process', many: 'suspect processes', verb: 'Terminate' },
  zombie: { one: 'zombie process', many: 'zombie processes', verb: 'Ask the parents to reap' },
  'leftover-process': { one: 'agent with leftover processes', many: 'agents with leftover processes', verb: 'Clean again' },
  stalled: { one: 'stalled cleanup', many: 'stalled cleanups', verb: 'Retry' },
  breaker: { one: 'task whose cleanup keeps failing', many: 'tasks whose cleanup keeps failing', verb: 'Retry' },
  'idle-warning': { one: 'agent about to be cleaned for idling', many: 'agents about to be cleaned for idling', verb: 'Pin' },
  error: { one: 'error', many: 'errors', verb: 'Retry' },
};

/** "15 orphan sessions". */
export function groupTitle(kind: AlertKind, n: number): string {
  return plural(n, KINDS[kind].one, KINDS[kind].many);
}

/** "Kill all 15 orphan sessions" (the fixable ones: blocked and fixless alerts are left out). */
export function groupFixLabel(kind: AlertKind, n: number): string {
  return `${KINDS[kind].verb} all ${groupTitle(kind, n)}`;
}

/**
 * The list as it is shown: alerts in the given order, except that two or more of one kind become one group, placed
 * where the first of them was. A lone alert stays a card of its own.
 */
export function groupAlerts(sorted: readonly Alert[]): (Alert | AlertGroup)[] {
  const byKind = new Map<AlertKind, Alert[]>();
  for (const a of sorted) {
    const g = byKind.get(a.kind);
    if (g) g.push(a);
    else byKind.set(a.kind, [a]);
  }
  const out: (Alert | AlertGroup)[] = [];
  const placed = new Set<AlertKind>();
  for (const a of sorted) {
    const members = byKind.get(a.kind)!;
    if (members.length === 1) out.push(a);
    else if (!placed.has(a.kind)) {
      placed.add(a.kind);
      out.push({ kind: a.kind, alerts: members });
    }
  }
  return out;
}

export function isGroup(item: Alert | AlertGroup): item is AlertGroup {
  return 'alerts' in item;
}

/** What a group fix does: the alerts it fixes, those it leaves out because their fix is blocked, and those with none. */
export function groupFixPlan(alerts: readonly Alert[]): { fixable: Alert[]; blocked: Alert[]; noFix: Alert[] } {
  const fixable: Alert[] = [];
  const blocked: Alert[] = [];
  const noFix: Alert[] = [];
  for (const a of alerts) {
    if (a.fix === null) noFix.push(a);
    else if (a.fix.blocked) blocked.push(a);
    else fixable.push(a);
  }
  return { fixable, blocked, noFix };
}

/** Ids in calls of at most `max` (the API's cap on one fixAlerts). */
export function chunks<T>(xs: readonly T[], max: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += max) out.push(xs.slice(i, i + max));
  return out;
}
