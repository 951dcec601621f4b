import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';

/**
 * What tmux itself needs to destroy N sessions, with no janitor involved: one `tmux source-file -` of bare
 * `kill-session -t '$id'` lines against a private server holding the same number of sessions as the fixture. A
 * sweep can never kill sessions faster than this, so it is printed next to the sweep's own time.
 */
export async function tmuxKillFloorMs(sessions: number, kill: number): Promise<number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aj-bench-floor-'));
  const socket = path.join(dir, 'sock');
  const env = { TMUX: '', HOME: dir, TMUX_TMPDIR: dir };
  const tmux = (args: string[], input = '') => execa('tmux', ['-S', socket, ...args], { input, env, reject: false, timeout: 120_000 });
  try {
    await execa('tmux', ['-f', '/dev/null', '-S', socket, 'new-session', '-d', '-s', 'floor_keepalive', 'sleep 100000'], { env, timeout: 30_000 });
    const create = ['set-option -g exit-empty off'];
    for (let i = 0; i < sessions; i++) create.push(`new-session -d -s 'agent_floor-${i}' -x 80 -y 24 'sleep 100000'`);
    await tmux(['source-file', '-'], create.join('\n') + '\n');
    const listing = await tmux(['list-sessions', '-F', '#{session_id} #{session_name}']);
    const ids = String(listing.stdout)
      .split('\n')
      .filter((l) => l.includes(' agent_floor-'))
      .slice(0, kill)
      .map((l) => l.split(' ')[0]!);
    const started = performance.now();
    await tmux(['source-file', '-'], ids.map((id) => `kill-session -t '${id}'`).join('\n') + '\n');
    return Math.round(performance.now() - started);
  } finally {
    await tmux(['kill-server']);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
