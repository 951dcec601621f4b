import type { TrayState, UiState } from '../../shared/index.js';
import type { JanitorDaemon } from '../daemon/janitor-daemon.js';

type DaemonSnapshot = ReturnType<JanitorDaemon['snapshot']>;

const count = (n: number, one: string): string => `${n} ${n === 1 ? one : `${one}s`}`;

function clock(iso: string | null): string {
  if (!iso) return 'no sweep yet';
  // HH:MM:SS, local time.
  return `last sweep ${new Date(iso).toTimeString().slice(0, 8)}`;
}

/**
 * The one status the tray icon, its menu's first line and the window's header all show. Precedence: a pause the
 * user chose, then work in progress, then failures, then things needing attention.
 */
export function uiStateOf(
  snap: DaemonSnapshot,
  extra: { host: 'desktop' | 'web'; busy: boolean; lastFailed: boolean; alerts: number },
): UiState {
  const sweeping = snap.sweeping || extra.busy;
  const counts = `${count(snap.agents, 'agent')} in ${count(snap.tasks, 'task')}`;
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
    message =
      snap.breakers.length > 0
        ? `Cleanup failing: backing off ${count(snap.breakers.length, 'task')}`
        : `The last cleanup had failures; see Activity`;
  } else if (extra.alerts > 0) {
    tray = 'attention';
    message = `${count(extra.alerts, 'alert')} ${extra.alerts === 1 ? 'needs' : 'need'} attention; ${counts}`;
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
