import type { Outcome } from '../src/shared/index.js';
import type { Check, ZombieFollowUp } from './measure.js';
import type { TmuxFloor } from './tmux-floor.js';

/** One fixture's figures, as printed and as written to bench/out/results.json. */
export interface FixtureResult {
  name: string;
  description: string;
  agents: number;
  finished: number;
  running: number;
  tasks: number;
  setupMs: { files: number; tmux: number };
  /** Agents in the state database (current generation); the rest are in JSON registries. */
  databaseAgents: number;
  first: {
    wallMs: number;
    engineMs: number;
    tmuxSpawns: number;
    exitCode: number;
    actions: Record<Outcome, number>;
    /** kill-session actions done: the sessions the sweep destroyed. */
    sessionsKilled: number;
    stepsMs: Record<string, number>;
  } | null;
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
  /** tmux alone destroying the sessions the sweep killed, on an identical server (see tmux-floor.ts). */
  floor?: TmuxFloor;
}

/** The sweep's wall time minus tmux's own time to kill the same sessions; null without both figures. */
export function extraMs(r: FixtureResult): number | null {
  return r.first && r.floor ? Math.round(r.first.wallMs - r.floor.ms) : null;
}

export interface TargetRow {
  fixture: string;
  what: string;
  measured: number;
  unit: 'ms' | 'spawns';
  limit: number;
  pass: boolean;
}

/**
 * SPEC.md "Targets": the sweep at most 0.5 s more than tmux alone needs to kill the same sessions, the no-op sweep's
 * engine time 50 ms, at most 5 tmux spawns. The no-op sweep as a whole process (300 ms) is the project's own target
 * (SPEC.md states only the engine's). The time targets are stated for 1,000 agents; the spawn target for any count.
 */
export const EXTRA_LIMIT_MS = 500;
export const NOOP_WALL_LIMIT_MS = 300;
export const NOOP_ENGINE_LIMIT_MS = 50;
const SPAWN_LIMIT = 5;
export const TARGET_FIXTURE_AGENTS = 1000;

export function targetsFor(r: FixtureResult, live: boolean): TargetRow[] {
  const rows: TargetRow[] = [];
  const add = (what: string, measured: number, unit: TargetRow['unit'], limit: number) =>
    rows.push({ fixture: r.name, what, measured, unit, limit, pass: measured <= limit });
  if (r.first) {
    const extra = extraMs(r);
    if (live && r.agents === TARGET_FIXTURE_AGENTS && extra !== null)
      add("sweep: janitor's extra time (wall - tmux alone)", extra, 'ms', EXTRA_LIMIT_MS);
    add('tmux spawns, first sweep', r.first.tmuxSpawns, 'spawns', SPAWN_LIMIT);
  }
  if (r.noop) {
    if (r.agents === TARGET_FIXTURE_AGENTS) {
      add('no-op sweep, whole process (wall, median)', r.noop.medianWallMs, 'ms', NOOP_WALL_LIMIT_MS);
      add('no-op sweep, engineMs (median)', r.noop.medianEngineMs, 'ms', NOOP_ENGINE_LIMIT_MS);
    }
    add('tmux spawns, no-op sweep (max)', r.noop.maxTmuxSpawns, 'spawns', SPAWN_LIMIT);
  }
  return rows;
}

/** A plain-text table: columns padded to their widest cell, those in `rightAligned` aligned right. */
export function table(headers: string[], rows: string[][], rightAligned: ReadonlySet<number>): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (rightAligned.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const ms = (n: number | undefined) => (n === undefined ? '-' : `${n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : n.toFixed(0)} ms`);

export function figuresTable(results: readonly FixtureResult[]): string {
  const rows = results.map((r) => [
    r.name,
    String(r.agents),
    `${r.databaseAgents}/${r.agents - r.databaseAgents}`,
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
  const headers = [
    'fixture',
    'agents',
    'db/json',
    'fin/run',
    'tasks',
    'sweep wall',
    'sweep engine',
    'spawns',
    'done',
    'no-op wall',
    'no-op engine',
    'spawns',
    'done',
    'checks ok',
  ];
  return table(headers, rows, new Set([1, 4, 5, 6, 7, 8, 9, 10, 11, 12]));
}

/** The sweep and tmux alone, next to each other, for each live fixture. */
export function sideBySideTable(results: readonly FixtureResult[]): string {
  const rows = results.flatMap((r) => {
    const extra = extraMs(r);
    if (!r.first || !r.floor || extra === null) return [];
    const verdict = r.agents === TARGET_FIXTURE_AGENTS ? (extra <= EXTRA_LIMIT_MS ? 'PASS' : 'MISS') : '(stated for 1,000)';
    return [
      [
        r.name,
        `${r.first.sessionsKilled} of ${r.agents}`,
        ms(r.first.wallMs),
        ms(r.floor.ms),
        ms(extra),
        `<= ${ms(EXTRA_LIMIT_MS)}`,
        verdict,
      ],
    ];
  });
  return table(
    ['fixture', 'sessions killed', 'sweep wall', 'tmux alone', "janitor's extra", 'limit', 'result'],
    rows,
    new Set([1, 2, 3, 4, 5]),
  );
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
  const parents = Object.entries(z.parents)
    .map(([ppid, n]) => `${n} with parent ${ppid}`)
    .join(', ');
  const fate =
    z.reapedAfterMs === null
      ? `${z.stillZombie} still zombies 10 s after the sweep`
      : `all reaped ${z.reapedAfterMs} ms after the sweep exited`;
  return `${z.reported} reported (${parents}); ${fate}`;
}

export function checksText(r: FixtureResult): string {
  const lines = r.checks.map((c) => `  [${c.ok ? ' ok ' : 'FAIL'}] ${c.phase}: ${c.name} (${c.detail})`);
  return [...lines, `  [note] first sweep: zombie reports: ${zombieText(r.zombies)}`].join('\n');
}
