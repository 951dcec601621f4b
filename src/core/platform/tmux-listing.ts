import type { TmuxClient } from './tmux-client.js';
import { isNoServer } from './tmux-client.js';

export interface TmuxPane {
  paneId: string;
  panePid: number;
  historySize: number;
  /** The pane's process has exited (tmux keeps such a pane only with remain-on-exit). */
  dead: boolean;
}

export interface TmuxSession {
  id: string;
  name: string;
  /** Newest window_activity over the session's windows, in ms. session_activity is never used: output does not move it. */
  lastActivityMs: number;
  panes: TmuxPane[];
}

export interface TmuxState {
  serverPid: number | null;
  sessions: Map<string, TmuxSession>;
  /** Set when tmux could not be asked; the planner then takes no session decision at all. */
  error: string | null;
}

const SEP = '\t';
// session_name goes last: it is the only field a user controls, so any stray tab in it cannot shift the others.
const FORMAT = [
  '#{pid}',
  '#{session_id}',
  '#{window_activity}',
  '#{pane_id}',
  '#{pane_pid}',
  '#{history_size}',
  '#{pane_dead}',
  '#{session_name}',
].join(SEP);
const NAME_FIELD = 7;

export function parsePaneListing(stdout: string): { serverPid: number | null; sessions: Map<string, TmuxSession> } {
  const sessions = new Map<string, TmuxSession>();
  let serverPid: number | null = null;
  for (const line of stdout.split('\n')) {
    if (line === '') continue;
    const parts = line.split(SEP);
    if (parts.length <= NAME_FIELD) continue;
    const [pid, sessionId, windowActivity, paneId, panePid, historySize, paneDead] = parts as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    const name = parts.slice(NAME_FIELD).join(SEP);
    if (!/^\$\d+$/.test(sessionId) || !/^%\d+$/.test(paneId)) continue;
    serverPid = Number(pid) || serverPid;
    let session = sessions.get(name);
    if (!session) {
      session = { id: sessionId, name, lastActivityMs: 0, panes: [] };
      sessions.set(name, session);
    }
    session.lastActivityMs = Math.max(session.lastActivityMs, Number(windowActivity) * 1000 || 0);
    session.panes.push({ paneId, panePid: Number(panePid), historySize: Number(historySize) || 0, dead: paneDead === '1' });
  }
  return { serverPid, sessions };
}

/** One tmux spawn for every session, window and pane of the server, whatever the number of agents. */
export async function listTmux(client: TmuxClient): Promise<TmuxState> {
  const result = await client.runSettled(['list-panes', '-a', '-F', FORMAT]);
  if (result.spawnError) return { serverPid: null, sessions: new Map(), error: `cannot run tmux: ${result.spawnError}` };
  if (result.timedOut) return { serverPid: null, sessions: new Map(), error: `${client.describe()} list-panes timed out` };
  if (result.exitCode !== 0) {
    if (isNoServer(result.stderr)) return { serverPid: null, sessions: new Map(), error: null };
    return { serverPid: null, sessions: new Map(), error: `${client.describe()} list-panes failed: ${result.stderr.trim()}` };
  }
  return { ...parsePaneListing(result.stdout), error: null };
}
