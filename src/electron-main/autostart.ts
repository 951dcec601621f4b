import { mkdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { writeFileAtomic } from '../core/index.js';
import { errnoCode } from '../shared/errors.js';

/**
 * Start at login on Linux: an XDG autostart entry (freedesktop "Desktop Application Autostart"), which GNOME, KDE,
 * Xfce and most others honour. macOS and Windows use `app.setLoginItemSettings` instead (login-item.ts).
 */

const AUTOSTART_FILE = 'agent-janitor.desktop';
/** Passed by the autostart entry and the login item: start in the tray without opening the window. */
export const HIDDEN_FLAG = '--hidden';

/** `$XDG_CONFIG_HOME/autostart/agent-janitor.desktop`; the spec says a relative XDG_CONFIG_HOME is ignored. */
export function autostartPath(env: NodeJS.ProcessEnv, home: string = os.homedir()): string {
  const configured = env.XDG_CONFIG_HOME;
  const base = configured !== undefined && path.isAbsolute(configured) ? configured : path.join(env.HOME || home, '.config');
  return path.join(base, 'autostart', AUTOSTART_FILE);
}

/**
 * The command to start this app: inside an AppImage the executable lives in a temporary mount, so the AppImage's
 * own path (APPIMAGE) is what survives a reboot. An unpackaged run (`electron .`) also needs the app's folder.
 */
export function launchCommand(p: { execPath: string; env: NodeJS.ProcessEnv; packaged: boolean; appPath: string }): string[] {
  const exe = p.env.APPIMAGE && path.isAbsolute(p.env.APPIMAGE) ? p.env.APPIMAGE : p.execPath;
  return p.packaged ? [exe, HIDDEN_FLAG] : [exe, p.appPath, HIDDEN_FLAG];
}

/**
 * One Exec argument, per the Desktop Entry spec: always double-quoted, with `"`, `` ` ``, `$` and `\` escaped by a
 * backslash; then the string-value escape doubles every backslash. So a path with spaces, quotes or `$(...)` comes
 * back from the launcher as one argument, unchanged (checked against GLib's own launcher, `gio launch`).
 *
 * A `%` cannot be written: the spec leaves field codes (`%%` included) inside quotes undefined, and GLib then looks
 * for a program named with the `%%` still in it. Such a path, and a control character, are refused by name.
 */
export function quoteExecArg(arg: string): string {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(arg))
    throw new Error(`cannot write a control character into an autostart entry: ${JSON.stringify(arg)}`);
  if (arg.includes('%'))
    throw new Error(`cannot write a "%" into an autostart entry's command (desktop launchers would misread it): ${JSON.stringify(arg)}`);
  const quoted = `"${arg.replace(/(["`$\\])/g, '\\$1')}"`;
  return quoted.replace(/\\/g, '\\\\');
}

export function desktopEntry(command: readonly string[]): string {
  if (command.length === 0) throw new Error('autostart needs a command');
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Version=1.0',
    'Name=Agent Janitor',
    'Comment=Cleans up after AI coding agents run in tmux',
    `Exec=${command.map(quoteExecArg).join(' ')}`,
    'Icon=agent-janitor',
    'Terminal=false',
    'Categories=Development;Utility;',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

export type AutostartChange = 'written' | 'unchanged' | 'removed' | 'absent';

/** Writes (atomically, by rename) or removes the entry so that it matches `enabled`. */
export async function applyAutostart(enabled: boolean, file: string, command: readonly string[]): Promise<AutostartChange> {
  if (!enabled) {
    try {
      await rm(file);
      return 'removed';
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return 'absent';
      throw error;
    }
  }
  const content = desktopEntry(command);
  const current = await readFile(file, 'utf8').catch(() => null);
  if (current === content) return 'unchanged';
  await mkdir(path.dirname(file), { recursive: true });
  writeFileAtomic(file, content);
  return 'written';
}
