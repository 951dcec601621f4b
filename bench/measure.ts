import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { SweepReportSchema, type SweepReport } from '../src/shared/index.js';
import { BIN, sleep } from './daemon-measure.js';
import { KEEPALIVE_SESSION, listSessions, type BenchAgent, type Fixture } from './fixtures.js';

const SWEEP_TIMEOUT_MS = 300_000;

export interface SweepRun {
  /** Whole process, spawn to exit, timed from outside: what a timer or the orchestrator would wait for. */
  wallMs: number;
  exitCode: number;
  report: SweepReport;
}

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

/**
 * Runs the built CLI exactly as the SPEC's contract describes it and parses stdout against the shared schema.
 * `nodeArgs` go to node before the script (e.g. `--cpu-prof`).
 */
export async function runSweep(fixture: Fixture, nodeArgs: readonly string[] = []): Promise<SweepRun> {
  const args = [...nodeArgs, BIN, 'sweep', '--json', '--root', fixture.root, '--tmux-socket', fixture.socket];
  const started = performance.now();
  const r = await execa(process.execPath, args, {
    cwd: fixture.dir,
    env: fixture.env,
    reject: false,
    timeout: SWEEP_TIMEOUT_MS,
    maxBuffer: 1024 * 1024 * 1024,
  });
  const wallMs = Math.round((performance.now() - started) * 100) / 100;
  let json: unknown;
  try {
    json = JSON.parse(String(r.stdout));
  } catch {
    throw new Error(
      `sweep did not print one JSON object (exit ${r.exitCode ?? 'none'}, timed out: ${r.timedOut}):\n${String(r.stdout).slice(0, 2000)}\n${String(r.stderr).slice(0, 2000)}`,
    );
  }
  return { wallMs, exitCode: r.exitCode ?? -1, report: SweepReportSchema.parse(json) };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** One-letter state from /proc/<pid>/stat (after the last ')', since comm may hold one), or null once gone. */
function procState(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
    const close = stat.lastIndexOf(')');
    return stat.slice(close + 2, close + 3);
  } catch {
    return null;
  }
}

/** Alive and not a zombie: a zombie has exited, its parent just has not reaped it yet. */
const isRunning = (pid: number): boolean => {
  const state = procState(pid);
  return state !== null && state !== 'Z';
};
const isZombie = (pid: number): boolean => procState(pid) === 'Z';

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function count<T>(items: readonly T[], pred: (item: T) => boolean): number {
  let n = 0;
  for (const item of items) if (pred(item)) n++;
  return n;
}

function check(name: string, ok: boolean, detail: string): Check {
  return { name, ok, detail };
}

/** Checks every report must pass: contract-level success, nothing failed, every agent accounted for. */
function reportChecks(fixture: Fixture, run: SweepRun): Check[] {
  const { report } = run;
  const failed = report.actions.filter((a) => a.outcome === 'failed');
  return [
    check(
      'exit code 0, no errors',
      run.exitCode === 0 && report.errors.length === 0,
      `exit ${run.exitCode}, ${report.errors.length} error(s)${report.errors[0] ? `: ${report.errors[0].path}: ${report.errors[0].message}` : ''}`,
    ),
    check(
      'no failed actions',
      failed.length === 0,
      `${failed.length} failed${failed[0] ? `: ${failed[0].kind} ${failed[0].agentId}: ${failed[0].error ?? ''}` : ''}`,
    ),
    check('report lists every agent', report.stats.agents === fixture.agents.length, `${report.stats.agents}/${fixture.agents.length}`),
  ];
}

/** The janitor's own bookkeeping in archive/, next to the archived files. */
const ARCHIVE_BOOKKEEPING = new Set(['MANIFEST.jsonl', 'JOURNAL.jsonl']);

function readdirOrEmpty(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

/** sha256 of a file, or null when it is missing or not a regular file (lstat: a symlink does not count). */
function fileSha(file: string): string | null {
  try {
    if (!fs.lstatSync(file).isFile()) return null;
    return sha256(fs.readFileSync(file));
  } catch {
    return null;
  }
}

/** `archive/<name>` → sha256 recorded in MANIFEST.jsonl (the last line naming it), per task folder. */
function manifestShas(taskDir: string): Map<string, string> {
  const out = new Map<string, string>();
  let text = '';
  try {
    text = fs.readFileSync(path.join(taskDir, 'archive', 'MANIFEST.jsonl'), 'utf8');
  } catch {
    return out;
  }
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const entry = JSON.parse(line) as Record<string, unknown>;
      if (typeof entry.archive === 'string' && typeof entry.sha256 === 'string') out.set(entry.archive, entry.sha256);
    } catch {
      // counted below as a file without its manifest line
    }
  }
  return out;
}

const promptPath = (a: BenchAgent) => path.join(a.taskDir, `agent_prompt_${a.id}.txt`);
const scrollbackName = (a: BenchAgent) => `${a.id}_scrollback.txt`;

/** All four files and the prompt exactly as written, in their original folders. */
function filesIntact(a: BenchAgent): boolean {
  return a.files.every((f) => fileSha(path.join(a.taskDir, f.dir, f.name)) === f.sha256) && fileSha(promptPath(a)) === a.promptSha256;
}

/** Each of the four files under its exact name in archive/, byte-identical, recorded in the manifest with that sha256. */
function archivedExactly(a: BenchAgent, manifest: ReadonlyMap<string, string>): boolean {
  return a.files.every(
    (f) => fileSha(path.join(a.taskDir, 'archive', f.name)) === f.sha256 && manifest.get(`archive/${f.name}`) === f.sha256,
  );
}

/**
 * After the first sweep of a live fixture: finished agents fully cleaned (session and pane processes gone, all four
 * files in archive/ under their exact names with identical bytes, scrollback saved, prompt deleted), running agents
 * (prefix twins of finished ones included) left exactly as they were.
 */
export async function checkFirstSweep(
  fixture: Fixture,
  run: SweepRun,
  panesBefore: Map<string, number[]>,
): Promise<{ checks: Check[]; archiveFiles: number }> {
  if (!fixture.spec.live)
    return { checks: [...reportChecks(fixture, run), ...sourceChecks(fixture, run), ...cleanTreeChecks(fixture, run)], archiveFiles: 0 };
  const finished = fixture.agents.filter((a) => a.status === 'completed');
  const running = fixture.agents.filter((a) => a.status === 'running');
  const twins = running.filter((a) => a.twinOf !== null);
  const sessions = await listSessions(fixture);
  const taskDirs = [...new Set(fixture.agents.map((a) => a.taskDir))];
  const listings = new Map(taskDirs.map((d) => [d, readdirOrEmpty(path.join(d, 'archive'))]));
  const manifests = new Map(taskDirs.map((d) => [d, manifestShas(d)]));
  const archiveFiles = [...listings.values()].reduce((n, names) => n + names.length, 0);
  // Every name in archive/ must be one a finished agent's cleanup puts there: no `.gz`, no `~N` suffix, nothing else.
  const expectedNames = new Set(
    finished.flatMap((a) => [...a.files.map((f) => path.join(a.taskDir, f.name)), path.join(a.taskDir, scrollbackName(a))]),
  );
  const unexpected = [...listings].flatMap(([dir, names]) =>
    names.filter((n) => !ARCHIVE_BOOKKEEPING.has(n) && !expectedNames.has(path.join(dir, n))),
  );
  const archived = count(finished, (a) => archivedExactly(a, manifests.get(a.taskDir)!));
  const scrollbacks = count(finished, (a) => fileSha(path.join(a.taskDir, 'archive', scrollbackName(a))) !== null);
  const sourcesGone = count(finished, (a) => a.files.every((f) => !fs.existsSync(path.join(a.taskDir, f.dir, f.name))));
  const promptsGone = count(finished, (a) => !fs.existsSync(promptPath(a)));
  const finishedPids = finished.flatMap((a) => panesBefore.get(a.session) ?? []);
  const runningPids = running.flatMap((a) => panesBefore.get(a.session) ?? []);
  const untouched = (a: BenchAgent) => sessions.has(a.session) && filesIntact(a) && (panesBefore.get(a.session) ?? []).every(isRunning);
  const verdicts = new Map(run.report.agents.map((r) => [`${r.task}\0${r.agentId}`, r.verdict]));
  const verdictOf = (a: BenchAgent) => verdicts.get(`${a.taskDir}\0${a.id}`);
  const judgedFinished = count(finished, (a) => verdictOf(a) === 'finished');
  // Zombie reports are judged separately (zombieFollowUp): whether one is real depends on how fast its parent reaps.
  const otherOrphans = run.report.orphans.filter((o) => o.kind !== 'zombie');
  const orphanKinds = [...new Set(otherOrphans.map((o) => o.kind))].join(', ');
  const ratio = (n: number, of: number, what = '') => `${n}/${of}${what}`;
  return {
    archiveFiles,
    checks: [
      ...reportChecks(fixture, run),
      ...sourceChecks(fixture, run),
      check(
        'finished agents judged finished (not finishing: completed_at an hour ago)',
        judgedFinished === finished.length,
        ratio(judgedFinished, finished.length),
      ),
      check(
        'finished sessions gone',
        count(finished, (a) => !sessions.has(a.session)) === finished.length,
        ratio(
          count(finished, (a) => !sessions.has(a.session)),
          finished.length,
          ' gone',
        ),
      ),
      check(
        'finished pane processes gone',
        finishedPids.length === finished.length && count(finishedPids, isRunning) === 0,
        `${count(finishedPids, isRunning)} of ${finishedPids.length} still running`,
      ),
      check(
        'finished: stream, deploy, progress, findings in archive/ under exact names, sha256 identical, in MANIFEST.jsonl',
        archived === finished.length,
        ratio(archived, finished.length, ` agents (${archiveFiles} files in archive/ dirs)`),
      ),
      check('finished scrollback archived', scrollbacks === finished.length, ratio(scrollbacks, finished.length)),
      check(
        'archive/ holds only the expected names (no .gz, no suffix)',
        unexpected.length === 0,
        `${unexpected.length} unexpected${unexpected[0] ? `, e.g. ${unexpected[0]}` : ''}`,
      ),
      check('finished files gone from logs/, progress/, findings/', sourcesGone === finished.length, ratio(sourcesGone, finished.length)),
      check('finished prompts deleted', promptsGone === finished.length, ratio(promptsGone, finished.length)),
      check(
        'running: session, pane process, four files and prompt untouched',
        count(running, untouched) === running.length && runningPids.length === running.length,
        ratio(count(running, untouched), running.length),
      ),
      check(
        'prefix twins of finished agents (…-1 finished, …-10 running) untouched',
        twins.length > 0 && count(twins, untouched) === twins.length,
        ratio(count(twins, untouched), twins.length),
      ),
      check('non-agent session untouched', sessions.has(KEEPALIVE_SESSION), KEEPALIVE_SESSION),
      check(
        'no leftover, suspect, orphan or ghost reported (fixture has none)',
        otherOrphans.length === 0,
        `${otherOrphans.length}${orphanKinds ? ` (${orphanKinds})` : ''}`,
      ),
    ],
  };
}

/** The report names each agent with the source the fixture put it in: the state database or the JSON registry. */
function sourceChecks(fixture: Fixture, run: SweepRun): Check[] {
  const expected = new Map(fixture.agents.map((a) => [a.id, a.source]));
  const fromDb = count(run.report.agents, (r) => r.source === 'database');
  const matching = count(run.report.agents, (r) => expected.get(r.agentId) === r.source);
  const wantDb = count(fixture.agents, (a) => a.source === 'database');
  return [
    check(
      'agents read from their source (state database / JSON registry)',
      matching === fixture.agents.length && fromDb === wantDb,
      `${matching}/${fixture.agents.length} match; ${fromDb} from the database, ${wantDb} expected`,
    ),
    check('state databases read', run.report.stats.databases === (fixture.databasePath ? 1 : 0), `${run.report.stats.databases}`),
  ];
}

/** An already clean tree: every agent must be judged `clean` and nothing planned. */
function cleanTreeChecks(fixture: Fixture, run: SweepRun): Check[] {
  const clean = count(run.report.agents, (a) => a.verdict === 'clean');
  return [
    check('every agent judged clean', clean === fixture.agents.length, `${clean}/${fixture.agents.length}`),
    check('no actions', run.report.actions.length === 0, `${run.report.actions.length} action(s)`),
  ];
}

/**
 * A sweep with nothing to do must do nothing: no done actions, same verdicts, same sessions. `expected` is the
 * session set seen right after the first sweep.
 */
export async function checkNoop(fixture: Fixture, run: SweepRun, expected: ReadonlySet<string>): Promise<Check[]> {
  const done = count(run.report.actions, (a) => a.outcome === 'done');
  const sessions = await listSessions(fixture);
  const same = sessions.size === expected.size && [...expected].every((s) => sessions.has(s));
  const finishedIds = new Set(fixture.agents.filter((a) => a.status === 'completed').map((a) => a.id));
  const verdictsOk = count(run.report.agents, (a) => (finishedIds.has(a.agentId) ? a.verdict === 'clean' : a.verdict === 'active'));
  return [
    ...reportChecks(fixture, run),
    check(
      'zero done actions',
      done === 0 && run.report.stats.actions['done'] === 0,
      `${done} done, ${run.report.actions.length} action(s) in total`,
    ),
    check('finished clean, running active', verdictsOk === fixture.agents.length, `${verdictsOk}/${fixture.agents.length}`),
    check('sessions unchanged', same, `${sessions.size} sessions, ${expected.size} before`),
  ];
}

export interface ZombieFollowUp {
  reported: number;
  /** Parent pids named in the reports, with how many zombies each. */
  parents: Record<string, number>;
  /** How long until every reported pid was reaped (polled from the moment the sweep exited); null if some never were. */
  reapedAfterMs: number | null;
  stillZombie: number;
}

/**
 * SPEC.md asks for *real* zombies to be reported. A pid that is Z when the sweep looks but is reaped moments later
 * was only waiting for its parent, so the bench watches each reported pid for a while and records how long that took.
 */
export async function zombieFollowUp(report: SweepReport, limitMs = 10_000): Promise<ZombieFollowUp> {
  const zombies = report.orphans.flatMap((o) => (o.kind === 'zombie' ? [o] : []));
  const parents: Record<string, number> = {};
  for (const z of zombies) parents[String(z.ppid)] = (parents[String(z.ppid)] ?? 0) + 1;
  const started = performance.now();
  let left = zombies.map((z) => z.pid).filter(isZombie);
  while (left.length && performance.now() - started < limitMs) {
    await sleep(20);
    left = left.filter(isZombie);
  }
  return {
    reported: zombies.length,
    parents,
    reapedAfterMs: left.length ? null : Math.round(performance.now() - started),
    stillZombie: left.length,
  };
}
