import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createJanitorService } from '../src/core/index.js';
import { ConfigSchema, type UiMethodName } from '../src/shared/index.js';
import { machine } from './machine.js';
import { table } from './report.js';

/**
 * `npm run bench:ui`: how long the window waits for each view's data with 10,000 agents (1,000 tasks of 10, each
 * with a 4 KiB log and a prompt, no tmux server), through the same service Electron and the web bridge serve.
 * The renderer side (10,000 rows virtualized) is checked in Chromium by test/integration/renderer-window.test.ts.
 */

const TASKS = 1000;
const PER_TASK = 10;
const RUNS = 5;

function buildTree(root: string): void {
  const ws = path.join(root, '.agent-workspace');
  for (let t = 0; t < TASKS; t++) {
    const dir = path.join(ws, `TASK-20261124-${String(100000 + t)}-${(0xb0000000 + t).toString(16)}`);
    fs.mkdirSync(path.join(dir, 'logs'), { recursive: true });
    const agents = [];
    for (let a = 0; a < PER_TASK; a++) {
      const id = `worker-${String(t).padStart(4, '0')}${a}-${(0xa00000 + t * PER_TASK + a).toString(16)}`;
      agents.push({ id, status: 'running', tmux_session: null });
      fs.writeFileSync(path.join(dir, 'logs', `${id}_stream.jsonl`), '{"type":"assistant"}\n'.repeat(200));
      fs.writeFileSync(path.join(dir, `agent_prompt_${id}.txt`), 'prompt\n');
    }
    fs.writeFileSync(path.join(dir, 'AGENT_REGISTRY.json'), JSON.stringify({ agents }));
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aj-bench-ui-'));
  try {
    const root = path.join(dir, 'project');
    buildTree(root);
    const config = ConfigSchema.parse({ roots: [root], tmuxSocket: path.join(dir, 'no-server.sock'), reconcileSeconds: 3600 });
    const service = createJanitorService({ config, settings: { file: path.join(dir, 'config.json'), overrides: {}, env: {} }, stateDir: path.join(dir, 'state'), host: 'web' });
    await service.start();
    const rows: string[][] = [];
    const calls: [UiMethodName, () => Promise<unknown>][] = [
      ['listAgents', () => service.listAgents({})],
      ['listAlerts', () => service.listAlerts({})],
      ['listArchives', () => service.listArchives({})],
      ['diskUsage', () => service.diskUsage({})],
      ['activity', () => service.activity({ query: '', limit: 500, offset: 0 })],
      ['getState', () => service.getState({})],
    ];
    for (const [name, call] of calls) {
      const times: number[] = [];
      let bytes = 0;
      for (let i = 0; i < RUNS; i++) {
        const start = performance.now();
        const out = await call();
        times.push(performance.now() - start);
        bytes = JSON.stringify(out).length;
      }
      rows.push([name, `${median(times).toFixed(0)} ms`, `${Math.max(...times).toFixed(0)} ms`, `${(bytes / 1024).toFixed(0)} KiB`]);
    }
    await service.close();
    const text = table(['method', 'median', 'max', 'JSON'], rows, new Set([1, 2, 3]));
    process.stdout.write(`${JSON.stringify(await machine())}\n${TASKS * PER_TASK} agents in ${TASKS} tasks; ${RUNS} calls each\n\n${text}\n`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
