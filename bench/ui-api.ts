import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createJanitorService } from '../src/core/index.js';
import { ConfigSchema, type UiMethodName } from '../src/shared/index.js';
import { round } from './daemon-measure.js';
import { machine } from './machine.js';
import { table } from './report.js';
import { PER_TASK, createUiFixture, removeAllUiFixturesSync, removeUiFixture } from './ui-fixture.js';

/**
 * The API half of `npm run bench:ui`: how long the window waits for each view's data, through the same service that
 * Electron and the web bridge serve, in this process (no HTTP, no browser). bench/ui-run.ts runs it as a child
 * process with the fixture's private HOME and XDG dirs (`--root <root> --json`), after the browser half. Alone:
 *   node --import tsx bench/ui-api.ts [--agents 10000] [--runs 5]    builds its own fixture (bench/ui-fixture.ts)
 */

export interface MethodTimes {
  method: UiMethodName;
  medianMs: number;
  maxMs: number;
  /** Size of the answer as JSON (what the web bridge sends). */
  jsonBytes: number;
  timesMs: number[];
}

export interface ApiResult {
  agents: number;
  runs: number;
  methods: MethodTimes[];
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Times each view's call `runs` times over the tree at `root`; `dir` holds the service's own state and settings. */
export async function apiTimes(root: string, dir: string, agents: number, runs: number): Promise<ApiResult> {
  // No tmux server on that socket (the agents' sessions are null), no idle cleanup, no reconcile during the calls.
  const config = ConfigSchema.parse({
    roots: [root],
    tmuxSocket: path.join(dir, 'api-no-server.sock'),
    idleMinutes: null,
    reconcileSeconds: 3600,
  });
  const service = createJanitorService({
    config,
    settings: { file: path.join(dir, 'api-config.json'), overrides: {}, env: {} },
    stateDir: path.join(dir, 'api-state'),
    host: 'web',
  });
  await service.start();
  const methods: MethodTimes[] = [];
  try {
    const calls: [UiMethodName, () => Promise<unknown>][] = [
      ['listAgents', () => service.listAgents({})],
      ['listAlerts', () => service.listAlerts({})],
      ['listArchives', () => service.listArchives({})],
      ['diskUsage', () => service.diskUsage({})],
      ['activity', () => service.activity({ query: '', limit: 500, offset: 0 })],
      ['getState', () => service.getState({})],
      ['getSettings', () => service.getSettings({})],
    ];
    for (const [method, call] of calls) {
      const timesMs: number[] = [];
      let jsonBytes = 0;
      for (let i = 0; i < runs; i++) {
        const start = performance.now();
        const out = await call();
        timesMs.push(round(performance.now() - start));
        jsonBytes = Buffer.byteLength(JSON.stringify(out));
      }
      methods.push({ method, medianMs: median(timesMs), maxMs: Math.max(...timesMs), jsonBytes, timesMs });
    }
  } finally {
    await service.close();
  }
  return { agents, runs, methods };
}

export function apiTable(results: readonly ApiResult[]): string {
  const rows = results.flatMap((r) =>
    r.methods.map((m) => [
      r.agents.toLocaleString('en-US'),
      m.method,
      `${m.medianMs.toFixed(1)} ms`,
      `${m.maxMs.toFixed(1)} ms`,
      `${(m.jsonBytes / 1024).toFixed(0)} KiB`,
    ]),
  );
  return table(['agents', 'method', 'median', 'max', 'JSON'], rows, new Set([0, 2, 3, 4]));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      agents: { type: 'string', default: '10000' },
      runs: { type: 'string', default: '5' },
      root: { type: 'string' },
      dir: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const agents = Number(values.agents);
  const runs = Number(values.runs);
  if (!Number.isInteger(agents) || agents <= 0 || agents % PER_TASK !== 0 || !Number.isInteger(runs) || runs <= 0)
    throw new Error(`--agents must be a positive multiple of ${PER_TASK} and --runs a positive integer`);
  let result: ApiResult;
  if (values.root) {
    // Given a tree (bench/ui-run.ts): its state goes into --dir, which must exist.
    const dir = values.dir ?? path.dirname(values.root);
    if (!fs.existsSync(dir)) throw new Error(`--dir ${dir} does not exist`);
    result = await apiTimes(values.root, dir, agents, runs);
  } else {
    const fixture = createUiFixture(agents);
    try {
      result = await apiTimes(fixture.root, fixture.dir, agents, runs);
    } finally {
      removeUiFixture(fixture);
    }
  }
  if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else
    process.stdout.write(
      `${JSON.stringify(await machine())}\n${agents} agents in ${agents / PER_TASK} tasks; ${runs} calls each\n\n${apiTable([result])}\n`,
    );
}

// Run only as a script, not when bench/ui-run.ts imports apiTable.
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.once('SIGINT', () => {
    removeAllUiFixturesSync();
    process.exit(130);
  });
  try {
    await main();
  } catch (err) {
    process.stderr.write(`bench/ui-api: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}
