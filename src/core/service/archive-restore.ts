import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { HashTap, fsyncDir, linkNoReplace, openNoFollow, unlinkQuiet } from '../archive/archive-io.js';
import { recordRestored } from '../workspace/restored.js';
import { taskFolderPath } from '../base/task-folders.js';
import { isAgentFileDir } from '../workspace/task-scan.js';
import { withListedFile } from '../archive/archive-catalog.js';
import { journalUserAction } from '../archive/user-journal.js';
import { AGENT_FILE_DIRS, LOGS_DIR, type AgentFileDir } from '../workspace/layout.js';

/** The manifest's source of the pane's scrollback: `tmux:<session>`. */
const SCROLLBACK_PREFIX = 'tmux:';

function plainName(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && !name.includes('/') && !name.includes('\0');
}

/**
 * Where a restored file goes (SPEC.md: back into the folder it came from): the manifest's `<dir>/<name>` for an
 * agent file, logs/ for the scrollback under its archived name. Anything else is refused: the manifest lives in the
 * workspace, so a source like `../x` or `archive/x` must never choose where bytes are written.
 */
export function restoreTarget(source: string, archivePath: string, compressed: boolean): { dir: AgentFileDir; name: string } {
  if (source.startsWith(SCROLLBACK_PREFIX)) {
    const base = path.posix.basename(archivePath);
    return { dir: LOGS_DIR, name: compressed && base.endsWith('.gz') ? base.slice(0, -'.gz'.length) : base };
  }
  const slash = source.indexOf('/');
  const dir = source.slice(0, slash);
  const name = source.slice(slash + 1);
  if (slash < 0 || !isAgentFileDir(dir) || !plainName(name)) {
    const known = AGENT_FILE_DIRS.map((d) => `${d}/`).join(', ');
    throw new Error(
      `${archivePath}: its recorded source ${JSON.stringify(source)} is not a file of ${known} or a tmux scrollback; not restored`,
    );
  }
  return { dir, name };
}

/** Copies (decompressing if need be) into a new temp (O_EXCL), fsynced, and returns the sha256 of what was written. */
async function copyOut(abs: string, compressed: boolean, temp: string): Promise<string> {
  const hasher = new HashTap();
  const input = await openNoFollow(abs);
  try {
    const read = input.createReadStream({ autoClose: false });
    // 'wx' is O_EXCL, which never follows a symlink; flush fsyncs before the stream closes its descriptor.
    const write = fs.createWriteStream(temp, { flags: 'wx', mode: 0o644, flush: true });
    if (compressed) await pipeline(read, zlib.createGunzip(), hasher, write);
    else await pipeline(read, hasher, write);
  } finally {
    await input.close();
  }
  return hasher.hash.digest('hex');
}

/**
 * Puts an archived file back where it came from: decompressed into a temp file in that folder, checked against the
 * sha256 recorded at archiving time, linked in without replacing anything (a name taken gets `~N`), and recorded as
 * restored, so the next sweep leaves it there instead of archiving it straight back.
 */
export async function restoreArchive(roots: readonly string[], taskDir: string, rel: string): Promise<string> {
  return withListedFile(roots, taskDir, rel, async ({ ref, file, abs, compressed }) => {
    const target = restoreTarget(file.source, file.path, compressed);
    // The folder it came from, created if missing, through the task folder's descriptor (a symlink is refused).
    const dir = taskFolderPath(ref.dir, target.dir, true);
    const temp = path.join(dir, `.aj-restore-${process.pid}-${crypto.randomBytes(6).toString('hex')}`);
    try {
      const digest = await copyOut(abs, compressed, temp);
      if (digest !== file.sha256)
        throw new Error(
          `${path.join(ref.dir, file.path)}: content does not match its manifest (sha256 ${digest}, recorded ${file.sha256}); not restored`,
        );
      const { final } = await linkNoReplace(temp, dir, target.name, '', async () => false);
      await fsyncDir(dir);
      const restored = `${target.dir}/${final}`;
      await recordRestored(ref.dir, restored, fs.lstatSync(path.join(dir, final)));
      await journalUserAction({ taskDir: ref.dir }, file.agentId, 'restored by the user', [
        { kind: 'restore-archive', target: file.path, outcome: 'done', detail: `to ${restored}` },
      ]);
      return restored;
    } finally {
      await unlinkQuiet(temp);
    }
  });
}
