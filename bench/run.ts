import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildFixture, destroyAllSync, destroyFixture, listSessions, panePids, type FixtureSpec } from './fixtures.js';
import { checkFirstSweep, checkNoop, median, runSweep, zombieFollowUp, type Check } from './measure.js';
import {
  checksText,
  EXTRA_LIMIT_MS,
  extraMs,
  figuresTable,
  NOOP_ENGINE_LIMIT_MS,
  NOOP_WALL_LIMIT_MS,
  sideBySideTable,
  targetsFor,
  targetsTable,
  type FixtureResult,
  type TargetRow,
} from './report.js';
import { tmuxKillFloor } from './tmux-floor.js';
import { machine } from './machine.js';

/**
 * `npm run bench`: builds each fixture, runs one real sweep and then several no-op sweeps as separate processes,
 * checks the results on disk and in tmux, prints the figures next to SPEC.md's targets and writes
 * bench/out/results.json. A missed target is information (exit 0); a failed correctness check is a bug (exit 1).
 */

const OUT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'out');

/** Half the tasks current-generation (agents in the state database), half older (JSON registry only), interleaved. */
const SPECS: FixtureSpec[] = [
  { name: '100', agents: 100, agentsPerTask: 10, finishedShare: 0.7, live: true, databaseShare: 0.5 },
  { name: '1k', agents: 1000, agentsPerTask: 10, finishedShare: 0.7, live: true, databaseShare: 0.5 },
  { name: '10k-clean', agents: 10_000, agentsPerTask: 10, finishedShare: 1, live: false, databaseShare: 0.5 },
];

function describe(spec: FixtureSpec): string {
  const tasks = Math.ceil(spec.agents / spec.agentsPerTask);
  const sources = `${Math.round((spec.databaseShare ?? 0) * 100)} % of the tasks with their agents in state.sqlite3, the rest in AGENT_REGISTRY.json`;
  return spec.live
    ? `${spec.agents} agents in ${tasks} tasks, ${sources}; ${Math.round(spec.finishedShare * 100)} % completed an hour ago, the rest running; each agent with a live tmux session, a 16 KB stream log, a deploy log, progress, findings and a prompt`
    : `${spec.agents} agents in ${tasks} tasks, ${sources}; all completed an hour ago and already cleaned (empty logs/, progress/, findings/ and archive/, no prompts, no sessions)`;
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

async function benchFixture(spec: FixtureSpec, noopRuns: number, cpuProfDir: string | null): Promise<FixtureResult> {
  const result: FixtureResult = {
    name: spec.name,
    description: describe(spec),
    agents: spec.agents,
    databaseAgents: 0,
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
  let killedSessions = new Set<string>();
  let allSessions: string[] = [];
  const fixture = await buildFixture(spec);
  try {
    result.finished = fixture.agents.filter((a) => a.status === 'completed').length;
    result.running = fixture.agents.length - result.finished;
    result.tasks = fixture.tasks;
    result.databaseAgents = fixture.agents.filter((a) => a.source === 'database').length;
    result.setupMs = { files: Math.round(fixture.buildFilesMs), tmux: Math.round(fixture.startTmuxMs) };
    process.stdout.write(`   setup: files ${result.setupMs.files} ms, tmux sessions ${result.setupMs.tmux} ms (in ${fixture.dir})\n`);

    const panesBefore = await panePids(fixture);
    // A CPU profile slows the process it profiles: only on request, of the first sweep and of one extra no-op sweep.
    const profDir = cpuProfDir ? path.join(cpuProfDir, spec.name) : null;
    if (profDir) fs.rmSync(profDir, { recursive: true, force: true });
    const profArgs = (which: string) => (profDir ? ['--cpu-prof', '--cpu-prof-dir', path.join(profDir, which)] : []);
    const first = await runSweep(fixture, profArgs('first'));
    const s = first.report.stats;
    const killedIds = new Set(
      first.report.actions.filter((a) => a.kind === 'kill-session' && a.outcome === 'done').map((a) => `${a.task}\0${a.agentId}`),
    );
    killedSessions = new Set(fixture.agents.filter((a) => killedIds.has(`${a.taskDir}\0${a.id}`)).map((a) => a.session));
    allSessions = fixture.agents.map((a) => a.session);
    result.first = {
      wallMs: first.wallMs,
      engineMs: s.engineMs,
      tmuxSpawns: s.tmuxSpawns,
      exitCode: first.exitCode,
      actions: s.actions,
      sessionsKilled: killedSessions.size,
      stepsMs: s.stepsMs,
    };
    if (profDir)
      process.stdout.write(
        `   CPU profile of the first sweep written to ${path.relative(process.cwd(), path.join(profDir, 'first'))}/ (the sweep ran slower for it)\n`,
      );
    process.stdout.write(
      `   first sweep: wall ${first.wallMs.toFixed(0)} ms, engine ${s.engineMs} ms, ${s.tmuxSpawns} tmux spawns, actions ${JSON.stringify(s.actions)}, exit ${first.exitCode}\n   steps (ms): ${JSON.stringify(s.stepsMs)}\n`,
    );
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
      process.stdout.write(
        `   no-op sweep ${i + 1}: wall ${run.wallMs.toFixed(0)} ms, engine ${st.engineMs} ms, ${st.tmuxSpawns} tmux spawns, ${st.actions.done} done, steps (ms) ${JSON.stringify(st.stepsMs)}\n`,
      );
    }
    if (profDir) {
      // Not counted in the figures: the profiler slows it down.
      const profiled = await runSweep(fixture, profArgs('noop'));
      process.stdout.write(
        `   profiled no-op sweep (not counted): wall ${profiled.wallMs.toFixed(0)} ms, engine ${profiled.report.stats.engineMs} ms; CPU profile in ${path.relative(process.cwd(), path.join(profDir, 'noop'))}/\n`,
      );
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
  if (spec.live && result.first) {
    // Same session names in the same order, same pane command and size, the same sessions killed: only the janitor differs.
    const floor = await tmuxKillFloor(allSessions, killedSessions);
    result.floor = floor;
    const extra = extraMs(result)!;
    result.checks.push({
      phase: 'tmux alone',
      name: 'killed exactly the sessions the sweep killed',
      ok: floor.asked === result.first.sessionsKilled && floor.killed === floor.asked,
      detail: `${floor.killed} gone of ${floor.asked} asked; the sweep killed ${result.first.sessionsKilled}`,
    });
    process.stdout.write(
      `   side by side: sweep ${result.first.wallMs.toFixed(0)} ms (whole process) | tmux alone ${floor.ms} ms (killing the same ${floor.asked} of ${floor.sessions} sessions on an identical server) | janitor's extra time = ${result.first.wallMs.toFixed(0)} - ${floor.ms} = ${extra} ms (target <= ${EXTRA_LIMIT_MS} ms${spec.agents === 1000 ? '' : ', stated for 1,000 agents'})\n`,
    );
  }
  process.stdout.write(checksText(result) + '\n');
  return result;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string', default: SPECS.map((s) => s.name).join(',') },
      'noop-runs': { type: 'string', default: '5' },
      'cpu-prof': { type: 'boolean', default: false },
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
      results.push(await benchFixture(spec, noopRuns, values['cpu-prof'] ? path.join(OUT_DIR, 'cpu-prof') : null));
    } catch (err) {
      broken = true;
      process.stdout.write(`   FIXTURE ${spec.name} FAILED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    }
  }
  const targets: TargetRow[] = results.flatMap((r) => targetsFor(r, specs.find((s) => s.name === r.name)?.live ?? false));
  const failedChecks = results.flatMap((r) => r.checks.filter((c) => !c.ok).map((c) => `${r.name}: ${c.phase}: ${c.name} (${c.detail})`));

  process.stdout.write(
    `\n== figures (wall = whole \`node bin/agent-janitor.js sweep --json\` process timed from outside; engine = stats.engineMs; no-op = median of ${noopRuns})\n`,
  );
  process.stdout.write(figuresTable(results) + '\n');
  const side = sideBySideTable(results);
  if (side.split('\n').length > 2) {
    process.stdout.write(
      `\n== side by side: the first sweep (whole process) and tmux alone killing the same sessions; janitor's extra time = sweep wall - tmux alone\n`,
    );
    process.stdout.write(side + '\n');
  }
  process.stdout.write(
    `\n== targets (a MISS is reported, not fatal): SPEC.md's extra time <= ${EXTRA_LIMIT_MS} ms and no-op engineMs <= ${NOOP_ENGINE_LIMIT_MS} ms, the no-op whole process <= ${NOOP_WALL_LIMIT_MS} ms, spawns <= 5\n`,
  );
  process.stdout.write(targetsTable(targets) + '\n');
  process.stdout.write(
    `\n== correctness: ${failedChecks.length === 0 && !broken ? 'all checks passed' : `${failedChecks.length} check(s) FAILED${broken ? ', a fixture did not run' : ''}`}\n`,
  );
  for (const line of failedChecks) process.stdout.write(`   FAIL ${line}\n`);

  fs.mkdirSync(OUT_DIR, { recursive: true });
  const out = path.join(OUT_DIR, 'results.json');
  fs.writeFileSync(
    out,
    JSON.stringify({ date: new Date().toISOString(), machine: info, noopRuns, fixtures: results, targets, failedChecks }, null, 2) + '\n',
  );
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
