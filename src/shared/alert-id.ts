import type { DaemonEvent } from './daemon-schema.js';
import type { Orphan } from './report-schema.js';

/**
 * Stable alert ids, shared by the engine's Alerts list and the tray's notifications: a notification's click opens
 * `#/alerts/<id>` and finds the same item there.
 */
export function alertIdForOrphan(o: Orphan): string {
  switch (o.kind) {
    case 'orphan-session':
      return `orphan-session:${o.sessionId}`;
    case 'ghost-agent':
      return `ghost-agent:${o.task}/${o.agentId}`;
    case 'suspect':
      return `suspect:${o.pid}`;
    case 'zombie':
      return `zombie:${o.pid}`;
    case 'leftover-process':
      return `leftover-process:${o.agentId}:${o.pid}`;
  }
}

/** The ids of alerts that come from no orphan: one spelling for the engine's list and the tray's notifications. */
export const alertIds = {
  idleWarning: (task: string, agentId: string): string => `idle-warning:${task}/${agentId}`,
  stalled: (step: string): string => `stalled:${step}`,
  breaker: (task: string): string => `breaker:${task}`,
  error: (path: string): string => `error:${path}`,
};

/** The alert a daemon event raises, or null for events that raise none (sweeps, actions, ready...). */
export function alertIdFor(event: DaemonEvent): string | null {
  switch (event.event) {
    case 'orphan':
      return alertIdForOrphan(event.orphan);
    case 'idle-warning':
      return alertIds.idleWarning(event.task, event.agentId);
    case 'stalled':
      return alertIds.stalled(event.step);
    case 'breaker':
      return alertIds.breaker(event.task);
    case 'error':
      return alertIds.error(event.error.path);
    default:
      return null;
  }
}

/** The window's route for the alerts list. */
export const ALERTS_ROUTE = '#/alerts';

/** The window's route for one alert (a notification's deep link); ids hold '/' and ':', so they are one encoded segment. */
export function alertRoute(alertId: string): string {
  return `${ALERTS_ROUTE}/${encodeURIComponent(alertId)}`;
}

/** The alert id in a route made by `alertRoute`, or null for any other hash. */
export function alertIdFromRoute(hash: string): string | null {
  const prefix = `${ALERTS_ROUTE}/`;
  if (!hash.startsWith(prefix) || hash.length === prefix.length) return null;
  try {
    return decodeURIComponent(hash.slice(prefix.length));
  } catch {
    return null;
  }
}
