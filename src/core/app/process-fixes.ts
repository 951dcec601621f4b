import type { Config } from '../../shared/index.js';
import { readProcEntry, readProcessTable } from '../process/proc-table.js';
import { terminateAll } from '../process/process-killer.js';
import { childrenIndex, paneEnvIndex, protectedPids, sessionProcesses } from '../process/process-tree.js';
import { killSessions } from '../tmux/tmux-batch.js';
import type { TmuxClient } from '../tmux/tmux-client.js';
import { listTmux } from '../tmux/tmux-listing.js';

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
  if (result.survivors.length > 0) throw new Error(`session killed, but process(es) ${result.survivors.map((p) => p.pid).join(', ')} survived SIGKILL`);
  return `session ${name} (${sessionId}) killed${result.signalled.length ? `, ${result.signalled.length} leftover process(es) terminated` : ''}`;
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
