import fs from 'node:fs';
import path from 'node:path';
import type { DiskUsage } from '../../shared/index.js';
import { appendLinesDurably } from '../base/durable-write.js';
import { discoverTasks } from '../workspace/discovery.js';
import { workspaceBases } from '../workspace/roots.js';
import { mapPool } from '../base/pool.js';
import { ARCHIVE_DIR, LOGS_DIR } from '../workspace/layout.js';
import { jsonLines } from '../base/json-lines.js';

type Split = { logs: number; archive: number; other: number };
type Sample = DiskUsage['history'][number];

export const HISTORY_FILE = 'disk-history.jsonl';
/** One sample per this interval at most, so a window left open does not grow the file. */
const SAMPLE_EVERY_MS = 10 * 60 * 1000;
const HISTORY_KEEP = 2000;

/** Bytes under a folder, by lstat: symlinks count as themselves and are never followed out of the workspace. */
async function du(dir: string): Promise<number> {
  let total = 0;
  const stack = [dir];
  while (stack.length > 0) {
    const current = stack.pop()!;
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(current, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      const p = path.join(current, e.name);
      if (e.isDirectory()) stack.push(p);
      else total += (await fs.promises.lstat(p).catch(() => null))?.size ?? 0;
    }
  }
  return total;
}

async function taskSplit(taskDir: string): Promise<Split> {
  const split: Split = { logs: 0, archive: 0, other: 0 };
  let entries: fs.Dirent[];
  try {
    entries = await fs.promises.readdir(taskDir, { withFileTypes: true });
  } catch {
    return split;
  }
  for (const e of entries) {
    const p = path.join(taskDir, e.name);
    const bytes = e.isDirectory() ? await du(p) : ((await fs.promises.lstat(p).catch(() => null))?.size ?? 0);
    if (e.isDirectory() && e.name === LOGS_DIR) split.logs += bytes;
    else if (e.isDirectory() && e.name === ARCHIVE_DIR) split.archive += bytes;
    else split.other += bytes;
  }
  return split;
}

function readHistory(stateDir: string): Sample[] {
  let text: string;
  try {
    text = fs.readFileSync(path.join(stateDir, HISTORY_FILE), 'utf8');
  } catch {
    return [];
  }
  return jsonLines(text.split('\n').slice(-HISTORY_KEEP).join('\n')) as Sample[];
}

/**
 * Per root and per task, split into logs, archive and everything else, with the file system's free space. Each
 * call may add a sample (at most one per 10 minutes) to the state dir's history, which the chart draws.
 */
export async function diskUsage(
  roots: readonly string[],
  stateDir: string,
  reclaimableBytes: number,
  now = Date.now(),
): Promise<DiskUsage> {
  const { tasks } = discoverTasks(roots);
  const splits = await mapPool(tasks, 16, (t) => taskSplit(t.dir));
  const out: DiskUsage['roots'] = [];
  // A root that does not exist (yet) holds nothing; discovery reports it, and the other roots still count.
  for (const workspace of workspaceBases(roots)) {
    const root = path.dirname(workspace);
    let freeBytes: number | null = null;
    let totalBytes: number | null = null;
    try {
      const st = fs.statfsSync(fs.existsSync(workspace) ? workspace : root);
      freeBytes = st.bavail * st.bsize;
      totalBytes = st.blocks * st.bsize;
    } catch {
      // Reported as unknown; the root's own errors show in Alerts.
    }
    const entry = {
      root: workspace,
      logs: 0,
      archive: 0,
      other: 0,
      freeBytes,
      totalBytes,
      tasks: [] as DiskUsage['roots'][number]['tasks'],
    };
    tasks.forEach((t, i) => {
      if (t.root !== workspace) return;
      const s = splits[i]!;
      entry.tasks.push({ task: t.name, taskDir: t.dir, ...s });
      entry.logs += s.logs;
      entry.archive += s.archive;
      entry.other += s.other;
    });
    out.push(entry);
  }
  const history = readHistory(stateDir);
  const last = history.at(-1);
  if (!last || now - Date.parse(last.ts) >= SAMPLE_EVERY_MS) {
    const sample: Sample = {
      ts: new Date(now).toISOString(),
      logs: out.reduce((n, r) => n + r.logs, 0),
      archive: out.reduce((n, r) => n + r.archive, 0),
      other: out.reduce((n, r) => n + r.other, 0),
      freeBytes: out[0]?.freeBytes ?? null,
    };
    history.push(sample);
    try {
      fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });
      await appendLinesDurably(path.join(stateDir, HISTORY_FILE), [JSON.stringify(sample)]);
    } catch {
      // The chart then lacks this point; usage itself is still right.
    }
  }
  return { roots: out, history, reclaimableBytes };
}
