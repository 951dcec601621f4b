import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { KEEPALIVE_SESSION, newSessionLine, startKeepalive } from './fixtures.js';

export interface TmuxFloor {
  /** One `tmux source-file -` of bare `kill-session -t '$id'` lines, spawn to exit, timed from outside. */
  ms: number;
  /** Sessions on the server before the kill (agents, not counting the keepalive session). */
  sessions: number;
  /** Sessions asked to die, and sessions actually gone afterwards (read from a listing). */
  asked: number;
  killed: number;
}

/**
 * What tmux itself needs to destroy the sessions a sweep destroyed, with no janitor involved. A second private
 * server is built exactly like the fixture's: the same keepalive session, then the same session names created in
 * the same order by one `source-file -`, each pane running the same command at the same size. Then one
 * `tmux source-file -` kills the sessions the sweep killed, by `$id`, as the janitor's kill batch does. A sweep can
 * never kill sessions faster than this, so its wall time minus this is the janitor's own extra time.
 */
export async function tmuxKillFloor(sessionNames: readonly string[], kill: ReadonlySet<string>): Promise<TmuxFloor> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aj-bench-floor-'));
  const socket = path.join(dir, 'sock');
  const env = { TMUX: '', HOME: dir, TMUX_TMPDIR: dir, SHELL: '/bin/sh' };
  const tmux = async (args: string[], input = '') => {
    const r = await execa('tmux', ['-S', socket, ...args], { input, env, reject: false, timeout: 120_000 });
    if (r.exitCode !== 0) throw new Error(`tmux ${args.join(' ')} failed (exit ${r.exitCode ?? 'none'}): ${String(r.stderr).trim()}`);
    return String(r.stdout);
  };
  const sessionIds = async () => {
    const byName = new Map<string, string>();
    for (const line of (await tmux(['list-sessions', '-F', '#{session_id} #{session_name}'])).split('\n').filter(Boolean)) {
      const [id, name] = line.split(' ') as [string, string];
      byName.set(name, id);
    }
    return byName;
  };
  try {
    const first = await startKeepalive(socket, env, 30_000);
    if (first.exitCode !== 0) throw new Error(`tmux new-session ${KEEPALIVE_SESSION} failed: ${String(first.stderr)}`);
    await tmux(['source-file', '-'], ['set-option -g exit-empty off', ...sessionNames.map(newSessionLine)].join('\n') + '\n');
    const before = await sessionIds();
    const ids = sessionNames.filter((n) => kill.has(n)).map((n) => before.get(n));
    if (ids.some((id) => id === undefined) || before.size !== sessionNames.length + 1) {
      throw new Error(`floor server has ${before.size} sessions, expected ${sessionNames.length + 1}`);
    }
    const started = performance.now();
    await tmux(['source-file', '-'], ids.map((id) => `kill-session -t '${id!}'`).join('\n') + '\n');
    const ms = Math.round(performance.now() - started);
    const after = await sessionIds();
    return { ms, sessions: sessionNames.length, asked: ids.length, killed: before.size - after.size };
  } finally {
    await execa('tmux', ['-S', socket, 'kill-server'], { env, reject: false, timeout: 30_000 });
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
