import path from 'node:path';
import { app, ipcMain, powerMonitor, session, shell } from 'electron';
import log from 'electron-log/main';
import { defaultConfig } from '../shared/config-schema.js';
import type { JanitorService, UiEvent } from '../shared/ui-contract.js';
import { IPC_EVENT_CHANNEL } from '../shared/ui-contract.js';
import type { Settings } from '../shared/ui-model.js';
import { HIDDEN_FLAG } from './autostart.js';
import { desktopService, lateService } from './desktop-service.js';
import { registerIpc } from './ipc.js';
import { applyStartAtLogin } from './login-item.js';
import { NotificationPolicy } from './notification-policy.js';
import { Notifier } from './notifier.js';
import { QuitDrain } from './quit-drain.js';
import { startEngine, type DesktopEngine } from './service-adapter.js';
import { TrayIcon } from './tray.js';
import { INITIAL_TRAY, PRODUCT_NAME, trayReduce, trayView, type TrayAction, type TrayInput } from './tray-state.js';
import { MainWindow, guardWebContents, hardenSession } from './window.js';
import { ROUTES, indexUrlOf } from './window-policy.js';
import { messageOf } from '../shared/errors.js';

/**
 * The Electron entry: wiring only. Every decision lives in a pure module beside this one (tray-state,
 * notification-policy, quit-drain, autostart, ipc-contract, open-path, window-policy), tested in plain Node.
 */

const APP_ID = 'dev.agentjanitor.app';

const say = (level: 'info' | 'warn' | 'error', message: string) => log[level](message);

function run(): void {
  const root = app.getAppPath();
  const indexPath = path.join(root, 'dist', 'renderer', 'index.html');
  const window = new MainWindow(
    { indexPath, preloadPath: path.join(root, 'dist', 'preload', 'preload.cjs'), iconPath: path.join(root, 'build', 'icon.png') },
    say,
  );
  let engine: DesktopEngine | null = null;
  let tray: TrayIcon | null = null;
  let model = INITIAL_TRAY;
  const update = (input: TrayInput) => {
    model = trayReduce(model, input);
    tray?.render(trayView(model, process.platform));
  };

  let resolveEngine: (service: JanitorService) => void = () => undefined;
  let rejectEngine: (error: Error) => void = () => undefined;
  const service = lateService(
    new Promise<JanitorService>((resolve, reject) => {
      resolveEngine = resolve;
      rejectEngine = reject;
    }),
  );

  const notifier = new Notifier({
    policy: new NotificationPolicy(defaultConfig().notifications),
    now: Date.now,
    open: (route) => window.show(route),
    fix: (id) => service.fixAlert({ id }),
    log: say,
  });
  const applySettings = (settings: Settings) => {
    notifier.setConfig(settings.config.notifications);
    applyStartAtLogin(app, settings.config.startAtLogin, process.env).then(
      (what) => say('info', `start at login: ${what}`),
      (error: unknown) => say('warn', `start at login could not be applied: ${messageOf(error)}`),
    );
  };

  const drain = new QuitDrain({
    close: async () => {
      notifier.stop();
      window.allowClose();
      await engine?.close();
    },
    exit: (code) => app.exit(code),
    setTimer: (fn, ms) => {
      const timer = setTimeout(fn, ms);
      return { cancel: () => clearTimeout(timer) };
    },
    log: say,
  });

  const onTrayAction = (action: TrayAction) => {
    const attempt = (work: () => Promise<unknown>) => {
      update({ type: 'action-started', action });
      work().then(
        () => update({ type: 'action-finished', action }),
        (error: unknown) => update({ type: 'action-finished', action, error: messageOf(error) }),
      );
    };
    switch (action) {
      case 'clean-now':
        return attempt(() => service.cleanNow({}));
      case 'toggle-pause':
        return attempt(async () =>
          update({ type: 'ui-event', event: { event: 'state', state: await service.setPaused({ paused: !(model.ui?.paused ?? false) }) } }),
        );
      case 'open-window':
        return window.show(null);
      case 'settings':
        return window.show(ROUTES.settings);
      case 'quit':
        return app.quit();
    }
  };

  app.on('second-instance', () => window.show(null));
  app.on('before-quit', (event) => void drain.onBeforeQuit(event));
  // A tray app outlives its window.
  app.on('window-all-closed', () => undefined);
  guardWebContents(app, indexPath, say);

  void app.whenReady().then(async () => {
    if (process.platform === 'win32') app.setAppUserModelId(APP_ID);
    hardenSession(session.defaultSession, say);
    const indexUrl = indexUrlOf(indexPath);
    registerIpc(
      ipcMain,
      service,
      () => ({ indexUrl, webContentsId: window.webContentsId }),
      (m) => say('warn', `ipc ${m}`),
    );
    tray = new TrayIcon(path.join(root, 'build', 'tray'), trayView(model, process.platform), onTrayAction);
    const hidden = process.argv.includes(HIDDEN_FLAG) || (process.platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin);
    if (!hidden) window.show(null);
    try {
      engine = await startEngine(process.env, (event) => log.info(JSON.stringify(event)));
      // Started paused on a first run: nothing is cleaned until the user has seen the plan and resumed.
      if (engine.firstRun && hidden) window.show(null);
    } catch (error) {
      say('error', `the engine did not start: ${messageOf(error)}`);
      update({ type: 'service-failed', message: messageOf(error) });
      rejectEngine(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    const desktop = desktopService(engine, {
      shell: { openPath: (p) => shell.openPath(p), showItemInFolder: (p) => shell.showItemInFolder(p) },
      onSettings: applySettings,
      cwd: process.cwd(),
    });
    desktop.subscribe((event: UiEvent) => {
      update({ type: 'ui-event', event });
      notifier.offer(event);
      window.send(IPC_EVENT_CHANNEL, event);
    });
    resolveEngine(desktop);
    update({ type: 'ui-event', event: { event: 'state', state: await desktop.getState({}) } });
    applySettings(await desktop.getSettings({}));
    powerMonitor.on('resume', () => engine?.reconcile());
  });
}

// The name decides the folders Electron and electron-log use (on Linux ~/.config/Agent Janitor/), packaged or not.
app.setName(PRODUCT_NAME);
log.errorHandler.startCatching();
if (app.requestSingleInstanceLock()) run();
else app.quit();
