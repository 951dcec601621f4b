import { spawn, type ChildProcess } from 'node:child_process';
import { DaemonEventSchema } from '../src/shared/index.js';
import type { UiFixture } from './ui-fixture.js';
import { BIN, alive, stopDaemon, trackChild, type DaemonExit } from './daemon-measure.js';

/**
 * The built `node bin/agent-janitor.js daemon --ui --json` over a UI fixture, with the fixture's private HOME and XDG
 * dirs and its own tmux socket path. It is ready when stdout has carried the `ready` event and stderr the line
 * `agent-janitor: UI at <url>` (the URL holds the access key).
 */

export type DaemonStop = DaemonExit;

export class UiDaemon {
  stderr = '';
  private stdout = '';
  private ready = false;
  private readonly exited: Promise<{ code: number | null; signal: string | null }>;
  private wake: (() => void) | null = null;

  private constructor(private readonly child: ChildProcess) {
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      this.stdout += chunk;
      let nl: number;
      while ((nl = this.stdout.indexOf('\n')) >= 0) {
        const line = this.stdout.slice(0, nl);
        this.stdout = this.stdout.slice(nl + 1);
        const parsed = DaemonEventSchema.safeParse(safeJson(line));
        if (parsed.success && parsed.data.event === 'ready') this.ready = true;
      }
      this.wake?.();
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk;
      this.wake?.();
    });
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.wake?.();
        resolve({ code, signal });
      }),
    );
  }

  /** Starts the daemon and resolves with it and its UI address once both signs of readiness came, or throws after `limitMs`. */
  static async start(fixture: UiFixture, limitMs: number): Promise<{ daemon: UiDaemon; url: string; readyMs: number }> {
    const started = performance.now();
    const child = spawn(process.execPath, [BIN, 'daemon', '--ui', '--json', '--root', fixture.root, '--tmux-socket', fixture.socket], {
      cwd: fixture.dir,
      env: { ...process.env, ...fixture.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const daemon = new UiDaemon(trackChild(child));
    const deadline = started + limitMs;
    for (;;) {
      const url = /agent-janitor: UI at (http\S+)/.exec(daemon.stderr)?.[1];
      if (daemon.ready && url) return { daemon, url, readyMs: Math.round(performance.now() - started) };
      if (!alive(child))
        throw new Error(
          `the daemon exited (code ${child.exitCode ?? 'none'}, signal ${child.signalCode ?? 'none'}) before it was ready; stderr: ${daemon.stderr.slice(-2000)}`,
        );
      const left = deadline - performance.now();
      if (left <= 0) {
        await daemon.stop();
        throw new Error(
          `the daemon was not ready within ${limitMs} ms (ready event: ${daemon.ready ? 'yes' : 'no'}, UI line: ${url ? 'yes' : 'no'}); stderr: ${daemon.stderr.slice(-2000)}`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, left);
        function done() {
          clearTimeout(timer);
          daemon.wake = null;
          resolve();
        }
        daemon.wake = done;
      });
    }
  }

  /** SIGTERM (the daemon drains and exits 0); SIGKILL only if it is still there after `limitMs`. */
  async stop(limitMs = 30_000): Promise<DaemonStop> {
    return stopDaemon(this.child, this.exited, limitMs);
  }
}

function safeJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return null;
  }
}
