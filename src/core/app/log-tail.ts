import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { ArchiveFile, FileTail } from '../../shared/index.js';
import { agentIdProblem } from '../guards.js';
import { matchAgentFiles } from '../archive/file-match.js';
import { openRegularFileSync } from '../safe-read.js';
import { LOGS_DIR, readLogEntries } from '../task-scan.js';
import { archivedFiles } from './archives.js';

/** Enough to see what an agent was doing last, small enough to send over IPC at once. */
export const TAIL_BYTES = 64 * 1024;

function tailOf(buf: Buffer, total: number): { text: string; bytes: number; truncated: boolean } {
  const start = Math.max(0, buf.length - TAIL_BYTES);
  return { text: buf.subarray(start).toString('utf8'), bytes: total, truncated: start > 0 };
}

/**
 * "Open logs": the tail of the agent's live log in logs/, or, once cleaned, of its archived copy. Files are opened
 * without following symlinks.
 */
export async function readLogTail(taskDir: string, agentId: string): Promise<FileTail> {
  const problem = agentIdProblem(agentId);
  if (problem) throw Object.assign(new Error(problem), { issues: [{ path: 'agentId', message: problem }] });
  // No logs/ (already cleaned) gives no live log: the archive below.
  const regular = readLogEntries(taskDir).filter((e) => e.kind === 'file');
  const live = matchAgentFiles(regular, new Set([agentId])).get(agentId) ?? [];
  const preferred = live.find((f) => f.name === `${agentId}_stream.jsonl`) ?? live[0];
  if (preferred) {
    const rel = `${LOGS_DIR}/${preferred.name}`;
    const { fd, stat } = openRegularFileSync(path.join(taskDir, rel));
    try {
      const length = Math.min(stat.size, TAIL_BYTES);
      const buf = Buffer.alloc(length);
      fs.readSync(fd, buf, 0, length, stat.size - length);
      return { path: rel, ...tailOf(buf, stat.size) };
    } finally {
      fs.closeSync(fd);
    }
  }
  const archived = (await archivedFiles(taskDir)).filter((f) => f.agentId === agentId).sort((a, b) => (a.source.endsWith('_stream.jsonl') ? -1 : b.source.endsWith('_stream.jsonl') ? 1 : 0));
  const file = archived[0];
  if (!file) throw new Error(`${taskDir}: no log of ${agentId} in logs/ or archive/`);
  return archivedTail(taskDir, file);
}

/** The decompressed tail of an archived file (one the manifest lists: callers look it up first). */
export function archivedTail(taskDir: string, file: ArchiveFile): FileTail {
  const { fd } = openRegularFileSync(path.join(taskDir, file.path));
  let data: Buffer;
  try {
    data = fs.readFileSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  const plain = file.path.endsWith('.gz') ? zlib.gunzipSync(data) : data;
  return { path: file.path, ...tailOf(plain, plain.length) };
}
