import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The window's fixture (`npm run bench:ui`): tasks of 10 running agents, each with a 4 KiB log and a prompt, and no
 * tmux server (the agents' sessions are null). Everything lives in one temp dir that also holds a private HOME and XDG
 * dirs (as test/helpers/sandbox.ts builds them) and the path of a tmux socket no server listens on, so neither the
 * janitor nor tmux ever reads or writes the real home or the default tmux server.
 */

export const PER_TASK = 10;

export interface UiFixture {
  dir: string;
  root: string;
  /** `<dir>/sock`: passed as --tmux-socket; no server is ever started on it. */
  socket: string;
  env: Record<string, string>;
  agents: number;
  tasks: number;
  buildMs: number;
}

/** Fixtures on disk, so an interrupted run (SIGINT) can still remove them. */
const live = new Set<UiFixture>();

export function sandboxEnv(dir: string): Record<string, string> {
  return {
    HOME: path.join(dir, 'home'),
    XDG_CONFIG_HOME: path.join(dir, 'config'),
    XDG_STATE_HOME: path.join(dir, 'state'),
    AGENT_JANITOR_TMUX_SOCKET: '',
    AGENT_JANITOR_CONFIG: '',
    // The state dir (access key, port, heartbeat) follows XDG_STATE_HOME.
    AGENT_JANITOR_STATE_DIR: '',
    TMUX: '',
    // Even a tmux client that lost its -S socket could then only reach a server inside the temp dir.
    TMUX_TMPDIR: path.join(dir, 'tmux-tmp'),
  };
}

/** Writes `tasks` task folders of PER_TASK running agents under `root`. */
export function buildTree(root: string, tasks: number): void {
  const ws = path.join(root, '.agent-workspace');
  for (let t = 0; t < tasks; t++) {
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

/**
 * A temp dir with the tree of `agents` agents and a config that cleans nothing: idle cleanup off (the agents never
 * write), and no periodic reconcile during the run, whose `sweep` event would make the open view reload its data in
 * the middle of a measurement.
 */
export function createUiFixture(agents: number): UiFixture {
  if (agents % PER_TASK !== 0) throw new Error(`agents must be a multiple of ${PER_TASK}`);
  const started = performance.now();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `aj-bench-ui-${agents}-`));
  const fixture: UiFixture = {
    dir,
    root: path.join(dir, 'project'),
    socket: path.join(dir, 'sock'),
    env: sandboxEnv(dir),
    agents,
    tasks: agents / PER_TASK,
    buildMs: 0,
  };
  live.add(fixture);
  for (const d of ['home', 'config/agent-janitor', 'state', 'tmux-tmp']) fs.mkdirSync(path.join(dir, d), { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'config', 'agent-janitor', 'config.json'),
    JSON.stringify({ idleMinutes: null, reconcileSeconds: 3600 }, null, 2),
  );
  buildTree(fixture.root, fixture.tasks);
  fixture.buildMs = Math.round(performance.now() - started);
  return fixture;
}

export function removeUiFixture(fixture: UiFixture): void {
  fs.rmSync(fixture.dir, { recursive: true, force: true });
  live.delete(fixture);
}

/** For SIGINT/SIGTERM: synchronous, because the process is about to exit. */
export function removeAllUiFixturesSync(): void {
  for (const f of live) fs.rmSync(f.dir, { recursive: true, force: true });
  live.clear();
}
