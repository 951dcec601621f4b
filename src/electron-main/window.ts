import type { App, Session } from 'electron';
import { BrowserWindow } from 'electron';
import { navigationAllowed, urlAtRoute, withCsp } from './window-policy.js';

/**
 * The one window, and the rules every web contents lives under. What is decided here (CSP, which navigation is
 * allowed, the window's URL at a route) is computed in `window-policy.ts`; this file only applies it.
 */

type Log = (level: 'info' | 'warn', message: string) => void;

export type WindowPaths = { indexPath: string; preloadPath: string; iconPath: string };

/** CSP on every response, and no permission (camera, notifications from the page, clipboard, ...) for any page. */
export function hardenSession(ses: Session, log: Log): void {
  ses.webRequest.onHeadersReceived((details, callback) => callback({ responseHeaders: withCsp(details.responseHeaders) }));
  ses.setPermissionRequestHandler((_contents, permission, callback) => {
    log('warn', `denied a permission request: ${permission}`);
    callback(false);
  });
  ses.setPermissionCheckHandler(() => false);
}

/** Every web contents (ours, or any a bug might create): no navigation away from the index, no new windows, no webviews. */
export function guardWebContents(app: App, indexPath: string, log: Log): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event) => {
      if (navigationAllowed(event.url, indexPath)) return;
      event.preventDefault();
      log('warn', `blocked navigation to ${event.url}`);
    });
    contents.on('will-redirect', (event) => {
      event.preventDefault();
      log('warn', `blocked redirect to ${event.url}`);
    });
    contents.on('will-attach-webview', (event) => {
      event.preventDefault();
      log('warn', 'blocked a webview');
    });
    contents.setWindowOpenHandler(({ url }) => {
      log('warn', `blocked window.open(${url})`);
      return { action: 'deny' };
    });
  });
}

export class MainWindow {
  private window: BrowserWindow | null = null;
  private closing = false;

  constructor(
    private readonly paths: WindowPaths,
    private readonly log: Log,
  ) {}

  get webContentsId(): number | null {
    return this.window !== null && !this.window.isDestroyed() ? this.window.webContents.id : null;
  }

  /** Opens (or focuses) the window; with a route, at that route (a hash change, so the renderer keeps its state). */
  show(route: string | null): void {
    if (this.window === null || this.window.isDestroyed()) {
      // The options stay literal here so Electronegativity can read them (npm run security:electron).
      const window = new BrowserWindow({
        width: 1180,
        height: 760,
        minWidth: 720,
        minHeight: 480,
        show: false,
        title: 'Agent Janitor',
        icon: this.paths.iconPath,
        autoHideMenuBar: true,
        webPreferences: {
          preload: this.paths.preloadPath,
          contextIsolation: true,
          sandbox: true,
          nodeIntegration: false,
          nodeIntegrationInWorker: false,
          nodeIntegrationInSubFrames: false,
          webSecurity: true,
          allowRunningInsecureContent: false,
          experimentalFeatures: false,
          webviewTag: false,
          navigateOnDragDrop: false,
          spellcheck: false,
          // A middle click must not open a link in a new window (window.open is denied too; this closes the other door).
          disableBlinkFeatures: 'Auxclick',
        },
      });
      window.once('ready-to-show', () => window.show());
      window.on('close', (event) => {
        // Closing the window leaves the app in the tray; only Quit ends it.
        if (this.closing) return;
        event.preventDefault();
        window.hide();
      });
      window.on('closed', () => {
        if (this.window === window) this.window = null;
      });
      this.window = window;
      this.load(window, route, 'loading');
      return;
    }
    if (route !== null) this.load(this.window, route, 'routing');
    if (this.window.isMinimized()) this.window.restore();
    this.window.show();
    this.window.focus();
  }

  private load(window: BrowserWindow, route: string | null, doing: 'loading' | 'routing'): void {
    void window
      .loadURL(urlAtRoute(this.paths.indexPath, route))
      .catch((error: unknown) => this.log('warn', `${doing} the window failed: ${String(error)}`));
  }

  send(channel: string, payload: unknown): void {
    if (this.window === null || this.window.isDestroyed()) return;
    const contents = this.window.webContents;
    if (!contents.isDestroyed()) contents.send(channel, payload);
  }

  /** From now on a close really closes (the app is quitting). */
  allowClose(): void {
    this.closing = true;
  }
}
