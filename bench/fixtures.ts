import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa, execaSync } from 'execa';
import { pythonTime, registryJson, writeStateDatabase, type OrchestratorAgent, type OrchestratorTask } from './orchestrator-db.js';
import { hex, pad, rng } from '../renderer/dev/mock-random.js';

/**
 * Benchmark fixtures laid out as a real orchestrator lays out its workspaces (ORCHESTRATOR.md, SPEC.md "Input"):
 * `<root>/.agent-workspace/TASK-<yyyymmdd>-<hhmmss>-<hex8>/` with AGENT_REGISTRY.json, and per agent
 * `logs/<id>_stream.jsonl`, `logs/deploy_<id>.json`, `progress/<id>_progress.jsonl`, `findings/<id>_findings.jsonl`
 * and `agent_prompt_<id>.txt`. A share of the tasks is current-generation (agents in `<base>/registry/state.sqlite3`,
 * registry `agents: []`), the rest older (agents in the JSON registry only). An isolated tmux server
 * (`tmux -S <dir>/sock`) holds one `agent_<id>` session per agent. The default tmux server is never touched.
 */

export const LOG_BYTES = 16 * 1024;
export const KEEPALIVE_SESSION = 'bench_keepalive';
/** What every agent pane runs (and the keepalive's, through startKeepalive). */
const PANE_COMMAND = 'sleep 100000';
const PANE_SIZE = { x: 80, y: 24 } as const;
/** Finished agents finished this long ago, so their finish grace (SPEC.md step 0) is long over. */
export const FINISHED_AGO_MS = 60 * 60 * 1000;
const AGENT_TYPES = ['builder', 'fixer', 'tester', 'reviewer', 'planner', 'docs'] as const;
const TMUX_TIMEOUT_MS = 120_000;
/** Fixed, so file contents (and their hashes) are the same on every run; only registry times follow the clock. */
const CONTENT_DATE = Date.UTC(2026, 10, 28, 0, 0, 0);

export type AgentStatus = 'completed' | 'running';
export type AgentSource = 'database' | 'registry';

/** One of the four files of an agent that a cleanup archives (the prompt is deleted instead). */
export interface BenchFile {
  dir: 'logs' | 'progress' | 'findings';
  name: string;
  sha256: string;
}

export interface BenchAgent {
  id: string;
  status: AgentStatus;
  session: string;
  taskDir: string;
  /** Where the orchestrator recorded the agent: the base's state database (current) or the task's JSON registry (older). */
  source: AgentSource;
  /** Stream log, deploy log, progress and findings, with the sha256 of the bytes written; empty in a clean fixture. */
  files: BenchFile[];
  /** sha256 of the stream log as written (also in `files`). */
  logSha256: string | null;
  /** sha256 of the prompt as written; null when the fixture has no prompt. */
  promptSha256: string | null;
  /** A running agent whose id extends a finished agent's id in the same task (`…-1` and `…-10`): that agent's id. */
  twinOf: string | null;
}

export interface FixtureSpec {
  name: string;
  agents: number;
  agentsPerTask: number;
  /** Share of agents with status `completed`, per task (rounded), the rest `running`. */
  finishedShare: number;
  /**
   * true: every agent has a live session, its four files and a prompt. false: every agent is finished and already
   * cleaned (empty logs/, progress/, findings/ and archive/, no prompt, no session) so only the scan cost is measured.
   */
  live: boolean;
  /** Share of tasks whose agents are in the state database (current generation), interleaved; default 0 (JSON only). */
  databaseShare?: number;
}

export interface Fixture {
  spec: FixtureSpec;
  dir: string;
  root: string;
  socket: string;
  env: Record<string, string>;
  agents: BenchAgent[];
  tasks: number;
  /** Tasks whose agents are in the state database. */
  databaseTasks: number;
  /** `<root>/.agent-workspace/registry/state.sqlite3`, or null when no task is current-generation. */
  databasePath: string | null;
  buildFilesMs: number;
  startTmuxMs: number;
}

/** Fixtures still on disk or with a live server, so an interrupted run can still clean up after itself. */
const live = new Set<Fixture>();

function hhmmss(rand: () => number): string {
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

const WORDS = [
  'read',
  'file',
  'src/core/engine.ts',
  'patch',
  'test',
  'passed',
  'tool_use',
  'result',
  'diff',
  'the',
  'agent',
  'tmux',
  'build',
  'ok',
  'error',
  'retry',
  'plan',
  'step',
];

function words(rand: () => number, min: number, spread: number): string {
  return Array.from({ length: min + Math.floor(rand() * spread) }, () => WORDS[Math.floor(rand() * WORDS.length)]!).join(' ');
}

const isoAt = (seconds: number) => new Date(CONTENT_DATE + seconds * 1000).toISOString();

/**
 * Exactly LOG_BYTES of JSONL resembling an agent stream. Text drawn from a word list compresses about as well as a
 * real stream does, so gzip time (the retention pass's) is neither flattered (all zeros) nor punished (random bytes).
 */
function streamLog(rand: () => number, id: string): Buffer {
  const lines: string[] = [];
  let size = 0;
  for (let seq = 0; ; seq++) {
    const line = JSON.stringify({ ts: isoAt(seq), seq, agent: id, type: 'assistant', text: words(rand, 8, 24) }) + '\n';
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

/** The orchestrator's deploy record of one agent (`logs/deploy_<id>.json`). */
function deployLog(id: string, type: string, taskName: string, taskDir: string): string {
  return JSON.stringify(
    {
      agent_id: id,
      task_id: taskName,
      type,
      model: 'claude-sonnet-4-5',
      tmux_session: `agent_${id}`,
      deployed_at: isoAt(0),
      prompt_file: path.join(taskDir, `agent_prompt_${id}.txt`),
      log_file: path.join(taskDir, 'logs', `${id}_stream.jsonl`),
      command: `cat '${path.join(taskDir, `agent_prompt_${id}.txt`)}' | claude --print --output-format stream-json --verbose | tee '${path.join(taskDir, 'logs', `${id}_stream.jsonl`)}'`,
    },
    null,
    2,
  );
}

/** The agent's progress reports; a finished agent's last one says `completed`. */
function progressLog(rand: () => number, id: string, finished: boolean): string {
  const n = 3 + Math.floor(rand() * 6);
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    lines.push(
      JSON.stringify({
        timestamp: isoAt(60 * (i + 1)),
        agent_id: id,
        status: 'working',
        message: words(rand, 4, 10),
        progress: Math.round((100 * (i + 1)) / (n + 1)),
      }),
    );
  }
  if (finished)
    lines.push(JSON.stringify({ timestamp: isoAt(60 * (n + 1)), agent_id: id, status: 'completed', message: 'done', progress: 100 }));
  return lines.join('\n') + '\n';
}

function findingsLog(rand: () => number, id: string): string {
  const n = 1 + Math.floor(rand() * 4);
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    lines.push(
      JSON.stringify({
        timestamp: isoAt(90 * (i + 1)),
        agent_id: id,
        finding_type: i % 2 ? 'issue' : 'insight',
        severity: 'medium',
        message: words(rand, 6, 12),
        data: { file: 'src/core/engine.ts', line: 10 + i },
      }),
    );
  }
  return lines.join('\n') + '\n';
}

function promptText(id: string, type: string, taskName: string, taskDir: string): string {
  const header = `You are a ${type} agent (${id}) of task ${taskName}.\nWorkspace: ${taskDir}\n\n`;
  const body = Array.from(
    { length: 12 },
    (_, i) =>
      `${i + 1}. Report progress with update_agent_progress; write findings with report_agent_finding; never touch files outside the workspace.`,
  ).join('\n');
  return `${header}${body}\n`;
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

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

function writeFile(taskDir: string, dir: BenchFile['dir'], name: string, data: string | Buffer): BenchFile {
  fs.writeFileSync(path.join(taskDir, dir, name), data);
  return { dir, name, sha256: sha256(data) };
}

/** Task `t` is current-generation when the running count of such tasks steps up there: evenly interleaved by share. */
function isDatabaseTask(t: number, share: number): boolean {
  return Math.floor((t + 1) * share) > Math.floor(t * share);
}

interface Tree {
  agents: BenchAgent[];
  tasks: number;
  databaseTasks: number;
  databasePath: string | null;
}

/** Writes the task tree and the state database; a seed per fixture size keeps sizes independent of each other. */
function writeTree(spec: FixtureSpec, root: string): Tree {
  // Seeded (the dev harness's mulberry32): ids, the finished/running split and log text are the same from run to run.
  const rand = rng(0x5eed + spec.agents);
  const workspace = path.join(root, '.agent-workspace');
  const now = Date.now();
  const seenTasks = new Set<string>();
  const seenIds = new Set<string>();
  const agents: BenchAgent[] = [];
  const databaseTasks: OrchestratorTask[] = [];
  const taskCount = Math.ceil(spec.agents / spec.agentsPerTask);
  for (let t = 0; t < taskCount; t++) {
    const taskName = uniqueName(seenTasks, () => `TASK-20261128-${hhmmss(rand)}-${hex(rand, 8)}`);
    const taskDir = path.join(workspace, taskName);
    const source: AgentSource = isDatabaseTask(t, spec.databaseShare ?? 0) ? 'database' : 'registry';
    for (const d of ['logs', 'progress', 'findings']) fs.mkdirSync(path.join(taskDir, d), { recursive: true });
    if (!spec.live) fs.mkdirSync(path.join(taskDir, 'archive'));
    const inTask = Math.min(spec.agentsPerTask, spec.agents - t * spec.agentsPerTask);
    const finishedHere = spec.live ? Math.round(inTask * spec.finishedShare) : inTask;
    // Which slots finish is shuffled so finished and running agents interleave within a task, as they do in practice.
    const order = Array.from({ length: inTask }, (_, i) => ({ i, key: rand() })).sort((a, b) => a.key - b.key);
    const finishedSlots = new Set(order.slice(0, finishedHere).map((o) => o.i));
    // Prefix twins (ORCHESTRATOR.md's `fx-1` / `fx-10`): a finished reviewer and a running one whose id extends it.
    const twins = new Map<number, { id: string; twinOf: string | null }>();
    if (spec.live && finishedHere > 0 && finishedHere < inTask) {
      const stem = uniqueName(seenIds, () => `reviewer-${hex(rand, 8)}`);
      twins.set(order[0]!.i, { id: `${stem}-1`, twinOf: null });
      twins.set(order[finishedHere]!.i, { id: `${stem}-10`, twinOf: `${stem}-1` });
    }
    const task: OrchestratorTask = {
      taskId: taskName,
      workspace: taskDir,
      description: `bench task ${t + 1}`,
      createdAt: pythonTime(-2 * FINISHED_AGO_MS, now),
      agents: [],
    };
    const entries: OrchestratorAgent[] = [];
    for (let a = 0; a < inTask; a++) {
      const twin = twins.get(a);
      const type = twin ? 'reviewer' : AGENT_TYPES[Math.floor(rand() * AGENT_TYPES.length)]!;
      const id = twin ? twin.id : uniqueName(seenIds, () => `${type}-${hhmmss(rand)}-${hex(rand, 6)}`);
      const status: AgentStatus = finishedSlots.has(a) ? 'completed' : 'running';
      const session = `agent_${id}`;
      const prompt = promptText(id, type, taskName, taskDir);
      const files: BenchFile[] = [];
      let promptSha256: string | null = null;
      if (spec.live) {
        files.push(writeFile(taskDir, 'logs', `${id}_stream.jsonl`, streamLog(rand, id)));
        files.push(writeFile(taskDir, 'logs', `deploy_${id}.json`, deployLog(id, type, taskName, taskDir)));
        files.push(writeFile(taskDir, 'progress', `${id}_progress.jsonl`, progressLog(rand, id, status === 'completed')));
        files.push(writeFile(taskDir, 'findings', `${id}_findings.jsonl`, findingsLog(rand, id)));
        fs.writeFileSync(path.join(taskDir, `agent_prompt_${id}.txt`), prompt);
        promptSha256 = sha256(prompt);
      }
      const finished = status === 'completed';
      entries.push({
        id,
        type,
        model: 'claude-sonnet-4-5',
        tmux_session: session,
        parent: 'orchestrator',
        depth: 1,
        phase_index: 0,
        tracked_files: {
          prompt_file: path.join(taskDir, `agent_prompt_${id}.txt`),
          log_file: path.join(taskDir, 'logs', `${id}_stream.jsonl`),
          progress_file: path.join(taskDir, 'progress', `${id}_progress.jsonl`),
          findings_file: path.join(taskDir, 'findings', `${id}_findings.jsonl`),
          deploy_log: path.join(taskDir, 'logs', `deploy_${id}.json`),
        },
        started_at: pythonTime(-2 * FINISHED_AGO_MS, now),
        completed_at: finished ? pythonTime(-FINISHED_AGO_MS, now) : null,
        status,
        progress: finished ? 100 : 50,
        last_update: pythonTime(finished ? -FINISHED_AGO_MS : -2 * 60 * 1000, now),
        prompt,
      });
      agents.push({
        id,
        status,
        session,
        taskDir,
        source,
        files,
        logSha256: files[0]?.sha256 ?? null,
        promptSha256,
        twinOf: twin?.twinOf ?? null,
      });
    }
    if (source === 'database') databaseTasks.push({ ...task, agents: entries });
    fs.writeFileSync(path.join(taskDir, 'AGENT_REGISTRY.json'), registryJson(task, root, source === 'database' ? [] : entries));
  }
  const databasePath = databaseTasks.length > 0 ? writeStateDatabase(workspace, root, databaseTasks) : null;
  return { agents, tasks: taskCount, databaseTasks: databaseTasks.length, databasePath };
}

async function tmux(
  fixture: Pick<Fixture, 'socket' | 'env'>,
  args: string[],
  input?: string,
): Promise<{ exitCode: number; stdout: string; stderr: string }> {
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
/** One line of a `tmux source-file -` batch creating a detached agent session as the fixtures do (names are [A-Za-z0-9_.-]). */
export function newSessionLine(session: string): string {
  return `new-session -d -s '${session}' -x ${PANE_SIZE.x} -y ${PANE_SIZE.y} '${PANE_COMMAND}'`;
}

/** Starts a private tmux server on `socket` with the keepalive session; -f /dev/null: the developer's ~/.tmux.conf must not change the sessions (shell, hooks, history size). */
export function startKeepalive(socket: string, env: NodeJS.ProcessEnv, timeout: number) {
  const size = ['-x', String(PANE_SIZE.x), '-y', String(PANE_SIZE.y)];
  return execa('tmux', ['-f', '/dev/null', '-S', socket, 'new-session', '-d', '-s', KEEPALIVE_SESSION, ...size, PANE_COMMAND], {
    env,
    reject: false,
    timeout,
  });
}

async function startTmux(fixture: Fixture): Promise<void> {
  const first = await startKeepalive(fixture.socket, fixture.env, TMUX_TIMEOUT_MS);
  if (first.exitCode !== 0) throw new Error(`tmux new-session ${KEEPALIVE_SESSION} failed: ${String(first.stderr)}`);
  const lines = ['set-option -g exit-empty off'];
  if (fixture.spec.live) {
    // Ids are [a-z0-9-] by construction, so single quotes are a complete quoting for tmux's parser.
    for (const agent of fixture.agents) lines.push(newSessionLine(agent.session));
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
  const fixture: Fixture = {
    spec,
    dir,
    root,
    socket: path.join(dir, 'sock'),
    env,
    agents: [],
    tasks: 0,
    databaseTasks: 0,
    databasePath: null,
    buildFilesMs: 0,
    startTmuxMs: 0,
  };
  live.add(fixture);
  try {
    let t = performance.now();
    const tree = writeTree(spec, root);
    fixture.agents = tree.agents;
    fixture.tasks = tree.tasks;
    fixture.databaseTasks = tree.databaseTasks;
    fixture.databasePath = tree.databasePath;
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
    if (fs.existsSync(fixture.socket))
      execaSync('tmux', ['-S', fixture.socket, 'kill-server'], { env: fixture.env, reject: false, timeout: 10_000 });
    fs.rmSync(fixture.dir, { recursive: true, force: true });
  }
  live.clear();
}
