import type { Outcome } from '../src/shared/index.js';
import type { Check, ZombieFollowUp } from './measure.js';

/** One fixture's figures, as printed and as written to bench/out/results.json. */
export interface FixtureResult {
  name: string;
  description: string;
  agents: number;
  finished: number;
  running: number;
  tasks: number;
  setupMs: { files: number; tmux: number };
  first: { wallMs: number; engineMs: number; tmuxSpawns: number; exitCode: number; actions: Record<Outcome, number> } | null;
  noop: {
    runs: { wallMs: number; engineMs: number; tmuxSpawns: number; done: number }[];
    medianWallMs: number;
    medianEngineMs: number;
    maxTmuxSpawns: number;
  } | null;
  archiveFiles: number;
  checks: (Check & { phase: string })[];
  /** Zombie reports of the first sweep and whether they were still zombies afterwards (see zombieFollowUp). */
  zombies: ZombieFollowUp | null;
  /** tmux alone destroying as many sessions as the sweep killed, on an identical server (see tmux-floor.ts). */
  tmuxKillFloorMs?: number;
}

export interface TargetRow {
  fixture: string;
  what: string;
  measured: number;
  unit: 'ms' | 'spawns';
  limit: number;
  pass: boolean;
}

/** SPEC.md "Targets". The time targets are stated for 1,000 agents only; the spawn target for any agent count. */
const SWEEP_WALL_LIMIT_MS = 1000;
const NOOP_ENGINE_LIMIT_MS = 50;
const SPAWN_LIMIT = 5;
export const TARGET_FIXTURE_AGENTS = 1000;

export function targetsFor(r: FixtureResult, live: boolean): TargetRow[] {
  const rows: TargetRow[] = [];
  const add = (what: string, measured: number, unit: TargetRow['unit'], limit: number) =>
    rows.push({ fixture: r.name, what, measured, unit, limit, pass: measured <= limit });
  if (r.first) {
    if (live && r.agents === TARGET_FIXTURE_AGENTS) add('sweep, whole process (wall)', r.first.wallMs, 'ms', SWEEP_WALL_LIMIT_MS);
    add('tmux spawns, first sweep', r.first.tmuxSpawns, 'spawns', SPAWN_LIMIT);
  }
  if (r.noop) {
    if (r.agents === TARGET_FIXTURE_AGENTS) add('no-op sweep, engineMs (median)', r.noop.medianEngineMs, 'ms', NOOP_ENGINE_LIMIT_MS);
    add('tmux spawns, no-op sweep (max)', r.noop.maxTmuxSpawns, 'spawns', SPAWN_LIMIT);
  }
  return rows;
}

/** A plain-text table: columns padded to their widest cell, those in `rightAligned` aligned right. */
export function table(headers: string[], rows: string[][], rightAligned: ReadonlySet<number>): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (rightAligned.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const ms = (n: number | undefined) => (n === undefined ? '-' : `${n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : n.toFixed(0)} ms`);

export function figuresTable(results: readonly FixtureResult[]): string {
  const rows = results.map((r) => [
    r.name,
    String(r.agents),
    `${r.finished}/${r.running}`,
    String(r.tasks),
    ms(r.first?.wallMs),
    ms(r.first?.engineMs),
    r.first ? String(r.first.tmuxSpawns) : '-',
    r.first ? String(r.first.actions.done) : '-',
    ms(r.noop?.medianWallMs),
    ms(r.noop?.medianEngineMs),
    r.noop ? String(r.noop.maxTmuxSpawns) : '-',
    r.noop ? String(Math.max(...r.noop.runs.map((x) => x.done))) : '-',
    `${r.checks.filter((c) => c.ok).length}/${r.checks.length}`,
  ]);
  const headers = ['fixture', 'agents', 'fin/run', 'tasks', 'sweep wall', 'sweep engine', 'spawns', 'done', 'no-op wall', 'no-op engine', 'spawns', 'done', 'checks ok'];
  return table(headers, rows, new Set([1, 3, 4, 5, 6, 7, 8, 9, 10, 11]));
}

export function targetsTable(rows: readonly TargetRow[]): string {
  const fmt = (n: number, unit: TargetRow['unit']) => (unit === 'ms' ? ms(n) : String(n));
  return table(
    ['fixture', 'target', 'measured', 'limit', 'result'],
    rows.map((t) => [t.fixture, t.what, fmt(t.measured, t.unit), `<= ${fmt(t.limit, t.unit)}`, t.pass ? 'PASS' : 'MISS']),
    new Set([2, 3]),
  );
}

export function zombieText(z: ZombieFollowUp | null): string {
  if (!z || z.reported === 0) return 'none reported';
  const parents = Object.entries(z.parents).map(([ppid, n]) => `${n} with parent ${ppid}`).join(', ');
  const fate = z.reapedAfterMs === null ? `${z.stillZombie} still zombies 10 s after the sweep` : `all reaped ${z.reapedAfterMs} ms after the sweep exited`;
  return `${z.reported} reported (${parents}); ${fate}`;
}

export function checksText(r: FixtureResult): string {
  const lines = r.checks.map((c) => `  [${c.ok ? ' ok ' : 'FAIL'}] ${c.phase}: ${c.name} (${c.detail})`);
  return [...lines, `  [note] first sweep: zombie reports: ${zombieText(r.zombies)}`].join('\n');
}
