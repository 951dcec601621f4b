import fs from 'node:fs';
import { execa } from 'execa';
import type { Config, DoctorCheck } from '../../shared/index.js';
import os from 'node:os';
import path from 'node:path';
import { discoverTasks } from '../workspace/discovery.js';
import { chooseRoots, workspaceBases, workspacesOf, type RootChoice } from '../workspace/roots.js';
import { readStateDatabase } from '../workspace/state-db.js';
import { listTmux } from '../platform/tmux-listing.js';
import { TmuxClient } from '../platform/tmux-client.js';
import { plural } from '../../shared/index.js';
import { errnoCode } from '../../shared/errors.js';

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
    {
      name: 'tmux',
      ok: recent,
      detail: `${version.stdout.trim() || 'unknown version'}${recent ? '' : `; ${MIN_TMUX.join('.')} or newer is required`}`,
    },
  ];
  const client = new TmuxClient({ binary: config.tmuxBinary, socket: config.tmuxSocket, timeoutMs: config.timeouts.tmuxMs });
  const listing = await listTmux(client);
  checks.push({
    name: 'tmux server',
    ok: listing.error === null,
    detail:
      listing.error ??
      (listing.serverPid
        ? `${client.describe()}: pid ${listing.serverPid}, ${plural(listing.sessions.size, 'session')}`
        : `${client.describe()}: no server running (nothing to clean)`),
  });
  return checks;
}

function databaseCheck(base: string, timeoutMs: number): DoctorCheck | null {
  const read = readStateDatabase(base, { timeoutMs });
  if (!read.exists) return null;
  const name = `state database ${read.path}`;
  if (read.fatal) return { name, ok: false, detail: `${read.fatal.message}; its agents are not acted on` };
  const agents = [...read.byTask.values()].reduce((n, list) => n + list.length, 0);
  const bad = read.errors.length;
  return {
    name,
    ok: bad === 0,
    detail: `readable (read-only, ${read.ms.toFixed(1)} ms): ${plural(agents, 'agent')} in ${plural(read.byTask.size, 'task')}${bad ? `; ${plural(bad, 'row')} reported: ${read.errors[0]!.message}` : ''}`,
  };
}

function rootCheck(root: RootChoice): DoctorCheck {
  try {
    fs.accessSync(root.path, fs.constants.R_OK | fs.constants.X_OK);
    const bases = workspacesOf(fs.realpathSync(root.path)).filter((ws) => fs.existsSync(ws));
    const where = bases.length ? `workspace base(s): ${bases.join(', ')}` : 'no .agent-workspace (nor TASK-* folders) yet';
    return { name: `root ${root.path}`, ok: true, detail: `readable; ${where}; ${root.why}` };
  } catch (err) {
    return { name: `root ${root.path}`, ok: false, detail: `not readable: ${errnoCode(err) ?? String(err)}; ${root.why}` };
  }
}

function rootChecks(roots: readonly RootChoice[], config: Config): { checks: DoctorCheck[]; tasks: number; bases: number } {
  const checks = roots.map(rootCheck);
  const discovery = discoverTasks(roots.map((r) => r.path));
  for (const e of discovery.errors) checks.push({ name: `workspace ${e.path}`, ok: false, detail: e.message });
  for (const base of discovery.bases) {
    const check = databaseCheck(base, config.timeouts.databaseMs);
    if (check) checks.push(check);
  }
  const orchestratorDefault = path.join(os.homedir(), '.claude-orchestrator', 'workspaces');
  if (fs.existsSync(orchestratorDefault) && !workspaceBases(roots.map((r) => r.path)).includes(fs.realpathSync(orchestratorDefault))) {
    checks.push({
      name: 'orchestrator default workspace',
      ok: true,
      detail: `${orchestratorDefault} exists but is not one of the roots; add --root ${orchestratorDefault} (or drop the configured roots) to clean its agents`,
    });
  }
  return { checks, tasks: discovery.tasks.length, bases: discovery.bases.length };
}

/** Tasks with unfinished agents the watch limit should leave room for (or every task, if there are fewer). */
const ACTIVE_ROOM = 100;

/**
 * The daemon holds two watches per workspace base and one per task that can still change (its registry); finished
 * tasks cost none. The limit is per user and shared with every other program that watches files.
 */
export function inotifyVerdict(limits: { watches: number | null; instances: number | null }, tasks: number, bases: number): DoctorCheck {
  const forBases = 2 * bases;
  const room = limits.watches === null ? null : limits.watches - forBases;
  const ok = room === null || room >= Math.min(tasks, ACTIVE_ROOM);
  const advice = ok ? '' : ' (raise fs.inotify.max_user_watches, or the daemon will fall back to polling)';
  return {
    name: 'inotify',
    ok,
    detail: `max_user_watches=${limits.watches ?? '?'}, max_user_instances=${limits.instances ?? '?'}; ${forBases} for ${plural(bases, 'workspace base')}, room for ${room ?? '?'} tasks with unfinished agents (of ${plural(tasks, 'task')})${advice}`,
  };
}

function inotifyCheck(tasks: number, bases: number): DoctorCheck {
  if (process.platform !== 'linux')
    return { name: 'inotify', ok: true, detail: `not Linux (${process.platform}); the daemon uses the platform watcher` };
  const limits = {
    watches: readNumber('/proc/sys/fs/inotify/max_user_watches'),
    instances: readNumber('/proc/sys/fs/inotify/max_user_instances'),
  };
  return inotifyVerdict(limits, tasks, bases);
}

export async function runDoctor(config: Config): Promise<DoctorCheck[]> {
  const checks = await tmuxChecks(config);
  const rootsResult = rootChecks(chooseRoots(config), config);
  checks.push(...rootsResult.checks);
  checks.push(inotifyCheck(rootsResult.tasks, rootsResult.bases));
  const procOk = process.platform !== 'linux' || fs.existsSync('/proc/self/stat');
  checks.push({ name: 'process table', ok: procOk, detail: process.platform === 'linux' ? '/proc' : 'ps -A' });
  return checks;
}
