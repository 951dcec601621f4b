import { spawn, type ChildProcess } from 'node:child_process';
import { DaemonEventSchema, type DaemonEvent } from '../../src/shared/index.js';
import type { Sandbox } from './sandbox.js';
import { BIN } from './cli.js';

/** A `daemon --json` process of the built CLI, with its events parsed (and checked against the contract) as they come. */
export class DaemonProcess {
  readonly events: DaemonEvent[] = [];
  stderr = '';
  private buffer = '';
  private waiters: (() => void)[] = [];
  readonly exited: Promise<number | null>;

  private constructor(readonly child: ChildProcess) {
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      this.buffer += chunk;
      let nl: number;
      while ((nl = this.buffer.indexOf('\n')) >= 0) {
        const line = this.buffer.slice(0, nl);
        this.buffer = this.buffer.slice(nl + 1);
        this.events.push(DaemonEventSchema.parse(JSON.parse(line)));
      }
      for (const wake of this.waiters.splice(0)) wake();
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk;
    });
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  /** `prefix` runs the daemon under another command (which must exec it, so signals reach the daemon itself). */
  static start(sb: Sandbox, args: string[] = [], env: Record<string, string> = {}, prefix: string[] = []): DaemonProcess {
    const command = [...prefix, process.execPath, BIN, 'daemon', '--json', '--root', sb.root, '--tmux-socket', sb.socket, ...args];
    const child = spawn(command[0]!, command.slice(1), {
      cwd: sb.dir,
      env: { ...process.env, ...sb.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new DaemonProcess(child);
  }

  /** Resolves with the first event (from `from` on) that matches; rejects after a generous limit (a guard, not a target). */
  async waitFor<E extends DaemonEvent>(match: (e: DaemonEvent) => e is E, limitMs?: number, from?: number): Promise<E>;
  async waitFor(match: (e: DaemonEvent) => boolean, limitMs?: number, from?: number): Promise<DaemonEvent>;
  async waitFor(match: (e: DaemonEvent) => boolean, limitMs = 15_000, from = 0): Promise<DaemonEvent> {
    const deadline = Date.now() + limitMs;
    for (;;) {
      const found = this.events.slice(from).find(match);
      if (found) return found;
      if (Date.now() > deadline)
        throw new Error(
          `no matching daemon event within ${limitMs} ms; got:\n${this.events.map((e) => JSON.stringify(e)).join('\n')}\nstderr: ${this.stderr}`,
        );
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }
}
