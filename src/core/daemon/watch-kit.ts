import fs from 'node:fs';
import { errnoCode } from '../../shared/errors.js';
import { STATE_DB_FILE } from '../workspace/layout.js';

/** fs.watch's shape; injectable so a test can make the kernel's refusal of a watch happen on demand. */
export type WatchFn = (dir: string, listener: (event: string, filename: string | null) => void) => fs.FSWatcher;

export const nodeWatch: WatchFn = (dir, listener) => fs.watch(dir, { persistent: true }, listener);

/** Errors that mean "the kernel will not give us more watches": inotify's per-user watch or instance limit. */
export function isWatchLimit(err: unknown): boolean {
  const code = errnoCode(err);
  return code === 'ENOSPC' || code === 'EMFILE';
}

/** The state database's files in `registry/`: a commit appends to the WAL, a checkpoint rewrites the database. */
export const DB_FILES: readonly string[] = [STATE_DB_FILE, `${STATE_DB_FILE}-wal`];

/** What one workspace base reports, whichever way it is watched. */
export interface BaseEvents {
  /** A `TASK-*` folder was created, or renamed over (a new inode: its registry must be watched afresh). */
  taskAppeared(taskDir: string): void;
  taskVanished(taskDir: string): void;
  /** The base itself went away: every task in it with it. */
  baseVanished(base: string): void;
  /** The state database (or its WAL) was written, created or removed. */
  databaseChanged(base: string): void;
  /** Changes may have been missed (an event without a name): only a full reconcile can tell what changed. */
  lost(reason: string): void;
  /** A watch failed; a limit error makes the owner fall back to polling. */
  failed(err: unknown): void;
}

/**
 * statfs magic numbers of file systems whose changes inotify does not see when another machine (or the host of a
 * VM) makes them: NFS, SMB/CIFS, 9p (WSL2's Windows drives, VM shares), Ceph. There the watcher polls from the start.
 */
const REMOTE_FILE_SYSTEMS = new Map<number, string>([
  [0x6969, 'nfs'],
  [0x517b, 'smb'],
  [0xff534d42, 'cifs'],
  [0xfe534d42, 'smb2'],
  [0x01021997, '9p'],
  [0x00c36400, 'ceph'],
]);

/** The name of the remote file system `dir` lies on, or null (local, or unknown: events are trusted). */
export function remoteFileSystem(dir: string): string | null {
  try {
    return REMOTE_FILE_SYSTEMS.get(fs.statfsSync(dir).type) ?? null;
  } catch {
    return null;
  }
}
