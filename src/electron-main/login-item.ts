import type { App } from 'electron';
import { applyAutostart, autostartPath, HIDDEN_FLAG, launchCommand } from './autostart.js';

/** config.startAtLogin: an XDG autostart entry on Linux, the OS login item on macOS and Windows. */
export async function applyStartAtLogin(app: App, enabled: boolean, env: NodeJS.ProcessEnv): Promise<string> {
  const command = launchCommand({ execPath: process.execPath, env, packaged: app.isPackaged, appPath: app.getAppPath() });
  if (process.platform === 'linux') {
    const file = autostartPath(env);
    return `${file}: ${await applyAutostart(enabled, file, command)}`;
  }
  // Windows passes `args` through a command line, so a path with spaces must be quoted; macOS ignores both.
  const args = command.slice(1).map((a) => (a === HIDDEN_FLAG ? a : `"${a}"`));
  app.setLoginItemSettings({ openAtLogin: enabled, path: command[0]!, args });
  return `login item ${enabled ? 'on' : 'off'}`;
}
