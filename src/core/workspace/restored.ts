import fs from 'node:fs';
import path from 'node:path';
import { appendLinesDurably } from '../base/durable-write.js';
import { readRegularFileSync } from '../base/safe-read.js';
import { taskFilePath } from '../base/task-folders.js';
import { RESTORED_FILE } from './layout.js';
import { jsonLines } from '../base/json-lines.js';

/**
 * Files the user restored from archive/ into the folder they came from. A restored file is named like a live log, so
 * without this list the next sweep would archive it straight back. A file is left alone only while it is the very
 * inode that was restored: replaced or rewritten under the same name by something else, it is the agent's again.
 */

export interface RestoredRecord {
  ts: string;
  /** Relative to the task folder, e.g. `progress/x_progress.jsonl`. */
  path: string;
  dev: number;
  ino: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

export function parseRestored(text: string): RestoredRecord[] {
  const out: RestoredRecord[] = [];
  for (const rec of jsonLines(text)) {
    if (
      isRecord(rec) &&
      typeof rec.path === 'string' &&
      typeof rec.ts === 'string' &&
      Number.isInteger(rec.dev) &&
      Number.isInteger(rec.ino)
    ) {
      out.push({ ts: rec.ts, path: rec.path, dev: rec.dev as number, ino: rec.ino as number });
    }
  }
  return out;
}

/** The restored files still in place (same device and inode), as `dir/name` paths. */
export function restoredInPlace(taskDir: string): Set<string> {
  const kept = new Set<string>();
  for (const rec of parseRestored(readRegularFileSync(path.join(taskDir, RESTORED_FILE)).toString('utf8'))) {
    const st = fs.lstatSync(path.join(taskDir, rec.path), { throwIfNoEntry: false });
    if (st?.isFile() && st.dev === rec.dev && st.ino === rec.ino) kept.add(rec.path);
  }
  return kept;
}

export async function recordRestored(taskDir: string, rel: string, st: { dev: number; ino: number }): Promise<void> {
  const line = JSON.stringify({ ts: new Date().toISOString(), path: rel, dev: st.dev, ino: st.ino } satisfies RestoredRecord);
  await appendLinesDurably(taskFilePath(taskDir, '', RESTORED_FILE), [line]);
}
