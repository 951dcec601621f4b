import type { Config, Orphan } from '../../shared/index.js';
import { readProcEntry, readProcessTable } from '../platform/proc-table.js';
import { terminateAll } from '../platform/process-killer.js';
import { childrenIndex, paneEnvIndex, protectedPids, sessionProcesses } from '../platform/process-tree.js';
import { killSessions } from '../platform/tmux-batch.js';
import type { TmuxClient } from '../platform/tmux-client.js';
import { listTmux } from '../platform/tmux-listing.js';
import { plural } from '../../shared/index.js';

/**
 * Kills one orphan session the user chose, by its `$id` (never a name: tmux matches names by prefix), and then every
 * process of it found by parentage or pane environment, each checked by start time before a signal.
 */
export async function killOrphanSession(client: TmuxClient, config: Config, sessionId: string, name: string): Promise<string> {
  const state = await listTmux(client);
  if (state.error) throw new Error(`cannot list tmux sessions: ${state.error}`);
  // Listed by name; the id must match too, or a new session took the name meanwhile (and is not the one judged).
  const session = state.sessions.get(name);
  if (!session) return `session ${name} (${sessionId}) is already gone`;
  if (session.id !== sessionId) throw new Error(`session ${name} is now ${session.id}, not the ${sessionId} judged an orphan; not killed`);
  const table = await readProcessTable(config.timeouts.stepMs);
  const guarded = protectedPids(table, state.serverPid);
  const { members } = sessionProcesses(session, table, childrenIndex(table), paneEnvIndex(table), state.serverPid, guarded);
  const outcome = (await killSessions(client, [sessionId])).get(sessionId);
  if (!outcome?.ok) throw new Error(`kill-session ${name} (${sessionId}) failed: ${outcome?.error ?? 'no outcome'}`);
  const result = await terminateAll(members, config.killGraceMs, config.timeouts.stepMs);
  if (result.survivors.length > 0)
    throw new Error(
      `session killed, but ${result.survivors.length === 1 ? 'process' : 'processes'} ${result.survivors.map((p) => p.pid).join(', ')} survived SIGKILL`,
    );
  return `session ${name} (${sessionId}) killed${result.signalled.length ? `, ${plural(result.signalled.length, 'leftover process', 'leftover processes')} terminated` : ''}`;
}

/** SPEC.md's one exception to "never kill by argv": a suspect the user chose by hand, re-identified first. */
export async function terminateSuspect(config: Config, pid: number, argv: string): Promise<string> {
  const proc = readProcEntry(pid);
  if (!proc) return `process ${pid} is already gone`;
  if (proc.argv !== argv) throw new Error(`process ${pid} now runs ${JSON.stringify(proc.argv)}, not the suspect; not signalled`);
  const result = await terminateAll([proc], config.killGraceMs, config.timeouts.stepMs);
  if (result.errors.length > 0) throw new Error(result.errors.map((e) => `${e.pid}: ${e.message}`).join('; '));
  if (result.survivors.length > 0) throw new Error(`process ${pid} survived SIGKILL`);
  return `process ${pid} terminated`;
}

/**
 * A zombie cannot be killed; only its parent can reap it. SIGCHLD asks it to (a parent that handles the signal
 * waits for its children then), and is harmless to one that does not: nothing is terminated.
 */
export async function nudgeParent(pid: number, ppid: number): Promise<{ ok: boolean; message: string }> {
  const zombie = readProcEntry(pid, false);
  if (!zombie || zombie.state !== 'Z') return { ok: true, message: `process ${pid} is already reaped` };
  if (zombie.ppid !== ppid) throw new Error(`process ${pid} now has parent ${zombie.ppid}, not ${ppid}; nothing sent`);
  process.kill(ppid, 'SIGCHLD');
  for (let waited = 0; waited < 1000; waited += 50) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const now = readProcEntry(pid, false);
    if (!now || now.state !== 'Z') return { ok: true, message: `process ${pid} was reaped by its parent ${ppid}` };
  }
  const parent = readProcEntry(ppid);
  return {
    ok: false,
    message: `process ${pid} is still a zombie: its parent ${ppid}${parent ? ` (${parent.argv})` : ''} does not reap its children; it goes when that process exits`,
  };
}

/**
 * Zombies and leftover processes are seen only while a cleanup runs, never by a dry run; the Alerts view keeps them
 * until /proc says they are gone (the zombie reaped, the process exited or replaced).
 */
export function stillThere(o: Extract<Orphan, { kind: 'zombie' | 'leftover-process' }>): boolean {
  const entry = readProcEntry(o.pid, o.kind === 'leftover-process');
  if (!entry) return false;
  return o.kind === 'zombie' ? entry.state === 'Z' && entry.ppid === o.ppid : entry.state !== 'Z' && entry.argv === o.argv;
}
