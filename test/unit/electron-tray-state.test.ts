import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TrayStateSchema, type TrayState, type UiState } from '../../src/shared/ui-model.js';
import {
  INITIAL_TRAY,
  TOOLTIP_MAX,
  trayIconFile,
  trayReduce,
  trayView,
  type MenuItemModel,
  type TrayModel,
} from '../../src/electron-main/tray-state.js';

function ui(over: Partial<UiState> = {}): UiState {
  return {
    tray: 'idle',
    message: 'All clean: 3 agents running',
    paused: false,
    sweeping: false,
    lastSweepAt: null,
    agents: 3,
    tasks: 1,
    alerts: 0,
    failures: 0,
    watch: 'inotify',
    host: 'desktop',
    ...over,
  };
}
const withUi = (state: UiState): TrayModel => trayReduce(INITIAL_TRAY, { type: 'ui-event', event: { event: 'state', state } });
const items = (menu: MenuItemModel[]) => menu.filter((m): m is Extract<MenuItemModel, { kind: 'item' }> => m.kind === 'item');
const item = (menu: MenuItemModel[], id: string) => items(menu).find((m) => m.id === id)!;

describe('tray state', () => {
  it('shows every state the engine reports, with its icon, and the message as the disabled first menu line', () => {
    for (const state of TrayStateSchema.options) {
      const message = `engine says ${state}`;
      const view = trayView(withUi(ui({ tray: state, message, paused: state === 'paused' })), 'linux');
      assert.equal(view.state, state);
      assert.equal(view.icon, `tray-${state}.png`);
      assert.deepEqual(view.menu[0], { kind: 'item', id: 'status', label: message, enabled: false });
      assert.equal(view.tooltip, `Agent Janitor: ${message}`);
    }
  });

  it('lists Clean now, Pause/Resume, Open window, Settings, Quit after the status, in that order', () => {
    const view = trayView(withUi(ui()), 'linux');
    assert.deepEqual(
      items(view.menu).map((m) => m.label),
      ['All clean: 3 agents running', 'Clean now', 'Pause', 'Open window', 'Settings', 'Quit'],
    );
  });

  it('labels the pause item after the state: Pause while running, Resume while paused', () => {
    assert.equal(item(trayView(withUi(ui({ paused: false })), 'linux').menu, 'toggle-pause').label, 'Pause');
    const paused = trayView(withUi(ui({ paused: true, tray: 'paused', message: 'Paused' })), 'linux');
    assert.equal(item(paused.menu, 'toggle-pause').label, 'Resume');
    assert.equal(paused.state, 'paused');
  });

  it('is working while starting, with nothing but Open window, Settings and Quit enabled', () => {
    const view = trayView(INITIAL_TRAY, 'linux');
    assert.equal(view.state, 'working');
    assert.equal(item(view.menu, 'status').label, 'Starting…');
    assert.equal(item(view.menu, 'clean-now').enabled, false);
    assert.equal(item(view.menu, 'toggle-pause').enabled, false);
    assert.equal(item(view.menu, 'open-window').enabled, true);
    assert.equal(item(view.menu, 'quit').enabled, true);
  });

  it('is working while its own Clean now runs, and Clean now cannot be pressed twice', () => {
    const busy = trayReduce(withUi(ui()), { type: 'action-started', action: 'clean-now' });
    const view = trayView(busy, 'linux');
    assert.equal(view.state, 'working');
    assert.equal(item(view.menu, 'status').label, 'Cleaning…');
    assert.equal(item(view.menu, 'clean-now').enabled, false);
    const done = trayReduce(busy, { type: 'action-finished', action: 'clean-now' });
    assert.equal(trayView(done, 'linux').state, 'idle');
    assert.equal(item(trayView(done, 'linux').menu, 'clean-now').enabled, true);
  });

  it('disables Clean now while the engine sweeps', () => {
    assert.equal(item(trayView(withUi(ui({ sweeping: true, tray: 'working' })), 'linux').menu, 'clean-now').enabled, false);
  });

  it('shows a failed tray action as an error, until the next action starts', () => {
    const failed = trayReduce(trayReduce(withUi(ui()), { type: 'action-started', action: 'clean-now' }), {
      type: 'action-finished',
      action: 'clean-now',
      error: 'tmux timed out',
    });
    const view = trayView(failed, 'linux');
    assert.equal(view.state, 'error');
    assert.equal(item(view.menu, 'status').label, 'Clean now failed: tmux timed out');
    // a state update alone does not hide the failure
    const later = trayReduce(failed, { type: 'ui-event', event: { event: 'state', state: ui() } });
    assert.equal(trayView(later, 'linux').state, 'error');
    const retried = trayReduce(later, { type: 'action-started', action: 'toggle-pause' });
    assert.equal(trayView(retried, 'linux').state, 'idle');
  });

  it('shows an engine that failed to start as an error and keeps only window and quit usable', () => {
    const down = trayReduce(INITIAL_TRAY, { type: 'service-failed', message: 'another agent-janitor daemon already runs' });
    const view = trayView(down, 'linux');
    assert.equal(view.state, 'error');
    assert.match(item(view.menu, 'status').label, /Engine stopped: another agent-janitor daemon already runs/);
    assert.equal(item(view.menu, 'clean-now').enabled, false);
    assert.equal(item(view.menu, 'toggle-pause').enabled, false);
    assert.equal(item(view.menu, 'quit').enabled, true);
  });

  it('ignores daemon events other than state (the engine folds them into its state)', () => {
    const model = withUi(ui());
    const after = trayReduce(model, {
      type: 'ui-event',
      event: { event: 'stalled', ts: 'x', step: 'archive', runningMs: 40_000, limitMs: 30_000 },
    });
    assert.equal(after, model);
  });

  it('uses template images on macOS and coloured icons elsewhere', () => {
    const states: TrayState[] = ['idle', 'working', 'attention', 'paused', 'error'];
    assert.deepEqual(
      states.map((s) => trayIconFile(s, 'darwin')),
      ['trayTemplate.png', 'tray-workingTemplate.png', 'tray-attentionTemplate.png', 'tray-pausedTemplate.png', 'tray-errorTemplate.png'],
    );
    assert.deepEqual(
      states.map((s) => trayIconFile(s, 'win32')),
      states.map((s) => `tray-${s}.png`),
    );
  });

  it('keeps the tooltip within the Windows limit', () => {
    const view = trayView(withUi(ui({ message: 'x'.repeat(500) })), 'win32');
    assert.equal(view.tooltip.length, TOOLTIP_MAX);
    assert.ok(view.tooltip.endsWith('…'));
    assert.equal(item(view.menu, 'status').label, 'x'.repeat(500));
  });
});
