import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildFixture, destroyAllSync, destroyFixture, listSessions, panePids, type FixtureSpec } from './fixtures.js';
import { checkFirstSweep, checkNoop, median, runSweep, zombieFollowUp, type Check } from './measure.js';
import { checksText, figuresTable, targetsFor, targetsTable, type FixtureResult, type TargetRow } from './report.js';
import { tmuxKillFloorMs } from './tmux-floor.js';
import { machine } from './machine.js';

/**
 * `npm run bench`: builds each fixture, runs one real sweep and then several no-op sweeps as separate processes,
 * checks the results on disk and in tmux, prints the figures next to SPEC.md's targets and writes
 * bench/out/results.json. A missed target is information (exit 0); a failed correctness check is a bug (exit 1).
 */

const OUT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'out');

const SPECS: FixtureSpec[] = [
  { name: '100', agents: 100, agentsPerTask: 10, finishedShare: 0.7, live: true },
  { name: '1k', agents: 1000, agentsPerTask: 10, finishedShare: 0.7, live: true },
  { name: '10k-clean', agents: 10_000, agentsPerTask: 10, finishedShare: 1, live: false },
];

function describe(spec: FixtureSpec): string {
  const tasks = Math.ceil(spec.agents / spec.agentsPerTask);
  return spec.live
    ? `${spec.agents} agents in ${tasks} tasks, ${Math.round(spec.finishedShare * 100)} % completed; each with a live tmux session, a 16 KB log and a prompt file`
    : `${spec.agents} agents in ${tasks} tasks, all completed and already cleaned (empty logs/ and archive/, no prompts, no sessions)`;
}

/** Five no-op runs give five copies of each check; one line per check (failing if any run failed) keeps output readable. */
function mergeRuns(perRun: Check[][]): Check[] {
  const merged = new Map<string, Check>();
  perRun.forEach((checks, run) => {
    for (const c of checks) {
      const seen = merged.get(c.name);
      if (!seen || (seen.ok && !c.ok)) merged.set(c.name, { ...c, detail: `${c.ok ? 'all runs' : `run ${run + 1}`}: ${c.detail}` });
    }
  });
  return [...merged.values()];
}

async function benchFixture(spec: FixtureSpec, noopRuns: number): Promise<FixtureResult> {
  const result: FixtureResult = {
    name: spec.name,
    description: describe(spec),
    agents: spec.agents,
    // Filled in from the fixture as built: the per-task rounding decides the exact split.
    finished: 0,
    running: 0,
    tasks: 0,
    setupMs: { files: 0, tmux: 0 },
    first: null,
    noop: null,
    archiveFiles: 0,
    checks: [],
    zombies: null,
  };
  process.stdout.write(`\n== fixture ${spec.name}: ${result.description}\n`);
  const fixture = await buildFixture(spec);
  try {
    result.finished = fixture.agents.filter((a) => a.status === 'completed').length;
    result.running = fixture.agents.length - result.finished;
    result.tasks = fixture.tasks;
    result.setupMs = { files: Math.round(fixture.buildFilesMs), tmux: Math.round(fixture.startTmuxMs) };
    process.stdout.write(`   setup: files ${result.setupMs.files} ms, tmux sessions ${result.setupMs.tmux} ms (in ${fixture.dir})\n`);

    const panesBefore = await panePids(fixture);
    const first = await runSweep(fixture);
    const s = first.report.stats;
    result.first = { wallMs: first.wallMs, engineMs: s.engineMs, tmuxSpawns: s.tmuxSpawns, exitCode: first.exitCode, actions: s.actions };
    process.stdout.write(`   first sweep: wall ${first.wallMs.toFixed(0)} ms, engine ${s.engineMs} ms, ${s.tmuxSpawns} tmux spawns, actions ${JSON.stringify(s.actions)}, exit ${first.exitCode}\n   steps (ms): ${JSON.stringify(s.stepsMs)}\n`);
    const firstChecks = await checkFirstSweep(fixture, first, panesBefore);
    result.archiveFiles = firstChecks.archiveFiles;
    result.checks.push(...firstChecks.checks.map((c) => ({ ...c, phase: 'first sweep' })));
    result.zombies = await zombieFollowUp(first.report);

    const sessionsAfter = await listSessions(fixture);
    const runs: NonNullable<FixtureResult['noop']>['runs'] = [];
    const noopChecks: Check[][] = [];
    for (let i = 0; i < noopRuns; i++) {
      const run = await runSweep(fixture);
      const st = run.report.stats;
      runs.push({ wallMs: run.wallMs, engineMs: st.engineMs, tmuxSpawns: st.tmuxSpawns, done: st.actions.done });
      noopChecks.push(await checkNoop(fixture, run, sessionsAfter));
      process.stdout.write(`   no-op sweep ${i + 1}: wall ${run.wallMs.toFixed(0)} ms, engine ${st.engineMs} ms, ${st.tmuxSpawns} tmux spawns, ${st.actions.done} done, steps (ms) ${JSON.stringify(st.stepsMs)}\n`);
    }
    result.noop = {
      runs,
      medianWallMs: median(runs.map((r) => r.wallMs)),
      medianEngineMs: median(runs.map((r) => r.engineMs)),
      maxTmuxSpawns: Math.max(...runs.map((r) => r.tmuxSpawns)),
    };
    result.checks.push(...mergeRuns(noopChecks).map((c) => ({ ...c, phase: `no-op x${noopRuns}` })));
  } finally {
    await destroyFixture(fixture);
  }
  if (spec.live) {
    result.tmuxKillFloorMs = await tmuxKillFloorMs(result.finished + result.running, result.finished);
    process.stdout.write(`   tmux alone, killing ${result.finished} of ${result.finished + result.running} sessions (no janitor): ${result.tmuxKillFloorMs} ms\n`);
  }
  process.stdout.write(checksText(result) + '\n');
  return result;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string', default: SPECS.map((s) => s.name).join(',') },
      'noop-runs': { type: 'string', default: '5' },
    },
  });
  const wanted = new Set(values.only.split(','));
  const noopRuns = Number(values['noop-runs']);
  if (!Number.isInteger(noopRuns) || noopRuns < 1) throw new Error(`--noop-runs: expected a positive integer, got ${values['noop-runs']}`);
  const specs = SPECS.filter((s) => wanted.has(s.name));
  if (specs.length === 0) throw new Error(`--only: none of ${values.only}; known: ${SPECS.map((s) => s.name).join(', ')}`);

  // Anything the bench started must go even when the user interrupts it.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      destroyAllSync();
      process.exit(130);
    });
  }

  const info = await machine();
  process.stdout.write(`agent-janitor bench, ${new Date().toISOString()}\nmachine: ${JSON.stringify(info)}\n`);
  const results: FixtureResult[] = [];
  let broken = false;
  for (const spec of specs) {
    try {
      results.push(await benchFixture(spec, noopRuns));
    } catch (err) {
      broken = true;
      process.stdout.write(`   FIXTURE ${spec.name} FAILED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    }
  }
  const targets: TargetRow[] = results.flatMap((r) => targetsFor(r, specs.find((s) => s.name === r.name)?.live ?? false));
  const failedChecks = results.flatMap((r) => r.checks.filter((c) => !c.ok).map((c) => `${r.name}: ${c.phase}: ${c.name} (${c.detail})`));

  process.stdout.write(`\n== figures (wall = whole \`node bin/agent-janitor.js sweep --json\` process timed from outside; engine = stats.engineMs; no-op = median of ${noopRuns})\n`);
  process.stdout.write(figuresTable(results) + '\n');
  process.stdout.write('\n== SPEC.md targets (a MISS is reported, not fatal)\n');
  process.stdout.write(targetsTable(targets) + '\n');
  process.stdout.write(`\n== correctness: ${failedChecks.length === 0 && !broken ? 'all checks passed' : `${failedChecks.length} check(s) FAILED${broken ? ', a fixture did not run' : ''}`}\n`);
  for (const line of failedChecks) process.stdout.write(`   FAIL ${line}\n`);

  fs.mkdirSync(OUT_DIR, { recursive: true });
  const out = path.join(OUT_DIR, 'results.json');
  fs.writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), machine: info, noopRuns, fixtures: results, targets, failedChecks }, null, 2) + '\n');
  process.stdout.write(`\nresults written to ${path.relative(process.cwd(), out)}\n`);
  return failedChecks.length === 0 && !broken ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    destroyAllSync();
    process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  },
);
