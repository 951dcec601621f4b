import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { execa } from 'execa';
import { SweepReportSchema, type SweepReport } from '../src/shared/index.js';
import { KEEPALIVE_SESSION, listSessions, type BenchAgent, type Fixture } from './fixtures.js';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../bin/agent-janitor.js');
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

/** Runs the built CLI exactly as the SPEC's contract describes it and parses stdout against the shared schema. */
export async function runSweep(fixture: Fixture): Promise<SweepRun> {
  const args = [BIN, 'sweep', '--json', '--root', fixture.root, '--tmux-socket', fixture.socket];
  const started = performance.now();
  const r = await execa(process.execPath, args, { cwd: fixture.dir, env: fixture.env, reject: false, timeout: SWEEP_TIMEOUT_MS, maxBuffer: 1024 * 1024 * 1024 });
  const wallMs = Math.round((performance.now() - started) * 100) / 100;
  let json: unknown;
  try {
    json = JSON.parse(String(r.stdout));
  } catch {
    throw new Error(`sweep did not print one JSON object (exit ${r.exitCode ?? 'none'}, timed out: ${r.timedOut}):\n${String(r.stdout).slice(0, 2000)}\n${String(r.stderr).slice(0, 2000)}`);
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
    check('exit code 0, no errors', run.exitCode === 0 && report.errors.length === 0, `exit ${run.exitCode}, ${report.errors.length} error(s)${report.errors[0] ? `: ${report.errors[0].path}: ${report.errors[0].message}` : ''}`),
    check('no failed actions', failed.length === 0, `${failed.length} failed${failed[0] ? `: ${failed[0].kind} ${failed[0].agentId}: ${failed[0].error ?? ''}` : ''}`),
    check('report lists every agent', report.stats.agents === fixture.agents.length, `${report.stats.agents}/${fixture.agents.length}`),
  ];
}

/** The archived copy of a log (gzip by default, plain with compression "none"), decompressed. */
function archivedBytes(taskDir: string, name: string, archiveNames: ReadonlySet<string>): Buffer | null {
  const archive = path.join(taskDir, 'archive');
  if (archiveNames.has(`${name}.gz`)) return zlib.gunzipSync(fs.readFileSync(path.join(archive, `${name}.gz`)));
  if (archiveNames.has(name)) return fs.readFileSync(path.join(archive, name));
  return null;
}

function archiveListing(agents: readonly BenchAgent[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const taskDir of new Set(agents.map((a) => a.taskDir))) {
    try {
      out.set(taskDir, new Set(fs.readdirSync(path.join(taskDir, 'archive'))));
    } catch {
      out.set(taskDir, new Set());
    }
  }
  return out;
}

/**
 * After the first sweep of a live fixture: finished agents fully cleaned (session, pane processes, log moved into
 * archive/ with identical bytes, scrollback saved, prompt deleted), running agents left exactly as they were.
 */
export async function checkFirstSweep(fixture: Fixture, run: SweepRun, panesBefore: Map<string, number[]>): Promise<{ checks: Check[]; archiveFiles: number }> {
  if (!fixture.spec.live) return { checks: [...reportChecks(fixture, run), ...cleanTreeChecks(fixture, run)], archiveFiles: 0 };
  const finished = fixture.agents.filter((a) => a.status === 'completed');
  const running = fixture.agents.filter((a) => a.status === 'running');
  const sessions = await listSessions(fixture);
  const archives = archiveListing(fixture.agents);
  const archiveFiles = [...archives.values()].reduce((n, s) => n + s.size, 0);
  const logPath = (a: BenchAgent) => path.join(a.taskDir, 'logs', `${a.id}_stream.jsonl`);
  const promptPath = (a: BenchAgent) => path.join(a.taskDir, `agent_prompt_${a.id}.txt`);
  const archivedIntact = count(finished, (a) => {
    const bytes = archivedBytes(a.taskDir, `${a.id}_stream.jsonl`, archives.get(a.taskDir)!);
    return bytes !== null && sha256(bytes) === a.logSha256;
  });
  const scrollbacks = count(finished, (a) => archivedBytes(a.taskDir, `${a.id}_scrollback.txt`, archives.get(a.taskDir)!) !== null);
  const finishedPids = finished.flatMap((a) => panesBefore.get(a.session) ?? []);
  const runningLogsIntact = count(running, (a) => fs.existsSync(logPath(a)) && sha256(fs.readFileSync(logPath(a))) === a.logSha256);
  // Zombie reports are judged separately (zombieFollowUp): whether one is real depends on how fast its parent reaps.
  const otherOrphans = run.report.orphans.filter((o) => o.kind !== 'zombie');
  const orphanKinds = [...new Set(otherOrphans.map((o) => o.kind))].join(', ');
  return {
    archiveFiles,
    checks: [
      ...reportChecks(fixture, run),
      check('finished sessions gone', count(finished, (a) => !sessions.has(a.session)) === finished.length, `${count(finished, (a) => !sessions.has(a.session))}/${finished.length} gone`),
      check('running sessions alive', count(running, (a) => sessions.has(a.session)) === running.length, `${count(running, (a) => sessions.has(a.session))}/${running.length} alive`),
      check('non-agent session untouched', sessions.has(KEEPALIVE_SESSION), KEEPALIVE_SESSION),
      check('finished pane processes gone', finishedPids.length === finished.length && count(finishedPids, isRunning) === 0, `${count(finishedPids, isRunning)} of ${finishedPids.length} still running`),
      check('finished logs archived, bytes intact', archivedIntact === finished.length, `${archivedIntact}/${finished.length} (${archiveFiles} files in archive/ dirs)`),
      check('finished scrollback archived', scrollbacks === finished.length, `${scrollbacks}/${finished.length}`),
      check('finished logs gone from logs/', count(finished, (a) => !fs.existsSync(logPath(a))) === finished.length, `${count(finished, (a) => !fs.existsSync(logPath(a)))}/${finished.length}`),
      check('finished prompts deleted', count(finished, (a) => !fs.existsSync(promptPath(a))) === finished.length, `${count(finished, (a) => !fs.existsSync(promptPath(a)))}/${finished.length}`),
      check('running logs untouched', runningLogsIntact === running.length, `${runningLogsIntact}/${running.length}`),
      check('running prompts kept', count(running, (a) => fs.existsSync(promptPath(a))) === running.length, `${count(running, (a) => fs.existsSync(promptPath(a)))}/${running.length}`),
      check('no leftover, suspect, orphan or ghost reported (fixture has none)', otherOrphans.length === 0, `${otherOrphans.length}${orphanKinds ? ` (${orphanKinds})` : ''}`),
    ],
  };
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
    check('zero done actions', done === 0 && run.report.stats.actions['done'] === 0, `${done} done, ${run.report.actions.length} action(s) in total`),
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
    await new Promise((resolve) => setTimeout(resolve, 20));
    left = left.filter(isZombie);
  }
  return { reported: zombies.length, parents, reapedAfterMs: left.length ? null : Math.round(performance.now() - started), stillZombie: left.length };
}
