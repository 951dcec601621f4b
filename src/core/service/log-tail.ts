import fs from 'node:fs';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import type { ArchiveFile, FileTail } from '../../shared/index.js';
import { agentIdProblem } from '../base/guards.js';
import { openNoFollow } from '../archive/archive-io.js';
import { matchAgentFiles } from '../archive/file-match.js';
import { openRegularFileSync } from '../base/safe-read.js';
import { taskFilePath, withTaskFolder } from '../base/task-folders.js';
import { readLogEntries } from '../workspace/task-scan.js';
import { archiveRows, archivedPath, taskManifest } from '../archive/archive-catalog.js';
import { LOGS_DIR } from '../workspace/layout.js';

/** Enough to see what an agent was doing last, small enough to send over IPC at once. */
export const TAIL_BYTES = 64 * 1024;
/**
 * A compressed archive is opened only up to this many decompressed bytes: reading the tail means decompressing it
 * all, and a gzip bomb (14 MB to 3 GiB) would otherwise keep the engine busy for many seconds.
 */
export const MAX_OPEN_BYTES = 256 * 1024 * 1024;

/** The last TAIL_BYTES of a plain file, opened without following a symlink. */
function readTail(file: string): { text: string; bytes: number; truncated: boolean } {
  const { fd, stat } = openRegularFileSync(file);
  try {
    const length = Math.min(stat.size, TAIL_BYTES);
    const buf = Buffer.alloc(length);
    const read = fs.readSync(fd, buf, 0, length, stat.size - length);
    return { text: buf.subarray(0, read).toString('utf8'), bytes: stat.size, truncated: stat.size > length };
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * "Open logs": the tail of the agent's live log in logs/, or, once cleaned, of its archived copy. Files are opened
 * through the task folder's descriptor without following symlinks.
 */
export async function readLogTail(taskDir: string, agentId: string): Promise<FileTail> {
  const problem = agentIdProblem(agentId);
  if (problem) throw Object.assign(new Error(problem), { issues: [{ path: 'agentId', message: problem }] });
  return withTaskFolder(taskDir, async () => {
    // No logs/ (already cleaned) gives no live log: the archive below.
    const regular = readLogEntries(taskDir).filter((e) => e.kind === 'file');
    const live = matchAgentFiles(regular, new Set([agentId])).get(agentId) ?? [];
    const preferred = live.find((f) => f.name === `${agentId}_stream.jsonl`) ?? live[0];
    if (preferred) return { path: `${LOGS_DIR}/${preferred.name}`, ...readTail(taskFilePath(taskDir, LOGS_DIR, preferred.name)) };
    const archived = archiveRows(taskDir, await taskManifest(taskDir))
      .filter((r) => r.file.agentId === agentId)
      .sort((a, b) => (a.file.source.endsWith('_stream.jsonl') ? -1 : b.file.source.endsWith('_stream.jsonl') ? 1 : 0));
    const row = archived[0];
    const abs = row ? archivedPath(taskDir, row.file.path) : null;
    if (!row || abs === null) throw new Error(`${taskDir}: no log of ${agentId} in logs/ or archive/`);
    return archivedTail(abs, row.file, row.compressed);
  });
}

/**
 * The tail of an archived file at `abs` (one the manifest lists: callers look it up first), in either form: a
 * compressed one is streamed through gunzip keeping only the last TAIL_BYTES, so memory stays bounded whatever its size.
 */
export async function archivedTail(abs: string, file: ArchiveFile, compressed: boolean): Promise<FileTail> {
  if (!compressed) return { path: file.path, ...readTail(abs) };
  const input = await openNoFollow(abs);
  // The last chunks that hold at least TAIL_BYTES, joined once at the end: copying the kept tail on every chunk
  // made ~1.5 GiB of short-lived buffers for a 256 MiB file, and how much of it the process holds depends on when
  // the GC runs (on Node 24 up to V8's 64 MiB external-memory step).
  const kept: Buffer[] = [];
  let keptBytes = 0;
  let total = 0;
  try {
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        total += chunk.length;
        if (total > MAX_OPEN_BYTES) {
          done(new Error(`${file.path} decompresses to more than ${MAX_OPEN_BYTES / (1024 * 1024)} MiB; open it outside the window`));
          return;
        }
        kept.push(chunk);
        keptBytes += chunk.length;
        while (keptBytes - kept[0]!.length >= TAIL_BYTES) keptBytes -= kept.shift()!.length;
        done();
      },
    });
    await pipeline(input.createReadStream({ autoClose: false }), zlib.createGunzip(), sink);
  } finally {
    await input.close();
  }
  const tail = Buffer.concat(kept, keptBytes);
  return {
    path: file.path,
    text: tail.subarray(Math.max(0, tail.length - TAIL_BYTES)).toString('utf8'),
    bytes: total,
    truncated: total > TAIL_BYTES,
  };
}
