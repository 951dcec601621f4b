import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { execa } from 'execa';
import {
  buildFixture,
  destroyFixture,
  KEEPALIVE_SESSION,
  listSessions,
  newSessionLine,
  type BenchAgent,
  type Fixture,
  type FixtureSpec,
} from './fixtures.js';
import {
  cpuTicks,
  DaemonRun,
  dist,
  hasSession,
  inotifyWatches,
  memStatus,
  percentOfCore,
  round,
  sleep,
  tmuxServerPid,
  WindowCloseWatch,
  type DaemonExit,
  type Dist,
  type MemSample,
} from './daemon-measure.js';

/**
 * The three daemon measurements of `npm run bench:daemon`, one fixture each (built with bench/fixtures.ts, so the
 * layout, ids and private tmux server are those of `npm run bench`). Each returns plain figures plus checks; a
 * failed `fatal` check (an agent not cleaned, a failed action) makes the bench exit 1.
 */

export interface DaemonCheck {
  name: string;
  ok: boolean;
  detail: string;
  fatal: boolean;
}

interface Common {
  fixture: string;
  description: string;
  tasks: number;
  agents: number;
  setupMs: { files: number; tmux: number };
  timeToReadyMs: number;
  exit: DaemonExit | null;
  badLines: string[];
  checks: DaemonCheck[];
}

export interface LatencySample {
  agentId: string;
  task: string;
  /** Write start to the `action` line of kind record-outcome being read. */
  toEventMs: number;
  /** Write start to tmux reporting the agent's window closed (control mode); null if it never did. */
  toSessionGoneMs: number | null;
  trigger: string;
  sweepEngineMs: number;
  actions: string[];
}

export interface LatencyResult extends Common {
  samples: LatencySample[];
  toEvent: Dist;
  toSessionGone: Dist | null;
  sweepEngine: Dist;
  triggers: Record<string, number>;
  /** Sweeps seen during the writes, all triggers; one per write is the ideal. */
  sweeps: number;
  errorEvents: number;
}

export interface IdleResult extends Common {
  windowMs: number;
  quietWindowMs: number;
  /** Percent of one core over the whole window (start at ready, end 1 s after the reconcile's sweep line). */
  cpuPercent: { self: number; withChildren: number };
  /** The same from ready to ready + 55 s, before the periodic reconcile. */
  quietCpuPercent: { self: number; withChildren: number };
  tmuxServerCpuPercent: number;
  sweepsInWindow: { trigger: string; tasks: number; engineMs: number }[];
  actionsInWindow: number;
  memAtEnd: MemSample;
}

export interface WatchResult extends Common {
  ready: { tasks: number; agents: number; watch: string } | null;
  /** Tasks with a running agent (a live session): the only registries the daemon should watch. */
  activeTasks: number;
  memAtReady: MemSample;
  memLater: MemSample;
  laterAfterMs: number;
  inotify: { instances: number; watches: number };
  cpuPercentAfterReady: { self: number; withChildren: number };
  /** The active agents flipped to completed one at a time, on the 10,000-task tree: write -> record-outcome event. */
  toEvent: Dist;
  /** inotify watches once every active task was cleaned (they are dropped as tasks finish). */
  inotifyAfterCleaning: { instances: number; watches: number };
  /** The daemon's own figure (SIGQUIT state): base watches set up, then the first plan's registries watched. */
  watchReadyMs: number | null;
}

/** The daemon's SIGQUIT answer: its state as one JSON line on stderr. */
async function quitState(daemon: DaemonRun): Promise<Record<string, unknown>> {
  const marker = 'agent-janitor state: ';
  const before = daemon.stderr.length;
  daemon.child.kill('SIGQUIT');
  for (let i = 0; i < 100 && !daemon.stderr.slice(before).includes('\n'); i++) await sleep(20);
  const line = daemon.stderr
    .slice(before)
    .split('\n')
    .find((l) => l.startsWith(marker));
  if (!line) throw new Error(`no state on SIGQUIT; stderr: ${daemon.stderr.slice(-500)}`);
  return JSON.parse(line.slice(marker.length)) as Record<string, unknown>;
}

export const LATENCY_SPEC: FixtureSpec = { name: 'latency-30', agents: 30, agentsPerTask: 3, finishedShare: 0, live: true };
export const IDLE_SPEC: FixtureSpec = { name: 'idle-1k', agents: 1000, agentsPerTask: 10, finishedShare: 0, live: true };
export const WATCH_SPEC: FixtureSpec = { name: 'watch-10k', agents: 10_000, agentsPerTask: 1, finishedShare: 1, live: false };
/** Of WATCH_SPEC's tasks, this many are made active (a running agent with a live session) before the daemon starts. */
export const WATCH_ACTIVE_TASKS = 50;

const READY_LIMIT_MS = 300_000;
/** A missed watch event would still be caught by the 60 s reconcile; beyond this the agent counts as not cleaned. */
const CLEAN_LIMIT_MS = 90_000;
const GAP_BETWEEN_WRITES_MS = 200;
const IDLE_QUIET_MS = 55_000;
const WATCH_LATER_MS = 10_000;

const check = (name: string, ok: boolean, detail: string, fatal = false): DaemonCheck => ({ name, ok, detail, fatal });

function common(fixture: Fixture, description: string): Common {
  return {
    fixture: fixture.spec.name,
    description,
    tasks: fixture.tasks,
    agents: fixture.agents.length,
    setupMs: { files: Math.round(fixture.buildFilesMs), tmux: Math.round(fixture.startTmuxMs) },
    timeToReadyMs: 0,
    exit: null,
    badLines: [],
    checks: [],
  };
}

/** Builds the fixture, starts the daemon, waits for `ready`, runs `body`, and always stops both again. */
async function withDaemon<R extends Common>(
  spec: FixtureSpec,
  description: string,
  body: (fixture: Fixture, daemon: DaemonRun, base: Common) => Promise<R>,
  prepare?: (fixture: Fixture) => Promise<void>,
): Promise<R> {
  process.stdout.write(`\n== ${spec.name}: ${description}\n`);
  const fixture = await buildFixture(spec);
  let daemon: DaemonRun | null = null;
  try {
    process.stdout.write(
      `   setup: files ${Math.round(fixture.buildFilesMs)} ms, tmux ${Math.round(fixture.startTmuxMs)} ms (in ${fixture.dir})\n`,
    );
    await prepare?.(fixture);
    daemon = DaemonRun.start(fixture);
    const result = await body(fixture, daemon, common(fixture, description));
    const exit = await daemon.stop();
    result.exit = exit;
    result.badLines = daemon.badLines;
    result.checks.push(
      check(
        'daemon exits 0 on SIGTERM',
        exit.code === 0 && !exit.killed,
        `code ${exit.code ?? 'none'}, signal ${exit.signal ?? 'none'}, ${exit.killed ? 'SIGKILLed after 30 s' : `stopped in ${exit.stopMs} ms`}`,
      ),
    );
    result.checks.push(
      check(
        'every stdout line is a valid DaemonEvent',
        daemon.badLines.length === 0,
        `${daemon.badLines.length} bad line(s)${daemon.badLines[0] ? `: ${daemon.badLines[0].slice(0, 200)}` : ''}`,
      ),
    );
    return result;
  } finally {
    if (daemon) await daemon.stop(5000);
    await destroyFixture(fixture);
  }
}

async function awaitReady(daemon: DaemonRun, base: Common) {
  const ready = await daemon.waitFor((e) => e.event === 'ready', READY_LIMIT_MS);
  base.timeToReadyMs = Math.round(ready.at - daemon.spawnedAt);
  process.stdout.write(`   ready after ${base.timeToReadyMs} ms: ${JSON.stringify(ready.event)}\n`);
  return ready;
}

/** Agents in round-robin order over their tasks, so consecutive writes go to different registries. */
function roundRobin(agents: readonly BenchAgent[]): BenchAgent[] {
  const byTask = new Map<string, BenchAgent[]>();
  for (const a of agents) byTask.set(a.taskDir, [...(byTask.get(a.taskDir) ?? []), a]);
  const groups = [...byTask.values()];
  const out: BenchAgent[] = [];
  for (let i = 0; out.length < agents.length; i++) for (const g of groups) if (g[i]) out.push(g[i]!);
  return out;
}

/** As the orchestrator does: the existing file opened and rewritten (O_TRUNC, same inode), one agent's status set. */
function withStatus(agent: BenchAgent, status: string): { registry: string; text: string } {
  const registry = path.join(agent.taskDir, 'AGENT_REGISTRY.json');
  const json = JSON.parse(fs.readFileSync(registry, 'utf8')) as { agents: { id: string; status: string }[] };
  const entry = json.agents.find((e) => e.id === agent.id);
  if (!entry) throw new Error(`${agent.id} not in ${registry}`);
  entry.status = status;
  return { registry, text: JSON.stringify(json, null, 2) };
}

const flipInPlace = (agent: BenchAgent) => withStatus(agent, 'completed');

/**
 * Flips `agent` to completed by an in-place registry write and waits for its record-outcome action, whatever the
 * outcome (so a failure is reported by the caller's checks rather than as a timeout). `inode` is the registry's
 * before the write; `t0` is taken just before the write.
 */
async function flipAndAwait(daemon: DaemonRun, agent: BenchAgent) {
  const { registry, text } = flipInPlace(agent);
  const inode = fs.statSync(registry).ino;
  const from = daemon.events.length;
  const t0 = performance.now();
  fs.writeFileSync(registry, text);
  const done = await daemon.waitFor(
    (e) => e.event === 'action' && e.action.kind === 'record-outcome' && e.action.agentId === agent.id,
    CLEAN_LIMIT_MS,
    from,
  );
  const outcome = done.event.event === 'action' ? done.event.action.outcome : undefined;
  return { registry, inode, from, t0, done, outcome };
}

export async function latencyScenario(): Promise<LatencyResult> {
  const description = `${LATENCY_SPEC.agents} agents in ${LATENCY_SPEC.agents / LATENCY_SPEC.agentsPerTask} tasks, all running, each with a live tmux session, a 16 KB stream log, deploy log, progress, findings and a prompt; flipped to completed one at a time by an in-place registry write`;
  return withDaemon(LATENCY_SPEC, description, async (fixture, daemon, base) => {
    const closes = await WindowCloseWatch.start(fixture);
    try {
      const ready = await awaitReady(daemon, base);
      const startActions = daemon.events.filter((r) => r.event.event === 'action').length;
      base.checks.push(
        check(
          'start sweep: nothing to do',
          startActions === 0 && ready.event.event === 'ready' && ready.event.agents === fixture.agents.length,
          `${startActions} action(s), ready.agents ${ready.event.event === 'ready' ? ready.event.agents : '?'}`,
        ),
      );
      const firstIndex = daemon.events.length;
      const samples: LatencySample[] = [];
      let inodeKept = 0;
      let goneAtEvent = 0;
      for (const agent of roundRobin(fixture.agents)) {
        const { registry, inode, from, t0, done } = await flipAndAwait(daemon, agent);
        const toEventMs = done.at - t0;
        const sweep = await daemon.waitFor((e) => e.event === 'sweep', 10_000, done.index + 1);
        if (fs.statSync(registry).ino === inode) inodeKept++;
        if (!(await hasSession(fixture, agent.session))) goneAtEvent++;
        const closedAt = closes.closedAt(agent.session);
        const actions = daemon.events
          .slice(from, sweep.index)
          .flatMap((r) =>
            r.event.event === 'action' && r.event.action.agentId === agent.id ? [`${r.event.action.kind}:${r.event.action.outcome}`] : [],
          );
        samples.push({
          agentId: agent.id,
          task: path.basename(agent.taskDir),
          toEventMs: round(toEventMs),
          toSessionGoneMs: closedAt === undefined ? null : round(closedAt - t0),
          trigger: sweep.event.event === 'sweep' ? sweep.event.trigger : '?',
          sweepEngineMs: sweep.event.event === 'sweep' ? sweep.event.engineMs : -1,
          actions,
        });
        process.stdout.write(
          `   ${agent.id}: event ${toEventMs.toFixed(1)} ms, window closed ${closedAt === undefined ? '-' : `${(closedAt - t0).toFixed(1)} ms`}, sweep ${samples.at(-1)!.trigger} engine ${samples.at(-1)!.sweepEngineMs} ms\n`,
        );
        await sleep(GAP_BETWEEN_WRITES_MS);
      }
      const during = daemon.events.slice(firstIndex).map((r) => r.event);
      const failed = during.flatMap((e) =>
        e.event === 'action' && e.action.outcome === 'failed'
          ? [`${e.action.kind} ${e.action.agentId}: ${e.action.error ?? e.action.reason}`]
          : [],
      );
      const triggers: Record<string, number> = {};
      for (const e of during) if (e.event === 'sweep') triggers[e.trigger] = (triggers[e.trigger] ?? 0) + 1;
      const gone = samples.flatMap((s) => (s.toSessionGoneMs === null ? [] : [s.toSessionGoneMs]));
      const n = fixture.agents.length;
      const sessions = await listSessions(fixture);
      // Archived under its exact name, uncompressed (compression comes later, in the retention pass).
      const archived = fixture.agents.filter((a) => {
        const file = path.join(a.taskDir, 'archive', `${a.id}_stream.jsonl`);
        return fs.existsSync(file) && createHash('sha256').update(fs.readFileSync(file)).digest('hex') === a.logSha256;
      }).length;
      const promptsGone = fixture.agents.filter((a) => !fs.existsSync(path.join(a.taskDir, `agent_prompt_${a.id}.txt`))).length;
      const logsGone = fixture.agents.filter((a) => !fs.existsSync(path.join(a.taskDir, 'logs', `${a.id}_stream.jsonl`))).length;
      const recorded = samples.filter((s) => s.actions.includes('record-outcome:done')).length;
      base.checks.push(
        check('record-outcome done for every agent', recorded === n, `${recorded}/${n}`, true),
        check('no failed actions', failed.length === 0, `${failed.length}${failed[0] ? `: ${failed[0]}` : ''}`, true),
        check('session gone when the event was read', goneAtEvent === n, `${goneAtEvent}/${n}`, true),
        check('only the keepalive session is left', sessions.size === 1 && sessions.has(KEEPALIVE_SESSION), [...sessions].join(', '), true),
        check('logs archived (exact name, bytes intact)', archived === n, `${archived}/${n}`, true),
        check('logs gone from logs/', logsGone === n, `${logsGone}/${n}`, true),
        check('prompts deleted', promptsGone === n, `${promptsGone}/${n}`, true),
        check('registry rewritten in place (inode kept)', inodeKept === n, `${inodeKept}/${n}`),
        check('tmux reported each window closed', gone.length === n, `${gone.length}/${n}`),
      );
      return {
        ...base,
        samples,
        toEvent: dist(samples.map((s) => s.toEventMs)),
        toSessionGone: gone.length ? dist(gone) : null,
        sweepEngine: dist(samples.map((s) => s.sweepEngineMs)),
        triggers,
        sweeps: during.filter((e) => e.event === 'sweep').length,
        errorEvents: during.filter((e) => e.event === 'error').length,
      };
    } finally {
      await closes.stop();
    }
  });
}

export async function idleScenario(hz: number): Promise<IdleResult> {
  const description = `${IDLE_SPEC.agents} agents in ${IDLE_SPEC.agents / IDLE_SPEC.agentsPerTask} tasks, all running with live tmux sessions (nothing to do); default config (reconcile every 60 s)`;
  return withDaemon(IDLE_SPEC, description, async (fixture, daemon, base) => {
    const ready = await awaitReady(daemon, base);
    const sessionsBefore = await listSessions(fixture);
    const server = await tmuxServerPid(fixture);
    const pid = daemon.pid;
    const t0 = performance.now();
    const c0 = cpuTicks(pid);
    const s0 = cpuTicks(server).self;
    await sleep(IDLE_QUIET_MS);
    const cq = cpuTicks(pid);
    const quietWindowMs = performance.now() - t0;
    // A daemon that never reconciles is a finding, not a broken bench: the window then ends at ready + 75 s.
    const reconcile = await daemon
      .waitFor((e) => e.event === 'sweep' && e.trigger === 'reconcile', 75_000 - IDLE_QUIET_MS, ready.index + 1)
      .catch(() => null);
    await sleep(1000);
    const c1 = cpuTicks(pid);
    const s1 = cpuTicks(server).self;
    const windowMs = performance.now() - t0;
    const memAtEnd = memStatus(pid);
    const during = daemon.events.slice(ready.index + 1).map((r) => r.event);
    const sweepsInWindow = during.flatMap((e) =>
      e.event === 'sweep' ? [{ trigger: e.trigger, tasks: e.tasks, engineMs: e.engineMs }] : [],
    );
    const actionsInWindow = during.filter((e) => e.event === 'action').length;
    const sessionsAfter = await listSessions(fixture);
    const startActions = daemon.events.slice(0, ready.index).filter((r) => r.event.event === 'action').length;
    base.checks.push(
      check(
        'ready names every agent; start sweep did nothing',
        ready.event.event === 'ready' && ready.event.agents === fixture.agents.length && startActions === 0,
        `ready.agents ${ready.event.event === 'ready' ? ready.event.agents : '?'}, ${startActions} action(s)`,
      ),
      check(
        'a full reconcile ran inside the window',
        reconcile !== null,
        reconcile ? `its sweep line came ${Math.round(reconcile.at - t0)} ms after ready` : 'none within 75 s of ready',
      ),
      check('no action while nothing changes', actionsInWindow === 0, `${actionsInWindow} action event(s)`, true),
      check(
        'sessions unchanged',
        sessionsAfter.size === sessionsBefore.size && [...sessionsBefore].every((s) => sessionsAfter.has(s)),
        `${sessionsAfter.size} sessions, ${sessionsBefore.size} before`,
        true,
      ),
    );
    return {
      ...base,
      windowMs: Math.round(windowMs),
      quietWindowMs: Math.round(quietWindowMs),
      cpuPercent: {
        self: percentOfCore(c1.self - c0.self, hz, windowMs),
        withChildren: percentOfCore(c1.self + c1.children - c0.self - c0.children, hz, windowMs),
      },
      quietCpuPercent: {
        self: percentOfCore(cq.self - c0.self, hz, quietWindowMs),
        withChildren: percentOfCore(cq.self + cq.children - c0.self - c0.children, hz, quietWindowMs),
      },
      tmuxServerCpuPercent: percentOfCore(s1 - s0, hz, windowMs),
      sweepsInWindow,
      actionsInWindow,
      memAtEnd,
    };
  });
}

/** Every `WATCH_SPEC.agents / WATCH_ACTIVE_TASKS`-th agent of the clean tree runs again, with a live session. */
function activeAgents(fixture: Fixture): BenchAgent[] {
  const step = Math.floor(fixture.agents.length / WATCH_ACTIVE_TASKS);
  return fixture.agents.filter((_, i) => i % step === 0).slice(0, WATCH_ACTIVE_TASKS);
}

async function activate(fixture: Fixture): Promise<void> {
  const agents = activeAgents(fixture);
  for (const agent of agents) {
    const { registry, text } = withStatus(agent, 'running');
    fs.writeFileSync(registry, text);
  }
  const lines = agents.map((a) => newSessionLine(a.session)).join('\n') + '\n';
  const r = await execa('tmux', ['-S', fixture.socket, 'source-file', '-'], {
    input: lines,
    env: fixture.env,
    reject: false,
    timeout: 30_000,
  });
  if (r.exitCode !== 0) throw new Error(`tmux source-file failed: ${String(r.stderr)}`);
}

export async function watchScenario(hz: number): Promise<WatchResult> {
  const description = `${WATCH_SPEC.agents} task workspaces with 1 agent each: ${WATCH_ACTIVE_TASKS} running (live session), the rest completed and already cleaned (no logs, no prompts, no sessions); then the ${WATCH_ACTIVE_TASKS} flipped to completed one at a time`;
  return withDaemon(
    WATCH_SPEC,
    description,
    async (fixture, daemon, base) => {
      const ready = await awaitReady(daemon, base);
      const pid = daemon.pid;
      const memAtReady = memStatus(pid);
      const inotify = inotifyWatches(pid);
      const state = await quitState(daemon);
      const watchReadyMs = typeof state.watchReadyMs === 'number' ? state.watchReadyMs : null;
      const t0 = performance.now();
      const c0 = cpuTicks(pid);
      await sleep(WATCH_LATER_MS);
      const c1 = cpuTicks(pid);
      const laterAfterMs = performance.now() - t0;
      const memLater = memStatus(pid);
      const r = ready.event.event === 'ready' ? { tasks: ready.event.tasks, agents: ready.event.agents, watch: ready.event.watch } : null;
      const startActions = daemon.events.filter((e) => e.event.event === 'action').length;
      const samples: number[] = [];
      let cleaned = 0;
      for (const agent of activeAgents(fixture)) {
        const { t0, done, outcome } = await flipAndAwait(daemon, agent);
        samples.push(round(done.at - t0));
        if (outcome === 'done') cleaned++;
        await sleep(GAP_BETWEEN_WRITES_MS);
      }
      const inotifyAfterCleaning = inotifyWatches(pid);
      const sessions = await listSessions(fixture);
      base.checks.push(
        check(
          'ready names every task and agent, watching by inotify',
          r !== null && r.tasks === fixture.tasks && r.agents === fixture.agents.length && r.watch === 'inotify',
          JSON.stringify(r),
        ),
        check('no action on the tree before the flips', startActions === 0, `${startActions} action event(s)`, true),
        check(
          'inotify watches: the base plus one per active task',
          inotify.watches >= WATCH_ACTIVE_TASKS + 1 && inotify.watches <= WATCH_ACTIVE_TASKS + 2,
          `${inotify.watches} watches in ${inotify.instances} inotify instance(s)`,
        ),
        check('every flipped agent cleaned (record-outcome)', cleaned === WATCH_ACTIVE_TASKS, `${cleaned}/${WATCH_ACTIVE_TASKS}`, true),
        check('only the keepalive session is left', sessions.size === 1 && sessions.has(KEEPALIVE_SESSION), [...sessions].join(', '), true),
        check('a cleaned task is no longer watched', inotifyAfterCleaning.watches <= 2, `${inotifyAfterCleaning.watches} watches left`),
        check(
          'the daemon reports its watcher ready time',
          watchReadyMs !== null,
          `${watchReadyMs ?? 'none'} ms (state: watches ${String(state.watches)}, watched tasks ${String(state.watchedTasks)})`,
        ),
      );
      return {
        ...base,
        ready: r,
        activeTasks: WATCH_ACTIVE_TASKS,
        memAtReady,
        memLater,
        laterAfterMs: Math.round(laterAfterMs),
        inotify,
        cpuPercentAfterReady: {
          self: percentOfCore(c1.self - c0.self, hz, laterAfterMs),
          withChildren: percentOfCore(c1.self + c1.children - c0.self - c0.children, hz, laterAfterMs),
        },
        toEvent: dist(samples),
        inotifyAfterCleaning,
        watchReadyMs,
      };
    },
    activate,
  );
}
