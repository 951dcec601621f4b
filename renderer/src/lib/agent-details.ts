import type { AgentRow, FileInfo } from '../../../src/shared/index.js';

/**
 * What an agent's row and its details line show beyond the report's fields: the finish grace as a countdown, where
 * the agent was read, its files by folder. Pure, so it is unit-tested under Node.
 */

/** Seconds of the finish grace left at `now` (0 once it has ended); null when the agent has no grace running. */
export function graceLeftSeconds(row: Pick<AgentRow, 'graceEndsAt' | 'graceSeconds'>, now: number): number | null {
  if (row.graceEndsAt !== null) {
    const ends = Date.parse(row.graceEndsAt);
    if (!Number.isNaN(ends)) return Math.max(0, Math.ceil((ends - now) / 1000));
  }
  // No usable end time: the seconds left when the report was made are the best there is.
  return row.graceSeconds === null ? null : Math.max(0, Math.ceil(row.graceSeconds));
}

/** A countdown, coarser as it grows: "12 s", "1 m 05 s", "2 h 03 m". */
export function formatCountdown(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} m ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} m`;
}

/** The badge's countdown: "12 s left", or "grace over" once it has run out (the next re-plan cleans the agent). */
export function formatGraceLeft(seconds: number | null): string | null {
  if (seconds === null) return null;
  return seconds > 0 ? `${formatCountdown(seconds)} left` : 'grace over';
}

/**
 * A finishing agent's reason without the seconds left when the report was made ("(12 s of the 20 s finish grace
 * left)"), which the live countdown beside it replaces; any other reason as it is.
 */
export function reasonForDisplay(row: Pick<AgentRow, 'verdict' | 'reason'>): string {
  if (row.verdict !== 'finishing') return row.reason;
  return row.reason.replace(/\s*\(\d+(?:\.\d+)? s of the \d+(?:\.\d+)? s finish grace left\)/, '');
}

export const SOURCE_LABELS: Record<AgentRow['source'], { short: string; long: string }> = {
  registry: { short: 'registry', long: "the task's AGENT_REGISTRY.json" },
  database: { short: 'database', long: "the orchestrator's state database (registry/state.sqlite3)" },
};

export interface FileGroup {
  /** `logs/`, `progress/`, `findings/`, or '' for files in the task folder itself (the prompt). */
  folder: string;
  files: FileInfo[];
  bytes: number;
}

const FOLDER_ORDER = ['logs/', 'progress/', 'findings/'];

/** An agent's files by folder: logs/, progress/, findings/, then any other folder, then the task folder's own. */
export function filesByFolder(files: readonly FileInfo[]): FileGroup[] {
  const groups = new Map<string, FileGroup>();
  for (const f of files) {
    const slash = f.path.lastIndexOf('/');
    const folder = slash < 0 ? '' : f.path.slice(0, slash + 1);
    let g = groups.get(folder);
    if (!g) groups.set(folder, (g = { folder, files: [], bytes: 0 }));
    g.files.push(f);
    g.bytes += f.bytes;
  }
  const rank = (folder: string) => {
    const i = FOLDER_ORDER.indexOf(folder);
    return i >= 0 ? i : folder === '' ? FOLDER_ORDER.length + 1 : FOLDER_ORDER.length;
  };
  return [...groups.values()].sort((a, b) => rank(a.folder) - rank(b.folder) || (a.folder < b.folder ? -1 : a.folder > b.folder ? 1 : 0));
}

/** The file's name within its folder. */
export function fileName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * Lines of an agent's details (each of a fixed height, so the virtualized list never measures): where it was read
 * and its state, its finish grace if it is finishing, and one line per folder of files (or one saying there are none).
 */
export function detailLineCount(row: Pick<AgentRow, 'verdict' | 'files'>): number {
  return 1 + (row.verdict === 'finishing' ? 1 : 0) + Math.max(1, filesByFolder(row.files).length);
}
