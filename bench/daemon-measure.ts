import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { DaemonEventSchema, type DaemonEvent } from '../src/shared/index.js';
import { KEEPALIVE_SESSION, type Fixture } from './fixtures.js';

/**
 * Helpers for `npm run bench:daemon`: the built `daemon --json` as a child process whose event lines are stamped
 * with the moment the bench read them, /proc readings (CPU ticks, RSS, inotify watches), and a tmux control-mode
 * client that tells when each agent's window closes. Everything runs against the fixture's private server and dirs.
 */

export const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../bin/agent-janitor.js');

/** Children started here (daemons, control clients), so an interrupted run can still kill them, by their own pid. */
const children = new Set<ChildProcess>();

/** The child has not exited yet. */
export const alive = (c: ChildProcess) => c.exitCode === null && c.signalCode === null;

/** Registers a child so that killChildrenSync can end it; it leaves the register when it exits. */
export function trackChild<C extends ChildProcess>(child: C): C {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

export function killChildrenSync(): void {
  for (const c of children) if (alive(c)) c.kill('SIGKILL');
  children.clear();
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Splits a stream into lines and hands each to `onLine` with the time (performance.now()) its chunk was read. */
function onLines(stream: NodeJS.ReadableStream, onLine: (line: string, at: number) => void): void {
  let buffer = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const at = performance.now();
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      onLine(line, at);
    }
  });
}

export interface Received<E extends DaemonEvent = DaemonEvent> {
  event: E;
  /** performance.now() when the bench read the line. */
  at: number;
}

export interface DaemonExit {
  code: number | null;
  signal: string | null;
  /** true when SIGTERM did not end it within the limit and the bench had to SIGKILL it. */
  killed: boolean;
  stopMs: number;
}

/** SIGTERM (a daemon drains and exits 0); SIGKILL only if it is still there after `limitMs`. */
export async function stopDaemon(
  child: ChildProcess,
  exited: Promise<{ code: number | null; signal: string | null }>,
  limitMs: number,
): Promise<DaemonExit> {
  const started = performance.now();
  if (alive(child)) child.kill('SIGTERM');
  let killed = false;
  const timer = setTimeout(() => {
    if (alive(child)) {
      killed = true;
      child.kill('SIGKILL');
    }
  }, limitMs);
  const { code, signal } = await exited;
  clearTimeout(timer);
  return { code, signal, killed, stopMs: Math.round(performance.now() - started) };
}

/** `node bin/agent-janitor.js daemon --json --root <root> --tmux-socket <sock>` with the fixture's private HOME/XDG dirs. */
export class DaemonRun {
  readonly events: Received[] = [];
  /** Lines that are not a valid DaemonEvent: the JSON contract is broken (reported, not fatal). */
  readonly badLines: string[] = [];
  stderr = '';
  readonly spawnedAt = performance.now();
  readonly exited: Promise<{ code: number | null; signal: string | null }>;
  private wake = new Set<() => void>();

  private constructor(readonly child: ChildProcess) {
    onLines(child.stdout!, (line, at) => {
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        this.badLines.push(line);
        return;
      }
      const parsed = DaemonEventSchema.safeParse(json);
      if (parsed.success) this.events.push({ event: parsed.data, at });
      else this.badLines.push(line);
      for (const w of this.wake) w();
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk;
    });
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        for (const w of this.wake) w();
        resolve({ code, signal });
      }),
    );
  }

  static start(fixture: Fixture, extraArgs: string[] = []): DaemonRun {
    const child = spawn(
      process.execPath,
      [BIN, 'daemon', '--json', '--root', fixture.root, '--tmux-socket', fixture.socket, ...extraArgs],
      {
        cwd: fixture.dir,
        // AGENT_JANITOR_STATE_DIR empty: the state dir (lock, heartbeat) follows the fixture's XDG_STATE_HOME.
        env: { ...process.env, ...fixture.env, AGENT_JANITOR_STATE_DIR: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    return new DaemonRun(trackChild(child));
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error('daemon did not start');
    return this.child.pid;
  }

  /** The first event from index `from` on that matches; the wait is woken by each line, so it adds no polling delay. */
  async waitFor<E extends DaemonEvent>(
    match: (e: DaemonEvent) => e is E,
    limitMs: number,
    from?: number,
  ): Promise<Received<E> & { index: number }>;
  async waitFor(match: (e: DaemonEvent) => boolean, limitMs: number, from?: number): Promise<Received & { index: number }>;
  async waitFor(match: (e: DaemonEvent) => boolean, limitMs: number, from = 0): Promise<Received & { index: number }> {
    const deadline = performance.now() + limitMs;
    let scanned = from;
    for (;;) {
      for (; scanned < this.events.length; scanned++) {
        const r = this.events[scanned]!;
        if (match(r.event)) return { ...r, index: scanned };
      }
      const left = deadline - performance.now();
      if (!alive(this.child))
        throw new Error(
          `daemon exited (code ${this.child.exitCode ?? 'none'}, signal ${this.child.signalCode ?? 'none'}) before the awaited event; stderr: ${this.stderr.slice(-2000)}`,
        );
      if (left <= 0)
        throw new Error(
          `no matching daemon event within ${limitMs} ms; last events:\n${this.events
            .slice(-10)
            .map((r) => JSON.stringify(r.event))
            .join('\n')}\nstderr: ${this.stderr.slice(-2000)}`,
        );
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.wake.delete(done);
          resolve();
        };
        const timer = setTimeout(done, left);
        this.wake.add(done);
      });
    }
  }

  /** SIGTERM (the daemon drains and exits 0); SIGKILL only if it is still there after `limitMs`. */
  async stop(limitMs = 30_000): Promise<DaemonExit> {
    return stopDaemon(this.child, this.exited, limitMs);
  }
}

export interface CpuTicks {
  /** utime + stime of the process itself. */
  self: number;
  /** cutime + cstime: children it has waited for (its tmux clients). */
  children: number;
}

/** /proc/<pid>/stat fields 14-17, counted after the last ')' because comm may contain one. */
export function cpuTicks(pid: number): CpuTicks {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const f = (n: number) => Number(fields[n - 3]);
  return { self: f(14) + f(15), children: f(16) + f(17) };
}

export async function clockTicksPerSecond(): Promise<number> {
  const r = await execa('getconf', ['CLK_TCK'], { reject: false, timeout: 10_000 });
  const n = Number(String(r.stdout).trim());
  return Number.isInteger(n) && n > 0 ? n : 100;
}

export interface MemSample {
  rssKiB: number;
  hwmKiB: number;
  /** The resident part that is the process's own (heaps), and the part mapped from files (node's binary, shared). */
  anonKiB: number;
  fileKiB: number;
}

export function memStatus(pid: number): MemSample {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'latin1');
  const kib = (key: string) => {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status);
    if (!m) throw new Error(`/proc/${pid}/status has no ${key}`);
    return Number(m[1]);
  };
  return { rssKiB: kib('VmRSS'), hwmKiB: kib('VmHWM'), anonKiB: kib('RssAnon'), fileKiB: kib('RssFile') };
}

/** Inotify instances held by the process and the watches in them (one `inotify wd:` line per watch in fdinfo). */
export function inotifyWatches(pid: number): { instances: number; watches: number } {
  let instances = 0;
  let watches = 0;
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    let target: string;
    try {
      target = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      continue; // closed between readdir and readlink
    }
    if (target !== 'anon_inode:inotify') continue;
    instances++;
    const info = fs.readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'latin1');
    watches += info.split('\n').filter((l) => l.startsWith('inotify wd:')).length;
  }
  return { instances, watches };
}

/** Nearest-rank percentile (p in 0..100) of the samples. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

export interface Dist {
  p50: number;
  p95: number;
  max: number;
  mean: number;
}

export function dist(values: readonly number[]): Dist {
  return {
    p50: round(percentile(values, 50)),
    p95: round(percentile(values, 95)),
    max: round(Math.max(...values)),
    mean: round(values.reduce((a, b) => a + b, 0) / values.length),
  };
}

/** CPU ticks spent over a wall-clock window, as a percentage of one core. */
export function percentOfCore(ticks: number, hz: number, wallMs: number): number {
  return round((ticks / hz / (wallMs / 1000)) * 100, 3);
}

export async function tmuxServerPid(fixture: Fixture): Promise<number> {
  const r = await execa('tmux', ['-S', fixture.socket, 'display-message', '-p', '-t', `=${KEEPALIVE_SESSION}`, '#{pid}'], {
    env: fixture.env,
    reject: false,
    timeout: 10_000,
  });
  const pid = Number(String(r.stdout).trim());
  if (!Number.isInteger(pid) || pid <= 1) throw new Error(`cannot read the tmux server pid: ${String(r.stderr)}`);
  return pid;
}

export async function hasSession(fixture: Fixture, name: string): Promise<boolean> {
  const r = await execa('tmux', ['-S', fixture.socket, 'has-session', '-t', `=${name}`], {
    env: fixture.env,
    reject: false,
    timeout: 10_000,
  });
  return r.exitCode === 0;
}

/**
 * A tmux control-mode client (`tmux -S sock -C attach -t =bench_keepalive`) on the fixture's server. tmux writes
 * `%unlinked-window-close @N` the moment a window of another session is destroyed, so the bench learns when each
 * agent's session went away without polling tmux (which would itself load the 2-core machine).
 */
export class WindowCloseWatch {
  private readonly closed = new Map<string, number>();
  private constructor(private readonly child: ChildProcess) {}

  static async start(fixture: Fixture): Promise<WindowCloseWatch> {
    const listing = await execa('tmux', ['-S', fixture.socket, 'list-windows', '-a', '-F', '#{window_id} #{session_name}'], {
      env: fixture.env,
      timeout: 30_000,
    });
    const sessionOfWindow = new Map<string, string>();
    for (const line of String(listing.stdout).split('\n').filter(Boolean)) {
      const [id, name] = line.split(' ') as [string, string];
      sessionOfWindow.set(id, name);
    }
    const child = spawn('tmux', ['-S', fixture.socket, '-C', 'attach-session', '-t', `=${KEEPALIVE_SESSION}`], {
      env: { ...process.env, ...fixture.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    trackChild(child);
    const watch = new WindowCloseWatch(child);
    const attached = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('tmux control client did not attach within 10 s')), 10_000);
      onLines(child.stdout!, (line, at) => {
        if (line.startsWith('%session-changed')) {
          clearTimeout(timer);
          resolve();
        }
        const m = /^%(?:unlinked-)?window-close (@\d+)/.exec(line);
        const session = m ? sessionOfWindow.get(m[1]!) : undefined;
        if (session && !watch.closed.has(session)) watch.closed.set(session, at);
      });
      child.once('exit', () => reject(new Error('tmux control client exited before attaching')));
    });
    await attached;
    return watch;
  }

  /** performance.now() when the session's (only) window was reported closed, or undefined if not (yet). */
  closedAt(session: string): number | undefined {
    return this.closed.get(session);
  }

  /** Closing stdin detaches a control client; SIGKILL of our own child only if it lingers. */
  async stop(): Promise<void> {
    if (!alive(this.child)) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.stdin?.end();
    const timer = setTimeout(() => {
      if (alive(this.child)) this.child.kill('SIGKILL');
    }, 5000);
    await exited;
    clearTimeout(timer);
  }
}
