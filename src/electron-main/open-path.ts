import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { isInside } from '../core/index.js';
import type { FixResult } from '../shared/ui-contract.js';
import { errnoCode } from '../shared/errors.js';

/**
 * `openPath` is served by the main process (the engine cannot reach the desktop's file manager), and only for
 * files inside the configured roots: the renderer names the path, so a compromised renderer must not be able to
 * open `/etc/shadow`'s folder, nor run a program by "opening" it.
 */

export type OpenPathPorts = {
  /** shell.openPath: resolves to '' on success, else an error message. */
  openPath(p: string): Promise<string>;
  /** shell.showItemInFolder. */
  showItemInFolder(p: string): void;
};

/** Files the OS may open with their default application: text-like data the janitor itself writes or archives. */
const OPENABLE_EXTENSIONS: ReadonlySet<string> = new Set(['.log', '.txt', '.json', '.jsonl', '.md', '.gz', '.csv', '.out', '.err']);

export type Confined = { ok: true; path: string; isDirectory: boolean; openable: boolean } | { ok: false; message: string };

/**
 * Resolves `requested` (absolute only) through symlinks and checks that it lies inside one of the roots (also
 * resolved). `openable` says whether opening (not just revealing) is safe: a folder, or a non-executable file with
 * a data extension.
 */
export async function confinePath(requested: string, roots: readonly string[]): Promise<Confined> {
  if (!path.isAbsolute(requested)) return { ok: false, message: `not an absolute path: ${requested}` };
  if (requested.includes('\0')) return { ok: false, message: 'path holds a NUL byte' };
  let real: string;
  try {
    real = await realpath(path.resolve(requested));
  } catch (error) {
    return { ok: false, message: `cannot open ${requested}: ${errnoCode(error) ?? String(error)}` };
  }
  const realRoots: string[] = [];
  for (const root of roots) {
    const resolved = await realpath(path.resolve(root)).catch(() => null);
    if (resolved !== null) realRoots.push(resolved);
  }
  if (!realRoots.some((root) => isInside(root, real)))
    return { ok: false, message: `refused: ${requested} is outside the configured roots` };
  const info = await stat(real);
  const isDirectory = info.isDirectory();
  const executable = process.platform !== 'win32' && (info.mode & 0o111) !== 0;
  const openable = isDirectory || (info.isFile() && !executable && OPENABLE_EXTENSIONS.has(path.extname(real).toLowerCase()));
  return { ok: true, path: real, isDirectory, openable };
}

export async function openConfined(
  input: { path: string; reveal: boolean },
  roots: readonly string[],
  ports: OpenPathPorts,
): Promise<FixResult> {
  const confined = await confinePath(input.path, roots);
  if (!confined.ok) return { ok: false, message: confined.message };
  if (input.reveal) {
    ports.showItemInFolder(confined.path);
    return { ok: true, message: `revealed ${confined.path}` };
  }
  if (!confined.openable)
    return { ok: false, message: `refused to open ${confined.path} (not a folder or a known data file); reveal it instead` };
  const error = await ports.openPath(confined.path);
  return error === ''
    ? { ok: true, message: `opened ${confined.path}` }
    : { ok: false, message: `could not open ${confined.path}: ${error}` };
}
