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

/** The alert a daemon event raises, or null for events that raise none (sweeps, actions, ready...). */
export function alertIdFor(event: DaemonEvent): string | null {
  switch (event.event) {
    case 'orphan':
      return alertIdForOrphan(event.orphan);
    case 'idle-warning':
      return `idle-warning:${event.task}/${event.agentId}`;
    case 'stalled':
      return `stalled:${event.step}`;
    case 'breaker':
      return `breaker:${event.task}`;
    case 'error':
      return `error:${event.error.path}`;
    default:
      return null;
  }
}
