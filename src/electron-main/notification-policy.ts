import { ALERTS_ROUTE, alertIdFor, alertRoute } from '../shared/alert-id.js';
import type { Config } from '../shared/config-schema.js';
import type { DaemonEvent } from '../shared/daemon-schema.js';
import type { UiEvent } from '../shared/ui-contract.js';

/**
 * Which daemon events become desktop notifications, and when. Pure: the clock is passed in, and the driver
 * (`notifier.ts`) arms one timer for `nextDueAt()` and shows what `take()` returns.
 *
 * Grouping: events of one kind that arrive together are held for `burstMs` and shown as one notification ("50
 * orphan sessions"). Rate limit: at most one notification per kind per `minIntervalSeconds`; what arrives meanwhile
 * is held and shown as one group once the interval has passed.
 */

export type NotificationConfig = Config['notifications'];

export type NotifyKind =
  'orphan-session' | 'ghost-agent' | 'leftover-process' | 'suspect' | 'zombie' | 'idle-warning' | 'stalled' | 'breaker';

export type PlannedNotification = {
  kind: NotifyKind;
  title: string;
  body: string;
  /** The window route to open on click: one alert, or the alerts list for a group. */
  deepLink: string;
  alertIds: string[];
  /** Set for a single item that one click can fix: the button calls fixAlert with the id. */
  fix: { alertId: string; label: string } | null;
};

type Item = { id: string; event: DaemonEvent };
type Group = { pending: Map<string, Item>; dueAt: number | null; lastShownAt: number | null };

/** How long the first event of a kind waits for its siblings: a sweep reports its orphans within milliseconds. */
export const DEFAULT_BURST_MS = 1500;

/** The button of kinds that one click can fix without a person looking first (the engine's fixAlert does it). A
 * suspect is never killed from a notification (SPEC: only "a suspect the user chose by hand", in the window), and a
 * zombie waits for its parent. */
const FIX_LABEL: Partial<Record<NotifyKind, string>> = {
  'orphan-session': 'Kill session',
  'ghost-agent': 'Clean up',
  'leftover-process': 'Clean up',
  'idle-warning': 'Keep (pin)',
  breaker: 'Retry now',
  stalled: 'Reconcile now',
};

const TOGGLE: Record<NotifyKind, 'orphans' | 'ghosts' | 'idleWarnings' | 'stalled'> = {
  'orphan-session': 'orphans',
  'leftover-process': 'orphans',
  suspect: 'orphans',
  zombie: 'orphans',
  'ghost-agent': 'ghosts',
  'idle-warning': 'idleWarnings',
  stalled: 'stalled',
  breaker: 'stalled',
};

const NAMES: Record<NotifyKind, [one: string, many: string]> = {
  'orphan-session': ['Orphan session', 'orphan sessions'],
  'ghost-agent': ['Ghost agent', 'ghost agents'],
  'leftover-process': ['Leftover process', 'leftover processes'],
  suspect: ['Suspect process', 'suspect processes'],
  zombie: ['Zombie process', 'zombie processes'],
  'idle-warning': ['Idle agent will be cleaned', 'idle agents will be cleaned'],
  stalled: ['Stalled cleanup', 'stalled cleanups'],
  breaker: ['Cleanup keeps failing', 'tasks whose cleanup keeps failing'],
};

function notifyKindOf(event: UiEvent): NotifyKind | null {
  switch (event.event) {
    case 'orphan':
      return event.orphan.kind;
    case 'idle-warning':
    case 'stalled':
    case 'breaker':
      return event.event;
    default:
      return null;
  }
}

function describe(event: DaemonEvent): string {
  switch (event.event) {
    case 'orphan': {
      const o = event.orphan;
      if (o.kind === 'orphan-session') return `tmux session ${o.session}: ${o.reason}`;
      if (o.kind === 'ghost-agent') return `${o.agentId} in ${o.task}: ${o.reason}`;
      return `pid ${o.pid}${o.agentId === null ? '' : ` (${o.agentId})`}: ${o.reason}`;
    }
    case 'idle-warning':
      return `${event.agentId} in ${event.task} has been idle ${Math.round(event.idleMinutes)} min; cleaned in ${Math.round(event.cleanInMinutes)} min unless pinned`;
    case 'stalled':
      return `${event.step} running ${Math.round(event.runningMs / 1000)} s (limit ${Math.round(event.limitMs / 1000)} s)`;
    case 'breaker':
      return `${event.task} failed ${event.failures} times: ${event.lastError}`;
    default:
      return event.event;
  }
}

/** One short line per subject for a group's body: "agent_a, agent_b and 48 more". */
function subject(event: DaemonEvent): string {
  switch (event.event) {
    case 'orphan': {
      const o = event.orphan;
      if (o.kind === 'orphan-session') return o.session;
      if (o.kind === 'ghost-agent') return o.agentId;
      return `pid ${o.pid}`;
    }
    case 'idle-warning':
      return event.agentId;
    case 'stalled':
      return event.step;
    case 'breaker':
      return event.task;
    default:
      return event.event;
  }
}

const SHOWN_SUBJECTS = 3;

function build(kind: NotifyKind, items: Item[]): PlannedNotification {
  const [one, many] = NAMES[kind];
  const first = items[0]!;
  if (items.length === 1) {
    const label = FIX_LABEL[kind];
    return {
      kind,
      title: one,
      body: describe(first.event),
      deepLink: alertRoute(first.id),
      alertIds: [first.id],
      fix: label === undefined ? null : { alertId: first.id, label },
    };
  }
  const names = items.slice(0, SHOWN_SUBJECTS).map((i) => subject(i.event));
  const rest = items.length - names.length;
  return {
    kind,
    title: `${items.length} ${many}`,
    body: rest > 0 ? `${names.join(', ')} and ${rest} more` : names.join(', '),
    deepLink: ALERTS_ROUTE,
    alertIds: items.map((i) => i.id),
    fix: null,
  };
}

export class NotificationPolicy {
  private readonly groups = new Map<NotifyKind, Group>();

  constructor(
    private config: NotificationConfig,
    private readonly burstMs = DEFAULT_BURST_MS,
  ) {}

  private enabledFor(kind: NotifyKind): boolean {
    return this.config.enabled && this.config[TOGGLE[kind]];
  }

  private get intervalMs(): number {
    return this.config.minIntervalSeconds * 1000;
  }

  /** Turning a kind (or everything) off also drops what was held for it. */
  setConfig(config: NotificationConfig): void {
    this.config = config;
    for (const [kind, group] of this.groups) {
      if (!this.enabledFor(kind)) {
        group.pending.clear();
        group.dueAt = null;
      }
    }
  }

  /** Returns whether the event was taken (held for a notification). */
  offer(event: UiEvent, now: number): boolean {
    const kind = notifyKindOf(event);
    if (kind === null || event.event === 'state' || event.event === 'clean-progress' || !this.enabledFor(kind)) return false;
    const id = alertIdFor(event);
    if (id === null) return false;
    let group = this.groups.get(kind);
    if (group === undefined) {
      group = { pending: new Map(), dueAt: null, lastShownAt: null };
      this.groups.set(kind, group);
    }
    if (!group.pending.has(id)) group.pending.set(id, { id, event });
    if (group.dueAt === null) {
      const notBefore = group.lastShownAt === null ? now : group.lastShownAt + this.intervalMs;
      group.dueAt = Math.max(now + this.burstMs, notBefore);
    }
    return true;
  }

  /** The earliest moment `take` has something to return, or null when nothing is held. */
  nextDueAt(): number | null {
    let next: number | null = null;
    for (const group of this.groups.values()) if (group.dueAt !== null && (next === null || group.dueAt < next)) next = group.dueAt;
    return next;
  }

  /** The notifications due at `now`, one per kind; each kind's interval starts over from here. */
  take(now: number): PlannedNotification[] {
    const out: PlannedNotification[] = [];
    for (const [kind, group] of this.groups) {
      if (group.dueAt === null || group.dueAt > now) continue;
      const items = [...group.pending.values()];
      group.pending.clear();
      group.dueAt = null;
      if (items.length === 0) continue;
      group.lastShownAt = now;
      out.push(build(kind, items));
    }
    return out;
  }
}

/** Where Electron's Notification has action buttons: macOS (and Windows toasts); elsewhere a click opens the item. */
export function notificationActionsSupported(platform: NodeJS.Platform): boolean {
  return platform === 'darwin' || platform === 'win32';
}
