import type { UiEvent } from '../shared/ui-contract.js';
import type { TrayState, UiState } from '../shared/ui-model.js';

/**
 * The tray, as data: what the engine last said (UiState), plus what only the tray knows (an action it started is
 * still running, or failed). `tray.ts` maps the view onto Electron's Tray and Menu; everything here runs in plain
 * Node tests.
 */

export type TrayAction = 'clean-now' | 'toggle-pause' | 'open-window' | 'settings' | 'quit';

export type TrayModel = {
  ui: UiState | null;
  /** A tray action (Clean now, Pause/Resume) awaiting the engine's answer. */
  busy: TrayAction | null;
  /** The last tray action's failure, shown until the next action starts. */
  failure: string | null;
  /** The engine could not start (or died): nothing in the menu can work but Open window and Quit. */
  serviceError: string | null;
};

export type TrayInput =
  | { type: 'ui-event'; event: UiEvent }
  | { type: 'action-started'; action: TrayAction }
  | { type: 'action-finished'; action: TrayAction; error?: string }
  | { type: 'service-failed'; message: string };

export type MenuItemModel = { kind: 'item'; id: 'status' | TrayAction; label: string; enabled: boolean } | { kind: 'separator' };

export type TrayView = {
  state: TrayState;
  /** The status line: the menu's first line and the tooltip's text. */
  message: string;
  tooltip: string;
  /** File name under build/tray/ (macOS gets template images, which the menu bar recolours). */
  icon: string;
  menu: MenuItemModel[];
};

export const INITIAL_TRAY: TrayModel = { ui: null, busy: null, failure: null, serviceError: null };

export const PRODUCT_NAME = 'Agent Janitor';
/** Windows truncates a tray tooltip past 127 characters (NOTIFYICONDATA.szTip is 128 with the NUL). */
export const TOOLTIP_MAX = 127;

const ACTION_NAMES: Record<TrayAction, string> = {
  'clean-now': 'Clean now',
  'toggle-pause': 'Pause/Resume',
  'open-window': 'Open window',
  settings: 'Settings',
  quit: 'Quit',
};

export function trayReduce(model: TrayModel, input: TrayInput): TrayModel {
  switch (input.type) {
    case 'ui-event':
      // Daemon events reach the tray through the state the engine derives from them; only 'state' moves it.
      return input.event.event === 'state' ? { ...model, ui: input.event.state, serviceError: null } : model;
    case 'action-started':
      return { ...model, busy: input.action, failure: null };
    case 'action-finished':
      return {
        ...model,
        busy: model.busy === input.action ? null : model.busy,
        failure: input.error === undefined ? null : `${ACTION_NAMES[input.action]} failed: ${input.error}`,
      };
    case 'service-failed':
      return { ...model, busy: null, serviceError: input.message };
  }
}

function stateAndMessage(model: TrayModel): { state: TrayState; message: string } {
  if (model.serviceError !== null) return { state: 'error', message: `Engine stopped: ${model.serviceError}` };
  if (model.failure !== null) return { state: 'error', message: model.failure };
  if (model.ui === null) return { state: 'working', message: 'Starting…' };
  if (model.busy === 'clean-now') return { state: 'working', message: 'Cleaning…' };
  return { state: model.ui.tray, message: model.ui.message };
}

export function trayIconFile(state: TrayState, platform: NodeJS.Platform): string {
  if (platform === 'darwin') return state === 'idle' ? 'trayTemplate.png' : `tray-${state}Template.png`;
  return `tray-${state}.png`;
}

function tooltipOf(message: string): string {
  const text = `${PRODUCT_NAME}: ${message}`;
  return text.length <= TOOLTIP_MAX ? text : `${text.slice(0, TOOLTIP_MAX - 1)}…`;
}

export function trayView(model: TrayModel, platform: NodeJS.Platform): TrayView {
  const { state, message } = stateAndMessage(model);
  const ui = model.ui;
  const engineUp = ui !== null && model.serviceError === null;
  const paused = ui?.paused ?? false;
  const menu: MenuItemModel[] = [
    { kind: 'item', id: 'status', label: message, enabled: false },
    { kind: 'separator' },
    { kind: 'item', id: 'clean-now', label: 'Clean now', enabled: engineUp && model.busy === null && !ui.sweeping },
    { kind: 'item', id: 'toggle-pause', label: paused ? 'Resume' : 'Pause', enabled: engineUp && model.busy === null },
    { kind: 'item', id: 'open-window', label: 'Open window', enabled: true },
    { kind: 'item', id: 'settings', label: 'Settings', enabled: true },
    { kind: 'separator' },
    { kind: 'item', id: 'quit', label: 'Quit', enabled: true },
  ];
  return { state, message, tooltip: tooltipOf(message), icon: trayIconFile(state, platform), menu };
}
