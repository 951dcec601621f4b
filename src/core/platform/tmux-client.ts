import { execa } from 'execa';

export interface TmuxClientOptions {
  binary: string;
  /** Passed as `-S`; null means tmux's own default server. */
  socket: string | null;
  timeoutMs: number;
}

export interface TmuxResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Set when the binary could not be started at all (missing, not executable). */
  spawnError: string | null;
}

/**
 * The only place that starts tmux. Counting spawns here is how the bench proves the per-sweep spawn count stays
 * constant, and the timeout here is what keeps a hung server from hanging a sweep.
 */
export class TmuxClient {
  spawns = 0;

  constructor(readonly options: TmuxClientOptions) {}

  async run(args: readonly string[], input?: string): Promise<TmuxResult> {
    this.spawns++;
    const full = this.options.socket ? ['-S', this.options.socket, ...args] : [...args];
    const result = await execa(this.options.binary, full, {
      input: input ?? '',
      timeout: this.options.timeoutMs,
      reject: false,
      stripFinalNewline: false,
      maxBuffer: 1024 * 1024 * 1024,
      // A janitor started from inside tmux must not default to the caller's server: -S or tmux's default only.
      env: { TMUX: '' },
      killSignal: 'SIGKILL',
    });
    const spawnError =
      result.failed && result.exitCode === undefined && !result.timedOut
        ? result.originalMessage || result.message || 'spawn failed'
        : null;
    return {
      exitCode: result.exitCode ?? -1,
      stdout: String(result.stdout ?? ''),
      stderr: String(result.stderr ?? ''),
      timedOut: result.timedOut,
      spawnError,
    };
  }

  /**
   * For read-only queries. Killing the last sessions makes the server exit, and a client that connects during that
   * exit is told "server exited unexpectedly"; asked again a moment later, tmux says plainly whether a server (and
   * which sessions) remain. Never used for commands that change anything: those must not run twice.
   */
  async runSettled(args: readonly string[]): Promise<TmuxResult> {
    let result = await this.run(args);
    for (let retry = 1; retry <= 3 && result.exitCode !== 0 && /server exited unexpectedly/i.test(result.stderr); retry++) {
      await new Promise((resolve) => setTimeout(resolve, 25 * retry));
      result = await this.run(args);
    }
    return result;
  }

  describe(): string {
    return this.options.socket ? `tmux -S ${this.options.socket}` : 'tmux (default server)';
  }
}

/**
 * A socket that does not exist, or exists with nobody listening, means no server: nothing to clean. Any other
 * connection failure (permission denied, say) is an error: treating it as "no server" would make every live session
 * look dead.
 */
export function isNoServer(stderr: string): boolean {
  return /no server running/i.test(stderr) || /error connecting to .*\(No such file or directory\)/i.test(stderr);
}
