import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa, execaSync } from 'execa';

/**
 * Benchmark fixtures laid out as SPEC.md "Input" describes: `<root>/.agent-workspace/TASK-<yyyymmdd>-<hhmmss>-<hex8>/`
 * with AGENT_REGISTRY.json, logs/<id>_stream.jsonl and agent_prompt_<id>.txt, plus an isolated tmux server
 * (`tmux -S <dir>/sock`) holding one `agent_<id>` session per agent. The default tmux server is never touched.
 */

export const LOG_BYTES = 16 * 1024;
export const KEEPALIVE_SESSION = 'bench_keepalive';
const AGENT_TYPES = ['builder', 'fixer', 'tester', 'reviewer', 'planner', 'docs'] as const;
const TMUX_TIMEOUT_MS = 120_000;

export type AgentStatus = 'completed' | 'running';

export interface BenchAgent {
  id: string;
  status: AgentStatus;
  session: string;
  taskDir: string;
  /** sha256 of the log as written, so the bench can prove the archive holds the same bytes. */
  logSha256: string | null;
}

export interface FixtureSpec {
  name: string;
  agents: number;
  agentsPerTask: number;
  /** Share of agents with status `completed`, per task (rounded), the rest `running`. */
  finishedShare: number;
  /**
   * true: every agent has a live session, a log and a prompt file. false: every agent is finished and already
   * cleaned (empty logs/, empty archive/, no prompt, no session) so only the scan cost is measured.
   */
  live: boolean;
}

export interface Fixture {
  spec: FixtureSpec;
  dir: string;
  root: string;
  socket: string;
  env: Record<string, string>;
  agents: BenchAgent[];
  tasks: number;
  buildFilesMs: number;
  startTmuxMs: number;
}

/** Fixtures still on disk or with a live server, so an interrupted run can still clean up after itself. */
const live = new Set<Fixture>();

/** mulberry32: a seeded PRNG keeps ids, the finished/running split and log text identical from run to run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hex(rand: () => number, digits: number): string {
  let out = '';
  for (let i = 0; i < digits; i++) out += Math.floor(rand() * 16).toString(16);
  return out;
}

function hhmmss(rand: () => number): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(rand() * 24))}${pad(Math.floor(rand() * 60))}${pad(Math.floor(rand() * 60))}`;
}

/** Unique ids drawn from the PRNG; a retry on collision keeps them unique without changing the id shape. */
function uniqueName(seen: Set<string>, make: () => string): string {
  for (;;) {
    const name = make();
    if (!seen.has(name)) {
      seen.add(name);
      return name;
    }
  }
}

const WORDS = ['read', 'file', 'src/core/engine.ts', 'patch', 'test', 'passed', 'tool_use', 'result', 'diff', 'the', 'agent', 'tmux', 'build', 'ok', 'error', 'retry', 'plan', 'step'];

/**
 * Exactly LOG_BYTES of JSONL resembling an agent stream. Text drawn from a word list compresses about as well as a
 * real stream does, so gzip time in the archiver is neither flattered (all zeros) nor punished (random bytes).
 */
function streamLog(rand: () => number, id: string): Buffer {
  const lines: string[] = [];
  let size = 0;
  for (let seq = 0; ; seq++) {
    const words = Array.from({ length: 8 + Math.floor(rand() * 24) }, () => WORDS[Math.floor(rand() * WORDS.length)]!).join(' ');
    const line = JSON.stringify({ ts: new Date(Date.UTC(2026, 10, 24, 0, 0, seq)).toISOString(), seq, agent: id, type: 'assistant', text: words }) + '\n';
    const padLine = (n: number) => JSON.stringify({ seq: seq + 1, pad: 'x'.repeat(n) }) + '\n';
    const minLast = padLine(0).length;
    if (size + line.length + minLast > LOG_BYTES) {
      lines.push(padLine(LOG_BYTES - size - minLast));
      break;
    }
    lines.push(line);
    size += line.length;
  }
  const buf = Buffer.from(lines.join(''), 'utf8');
  if (buf.length !== LOG_BYTES) throw new Error(`log for ${id} is ${buf.length} bytes, expected ${LOG_BYTES}`);
  return buf;
}

function sandboxEnv(dir: string): Record<string, string> {
  // A private HOME and XDG dirs: neither the janitor nor tmux may read the developer's config or state.
  return {
    HOME: path.join(dir, 'home'),
    XDG_CONFIG_HOME: path.join(dir, 'config'),
    XDG_STATE_HOME: path.join(dir, 'state'),
    AGENT_JANITOR_CONFIG: '',
    AGENT_JANITOR_TMUX_SOCKET: '',
    TMUX: '',
    SHELL: '/bin/sh',
  };
}

/** Writes the task tree; a seed per fixture size keeps sizes independent of each other. */
function writeTree(spec: FixtureSpec, root: string): { agents: BenchAgent[]; tasks: number } {
  const rand = prng(0x5eed + spec.agents);
  const workspace = path.join(root, '.agent-workspace');
  const seenTasks = new Set<string>();
  const seenIds = new Set<string>();
  const agents: BenchAgent[] = [];
  const taskCount = Math.ceil(spec.agents / spec.agentsPerTask);
  for (let t = 0; t < taskCount; t++) {
    const taskName = uniqueName(seenTasks, () => `TASK-20261124-${hhmmss(rand)}-${hex(rand, 8)}`);
    const taskDir = path.join(workspace, taskName);
    fs.mkdirSync(path.join(taskDir, 'logs'), { recursive: true });
    if (!spec.live) fs.mkdirSync(path.join(taskDir, 'archive'));
    const inTask = Math.min(spec.agentsPerTask, spec.agents - t * spec.agentsPerTask);
    const finishedHere = Math.round(inTask * spec.finishedShare);
    // Which slots finish is shuffled so finished and running agents interleave within a task, as they do in practice.
    const order = Array.from({ length: inTask }, (_, i) => ({ i, key: rand() })).sort((a, b) => a.key - b.key);
    const finishedSlots = new Set(order.slice(0, spec.live ? finishedHere : inTask).map((o) => o.i));
    const entries: Record<string, unknown>[] = [];
    for (let a = 0; a < inTask; a++) {
      const type = AGENT_TYPES[Math.floor(rand() * AGENT_TYPES.length)]!;
      const id = uniqueName(seenIds, () => `${type}-${hhmmss(rand)}-${hex(rand, 6)}`);
      const status: AgentStatus = finishedSlots.has(a) ? 'completed' : 'running';
      const session = `agent_${id}`;
      let logSha256: string | null = null;
      if (spec.live) {
        const log = streamLog(rand, id);
        logSha256 = createHash('sha256').update(log).digest('hex');
        fs.writeFileSync(path.join(taskDir, 'logs', `${id}_stream.jsonl`), log);
        fs.writeFileSync(path.join(taskDir, `agent_prompt_${id}.txt`), `You are ${type} agent ${id}. Work on ${taskName}.\n`);
      }
      entries.push({ id, status, tmux_session: session, type, started_at: '2026-11-24T00:00:00Z' });
      agents.push({ id, status, session, taskDir, logSha256 });
    }
    fs.writeFileSync(path.join(taskDir, 'AGENT_REGISTRY.json'), JSON.stringify({ task_id: taskName, agents: entries }, null, 2));
  }
  return { agents, tasks: taskCount };
}

async function tmux(fixture: Pick<Fixture, 'socket' | 'env'>, args: string[], input?: string): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const r = await execa('tmux', ['-S', fixture.socket, ...args], {
    input: input ?? '',
    env: fixture.env,
    reject: false,
    timeout: TMUX_TIMEOUT_MS,
  });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/**
 * Starts the private server with a session that does not match `^agent_` (so the janitor never kills it and never
 * calls it an orphan), turns exit-empty off so the server cannot vanish between our clients, then creates every
 * agent session from one command file on stdin: one tmux client instead of one spawn per session.
 */
async function startTmux(fixture: Fixture): Promise<void> {
  // -f /dev/null: the developer's ~/.tmux.conf must not change the sessions (shell, hooks, history size).
  const first = await execa('tmux', ['-f', '/dev/null', '-S', fixture.socket, 'new-session', '-d', '-s', KEEPALIVE_SESSION, '-x', '80', '-y', '24', 'sleep 100000'], {
    env: fixture.env,
    reject: false,
    timeout: TMUX_TIMEOUT_MS,
  });
  if (first.exitCode !== 0) throw new Error(`tmux new-session ${KEEPALIVE_SESSION} failed: ${String(first.stderr)}`);
  const lines = ['set-option -g exit-empty off'];
  if (fixture.spec.live) {
    // Ids are [a-z0-9-] by construction, so single quotes are a complete quoting for tmux's parser.
    for (const agent of fixture.agents) lines.push(`new-session -d -s '${agent.session}' -x 80 -y 24 'sleep 100000'`);
  }
  const batch = await tmux(fixture, ['source-file', '-'], lines.join('\n') + '\n');
  if (batch.exitCode !== 0) throw new Error(`tmux source-file failed: ${batch.stderr.trim()}`);
  const expected = (fixture.spec.live ? fixture.agents.length : 0) + 1;
  const sessions = await listSessions(fixture);
  if (sessions.size !== expected) throw new Error(`tmux has ${sessions.size} sessions, expected ${expected}`);
}

export async function listSessions(fixture: Pick<Fixture, 'socket' | 'env'>): Promise<Set<string>> {
  const r = await tmux(fixture, ['list-sessions', '-F', '#{session_name}']);
  if (r.exitCode !== 0) throw new Error(`tmux list-sessions failed: ${r.stderr.trim()}`);
  return new Set(r.stdout.split('\n').filter(Boolean));
}

/** Pane pids per session name: the bench checks these processes are gone once their session was cleaned. */
export async function panePids(fixture: Pick<Fixture, 'socket' | 'env'>): Promise<Map<string, number[]>> {
  const r = await tmux(fixture, ['list-panes', '-a', '-F', '#{pane_pid} #{session_name}']);
  if (r.exitCode !== 0) throw new Error(`tmux list-panes failed: ${r.stderr.trim()}`);
  const out = new Map<string, number[]>();
  for (const line of r.stdout.split('\n').filter(Boolean)) {
    const [pid, name] = line.split(' ') as [string, string];
    out.set(name, [...(out.get(name) ?? []), Number(pid)]);
  }
  return out;
}

export async function buildFixture(spec: FixtureSpec): Promise<Fixture> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `aj-bench-${spec.name}-`));
  const env = sandboxEnv(dir);
  for (const d of ['home', 'config', 'state']) fs.mkdirSync(path.join(dir, d));
  const root = path.join(dir, 'project');
  const fixture: Fixture = { spec, dir, root, socket: path.join(dir, 'sock'), env, agents: [], tasks: 0, buildFilesMs: 0, startTmuxMs: 0 };
  live.add(fixture);
  try {
    let t = performance.now();
    const tree = writeTree(spec, root);
    fixture.agents = tree.agents;
    fixture.tasks = tree.tasks;
    fixture.buildFilesMs = performance.now() - t;
    t = performance.now();
    await startTmux(fixture);
    fixture.startTmuxMs = performance.now() - t;
  } catch (err) {
    await destroyFixture(fixture);
    throw err;
  }
  return fixture;
}

/** Kills only this fixture's own server (by its socket) and removes its temp dir. */
export async function destroyFixture(fixture: Fixture): Promise<void> {
  if (fs.existsSync(fixture.socket)) await tmux(fixture, ['kill-server']);
  fs.rmSync(fixture.dir, { recursive: true, force: true });
  live.delete(fixture);
}

/** For SIGINT/SIGTERM: synchronous, because the process is about to exit and cannot wait for promises. */
export function destroyAllSync(): void {
  for (const fixture of live) {
    if (fs.existsSync(fixture.socket)) execaSync('tmux', ['-S', fixture.socket, 'kill-server'], { env: fixture.env, reject: false, timeout: 10_000 });
    fs.rmSync(fixture.dir, { recursive: true, force: true });
  }
  live.clear();
}
