import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { chromium, type Browser } from 'playwright-core';
import { machine } from './machine.js';
import { table } from './report.js';
import { apiTable, type ApiResult } from './ui-api.js';
import { LIMIT_MS, SWITCHES, measureRun, type RunTimes } from './ui-browser.js';
import { killChildrenSync, percentile, round } from './daemon-measure.js';
import { UiDaemon, type DaemonStop } from './ui-daemon.js';
import { createUiFixture, removeAllUiFixturesSync, removeUiFixture, type UiFixture } from './ui-fixture.js';

/**
 * `npm run bench:ui` (after the build): the window at 2,000 and 10,000 agents.
 *   1. In Chromium, over the built `daemon --ui`: navigation to the first agent row visible, then each view switch
 *      Agents -> Alerts -> Archives -> Activity -> Settings -> Agents, from the click to the view's content drawn
 *      (bench/ui-browser.ts), over --runs runs, each in a fresh browser context.
 *   2. The API each view calls, timed in a child process (bench/ui-api.ts) on the same tree.
 * Prints the machine line and tables, and writes bench/out/ui-results.json. There is no target: it exits 0 when every
 * figure was taken, 1 (saying why) when one could not be.
 *   node --import tsx bench/ui-run.ts [--runs 5] [--agents 2000,10000] [--api-runs 5]
 */

const HERE = path.dirname(fileURLToPath(import.meta.url));
const OUT_DIR = path.join(HERE, 'out');
/** Start-up at 10,000 agents includes the first full sweep: generous, like the selector limit. */
const DAEMON_READY_LIMIT_MS = 120_000;

interface Stat {
  median: number;
  /** Nearest-rank p95; with fewer than 20 runs that is the maximum, and the tables say so. */
  p95: number;
  max: number;
}

interface SizeResult {
  agents: number;
  tasks: number;
  buildMs: number;
  daemonReadyMs: number;
  daemonStop: DaemonStop | null;
  runs: RunTimes[];
  summary: { step: string; stat: Stat }[];
  api: ApiResult | null;
}

function stat(values: readonly number[]): Stat {
  return { median: round(percentile(values, 50)), p95: round(percentile(values, 95)), max: round(percentile(values, 100)) };
}

function summarize(runs: readonly RunTimes[]): SizeResult['summary'] {
  const out = [
    { step: 'navigation -> first agent row (Node, goto to visible)', stat: stat(runs.map((r) => r.loadMs)) },
    { step: 'navigation -> first agent row (in page, frame drawn)', stat: stat(runs.map((r) => r.loadInPageMs)) },
  ];
  let from = 'agents';
  for (const { view } of SWITCHES) {
    out.push({
      step: `switch ${from} -> ${view} (click to content drawn)`,
      stat: stat(runs.map((r) => r.switches.find((s) => s.view === view)!.ms)),
    });
    from = view;
  }
  return out;
}

function browserTable(sizes: readonly SizeResult[], runs: number): string {
  const tail = runs >= 20 ? 'p95' : 'max';
  const rows = sizes.flatMap((s) =>
    s.summary.map((x) => [
      s.agents.toLocaleString('en-US'),
      x.step,
      `${x.stat.median.toFixed(1)} ms`,
      `${(runs >= 20 ? x.stat.p95 : x.stat.max).toFixed(1)} ms`,
    ]),
  );
  return table(['agents', 'step', 'median', tail], rows, new Set([0, 2, 3]));
}

/** bench/ui-api.ts in its own process, with the fixture's private HOME and XDG dirs, on the fixture's tree. */
async function apiStep(fixture: UiFixture, runs: number): Promise<ApiResult> {
  const script = path.join(HERE, 'ui-api.ts');
  const args = [
    '--import',
    'tsx',
    script,
    '--root',
    fixture.root,
    '--dir',
    fixture.dir,
    '--agents',
    String(fixture.agents),
    '--runs',
    String(runs),
    '--json',
  ];
  const r = await execa(process.execPath, args, {
    cwd: path.dirname(HERE),
    env: { ...process.env, ...fixture.env },
    reject: false,
    timeout: 600_000,
  });
  const last = String(r.stdout).trim().split('\n').pop() ?? '';
  if (r.exitCode !== 0 || !last.startsWith('{'))
    throw new Error(`the API step failed (exit ${r.exitCode ?? 'none'}): ${String(r.stderr).slice(-2000)}`);
  return JSON.parse(last) as ApiResult;
}

async function measureSize(browser: Browser, agents: number, runs: number, apiRuns: number): Promise<SizeResult> {
  const fixture = createUiFixture(agents);
  try {
    process.stderr.write(`[${agents}] fixture built in ${fixture.buildMs} ms (${fixture.tasks} tasks) at ${fixture.dir}\n`);
    const { daemon, url, readyMs } = await UiDaemon.start(fixture, DAEMON_READY_LIMIT_MS);
    process.stderr.write(`[${agents}] daemon ready after ${readyMs} ms\n`);
    const times: RunTimes[] = [];
    let daemonStop: DaemonStop | null = null;
    try {
      for (let i = 0; i < runs; i++) {
        // The first run also checks that the page shows every agent of the fixture (not timed).
        const run = await measureRun(browser, url, agents, i === 0);
        times.push(run);
        const steps = run.switches.map((s) => `${s.view} ${s.ms.toFixed(0)}${i === 0 ? ` (${s.shown})` : ''}`).join(', ');
        process.stderr.write(
          `[${agents}] run ${i + 1}/${runs}: load ${run.loadMs.toFixed(0)} ms (in page ${run.loadInPageMs.toFixed(0)}); switches (ms): ${steps}\n`,
        );
      }
    } finally {
      daemonStop = await daemon.stop();
    }
    if (daemonStop.code !== 0)
      process.stderr.write(
        `[${agents}] [note] the daemon exited with code ${daemonStop.code ?? 'none'}, signal ${daemonStop.signal ?? 'none'}${daemonStop.killed ? ' (SIGKILLed after SIGTERM)' : ''}\n`,
      );
    const api = await apiStep(fixture, apiRuns);
    return {
      agents,
      tasks: fixture.tasks,
      buildMs: fixture.buildMs,
      daemonReadyMs: readyMs,
      daemonStop,
      runs: times,
      summary: summarize(times),
      api,
    };
  } finally {
    removeUiFixture(fixture);
  }
}

const load = () =>
  os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '5' },
      agents: { type: 'string', default: '2000,10000' },
      'api-runs': { type: 'string', default: '5' },
    },
  });
  const runs = Number(values.runs);
  const apiRuns = Number(values['api-runs']);
  const sizes = values.agents.split(',').map(Number);
  if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(apiRuns) || apiRuns < 1)
    throw new Error('--runs and --api-runs take a positive integer');
  if (sizes.some((n) => !Number.isInteger(n) || n <= 0 || n % 10 !== 0))
    throw new Error('--agents takes a comma-separated list of positive multiples of 10');

  const loadBefore = load();
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
  const results: SizeResult[] = [];
  try {
    for (const agents of sizes) results.push(await measureSize(browser, agents, runs, apiRuns));
  } finally {
    await browser.close();
  }
  const loadAfter = load();

  const info = {
    date: new Date().toISOString(),
    machine: await machine(),
    runs,
    apiRuns,
    selectorLimitMs: LIMIT_MS,
    loadAverage: { before: loadBefore, after: loadAfter },
  };
  const daemons = results
    .map(
      (r) =>
        `${r.agents}: ready after ${r.daemonReadyMs} ms, stopped in ${r.daemonStop?.stopMs ?? '-'} ms with code ${r.daemonStop?.code ?? 'none'}`,
    )
    .join('; ');
  const errors = results.flatMap((r) => r.runs.flatMap((run, i) => run.pageErrors.map((e) => `  [${r.agents}, run ${i + 1}] ${e}`)));
  process.stdout.write(
    [
      JSON.stringify(info.machine),
      `load average (1/5/15 min) before ${loadBefore}, after ${loadAfter}; ${os.cpus().length} CPUs`,
      `daemons: ${daemons}`,
      '',
      `In Chromium (1280x800), ${runs} runs per size, each in a fresh browser context:`,
      browserTable(results, runs),
      '',
      `API calls in the engine (bench/ui-api.ts), ${apiRuns} calls each:`,
      apiTable(results.flatMap((r) => (r.api ? [r.api] : []))),
      '',
      errors.length ? `page errors:\n${errors.join('\n')}` : 'page errors: none',
      '',
    ].join('\n'),
  );
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const file = path.join(OUT_DIR, 'ui-results.json');
  fs.writeFileSync(file, `${JSON.stringify({ ...info, sizes: results }, null, 2)}\n`);
  process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
  return 0;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killChildrenSync();
    removeAllUiFixturesSync();
    process.exit(130);
  });
}

try {
  process.exitCode = await main();
} catch (err) {
  process.stderr.write(`bench:ui: a measurement could not be taken: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
