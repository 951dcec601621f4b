import path from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import { Menu, Tray, nativeImage } from 'electron';
import type { TrayAction, TrayView } from './tray-state.js';

/** Maps a TrayView (tray-state.ts) onto Electron's Tray; rebuilds only what changed. */
export class TrayIcon {
  private readonly tray: Tray;
  private icon = '';
  private tooltip = '';
  private menuKey = '';

  constructor(
    private readonly iconDir: string,
    first: TrayView,
    private readonly onAction: (action: TrayAction) => void,
  ) {
    this.tray = new Tray(this.image(first.icon));
    this.icon = first.icon;
    // Windows opens a tray app's window on a left click; macOS and Linux show the menu.
    if (process.platform === 'win32') this.tray.on('click', () => onAction('open-window'));
    this.render(first);
  }

  private image(file: string) {
    // Electron picks `name@2x.png` beside `name.png` on HiDPI screens, and treats `*Template.png` as a macOS template.
    return nativeImage.createFromPath(path.join(this.iconDir, file));
  }

  render(view: TrayView): void {
    if (view.icon !== this.icon) {
      this.tray.setImage(this.image(view.icon));
      this.icon = view.icon;
    }
    if (view.tooltip !== this.tooltip) {
      this.tray.setToolTip(view.tooltip);
      this.tooltip = view.tooltip;
    }
    const key = JSON.stringify(view.menu);
    if (key === this.menuKey) return;
    this.menuKey = key;
    const template: MenuItemConstructorOptions[] = view.menu.map((item) => {
      if (item.kind === 'separator') return { type: 'separator' };
      const id = item.id;
      return id === 'status'
        ? { label: item.label, enabled: false }
        : { label: item.label, enabled: item.enabled, click: () => this.onAction(id) };
    });
    this.tray.setContextMenu(Menu.buildFromTemplate(template));
  }

  destroy(): void {
    this.tray.destroy();
  }
}
