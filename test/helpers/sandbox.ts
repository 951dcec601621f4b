import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { ConfigSchema, type Config, type ConfigInput } from '../../src/shared/index.js';

/**
 * A private world per test: a temp dir holding the roots, an isolated tmux server (`-S <dir>/sock`, never the
 * default one) and a fake HOME/XDG dirs so nothing reads or writes the real home.
 */
export class Sandbox {
  readonly dir: string;
  readonly socket: string;
  readonly root: string;
  readonly workspace: string;
  /** A folder outside the roots, holding files named like a workspace's: no test may change it (checked at cleanup). */
  readonly canary: string;
  private readonly canaryBefore: string;

  private constructor(dir: string) {
    this.dir = dir;
    this.socket = path.join(dir, 'sock');
    this.root = path.join(dir, 'project');
    this.workspace = path.join(this.root, '.agent-workspace');
    fs.mkdirSync(this.workspace, { recursive: true });
    for (const d of ['home', 'config', 'state', 'tmux-tmp']) fs.mkdirSync(path.join(dir, d));
    this.canary = path.join(dir, 'canary-outside');
    fs.mkdirSync(path.join(this.canary, 'logs'), { recursive: true });
    for (const name of ['id_rsa', 'agent_prompt_x.txt', 'MANIFEST.jsonl', 'JOURNAL.jsonl', 'logs/x_stream.jsonl'])
      fs.writeFileSync(path.join(this.canary, name), `canary ${name}\n`);
    this.canaryBefore = canaryState(this.canary);
  }

  static create(): Sandbox {
    return new Sandbox(fs.mkdtempSync(path.join(os.tmpdir(), 'aj-test-')));
  }

  get env(): Record<string, string> {
    return {
      HOME: path.join(this.dir, 'home'),
      XDG_CONFIG_HOME: path.join(this.dir, 'config'),
      XDG_STATE_HOME: path.join(this.dir, 'state'),
      AGENT_JANITOR_TMUX_SOCKET: '',
      AGENT_JANITOR_CONFIG: '',
      TMUX: '',
      // Even a tmux client that lost its -S socket could then only reach a server inside the sandbox.
      TMUX_TMPDIR: path.join(this.dir, 'tmux-tmp'),
    };
  }

  config(overrides: ConfigInput = {}): Config {
    return ConfigSchema.parse({ roots: [this.root], tmuxSocket: this.socket, killGraceMs: 300, ...overrides });
  }

  async tmux(...args: string[]): Promise<{ stdout: string; exitCode: number; stderr: string }> {
    const r = await execa('tmux', ['-S', this.socket, ...args], {
      reject: false,
      timeout: 10_000,
      env: { TMUX: '', TMUX_TMPDIR: path.join(this.dir, 'tmux-tmp') },
    });
    return { stdout: String(r.stdout), stderr: String(r.stderr), exitCode: r.exitCode ?? -1 };
  }

  /** Starts a detached session running `command` under sh. */
  async startSession(name: string, command = 'sleep 100000'): Promise<void> {
    const r = await this.tmux('new-session', '-d', '-s', name, '-x', '80', '-y', '24', command);
    if (r.exitCode !== 0) throw new Error(`tmux new-session ${name} failed: ${r.stderr}`);
  }

  async sessions(): Promise<string[]> {
    const r = await this.tmux('list-sessions', '-F', '#{session_name}');
    return r.exitCode === 0 ? r.stdout.split('\n').filter(Boolean).sort() : [];
  }

  async panePids(session: string): Promise<number[]> {
    const r = await this.tmux('list-panes', '-t', `=${session}`, '-F', '#{pane_pid}');
    return r.stdout.split('\n').filter(Boolean).map(Number);
  }

  async serverPid(): Promise<number | null> {
    const r = await this.tmux('display-message', '-p', '#{pid}');
    return r.exitCode === 0 ? Number(r.stdout.trim()) : null;
  }

  async cleanup(): Promise<void> {
    await this.tmux('kill-server');
    // A test that failed before its own cleanup step leaves SIGHUP-ignoring pane processes running after the server
    // dies. They are found by the pane identity tmux put in their environment (this sandbox's socket), never by name.
    for (const pid of startedInSandbox(this.socket)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    const canary = canaryState(this.canary);
    fs.rmSync(this.dir, { recursive: true, force: true });
    if (canary !== this.canaryBefore)
      throw new Error(`the canary folder outside the roots changed:\nbefore ${this.canaryBefore}\nafter  ${canary}`);
  }
}

/** Every entry under `dir` with its content hash and mtime, and the folders' mtimes. */
function canaryState(dir: string): string {
  const entries = fs.readdirSync(dir, { recursive: true, withFileTypes: true }).map((e) => {
    const file = path.join(e.parentPath, e.name);
    const st = fs.lstatSync(file);
    return `${path.relative(dir, file)}:${st.isFile() ? sha256File(file) : st.isDirectory() ? 'dir' : 'other'}:${st.mtimeMs}`;
  });
  return [`.:${fs.statSync(dir).mtimeMs}`, ...entries.sort()].join(' ');
}

export function sha256File(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** The pid of a process that has already exited and been reaped: a node child that prints its own pid and ends. */
export function deadPid(): number {
  return Number(String(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout));
}

/** Alive and not a zombie. */
export function isRunning(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Polls a condition without turning a slow machine into a flaky test: the limit is generous, not a speed target. */
export async function waitFor(check: () => boolean | Promise<boolean>, limitMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return check();
}

/** Sandboxes made on demand by a test file and all cleaned up by its `after` hook. */
export function sandboxPool(): { fresh(): Sandbox; cleanupAll(): Promise<void> } {
  const made: Sandbox[] = [];
  return {
    fresh() {
      const sb = Sandbox.create();
      made.push(sb);
      return sb;
    },
    async cleanupAll() {
      for (const sb of made.splice(0)) await sb.cleanup();
    },
  };
}

/** Processes whose `TMUX` environment names this socket: started in one of the sandbox server's panes. */
export function startedInSandbox(socket: string): number[] {
  const out: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const env = fs.readFileSync(`/proc/${name}/environ`, 'latin1').split('\0');
      if (env.some((v) => v.startsWith(`TMUX=${socket},`))) out.push(Number(name));
    } catch {
      // Gone, or not ours to read.
    }
  }
  return out;
}
