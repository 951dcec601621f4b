import type { TrayState, UiState } from '../../shared/index.js';
import type { JanitorDaemon } from '../daemon/janitor-daemon.js';

type DaemonSnapshot = ReturnType<JanitorDaemon['snapshot']>;

function clock(iso: string | null): string {
  if (!iso) return 'no sweep yet';
  // HH:MM:SS, local time.
  return `last sweep ${new Date(iso).toTimeString().slice(0, 8)}`;
}

/**
 * The one status the tray icon, its menu's first line and the window's header all show. Precedence: a pause the
 * user chose, then work in progress, then failures, then things needing attention.
 */
export function uiStateOf(snap: DaemonSnapshot, extra: { host: 'desktop' | 'web'; busy: boolean; lastFailed: boolean; alerts: number }): UiState {
  const sweeping = snap.sweeping || extra.busy;
  const counts = `${snap.agents} agent(s) in ${snap.tasks} task(s)`;
  let tray: TrayState;
  let message: string;
  if (snap.paused) {
    tray = 'paused';
    message = `Paused: nothing is cleaned automatically (${counts})`;
  } else if (extra.busy) {
    tray = 'working';
    message = `Cleaning… (${counts})`;
  } else if (snap.breakers.length > 0 || extra.lastFailed) {
    tray = 'error';
    message = snap.breakers.length > 0 ? `Cleanup failing: backing off ${snap.breakers.length} task(s)` : `The last cleanup had failures; see Activity`;
  } else if (extra.alerts > 0) {
    tray = 'attention';
    message = `${extra.alerts} alert(s) need attention; ${counts}`;
  } else {
    tray = 'idle';
    message = `All clean: ${counts}, ${clock(snap.lastSweepAt)}`;
  }
  return {
    tray,
    message,
    paused: snap.paused,
    sweeping,
    lastSweepAt: snap.lastSweepAt,
    agents: snap.agents,
    tasks: snap.tasks,
    alerts: extra.alerts,
    failures: snap.failures,
    watch: snap.watch,
    host: extra.host,
  };
}
