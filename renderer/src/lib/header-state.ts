import type { UiState } from '../../../src/shared/index.js';
import type { Link } from './bridge-link.js';
import { stepLabel } from './clean-steps.js';

/** The one state the header names; the tray dot's colour follows it. */
export type HeaderKind = 'connecting' | 'disconnected' | 'sweeping' | 'paused' | 'error' | 'attention' | 'idle';

export interface HeaderStatus {
  kind: HeaderKind;
  /** One word or two, shown first: "Sweeping", "Disconnected". */
  label: string;
  /** The line after it. */
  text: string;
}

const LABELS: Record<HeaderKind, string> = {
  connecting: 'Connecting',
  disconnected: 'Disconnected',
  sweeping: 'Sweeping',
  paused: 'Paused',
  error: 'Error',
  attention: 'Needs attention',
  idle: 'Idle',
};

/** The engine's message often starts with the same word ("Paused: nothing is cleaned…"): said once is enough. */
function status(kind: HeaderKind, text: string): HeaderStatus {
  const label = LABELS[kind];
  const rest = text.startsWith(`${label}: `) ? text.slice(label.length + 2) : text;
  return { kind, label, text: rest.charAt(0).toUpperCase() + rest.slice(1) };
}

/**
 * What the header says. A lost link comes first: the last state received may no longer be true. Then a sweep in
 * progress, even while paused (a Clean now runs then too): what the janitor is doing right now. `step` is the
 * running cleanup's current step (the `clean-progress` event: a Clean now's, or one of the daemon's own sweeps').
 */
export function headerStatus(state: UiState | null, link: Link, step: string | null): HeaderStatus {
  if (link === 'lost') return status('disconnected', 'The janitor cannot be reached; reconnecting…');
  if (!state) return status('connecting', 'Connecting to the janitor…');
  if (state.sweeping) {
    if (step) return status('sweeping', `${stepLabel(step)}…`);
    return status('sweeping', state.tray === 'working' ? 'Cleaning…' : 'Checking the agents and cleaning those that finished…');
  }
  if (state.paused) return status('paused', state.message);
  if (state.tray === 'error') return status('error', state.message);
  if (state.tray === 'attention') return status('attention', state.message);
  return status('idle', state.message);
}
