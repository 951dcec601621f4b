import fs from 'node:fs';
import { execa } from 'execa';
import type { Config, DoctorCheck } from '../shared/index.js';
import { discoverTasks, workspaceDirOf } from './discovery.js';
import { rootsOf } from './engine.js';
import { listTmux } from './tmux/tmux-listing.js';
import { TmuxClient } from './tmux/tmux-client.js';

/** `source-file -` (reading commands from stdin) is what keeps a sweep at a constant number of tmux spawns. */
const MIN_TMUX = [3, 2] as const;

function parseTmuxVersion(text: string): [number, number] | null {
  const m = /tmux\s+(?:next-)?(\d+)\.(\d+)/.exec(text);
  return m ? [Number(m[1]), Number(m[2])] : null;
}

function readNumber(file: string): number | null {
  try {
    return Number(fs.readFileSync(file, 'utf8').trim());
  } catch {
    return null;
  }
}

async function tmuxChecks(config: Config): Promise<DoctorCheck[]> {
  const version = await execa(config.tmuxBinary, ['-V'], { timeout: config.timeouts.tmuxMs, reject: false });
  if (version.failed && version.exitCode === undefined) {
    return [{ name: 'tmux', ok: false, detail: `cannot run ${config.tmuxBinary}: ${version.shortMessage}` }];
  }
  const parsed = parseTmuxVersion(version.stdout);
  const recent = parsed !== null && (parsed[0] > MIN_TMUX[0] || (parsed[0] === MIN_TMUX[0] && parsed[1] >= MIN_TMUX[1]));
  const checks: DoctorCheck[] = [
    { name: 'tmux', ok: recent, detail: `${version.stdout.trim() || 'unknown version'}${recent ? '' : `; ${MIN_TMUX.join('.')} or newer is required`}` },
  ];
  const client = new TmuxClient({ binary: config.tmuxBinary, socket: config.tmuxSocket, timeoutMs: config.timeouts.tmuxMs });
  const listing = await listTmux(client);
  checks.push({
    name: 'tmux server',
    ok: listing.error === null,
    detail: listing.error ?? (listing.serverPid ? `${client.describe()}: pid ${listing.serverPid}, ${listing.sessions.size} session(s)` : `${client.describe()}: no server running (nothing to clean)`),
  });
  return checks;
}

function rootChecks(roots: readonly string[]): { checks: DoctorCheck[]; tasks: number } {
  const checks: DoctorCheck[] = [];
  for (const root of roots) {
    try {
      fs.accessSync(root, fs.constants.R_OK | fs.constants.X_OK);
      const workspace = workspaceDirOf(fs.realpathSync(root));
      const exists = fs.existsSync(workspace);
      checks.push({ name: `root ${root}`, ok: true, detail: exists ? `readable; ${workspace}` : `readable; no .agent-workspace yet` });
    } catch (err) {
      checks.push({ name: `root ${root}`, ok: false, detail: `not readable: ${(err as NodeJS.ErrnoException).code ?? String(err)}` });
    }
  }
  const discovery = discoverTasks(roots);
  for (const e of discovery.errors) checks.push({ name: `workspace ${e.path}`, ok: false, detail: e.message });
  return { checks, tasks: discovery.tasks.length };
}

function inotifyCheck(tasks: number): DoctorCheck {
  if (process.platform !== 'linux') return { name: 'inotify', ok: true, detail: `not Linux (${process.platform}); the daemon uses the platform watcher` };
  const watches = readNumber('/proc/sys/fs/inotify/max_user_watches');
  const instances = readNumber('/proc/sys/fs/inotify/max_user_instances');
  // The daemon watches each task folder and its logs/: about two watches per task, plus the roots.
  const needed = tasks * 2 + 16;
  const ok = watches === null || watches >= needed;
  return {
    name: 'inotify',
    ok,
    detail: `max_user_watches=${watches ?? '?'}, max_user_instances=${instances ?? '?'}; about ${needed} watches needed for ${tasks} task(s)${ok ? '' : ' (raise fs.inotify.max_user_watches, or the daemon will fall back to polling)'}`,
  };
}

export async function runDoctor(config: Config): Promise<DoctorCheck[]> {
  const roots = rootsOf(config);
  const checks = await tmuxChecks(config);
  const rootsResult = rootChecks(roots);
  checks.push(...rootsResult.checks);
  checks.push(inotifyCheck(rootsResult.tasks));
  const procOk = process.platform !== 'linux' || fs.existsSync('/proc/self/stat');
  checks.push({ name: 'process table', ok: procOk, detail: process.platform === 'linux' ? '/proc' : 'ps -A' });
  return checks;
}
